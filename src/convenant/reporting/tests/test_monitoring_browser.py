"""The year's monitoring from end to end, in real Chromium through the product's pages: a fund
officer fills in the covenant's questionnaire, saves it, confirms the pre-filled answers and
submits → the monitoring committee starts its review and asks a question → the fund answers it
in the platform and resubmits → the committee resolves it, confirms every score and accepts →
the committee writes the public summary and signs the report off → the secretariat renders the
report (the PDF) and puts it and its summary to the steering group → the four seats consent,
each time, and the votes close → the public monitoring page shows the summary, to anyone."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from convenant.core.testing import build_world
from convenant.core.tests.browser import assert_accessible
from convenant.governance.testing import build_governance
from convenant.reporting.models import MonitoringReport, Score
from convenant.reporting.tests.test_submissions import fresh, of, open_cycle

pytestmark = pytest.mark.browser

PASSWORD = "pw-test-12345"  # the test world's people
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LABEL = "w-2021"
QUESTION = "Hoe is de 80 % berekend? (fictief)"
ANSWER = "Over het belegd vermogen in aandelen en obligaties (fictief)."
SUMMARY = "Vijf fondsen voldoen aan alle vier de hoofdindicatoren (fictief)."
WHY = "test"


@pytest.fixture
def base(transactional_db: None, live_server: Any, settings: Any) -> str:
    settings.BASE_URL = live_server.url
    return str(live_server.url)


def log_in(page: Page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")


def no_errors(page: Page) -> None:
    errors = page.locator(".errorlist")
    assert errors.count() == 0, errors.all_inner_texts()


def q(page: Page, code: str) -> Locator:
    return page.locator("#q-" + code.replace(".", "\\."))


def saved(page: Page, code: str) -> None:
    expect(q(page, code).locator(".saved")).to_have_text("Opgeslagen")


def fill_in(page: Page, tmp_path: Path) -> None:
    """The fund officer's answers, each saved as it is typed."""
    q(page, "P1.1").get_by_label("Ja").check()
    saved(page, "P1.1")
    q(page, "P1.2").get_by_label("Datum").fill("2019-06-30")
    saved(page, "P1.2")
    q(page, "P2.1").locator("select").select_option("all")
    saved(page, "P2.1")
    q(page, "P2.2").get_by_label("Antwoord").fill("80")
    saved(page, "P2.2")
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
    document = tmp_path / "beleid.pdf"
    document.write_bytes(PDF)
    page.reload()
    evidence = q(page, "P1.3")
    evidence.get_by_text("Bewijsstuk toevoegen").click()
    evidence.get_by_label("Document").set_input_files(str(document))
    evidence.get_by_role("button", name="Uploaden").click()
    expect(page.locator(".messages")).to_contain_text("toegevoegd")


def steering_group_approves(page: Page, base: str, gov: Any, kind: str) -> None:
    """The secretariat puts one approval to the steering group, the four seats consent and
    the secretariat closes the vote."""
    log_in(page, base, "secretariat@example.org")
    page.goto(f"{base}/reporting/report/{LABEL}/approval/")
    propose = page.locator("#propose")
    propose.locator("[name='kind']").select_option(kind)
    closes = timezone.localtime() + datetime.timedelta(days=7)
    propose.locator("[name='closes_at']").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    propose.get_by_role("button", name="Voorstellen aan de stuurgroep").click()
    page.wait_for_load_state()
    no_errors(page)
    link = page.locator(f"#approval-{kind} a[href*='/governance/proposals/']")
    href = link.get_attribute("href")
    assert href is not None
    for code in ("funds", "government", "unions", "ngos"):
        log_in(page, base, gov.holders[code].email)
        page.goto(base + href)
        page.locator("#vote-form input[value='consent']").check()
        page.locator("#vote-form button[type='submit']").click()
        expect(page.locator(".messages")).to_contain_text("is vastgelegd")
    log_in(page, base, "secretariat@example.org")
    page.goto(base + href)
    page.get_by_role("button", name="De stemming nu sluiten").click()
    expect(page.locator("#proposal-outcome")).to_contain_text("Aangenomen")


