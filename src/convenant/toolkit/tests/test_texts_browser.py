"""A model text adopted in real Chromium, on the demo covenant: the secretariat writes a text,
puts its draft to consultation, a union comments, the secretariat gathers it in a release and
proposes its adoption; the four seats consent and the secretariat closes the vote; the public
toolkit then shows the version as adopted and it downloads."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from convenant.core.tests.browser import assert_accessible
from convenant.governance import demo_bodies
from convenant.governance.models import Proposal
from convenant.governance.tests.test_proposals_browser import log_in, vote
from convenant.parties.demo import load_demo_covenant
from convenant.toolkit.models import TextVersion

pytestmark = pytest.mark.browser

TITLE = "Clausule klachtenmechanisme (fictief)"


@pytest.fixture
def demo(transactional_db: None, live_server, settings) -> str:
    settings.BASE_URL = live_server.url
    load_demo_covenant()
    demo_bodies.load()
    return str(live_server.url)


def test_a_text_written_commented_and_adopted_by_the_steering_group(page: Page, demo: str) -> None:
    log_in(page, demo, "secretariaat")
    page.goto(demo + "/toolkit/")
    page.get_by_text("Een nieuwe voorbeeldtekst schrijven").click()
    page.locator("#id_identifier").fill("contract-klachten")
    page.locator("#id_kind").select_option("contract_clause")
    page.locator("#id_audience").select_option("asset_manager")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_title_en").fill("Grievance mechanism clause (fictional)")
    page.locator("#id_body").fill("De beheerder wijst op het klachtenmechanisme van het fonds.")
    page.locator("#id_body_en").fill("The manager points to the fund's grievance mechanism.")
    page.get_by_role("button", name="De tekst en het eerste concept opslaan").click()
    expect(page.locator(".messages")).to_contain_text("opgeslagen")
    assert_accessible(page, "toolkit-version-draft")
    closes = timezone.localdate() + datetime.timedelta(days=14)
    page.locator("#id_consultation_closes_on").fill(closes.isoformat())
    page.get_by_role("button", name="De consultatie openen").click()
    expect(page.locator(".messages")).to_contain_text("reageren")

    # A union comments, quoting the English text.
    log_in(page, demo, "vakbond")
    page.goto(demo + "/toolkit/texts/contract-klachten/v1/")
    page.locator("#id_language").select_option("en")
    page.locator("#id_passage").fill("grievance mechanism")
    page.locator("#id_text").fill("Name the unions as a channel too (fictional).")
    page.get_by_role("button", name="De opmerking toevoegen").click()
    expect(page.locator("#comments")).to_contain_text("Name the unions")
    assert_accessible(page, "toolkit-version-comments")

    # The secretariat gathers it in a release and proposes the adoption.
    log_in(page, demo, "secretariaat")
    page.goto(demo + "/toolkit/")
    page.get_by_text("Een uitgave beginnen").click()
    page.locator("#id_label").fill("2026")
    page.get_by_role("button", name="De uitgave beginnen").click()
    version = TextVersion.objects.unrestricted("test").get(text__identifier="contract-klachten")
    page.locator("#id_version").select_option(str(version.pk))
    page.get_by_role("button", name="Aan de uitgave toevoegen").click()
    expect(page.locator(".messages")).to_contain_text("zit in de uitgave")
    assert_accessible(page, "toolkit-release")
    vote_closes = timezone.localtime() + datetime.timedelta(days=14)
    page.locator("#id_closes_at").fill(vote_closes.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Vaststelling aan de stuurgroep voorstellen").click()
    proposal = Proposal.objects.unrestricted("test").get(kind="adopt_toolkit_version")
    assert TextVersion.objects.unrestricted("test").get(pk=version.pk).status == "consultation"

    for key in ("federatie", "overheid", "vakbond", "ngo"):
        log_in(page, demo, key)
        vote(page, demo, proposal.number, "consent")
    log_in(page, demo, "secretariaat")
    page.goto(f"{demo}/governance/proposals/{proposal.number}/")
    page.get_by_role("button", name="De stemming nu sluiten").click()
    expect(page.locator("#proposal-outcome")).to_contain_text("Aangenomen")

    # Anyone: the toolkit shows the version in force, with its release and decision.
    page.context.clear_cookies()
    page.goto(demo + "/toolkit/")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    expect(page.get_by_role("link", name="Toolkit 2026")).to_be_visible()
    assert_accessible(page, "toolkit-public")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator(".model-text")).to_contain_text("klachtenmechanisme")
    expect(page.get_by_role("link", name="Downloaden (DOCX)")).to_be_visible()
    assert "Name the unions" not in page.content()
    assert_accessible(page, "toolkit-text-public")
