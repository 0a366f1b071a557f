"""Bodies and meetings in real Chromium, on the demo: the secretariat puts an item on the
next steering-group meeting's agenda, a government officer holding a seat finds the meeting,
the overdue action and the agenda, and the monitoring committee finds its own body."""

import pytest
from playwright.sync_api import Page, expect

from convenant.core.tests.browser import assert_accessible
from convenant.governance import demo_bodies
from convenant.governance.models import Meeting
from convenant.parties.demo import DEMO_PASSWORD, demo_email, load_demo_covenant

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db: None, live_server, settings) -> str:
    settings.BASE_URL = live_server.url
    load_demo_covenant()
    demo_bodies.load()
    return str(live_server.url)


def log_in(page: Page, base: str, key: str) -> None:
    page.goto(base + "/login/")
    page.get_by_label("E-mailadres").fill(demo_email(key))
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")


def test_the_secretariat_sets_the_agenda_and_a_seat_holder_finds_it(page: Page, demo: str) -> None:
    upcoming = (
        Meeting.objects.unrestricted("test")
        .filter(body__slug="stuurgroep", state="agenda_published")
        .get()
    )
    log_in(page, demo, "secretariaat")
    page.get_by_role("link", name="Organen").click()
    assert_accessible(page, "governance-body-list")
    page.get_by_role("link", name="Stuurgroep").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stuurgroep")
    assert_accessible(page, "governance-steering-group-secretariat")
    page.get_by_role("link", name=upcoming.title).click()
    page.get_by_text("Een agendapunt toevoegen").click()
    form = page.locator("form[action$='/items/']")
    form.get_by_label("Titel").fill("Verzoek van een nieuw fonds")
    form.get_by_label("Duur (minuten)").fill("25")
    page.get_by_role("button", name="Punt toevoegen").click()
    expect(page.locator(".messages")).to_contain_text("aan de agenda toegevoegd")
    expect(page.get_by_role("table")).to_contain_text("Verzoek van een nieuw fonds")
    assert_accessible(page, "governance-meeting-secretariat")
    page.context.clear_cookies()

    log_in(page, demo, "overheid")
    assert_accessible(page, "governance-dashboard-government")
    page.goto(demo + "/governance/bodies/stuurgroep/")
    expect(page.locator("#overdue")).to_contain_text("Verlopen actiepunten")
    page.get_by_role("link", name=upcoming.title).click()
    expect(page.get_by_role("table")).to_contain_text("Verzoek van een nieuw fonds")
    assert_accessible(page, "governance-meeting-government")
    page.goto(demo + "/governance/actions/")
    assert_accessible(page, "governance-actions-government")
    page.context.clear_cookies()

    log_in(page, demo, "monitoring")
    page.goto(demo + "/governance/bodies/monitoringcommissie/")
    expect(page.get_by_role("heading", name="Vergaderingen")).to_be_visible()
    assert_accessible(page, "governance-monitoring-committee")
    page.goto(demo + f"/governance/meetings/{upcoming.pk}/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text(upcoming.title)
