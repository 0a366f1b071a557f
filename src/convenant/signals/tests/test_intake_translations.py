"""The public intake is complete in French and Spanish: its messages, extracted afresh from
its files, each have a translation in both catalogues (the rest of convenant is Dutch and
English only, checked by core's translation test)."""

from pathlib import Path

import polib
import pytest

from convenant.signals import intake_i18n
from convenant.signals.forms import THEME_LABELS
from convenant.signals.themes import theme_keys


@pytest.mark.parametrize("language", intake_i18n.LANGUAGES)
def test_every_intake_string_is_translated(language: str, tmp_path: Path) -> None:
    fresh = polib.pofile(str(intake_i18n.extract(tmp_path, language)))
    committed = {e.msgid: e for e in polib.pofile(str(intake_i18n.catalogue(language)))}
    missing = [
        e.msgid
        for e in fresh
        if e.msgid not in committed
        or not committed[e.msgid].translated()
        or "fuzzy" in committed[e.msgid].flags
    ]
    assert not missing, (
        f"Untranslated intake strings in {language} "
        f"(run python -m convenant.signals.intake_i18n and translate): {missing}"
    )
    assert len(fresh) > 100  # the extraction did find the intake's messages


@pytest.mark.django_db  # the taxonomy in force is read from the database
def test_intake_theme_names_cover_the_taxonomy() -> None:
    assert set(THEME_LABELS) == set(theme_keys())
