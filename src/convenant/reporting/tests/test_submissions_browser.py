"""A fund officer fills in the covenant's questionnaire in real Chromium: starts the
submission (answers pre-filled from what the platform knows), answers as the page saves each
field by itself (a reload shows the value kept), sees a dependent question appear, uploads a
document, confirms the pre-filled answers and submits; the answers are then locked."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from convenant.core.testing import build_world
from convenant.core.tests.browser import assert_accessible
from convenant.reporting.models import Reminder
from convenant.reporting.tests.test_submissions import fresh, of, open_cycle

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def base(transactional_db: None, live_server: Any, settings: Any) -> str:
    settings.BASE_URL = live_server.url
    return str(live_server.url)


def q(page: Page, code: str) -> Locator:
    return page.locator("#q-" + code.replace(".", "\\."))


def saved(page: Page, code: str) -> None:
    expect(q(page, code).locator(".saved")).to_have_text("Opgeslagen")


def test_a_fund_officer_fills_in_confirms_and_submits(
    page: Page, base: str, tmp_path: Path
) -> None:
    world = build_world()
    cycle = open_cycle(world, label="b-2021")
    submission = of(cycle, world.fund)
    page.goto(base + "/login/")
    page.get_by_label("E-mailadres").fill("fund_editor@example.org")
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")

    # From the menu to the submission, and start it
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Rapportage").click()
    page.get_by_role("link", name=cycle.name).first.click()
    page.get_by_role("button", name="Rapportage beginnen").click()
    expect(q(page, "P3.1")).to_contain_text("Vooringevuld — bevestigen")
    assert_accessible(page, "reporting-submission")

    # Answered as one types: each field saved by itself, a reload shows it kept
    q(page, "P2.2").get_by_label("Antwoord").fill("80")
    saved(page, "P2.2")
    page.reload()
    expect(q(page, "P2.2").get_by_label("Antwoord")).to_have_value("80")

    # A question that depends on another appears once that one is answered
    expect(q(page, "P1.2")).to_be_hidden()
    q(page, "P1.1").get_by_label("Ja").check()
    saved(page, "P1.1")
    expect(q(page, "P1.2")).to_be_visible()
    q(page, "P1.2").get_by_label("Datum").fill("2019-06-30")
    saved(page, "P1.2")
    q(page, "P2.1").locator("select").select_option("all")
    saved(page, "P2.1")
    q(page, "P3.2").get_by_label("Antwoord").fill("95")
    saved(page, "P3.2")
    for code in ("U1.1", "M1.1", "M2.1", "R1.1"):
        q(page, code).get_by_label("Ja").check()
        saved(page, code)
    q(page, "U2.2").get_by_label("Antwoord").fill("60")
    saved(page, "U2.2")
    q(page, "M1.2").get_by_label("Antwoord").fill("70")
    saved(page, "M1.2")
    q(page, "R1.2").locator("textarea").first.fill("https://www.example.nl/verslag")
    saved(page, "R1.2")
    q(page, "R2.1").locator("select").select_option("results")
    saved(page, "R2.1")

    # The evidence behind the policy, uploaded (checked by its content)
    document = tmp_path / "beleid.pdf"
    document.write_bytes(PDF)
    page.reload()
    evidence = q(page, "P1.3")
    evidence.get_by_text("Bewijsstuk toevoegen").click()
    evidence.get_by_label("Document").set_input_files(str(document))
    evidence.get_by_role("button", name="Uploaden").click()
    expect(page.locator(".messages")).to_contain_text("toegevoegd")

    # Submitting waits for the pre-filled answers; confirmed, it goes
    page.get_by_role("button", name="Indienen").click()
    expect(page.locator(".messages")).to_contain_text("P3.1")
    expect(page.locator("#missing")).to_contain_text("P3.1")
    page.get_by_role("button", name="Alle vooringevulde antwoorden bevestigen").click()
    expect(page.locator("#missing")).to_contain_text("Niets")
    page.get_by_role("button", name="Indienen").click()
    expect(page.locator(".messages")).to_contain_text("monitoringcommissie")
    expect(page.locator("form[data-autosave]")).to_have_count(0)
    expect(q(page, "P2.2")).to_contain_text("80 %")
    assert fresh(submission).state == "submitted"


def test_the_secretariat_prepares_opens_and_follows_a_cycle(page: Page, base: str) -> None:
    from convenant.reporting.tests.test_submissions import framework

    world = build_world()
    framework()
    page.goto(base + "/login/")
    page.get_by_label("E-mailadres").fill("secretariat@example.org")
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Rapportage").click()
    page.get_by_role("link", name="Cyclus voorbereiden").click()
    assert_accessible(page, "reporting-cycle-form")
    page.get_by_label("Label").fill("b-2022")
    page.get_by_label("Naam").fill("Eindmeting 2022 (fictief)")
    page.get_by_label("Soort").select_option("final")
    page.get_by_label("Versie toetsingskader").select_option(label="2019.1")
    page.get_by_label("Peildatum").fill("2022-12-31")
    page.get_by_label("Opent op").fill("2023-01-01")
    page.get_by_label("Deadline").fill("2023-01-31")
    page.get_by_label("Doel Beleid", exact=False).first.fill("50")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Eindmeting 2022 (fictief)")
    page.get_by_role("button", name="Cyclus openen").click()
    expect(page.locator(".messages")).to_contain_text("open")
    # The overview: every party that reports, late already (the deadline has passed)
    table = page.locator("table")
    expect(table).to_contain_text("Pensioenfonds Alfa")
    expect(table).to_contain_text("Vakbond Gamma")
    assert_accessible(page, "reporting-cycle-overview")
    page.get_by_role("link", name="Te laat").click()
    expect(page.locator("tbody tr")).to_have_count(3)
    page.get_by_label("Pensioenfonds Alfa herinneren", exact=False).check()
    page.get_by_role("button", name="Gekozen partijen herinneren").click()
    expect(page.locator(".messages")).to_contain_text("1 partij.")
    reminded = Reminder.objects.unrestricted("test").values_list("submission__party", flat=True)
    assert list(reminded) == [world.fund.pk]
