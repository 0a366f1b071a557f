"""Budget, communication and the annual meeting in real Chromium, on the demo: the secretariat
adds a budget line in Dutch notation, is told plainly when an amount is not one, and books an
expense; a government officer in the steering group reads the overview; an officer of
another fund without a seat finds the annual meeting's invitation on the dashboard, reads
the pack without confidential content, and is refused the budget."""

import pytest
from playwright.sync_api import Page, expect

from convenant.core.tests.browser import assert_accessible
from convenant.governance import demo_bodies, demo_budget, demo_decisions
from convenant.governance.models import Decision
from convenant.parties.demo import DEMO_PASSWORD, demo_email, load_demo_covenant

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db: None, live_server, settings) -> str:
    settings.BASE_URL = live_server.url
    load_demo_covenant()
    demo_bodies.load()
    demo_decisions.load()
    demo_budget.load()
    return str(live_server.url)


def log_in(page: Page, base: str, key: str) -> None:
    page.goto(base + "/login/")
    page.get_by_label("E-mailadres").fill(demo_email(key))
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")


def test_the_secretariat_keeps_the_books_and_the_steering_group_reads_them(
    page: Page, demo: str
) -> None:
    log_in(page, demo, "secretariaat")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Begroting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Begroting 2022")
    assert_accessible(page, "governance-budget-secretariat")

    page.get_by_role("link", name="Begrotingspost toevoegen").click()
    page.get_by_label("Code").fill("B6")
    page.get_by_label("Begrotingspost").fill("Evaluatie")
    page.get_by_label("Begroting (EUR)").fill("veel geld")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".errorlist")).to_contain_text("is geen bedrag in euro")
    assert_accessible(page, "governance-budget-line-error")
    page.get_by_label("Begroting (EUR)").fill("12.500,50")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".messages")).to_contain_text("Begrotingspost B6 van 2022")
    expect(page.get_by_role("table").first).to_contain_text("12.500,50")

    page.get_by_role("link", name="Uitgave boeken B6").click()
    page.get_by_label("Datum").fill("2022-09-01")
    page.get_by_label("Beschrijving").fill("Evaluatiebureau, eerste termijn")
    page.get_by_label("Bedrag (EUR)").fill("2500")
    page.get_by_role("button", name="Opslaan").click()
    row = page.get_by_role("row").filter(has_text="Evaluatie").first
    expect(row).to_contain_text("2.500,00")
    expect(row).to_contain_text("10.000,50")
    expect(row).to_contain_text("20,0%")
    page.context.clear_cookies()

    log_in(page, demo, "overheid")
    page.goto(demo + "/governance/budget/?year=2022")
    expect(page.get_by_role("table").first).to_contain_text("Evaluatie")
    expect(page.get_by_role("link", name="Uitgave boeken B6")).to_have_count(0)
    assert_accessible(page, "governance-budget-steering-group")


def test_a_party_officer_without_a_seat_is_invited_and_reads_the_public_pack(
    page: Page, demo: str
) -> None:
    secret = Decision.objects.unrestricted("test").order_by("-number").first()
    assert secret is not None
    Decision.objects.filter(pk=secret.pk).update(confidential=True)
    log_in(page, demo, "ander-fonds")
    panel = page.locator("section", has=page.locator("#governance-panel"))
    expect(panel).to_contain_text("U bent uitgenodigd voor de jaarlijkse convenantbijeenkomst")
    assert_accessible(page, "governance-dashboard-other-fund")
    panel.get_by_role("link", name="Uitnodiging en stukken").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Uitnodiging")
    assert_accessible(page, "governance-annual-invitation")
    page.get_by_role("link", name="Lees de vergaderstukken").click()
    expect(page.locator("#pack-working_groups")).to_contain_text("Werkgroep")
    page.goto(demo + f"/governance/annual/{secret.decided_on.year}/pack/")
    expect(page.locator("#pack-decisions")).to_contain_text("Besluiten van het jaar")
    expect(page.locator("main")).not_to_contain_text(secret.title)
    assert_accessible(page, "governance-annual-pack")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Communicatie"
    ).click()
    expect(page.get_by_role("heading", name="Geldende afspraken")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Concept: reactie op Kamervragen")
    assert_accessible(page, "governance-communication-public")
    response = page.goto(demo + "/governance/budget/")
    assert response is not None and response.status == 403
