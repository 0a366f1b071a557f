"""Signals offer and accept the themes of the risk taxonomy's edition in force, read through
the risk app, so a verified signal always lands on a theme the risk results know."""

from pathlib import Path

import pytest
from django.utils import translation

from convenant.core.errors import ActionError
from convenant.risk.testing import load_next_theme_edition
from convenant.signals.tests.helpers import report
from convenant.signals.themes import theme_choices, theme_keys, theme_names
from convenant.signals.validation import check_report


@pytest.mark.django_db
def test_choices_are_the_edition_in_force(tmp_path: Path) -> None:
    # Given the shipped edition and a later one without animal welfare
    load_next_theme_edition(tmp_path)
    # Then signals offer the 13 themes of the later one, with its names in both languages
    assert len(theme_keys()) == 13 and "animal-welfare" not in theme_keys()
    assert ("forced-labour", "Forced labour (2027)") in theme_choices()
    with translation.override("nl"):
        assert theme_names()["forced-labour"] == "Dwangarbeid (2027)"


@pytest.mark.django_db
def test_a_report_on_a_theme_no_longer_in_force_is_refused(tmp_path: Path) -> None:
    load_next_theme_edition(tmp_path)
    with pytest.raises(ActionError, match="Choose the themes from the list"):
        check_report(report(themes=["animal-welfare"]))
    assert check_report(report(themes=["forced-labour"])).themes == ["forced-labour"]
