"""An engagement in real Chromium: a fund's editor starts one on a company the fund holds,
adds an objective, reaches milestone 1 with its evidence, logs the fund's own AGM vote, and
— a milestone's target having passed — reads "escalation due" with the step suggested next.
Fund B, not taking part, cannot find it."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Page, expect

from convenant.core.testing import World, build_world
from convenant.core.tests.browser import assert_accessible
from convenant.engagement.ladder import load_ladder
from convenant.portfolios.importing.write import partition_name
from convenant.portfolios.models import Issuer, Position, Snapshot

pytestmark = pytest.mark.browser
TODAY = timezone.localdate()


@pytest.fixture
def live_world(transactional_db: None, live_server, settings) -> World:
    settings.BASE_URL = live_server.url
    world = build_world()
    load_ladder()
    issuer = Issuer.objects.create(
        legal_name="Oliepalm Plantages Bhd", country_of_incorporation="MY", source="gleif"
    )
    snapshot = Snapshot.objects.create(fund=world.fund, as_of=TODAY - datetime.timedelta(days=30))
    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE TABLE "{partition_name(snapshot.pk)}" PARTITION OF portfolios_position '
            f"FOR VALUES IN ({snapshot.pk})"
        )
    Position.objects.create(
        snapshot=snapshot,
        row=1,
        issuer=issuer,
        name=issuer.legal_name,
        currency="EUR",
        market_value=2_500_000,
        value_eur=2_500_000,
        status=Position.Status.MATCHED,
        match_method="name",
        match_confidence=95,
    )
    return world


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")


def test_an_editor_engages_a_held_company_and_is_told_when_to_escalate(
    page: Page, live_server, live_world: World
) -> None:
    base = live_server.url
    log_in(page, base, "fund_editor@example.org")
    page.goto(base + "/engagement/")
    page.get_by_role("link", name="Engagement starten").click()
    page.locator("[name=title]").fill("Ontbossing en landrechten")
    page.locator("[name=target]").select_option("issuer")
    page.locator("[name=issuer]").select_option(label="Oliepalm Plantages Bhd")
    page.locator("[name=themes]").fill("land-rights, deforestation")
    page.locator("[name=lead_party]").select_option(label="Pensioenfonds Alfa")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ontbossing en landrechten")
    expect(page.locator("#leverage")).to_contain_text("2.500.000")

    page.get_by_role("link", name="Doelstelling toevoegen").click()
    page.locator("[name=title]").fill("Geen ontbossing meer")
    yesterday = (TODAY - datetime.timedelta(days=1)).isoformat()
    page.locator("[name=target_2]").fill(yesterday)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#escalation-due")).to_contain_text("Brief of e-mail")

    page.locator(".milestone").first.get_by_role("link", name="Bereikt").click()
    page.locator("[name=evidence]").fill("Brief aan de raad van bestuur, 3 maart")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".milestone").first).to_contain_text("bereikt op")

    page.get_by_role("link", name="Activiteit vastleggen").click()
    page.locator("[name=step]").select_option("agm-vote")
    page.locator("[name=party]").select_option(label="Pensioenfonds Alfa")
    page.locator("[name=summary]").fill("Tegen de herbenoeming van de voorzitter")
    page.locator("[name=agm_item]").fill("Agendapunt 6: herbenoeming")
    page.locator("[name=vote]").select_option("against")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".errorlist")).to_contain_text("Geef de motivering van de stem.")
    page.locator("[name=vote_rationale]").fill("Geen voortgang op ontbossing")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#activities .vote")).to_contain_text("Agendapunt 6")

    # Milestone 2's target passed: escalation is due, and the step after the vote suggested.
    expect(page.locator("#escalation-due")).to_contain_text(
        "Aandeelhoudersvoorstel ingediend of mede-ingediend"
    )
    assert_accessible(page, "engagement-detail")
    page.goto(base + "/engagement/?due=1")
    expect(page.get_by_role("table")).to_contain_text("Ontbossing en landrechten")
    assert_accessible(page, "engagement-list")
    page.context.clear_cookies()

    log_in(page, base, "other_fund@example.org")
    page.goto(base + "/engagement/?mine=0")
    expect(page.get_by_role("table")).not_to_contain_text("Ontbossing")
