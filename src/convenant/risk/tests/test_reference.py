"""The reference library loads completely — every row mapped to a country — with source and
edition, reloads without duplicating, and refuses a bad file with line and column."""

import shutil
from pathlib import Path

import pytest
from django.test import Client

from convenant.core.errors import ActionError
from convenant.risk.actions import LIBRARY, library_folders, load_reference_dataset
from convenant.risk.models import CountryIndicator, GoodsListing, ReferenceDataset

pytestmark = pytest.mark.django_db

EXPECTED_ROWS = {
    "ituc-gri": 151,
    "ilo-fundamental": 187,
    "dol-tvpra": 467,
    "methodology": 5,
    "methodology-2026.1": 5,
    "walkfree-gsi": 180,
    "themes": 14,
    "sector-map": 268,
    "sector-map-2026.1": 42,
}


def test_every_dataset_loads_with_every_row_mapped() -> None:
    loaded = {folder.name: load_reference_dataset(folder) for folder in library_folders()}
    assert {k: d.rows for k, d in loaded.items()} == EXPECTED_ROWS
    assert GoodsListing.objects.count() == 467
    # Every row of every file became a value for an ISO country: none was left out.
    assert CountryIndicator.objects.filter(dataset__key="ituc-gri").count() == 151
    assert CountryIndicator.objects.filter(dataset__key="ilo-fundamental").count() == 187 * 11
    assert all(d.citation and d.source and d.licence and d.provenance for d in loaded.values())


def test_values_keep_their_meaning() -> None:
    for folder in library_folders():
        load_reference_dataset(folder)
    ituc = CountryIndicator.objects.get(indicator="ituc_rating", country="KR")
    assert ituc.value in {"1", "2", "3", "4", "5", "5+"} and ituc.number is not None
    five_plus = CountryIndicator.objects.filter(indicator="ituc_rating", value="5+")
    assert five_plus.count() == 12 and {v.number for v in five_plus} == {6}
    # Luxembourg is not rated by ITUC: no value at all, which callers read as "not rated".
    assert not CountryIndicator.objects.filter(indicator="ituc_rating", country="LU").exists()
    denounced = CountryIndicator.objects.get(indicator="ilo_c105", country="MY")
    assert denounced.value == "denounced" and denounced.number is None
    assert CountryIndicator.objects.get(indicator="ilo_c182", country="US").number == 1999
    assert CountryIndicator.objects.filter(indicator="gsi_prevalence", country="XK").exists()


def test_reloading_replaces_and_never_duplicates() -> None:
    first = load_reference_dataset(LIBRARY / "ituc-gri")
    again = load_reference_dataset(LIBRARY / "ituc-gri")
    assert first.pk == again.pk and ReferenceDataset.objects.count() == 1
    assert CountryIndicator.objects.count() == 151


def copy_with(tmp_path: Path, key: str, old: str, new: str) -> Path:
    folder = tmp_path / key
    shutil.copytree(LIBRARY / key, folder)
    data = next(folder.glob("*.csv"))
    data.write_text(data.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "Afghanistan,AF",
            "Atlantis,QQ",
            "line 2, column Country: country “Atlantis” not recognised",
        ),
        ("Burundi,BI", "Burundi,BE", "“Burundi” is BI, the file says BE"),
        ("Afghanistan,AF,5+", "Afghanistan,AF,7", "unknown value “7”"),
    ],
)
def test_bad_rows_are_refused_with_line_and_column(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    folder = copy_with(tmp_path, "ituc-gri", old, new)
    with pytest.raises(ActionError, match=message):
        load_reference_dataset(folder)
    assert not ReferenceDataset.objects.exists() and not CountryIndicator.objects.exists()


def test_pages_show_source_and_edition() -> None:
    dataset = load_reference_dataset(LIBRARY / "walkfree-gsi")
    page = Client().get(f"/reference/{dataset.pk}/?country=Nederland").content.decode()
    assert "Walk Free 2023, The Global Slavery Index 2023, Minderoo Foundation" in page
    assert "Nederland" in page and "0.6" in page


def test_taxonomy_and_sector_map() -> None:
    from convenant.risk.models import SectorThemeRisk, Theme

    load_reference_dataset(LIBRARY / "themes")
    load_reference_dataset(LIBRARY / "sector-map")
    climate = Theme.objects.get(key="climate")
    assert climate.parent is not None and climate.parent.key == "environment"
    assert (climate.name, climate.name_en) == ("Klimaat", "Climate")
    # Edition 2026.2: the garment guidance's wages belong to apparel, not to all of 25.
    garment = SectorThemeRisk.objects.get(sector_code="252030", theme="living-wage")
    assert garment.severity == 4 and "Garment and Footwear" in garment.citation
    assert "kleding- en schoenensector" in garment.citation_nl
    assert garment.sector_name_nl == "Textiel, kleding en luxegoederen"
    assert not SectorThemeRisk.objects.exclude(
        theme__in=Theme.objects.values_list("key", flat=True)
    ).exists()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("living-wage: [4, garment", "wages: [4, garment", "not a theme of the taxonomy"),
        ("living-wage: [4, garment", "living-wage: [7, garment", "severity must be 1 to 4"),
        ("living-wage: [4, garment", "living-wage: [4, rumour", "unknown source rumour"),
    ],
)
def test_a_bad_sector_map_is_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    from convenant.risk.models import SectorThemeRisk

    load_reference_dataset(LIBRARY / "themes")
    folder = tmp_path / "sector-map"
    shutil.copytree(LIBRARY / "sector-map", folder)
    manifest = folder / "dataset.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    with pytest.raises(ActionError, match=message):
        load_reference_dataset(folder)
    assert not SectorThemeRisk.objects.exists()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "{key: pollution, parent: environment",
            "{key: pollution, parent: milieu",
            "unknown parent milieu",
        ),
        (
            '{key: climate, parent: environment, nl: "Klimaat"',
            '{key: pollution, parent: environment, nl: "Klimaat"',
            "used twice",
        ),
        ('nl: "Dierenwelzijn", ', "", "needs key, nl and en"),
    ],
)
def test_a_bad_taxonomy_is_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    from convenant.risk.models import Theme

    folder = tmp_path / "themes"
    shutil.copytree(LIBRARY / "themes", folder)
    manifest = folder / "dataset.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert old in text
    manifest.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(ActionError, match=message):
        load_reference_dataset(folder)
    assert not Theme.objects.exists() and not ReferenceDataset.objects.exists()


def test_an_incomplete_methodology_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "methodology"
    shutil.copytree(LIBRARY / "methodology", folder)
    manifest = folder / "dataset.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("  - {level: low, min_product: 1}\n", ""), encoding="utf-8")
    with pytest.raises(ActionError, match="methodology is incomplete"):
        load_reference_dataset(folder)
    assert not ReferenceDataset.objects.exists()
