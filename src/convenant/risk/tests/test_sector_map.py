"""The sector risk map 2026.2: GICS industries below sectors, the most specific entry
applies, in Dutch and English, each row citing the guidance that covers it; edition 2026.1
kept loadable beside it; a bad map is refused naming the entry and theme."""

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.test import Client

from convenant.core.errors import ActionError
from convenant.risk.actions import LIBRARY, library_folders, load_reference_dataset
from convenant.risk.models import ReferenceDataset, SectorGood, SectorThemeRisk
from convenant.risk.sectors import parent_codes, sector_entry

pytestmark = pytest.mark.django_db

MAP = LIBRARY / "sector-map"
GICS_SECTORS = {"10", "15", "20", "25", "30", "35", "40", "45", "50", "55", "60"}
# The industries (GICS 2023) whose guidance differs from their sector's: each has its own
# entry. Telecommunication Services is an industry group (5010), Real Estate two (6010, 6020).
INDUSTRIES = {
    "101010", "101020", "151010", "151020", "151030", "151040", "151050", "201010",
    "201030", "201040", "201060", "2020", "203010", "203030", "203040", "251010", "251020",
    "252010", "252020", "252030", "253010", "255030", "255040", "301010", "302010", "302020",
    "302030", "303010", "303020", "352020", "352010", "351010", "351020", "401010",
    "402030", "403010", "402010", "451030", "451020", "452020", "453010", "452030", "5010",
    "502010", "502030", "551010", "551050", "551040", "6010", "6020", "203050", "253020",
    "15104050",
}  # fmt: skip


def test_the_longest_prefix_of_the_code_is_the_entry() -> None:
    known = {"15", "151040", "50", "5010", "25"}
    # Given a company's GICS code, when the map has its industry, that entry applies …
    assert sector_entry("15104020", known) == "151040"
    assert sector_entry("151040", known) == "151040"
    # … an industry group where that is the most specific entry …
    assert sector_entry("50102010", known) == "5010"
    # … otherwise its sector, and nothing outside the map.
    assert sector_entry("151010", known) == "15"
    assert sector_entry("25", known) == "25"
    assert sector_entry("45103010", known) is None
    assert sector_entry("", known) is None
    assert sector_entry("1", known) is None
    # Separators in a code as some files write it are ignored.
    assert sector_entry("15 10 40 20", known) == "151040"
    assert parent_codes("15104020") == ["151040", "1510", "15"]


@pytest.fixture
def sector_map(db: None) -> ReferenceDataset:
    load_reference_dataset(LIBRARY / "themes")
    return load_reference_dataset(MAP)


def rows(code: str) -> dict[str, SectorThemeRisk]:
    return {
        r.theme: r
        for r in SectorThemeRisk.objects.filter(dataset__edition="2026.2", sector_code=code)
    }


def test_every_sector_has_a_fallback_and_the_industries_their_own_entry(
    sector_map: ReferenceDataset,
) -> None:
    codes = set(SectorThemeRisk.objects.values_list("sector_code", flat=True))
    assert sector_map.edition == "2026.2" and sector_map.rows == 268
    assert codes >= GICS_SECTORS and codes >= INDUSTRIES
    # Every row is complete in both languages.
    assert not SectorThemeRisk.objects.filter(sector_name_nl="").exists()
    assert not SectorThemeRisk.objects.filter(reason_nl="").exists()
    assert not SectorThemeRisk.objects.filter(citation_nl="").exists()


