"""One way to the themes: only the taxonomy edition in force (the latest loaded) is offered,
while older editions stay for the results that cite them."""

from pathlib import Path

import pytest
from django.test import Client

from convenant.core.errors import ActionError
from convenant.core.testing import World
from convenant.risk.actions import record_company_finding
from convenant.risk.models import ReferenceDataset, Theme
from convenant.risk.testing import load_next_theme_edition


@pytest.mark.django_db
def test_in_force_is_the_latest_edition_known_answer(tmp_path: Path) -> None:
    # Given the shipped edition 2026.1 (14 themes) and a later 2027.1 without animal welfare
    load_next_theme_edition(tmp_path)
    assert ReferenceDataset.objects.filter(key="themes").count() == 2
    # When the themes in force are read
    themes = Theme.objects.in_force()
    # Then they are the 13 of 2027.1 only, in the taxonomy's order, with its names
    assert {t.dataset.edition for t in themes} == {"2027.1"}
    keys = list(themes.values_list("key", flat=True))
    assert len(keys) == 13 and keys[:2] == ["freedom-of-association", "forced-labour"]
    assert "animal-welfare" not in keys
    assert themes.get(key="forced-labour").name_en == "Forced labour (2027)"
    assert Theme.objects.filter(key="animal-welfare").count() == 1  # the old edition stays


@pytest.mark.django_db
def test_no_taxonomy_loaded_offers_no_theme() -> None:
    assert list(Theme.objects.in_force()) == []


def test_a_finding_on_a_theme_no_longer_in_force_is_refused(scored: World, tmp_path: Path) -> None:
    # Given the later edition in force
    load_next_theme_edition(tmp_path)
    miner = scored.extra["miner"]
    finding = {
        "issuer": miner,
        "reference": "SIG-2027-1",
        "scale": 2,
        "scope": 2,
        "irremediability": 2,
        "likelihood": 2,
        "actual": True,
        "source": "signal",
    }
    # When a verified signal is recorded on a theme only the old edition had: refused
    with pytest.raises(ActionError, match="Unknown theme: animal-welfare"):
        record_company_finding(theme="animal-welfare", **finding)
    # Then a theme in force is accepted
    assert record_company_finding(theme="forced-labour", **finding).theme == "forced-labour"


def test_the_risks_page_offers_the_themes_in_force(scored: World, tmp_path: Path) -> None:
    load_next_theme_edition(tmp_path)
    client = Client()
    client.force_login(scored.users["fund_viewer"])
    page = client.get(f"/holdings/{scored.extra['snapshot_id']}/risks/").content.decode()
    assert '<option value="forced-labour">Dwangarbeid (2027)</option>' in page
    assert 'value="animal-welfare"' not in page
