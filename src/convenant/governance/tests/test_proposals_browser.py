"""A proposal decided in real Chromium, on the demo: the secretariat proposes admitting a new
party; the four seats vote, one objects and then withdraws the objection; the secretariat
closes the vote; the decision is adopted, the party appears in the directory, and the
decision log shows it to anyone."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from convenant.core.tests.browser import assert_accessible
from convenant.governance import demo_bodies
from convenant.governance.models import Decision, Proposal
from convenant.parties.demo import DEMO_PASSWORD, demo_email, load_demo_covenant
from convenant.parties.models import Covenant, Party

pytestmark = pytest.mark.browser

NEW_PARTY = "Stichting Pensioenfonds Nieuwland (fictief)"


@pytest.fixture
def demo(transactional_db: None, live_server, settings) -> str:
    settings.BASE_URL = live_server.url
    load_demo_covenant()
    demo_bodies.load()
    # The demo covenant ran to 2022; a party joins only while it runs, so it is extended.
    Covenant.objects.update(end_date=datetime.date(2030, 12, 31))
    return str(live_server.url)


def log_in(page: Page, base: str, key: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/login/")
    page.get_by_label("E-mailadres").fill(demo_email(key))
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")


def vote(page: Page, base: str, number: int, choice: str, reason: str = "") -> None:
    page.goto(f"{base}/governance/proposals/{number}/")
    page.locator(f"#vote-form input[value='{choice}']").check()
    page.locator("#vote-form textarea[name='reason']").fill(reason)
    page.locator("#vote-form button[type='submit']").click()
    expect(page.locator(".messages")).to_contain_text("is vastgelegd")


def test_admitting_a_party_by_unanimity(page: Page, demo: str) -> None:
    log_in(page, demo, "secretariaat")
    page.goto(demo + "/governance/bodies/stuurgroep/")
    page.get_by_role("link", name="Voorstellen").click()
    page.get_by_role("link", name="Een voorstel doen").click()
    assert_accessible(page, "governance-proposal-form")
    page.locator("#id_kind").select_option("admit_party")
    page.locator("#id_title").fill("Toetreding van Pensioenfonds Nieuwland")
    page.locator("#id_text").fill("De stuurgroep laat Pensioenfonds Nieuwland toe (fictief).")
    closes = timezone.localtime() + datetime.timedelta(days=14)
    page.locator("#id_closes_at").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_party_name").fill(NEW_PARTY)
    page.locator("#id_party_code").fill("NWLND")
    page.locator("#id_party_type").select_option("pension_fund")
    page.locator("#id_party_constituency").select_option(
        label="Pensioenfondsen en Pensioenfederatie"
    )
    page.locator("form.stacked button[type='submit']").click()
    expect(page.locator(".messages")).to_contain_text("staat open voor stemming")
    proposal = Proposal.objects.unrestricted("test").get(title__contains="Nieuwland")
    expect(page.locator("#not-voted")).to_contain_text("Ngo's")
    assert_accessible(page, "governance-proposal-secretariat")

    # The four seats vote; the NGOs object, then withdraw the objection.
    for key in ("federatie", "overheid", "vakbond"):
        log_in(page, demo, key)
        vote(page, demo, proposal.number, "consent")
    log_in(page, demo, "ngo")
    vote(page, demo, proposal.number, "objection", "Eerst het beleid van het fonds zien.")
    expect(page.locator('tr[data-seat="Ngo\'s"]')).to_contain_text("Bezwaar")
    assert_accessible(page, "governance-proposal-seat")
    vote(page, demo, proposal.number, "consent")
    expect(page.locator('tr[data-seat="Ngo\'s"]')).to_contain_text("Instemming")
    expect(page.locator("#not-voted")).to_have_count(0)
    assert not Party.objects.filter(code="NWLND").exists()

    log_in(page, demo, "secretariaat")
    page.goto(f"{demo}/governance/proposals/{proposal.number}/")
    page.get_by_role("button", name="De stemming nu sluiten").click()
    expect(page.locator("#proposal-outcome")).to_contain_text("Aangenomen")
    decision = Decision.objects.unrestricted("test").get(proposal=proposal)
    assert decision.effect_state == Decision.EffectState.APPLIED

    # Anyone: the party is in the directory, and the decision log shows the decision.
    page.context.clear_cookies()
    page.goto(demo + "/parties/")
    expect(page.get_by_role("link", name=NEW_PARTY)).to_be_visible()
    page.goto(demo + "/decisions/")
    expect(page.locator(f"#decision-{decision.number}")).to_contain_text("Nieuwland")
    assert_accessible(page, "governance-decision-log")
    page.locator(f"#decision-{decision.number}").get_by_role(
        "link", name="Bekijk wat er veranderde"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_PARTY)
    expect(page.get_by_role("link", name=f"Besluit {decision.number}")).to_be_visible()