def test_known_rows_of_the_map(sector_map: ReferenceDataset) -> None:
    # A chemicals company no longer cites the guidance for minerals; a mining company does.
    chemicals, mining = rows("151010"), rows("151040")
    assert chemicals and not any("Minerals" in r.citation for r in chemicals.values())
    assert "Minerals from Conflict-Affected" in mining["child-labour"].citation
    assert mining["health-and-safety"].severity == mining["land-rights"].severity == 4
    # Oil and gas carry climate, land and pollution at 4; their service companies do not.
    oil, services = rows("101020"), rows("101010")
    assert {t for t, r in oil.items() if r.severity == 4} == {
        "climate",
        "land-rights",
        "pollution",
    }
    assert max(r.severity for r in services.values()) == 3
    # A steel maker (a sub-industry of Metals & Mining) runs mills, not mines.
    steel = rows("15104050")
    assert sector_entry("15104050", {"15", "151040", "15104050"}) == "15104050"
    assert max(r.severity for r in steel.values()) == 3 and "child-labour" not in steel
    # Software, IT services, insurance and real estate: nothing above 2; banks' financed
    # climate impact at 3 under the lending guidance.
    for code in ("451030", "451020", "403010", "60", "6010", "6020"):
        assert max(r.severity for r in rows(code).values()) <= 2, code
    banks = rows("401010")
    assert banks["climate"].severity == 3 and "Corporate Lending" in banks["climate"].citation
    # Software and banks no longer carry the risks of factories and mines.
    assert "forced-labour" not in rows("451030") and "child-labour" not in rows("401010")
    # The garment guidance's wages are apparel's, not cars' or hotels'.
    assert rows("252030")["living-wage"].severity == 4
    assert "living-wage" not in rows("251020")
    assert rows("253010")["living-wage"].severity == 2
    # Dutch: the official title of the Guidelines, the industry's own name.
    software = rows("451030")["privacy"]
    assert software.citation_nl == (
        "OESO-richtlijnen voor multinationale ondernemingen inzake maatschappelijk "
        "verantwoord ondernemen (2023)"
    )
    assert rows("302020")["child-labour"].sector_name_nl == "Voedingsmiddelen"
    # … and the Dutch edition's own title of the due diligence guidance.
    assert chemicals["child-labour"].citation_nl == (
        "OESO Due Diligence Handreiking voor Maatschappelijk Verantwoord Ondernemen (2018)"
    )


def test_a_4_only_where_the_guidance_names_it_among_the_most_severe(
    sector_map: ReferenceDataset,
) -> None:
    fours = set(SectorThemeRisk.objects.filter(severity=4).values_list("sector_code", "theme"))
    assert fours == {
        ("10", "climate"),
        ("101020", "climate"),
        ("101020", "land-rights"),
        ("101020", "pollution"),
        ("151040", "health-and-safety"),
        ("151040", "land-rights"),
        ("151040", "pollution"),
        ("252030", "living-wage"),
        ("302020", "deforestation-biodiversity"),
    }


def test_goods_count_for_the_industries_that_produce_or_source_them(
    sector_map: ReferenceDataset,
) -> None:
    def codes(good: str) -> set[str]:
        return set(SectorGood.objects.filter(good=good).values_list("sector_code", flat=True))

    assert "302020" in codes("Cocoa") and "302030" not in codes("Cocoa")
    assert {"252030", "255030", "255040"} <= codes("Cotton")
    assert not codes("Cotton") & {"25", "251010", "251020"}
    assert "151040" in codes("Gold") and "151010" not in codes("Gold")
    assert "151010" in codes("Mica")  # what chemicals makers really source: pigments
    # No good is mapped to a whole sector: every industry's goods are its own.
    assert not SectorGood.objects.filter(sector_code__in=GICS_SECTORS).exists()
    cotton = SectorGood.objects.filter(good="Cotton").first()
    assert cotton is not None and "Garment and Footwear" in cotton.citation


def test_both_editions_load_side_by_side_and_reload_without_duplicating() -> None:
    from convenant.risk.scoring import latest_editions

    for _ in range(2):
        for folder in library_folders():
            load_reference_dataset(folder)
    maps = ReferenceDataset.objects.filter(key="sector-map").order_by("edition")
    assert [(d.edition, d.rows) for d in maps] == [("2026.1", 42), ("2026.2", 268)]
    assert SectorThemeRisk.objects.filter(dataset__edition="2026.1").count() == 42
    assert SectorThemeRisk.objects.filter(dataset__edition="2026.2").count() == 268
    # 2026.1 is unchanged: sector level only, English names.
    old = SectorThemeRisk.objects.get(
        dataset__edition="2026.1", sector_code="25", theme="living-wage"
    )
    assert old.severity == 4 and old.sector_name_nl == "" and old.citation_nl == ""
    assert latest_editions()["sector-map"].edition == "2026.2"


