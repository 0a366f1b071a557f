"""The toolkit reaching a fund's contracts, in real Chromium on the demo covenant, through the
product's pages: the secretariat proposes adopting a toolkit release with a new model contract
clause → the four seats of the steering group consent and the vote is closed → the version
shows as adopted on the public toolkit page, to an anonymous visitor → a fund officer records
that one of the fund's two mandates holds the clause verbatim → the fund's outsourcing
dashboard's share of mandates with the clauses in place moves from 0 to 50 % by count (60 % by
invested amount) → the officer records the reporting agreed with the provider and last year's
report, and the share with reporting in place moves too."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from convenant.core.tests.browser import assert_accessible
from convenant.governance import demo_bodies
from convenant.governance.models import Decision
from convenant.outsourcing import kpis
from convenant.outsourcing.models import Mandate, MandateClause, Provider
from convenant.parties.demo import DEMO_PASSWORD, demo_email, fund_code, load_demo_covenant
from convenant.parties.models import Covenant, Party
from convenant.toolkit.actions import texts as toolkit
from convenant.toolkit.models import Release, TextVersion

pytestmark = pytest.mark.browser

IDENTIFIER = "mensenrechten-uitbesteding"
TITLE = "Mensenrechten in het beheercontract (fictief)"
LABEL = "2026"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def demo(transactional_db: None, live_server: Any, settings: Any) -> str:
    settings.BASE_URL = live_server.url
    load_demo_covenant()
    demo_bodies.load()
    # The demo covenant ran to 2022; it is extended so its parties act today.
    Covenant.objects.update(end_date=datetime.date(2030, 12, 31))
    from convenant.core.models import User

    secretariat = User.objects.unrestricted("test set-up").get(email=demo_email("secretariaat"))
    # Test set-up through the toolkit's actions: a new model clause for any provider, its
    # first version in the release the secretariat will put to the steering group.
    version = toolkit.create_text(
        by=secretariat,
        identifier=IDENTIFIER,
        kind="contract_clause",
        title=TITLE,
        title_en="Human rights in the management contract (fictitious)",
        body="De beheerder respecteert de OESO-richtlijnen en de UNGP's (fictief).",
        body_en="The manager respects the OECD Guidelines and the UNGPs (fictitious).",
    )
    release = toolkit.create_release(by=secretariat, label=LABEL)
    toolkit.add_to_release(by=secretariat, release=release, version=version)
    # The fund's two mandates (the mandates' own pages are tested in their area).
    fund = Party.objects.get(code=fund_code(0))
    provider = Provider.objects.create(
        name="Noordzee Vermogensbeheer (fictief)", kind="asset_manager", created_by=secretariat
    )
    for amount, reference in ((600, "NVB-001 (fictief)"), (400, "NVB-002 (fictief)")):
        Mandate.objects.unrestricted("test set-up").create(
            fund=fund,
            provider=provider,
            asset_class="listed_equity",
            invested_eur=Decimal(amount * 1_000_000),
            start_date=datetime.date(2021, 1, 1),
            contract_reference=reference,
            created_by=secretariat,
        )
    return str(live_server.url)


def log_in(page: Page, base: str, key: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/login/")
    page.get_by_label("E-mailadres").fill(demo_email(key))
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")


def no_errors(page: Page) -> None:
    errors = page.locator(".errorlist")
    assert errors.count() == 0, errors.all_inner_texts()


def shares_shown(page: Page, base: str) -> tuple[str, str]:
    page.goto(base + "/outsourcing/")
    count = page.locator("#share-clauses-count .figure").inner_text()
    amount = page.locator("#share-clauses-amount .figure").inner_text()
    return count, amount


def test_an_adopted_clause_reaches_the_funds_contract_and_its_dashboard(
    page: Page, demo: str
) -> None:
    fund = Party.objects.get(code=fund_code(0))
    first = Mandate.objects.unrestricted("test").filter(fund=fund).order_by("-invested_eur").first()
    assert first is not None

    # Before: the toolkit has no contract clause in force, so no mandate has its clauses.
    log_in(page, demo, "fonds-redacteur")
    assert shares_shown(page, demo) == ("0,0 %", "0,0 %")

    # The secretariat proposes adopting the release to the steering group.
    log_in(page, demo, "secretariaat")
    page.goto(f"{demo}/toolkit/releases/{LABEL}/")
    closes = timezone.localtime() + datetime.timedelta(days=7)
    form = page.locator(f"form[action='/toolkit/releases/{LABEL}/propose/']")
    form.locator("[name='closes_at']").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    form.locator("button[type='submit']").click()
    page.wait_for_load_state()
    no_errors(page)
    release = Release.objects.unrestricted("test").get(label=LABEL)
    assert release.proposal is not None
    number = release.proposal.number

    # The four seats consent; the secretariat closes the vote; the decision adopts it.
    for key in ("federatie", "overheid", "vakbond", "ngo"):
        log_in(page, demo, key)
        page.goto(f"{demo}/governance/proposals/{number}/")
        page.locator("#vote-form input[value='consent']").check()
        page.locator("#vote-form button[type='submit']").click()
        expect(page.locator(".messages")).to_contain_text("is vastgelegd")
    log_in(page, demo, "secretariaat")
    page.goto(f"{demo}/governance/proposals/{number}/")
    page.get_by_role("button", name="De stemming nu sluiten").click()
    expect(page.locator("#proposal-outcome")).to_contain_text("Aangenomen")
    decision = Decision.objects.unrestricted("test").get(proposal=release.proposal)
    assert decision.effect_state == Decision.EffectState.APPLIED
    version = TextVersion.objects.unrestricted("test").get(text__identifier=IDENTIFIER)
    assert version.status == "adopted"

    # The version shows as adopted on the public toolkit page, to anyone.
    page.context.clear_cookies()
    page.goto(f"{demo}/toolkit/")
    in_force = page.locator("tr", has_text=TITLE)
    expect(in_force).to_contain_text(str(version.number))
    expect(
        page.locator("tr", has=page.get_by_role("link", name=f"Toolkit {LABEL}"))
    ).to_contain_text("Aangenomen")
    assert_accessible(page, "toolkit-public-adopted")

    # Adopted, but no contract holds it yet: the share stays at nought.
    log_in(page, demo, "fonds-redacteur")
    assert shares_shown(page, demo) == ("0,0 %", "0,0 %")

    # The fund officer records that the larger mandate holds the clause verbatim.
    page.goto(f"{demo}/outsourcing/mandates/{first.pk}/clauses/{IDENTIFIER}/")
    page.locator("[name='inclusion'][value='verbatim']").check()
    version_field = page.locator("[name='version']")
    if version_field.evaluate("e => e.tagName.toLowerCase()") == "select":
        version_field.select_option(str(version.pk))
    page.locator("[name='contract_date']").fill("2021-01-01")
    page.locator("form.stacked button[type='submit'], form button[type='submit']").last.click()
    page.wait_for_load_state()
    no_errors(page)
    clause = MandateClause.objects.unrestricted("test").get(mandate=first)
    assert (clause.inclusion, clause.version_id) == ("verbatim", version.pk)

    # Its dashboard share changes: one of two mandates, 600 of 1,000 million invested.
    assert shares_shown(page, demo) == ("50,0 %", "60,0 %")
    assert_accessible(page, "outsourcing-dashboard")

    # Reporting: the officer records the yearly report agreed with the provider; every year
    # since shows as missing until last year's report is recorded.
    last_year = timezone.localdate().year - 1
    page.goto(f"{demo}/outsourcing/mandates/{first.pk}/reporting/")
    page.get_by_role("link", name="Een rapportage-eis toevoegen").click()
    page.locator("[name='description']").fill("Jaarverslag stemmen en engagement (fictief)")
    page.locator("[name='frequency']").select_option("yearly")
    page.locator("[name='since']").fill("2021-01-01")
    assert_accessible(page, "outsourcing-requirement-form")
    page.locator("main form button[type='submit'], form.stacked button[type='submit']").last.click()
    page.wait_for_load_state()
    no_errors(page)
    expect(page.locator("tr", has_text="Jaarverslag stemmen")).to_contain_text(str(last_year))
    assert_accessible(page, "outsourcing-reporting")
    page.get_by_role("link", name="Een ontvangen rapportage vastleggen").click()
    page.locator("[name='period_start']").fill(f"{last_year}-01-01")
    page.locator("[name='period_end']").fill(f"{last_year}-12-31")
    page.locator("[name='received_on']").fill(timezone.localdate().isoformat())
    page.locator("[name='covers']").first.check()
    page.locator("[name='file']").set_input_files(
        files=[{"name": "jaarverslag.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.locator("form.stacked button[type='submit']").last.click()
    page.wait_for_load_state()
    no_errors(page)
    requirement = page.locator("tr", has_text="Per jaar")  # the report's own row follows
    expect(requirement).to_contain_text("Jaarverslag stemmen")
    expect(requirement).not_to_contain_text(str(last_year))
    page.goto(f"{demo}/outsourcing/")
    expect(page.locator("#share-reporting-count .figure")).to_have_text("50,0 %")
    shares = kpis.fund_shares(fund)
    assert (shares.clauses_by_count, shares.clauses_by_amount) == (
        Decimal("50.0"),
        Decimal("60.0"),
    )