def test_the_years_monitoring_from_submission_to_the_public_page(
    page: Page, base: str, tmp_path: Path
) -> None:
    world = build_world()
    gov = build_governance(world)
    cycle = open_cycle(world, label=LABEL)
    submission = of(cycle, world.fund)

    # The fund officer fills in, saves, confirms the pre-filled answers and submits.
    log_in(page, base, "fund_editor@example.org")
    page.goto(f"{base}/reporting/submissions/{submission.pk}/")
    page.get_by_role("button", name="Rapportage beginnen").click()
    expect(q(page, "P3.1")).to_contain_text("Vooringevuld — bevestigen")
    fill_in(page, tmp_path)
    page.get_by_role("button", name="Alle vooringevulde antwoorden bevestigen").click()
    expect(page.locator("#missing")).to_contain_text("Niets")
    page.get_by_role("button", name="Indienen").click()
    expect(page.locator(".messages")).to_contain_text("monitoringcommissie")
    assert fresh(submission).state == "submitted"

    # The committee finds it in its workspace, starts the review and asks about P2.2.
    log_in(page, base, "monitoring@example.org")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Monitoringbeoordeling"
    ).click()
    page.get_by_role("link", name=cycle.name).click()
    assert_accessible(page, "reporting-review-workspace")
    page.get_by_role("link", name=world.fund.name).click()
    page.get_by_role("button", name="Beoordeling starten").click()
    expect(page.locator("#submission-state")).to_have_attribute("data-state", "under_review")
    ask = page.locator("#ask")
    ask.get_by_label("Over de vraag").select_option(label=q_label(page, "P2.2"))
    ask.get_by_label("De vraag van de commissie").fill(QUESTION)
    ask.get_by_role("button", name="Vraag toevoegen").click()
    no_errors(page)
    expect(page.locator("#question-P2\\.2 .thread")).to_contain_text(QUESTION)
    assert_accessible(page, "reporting-review-submission")
    page.get_by_role("button", name="Vragen naar de partij sturen").click()
    expect(page.locator("#submission-state")).to_have_attribute("data-state", "questions_raised")

    # The fund answers in the platform, on its submission's page, and resubmits.
    log_in(page, base, "fund_editor@example.org")
    page.goto(f"{base}/reporting/submissions/{submission.pk}/")
    questions = page.locator("#review-questions")
    expect(questions).to_contain_text(QUESTION)
    questions.get_by_label("Uw antwoord").fill(ANSWER)
    questions.get_by_role("button", name="Antwoord versturen").click()
    expect(page.locator("#review-questions")).to_contain_text(ANSWER)
    page.get_by_role("button", name="Opnieuw indienen").click()
    expect(page.locator(".messages")).to_contain_text("monitoringcommissie")
    assert fresh(submission).state == "resubmitted"

    # The committee resolves its question, confirms every score and accepts.
    log_in(page, base, "monitoring@example.org")
    page.goto(f"{base}/reporting/review/submissions/{submission.pk}/")
    page.get_by_role("button", name="Beoordeling starten").click()
    expect(page.locator("#question-P2\\.2 .thread")).to_contain_text(ANSWER)
    page.locator("#question-P2\\.2").get_by_role("button", name="Afhandelen").click()
    no_errors(page)
    scores = Score.objects.unrestricted(WHY).filter(submission=submission).count()
    assert scores > 0
    for n in range(scores):
        page.locator(".score form").nth(n).get_by_role("button", name="Bevestigen").click()
        expect(page.locator(".messages")).to_contain_text("De score is vastgelegd")
    page.get_by_role("button", name="Inzending accepteren").click()
    expect(page.locator("#submission-state")).to_have_attribute("data-state", "accepted")
    assert fresh(submission).state == "accepted"

    # The committee writes the public summary and signs the report off.
    page.goto(f"{base}/reporting/report/{LABEL}/")
    page.get_by_label("Publieke samenvatting (Nederlands)").fill(SUMMARY)
    page.get_by_role("button", name="Samenvatting opslaan").click()
    no_errors(page)
    page.get_by_role("button", name="Rapport vaststellen").click()
    no_errors(page)
    report = MonitoringReport.objects.unrestricted(WHY).get(cycle=cycle)
    assert report.state == "signed_off" and report.figures_digest

    # The secretariat renders the report: the PDF from the frozen figures.
    log_in(page, base, "secretariat@example.org")
    page.goto(f"{base}/reporting/report/{LABEL}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Downloaden als pdf").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")

    # The steering group approves the report, then its public summary.
    steering_group_approves(page, base, gov, "approve_report")
    steering_group_approves(page, base, gov, "approve_summary")
    report.refresh_from_db()
    assert report.state == "published"

    # The public page shows the summary, to anyone.
    page.context.clear_cookies()
    page.goto(f"{base}/monitoring/{LABEL}/")
    expect(page.locator("main")).to_contain_text(SUMMARY)
    assert_accessible(page, "reporting-monitoring-public")


def q_label(page: Page, code: str) -> str:
    """The question's option in the committee's form ("P2.2 …")."""
    option = page.locator("#ask select option", has_text=code).first
    return option.inner_text()