def copy_map(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    folder = tmp_path / "sector-map"
    shutil.copytree(MAP, folder)
    manifest = folder / "dataset.yaml"
    text = manifest.read_text(encoding="utf-8")
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    manifest.write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('code: "151010"', 'code: "15101"', "sector 15101: a GICS code has 2, 4, 6 or 8 digits"),
        ('code: "203040"', 'code: "993040"', "sector 993040: its sector 99 has no entry"),
        ('code: "203040"', 'code: "203030"', "sector 203030: listed twice"),
        ("    name_nl: Chemie\n", "", "sector 151010: needs a name in English and in Dutch"),
        (
            '      pollution: [3, guidelines, "Releases',
            '      acid-rain: [3, guidelines, "Releases',
            "sector 151010, theme acid-rain: not a theme of the taxonomy",
        ),
        (
            '      child-labour: [3, agriculture, "Children work on tobacco',
            '      child-labour: [5, agriculture, "Children work on tobacco',
            "sector 302030, theme child-labour: severity must be 1 to 4",
        ),
        (
            '      child-labour: [3, agriculture, "Children work on tobacco',
            '      child-labour: [3, rumour, "Children work on tobacco',
            "sector 302030, theme child-labour: unknown source rumour",
        ),
        (
            '"Children work on tobacco farms.", "Kinderen werken op tabaksboerderijen."',
            '"Children work on tobacco farms.", ""',
            "sector 302030, theme child-labour: needs a reason in English and in Dutch",
        ),
        (
            '    nl: "OESO-FAO Handreiking voor verantwoorde toeleveringsketens in de landbouw'
            ' (2016)"\n',
            "",
            "source agriculture: needs a title in English and in Dutch",
        ),
        ('  - sectors: ["302030"]', '  - sectors: ["302031"]', "sector 302031 is not in the map"),
    ],
)
def test_a_bad_map_is_refused_naming_the_entry_and_theme(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    load_reference_dataset(LIBRARY / "themes")
    folder = copy_map(tmp_path, (old, new))
    with pytest.raises(ActionError, match=message):
        load_reference_dataset(folder)
    # Nothing of the map was loaded.
    assert not ReferenceDataset.objects.filter(key="sector-map").exists()
    assert not SectorThemeRisk.objects.exists() and not SectorGood.objects.exists()


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    load_reference_dataset(LIBRARY / "themes")
    folder = copy_map(
        tmp_path,
        ('code: "151010"', 'code: "15101"'),
        ("    name_nl: Tabak\n", ""),
    )
    with pytest.raises(ActionError) as refused:
        load_reference_dataset(folder)
    assert "sector 15101:" in str(refused.value) and "sector 302030: needs a name" in str(
        refused.value
    )


def test_the_shipped_map_declares_both_languages() -> None:
    manifest = yaml.safe_load((MAP / "dataset.yaml").read_text(encoding="utf-8"))
    assert manifest["languages"] == ["en", "nl"] and manifest["edition"] == "2026.2"


@pytest.mark.parametrize(
    ("language", "sector", "industry", "guidance", "other"),
    [
        (
            "nl",
            "Basismaterialen",
            "Chemie",
            "OESO-richtlijnen voor multinationale ondernemingen",
            "Andere bedrijfstakken van Basismaterialen",
        ),
        (
            "en",
            "Materials",
            "Chemicals",
            "OECD Guidelines for Multinational Enterprises",
            "Other industries of Materials",
        ),
    ],
)
def test_the_page_nests_industries_under_their_sector_in_the_readers_language(
    sector_map: ReferenceDataset,
    language: str,
    sector: str,
    industry: str,
    guidance: str,
    other: str,
) -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(f"/reference/{sector_map.pk}/").content.decode()
    materials = page[page.index('id="gics-15"') : page.index('id="gics-20"')]
    assert f"<h2>{sector} " in materials
    assert f'<h3 id="gics-151010">{industry} ' in materials
    assert guidance in materials and other in materials
    # Industries come before the sector's fallback, in code order.
    assert materials.index("gics-151010") < materials.index("gics-151040") < materials.index(other)


@pytest.mark.browser
def test_the_page_in_chromium_in_both_languages(
    page: Any, live_server: Any, transactional_db: None
) -> None:
    from playwright.sync_api import expect

    from convenant.core.tests.browser import assert_accessible

    load_reference_dataset(LIBRARY / "themes")
    dataset = load_reference_dataset(MAP)
    for language, sector, industry in (
        ("nl", "Basismaterialen", "Metalen en mijnbouw"),
        ("en", "Materials", "Metals & Mining"),
    ):
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        page.goto(f"{live_server.url}/reference/{dataset.pk}/")
        expect(page.locator("#gics-15 h2")).to_contain_text(sector)
        expect(page.locator("#gics-151040")).to_contain_text(industry)
        assert_accessible(page, f"sector-map-2026-2-{language}")
