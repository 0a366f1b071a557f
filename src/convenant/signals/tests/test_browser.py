"""The whole path in Chromium, with axe on every page: a local partner reports anonymously →
the union's handler verifies, assesses, links and shares it → a fund that holds the company
sees the alert and the signal at its level → the reporter reads the handler's question with
the receipt code and answers. A Spanish reporter reports in Spanish; a handler who filed a
signal is not offered its verification (four eyes) and shares it through the grouped, searchable
list of parties."""

from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect

from convenant.core.testing import World, build_world
from convenant.core.tests.browser import assert_accessible, new_page
from convenant.signals.tests.helpers import CHILD_ISIN, fund_holds, issuers

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None, tmp_path: Path) -> World:
    cache.clear()
    world = build_world()
    issuers(world)
    fund_holds(world, "fund_admin", CHILD_ISIN, tmp_path)
    return world


def log_in(browser: Browser, base: str, email: str) -> Page:
    page = next(new_page(browser))
    page.goto(base + "/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    return page


def test_anonymous_report_to_fund_alert_and_answer(
    page: Page, browser: Browser, live_server, live_world: World
) -> None:
    base = live_server.url
    # 1. A local partner reports, in English, without an account.
    page.goto(base + "/report/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report an abuse")
    assert_accessible(page, "intake-en")
    page.get_by_label("Short title").fill("Forced overtime at garment factory")
    page.get_by_role("textbox", name="Company", exact=True).fill("Dochter Textiel B.V.")
    page.get_by_label("Country").select_option("BD")
    page.get_by_label("Site or location").fill("Factory 7, Gazipur")
    page.get_by_label("Forced labour").check()
    page.get_by_label("What happened?").fill("Workers are <b>forced</b> to work unpaid overtime.")
    page.get_by_label("It has happened").check()
    page.get_by_label("Covenant: all parties to the covenant").check()
    page.get_by_label("Only in a redacted form, without names, reporter or exact location").check()
    page.get_by_label("Organisation you work with (optional)").select_option(label="Vakbond Gamma")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your report was received")
    code = page.locator("#receipt-code").inner_text()
    assert len(code.replace("-", "")) == 28
    assert_accessible(page, "intake-received-en")

    # 2. The union's handler triages, assesses, links and shares it.
    handler = log_in(browser, base, "union@example.org")
    handler.goto(base + "/signals/")
    handler.get_by_role("link", name="SIG-").first.click()
    expect(handler.get_by_role("heading", level=1)).to_contain_text("Forced overtime")
    expect(handler.get_by_text("Workers are <b>forced</b>")).to_be_visible()  # escaped
    assert_accessible(handler, "signal-triage-nl")

    def change_state(to: str, reason: str) -> None:
        form = handler.locator("form[action$='/state/']")
        form.get_by_label("Nieuwe status").select_option(to)
        form.get_by_label("Reden").fill(reason)
        form.get_by_role("button", name="Status wijzigen").click()
        expect(handler.get_by_role("status")).to_contain_text("De status is gewijzigd")

    change_state("in_review", "Checking with the local partner")
    assess = handler.locator("form[action$='/assess/']")
    for label, value in [
        ("Schaal", "3"),
        ("Omvang", "3"),
        ("Onherstelbaar karakter", "2"),
        ("Waarschijnlijkheid", "4"),
    ]:
        assess.get_by_label(label).select_option(value)
    assess.get_by_role("button", name="Beoordeling opslaan").click()
    expect(handler.get_by_role("status")).to_contain_text("De beoordeling is opgeslagen")
    expect(
        handler.get_by_text("De koppeling van uitgevende instellingen stelt voor")
    ).to_be_visible()
    # The handler searches the register and links what it finds.
    handler.get_by_label("Zoek in het register van uitgevende instellingen").fill("Dochter")
    handler.locator("form#link").get_by_role("button", name="Zoeken").click()
    found = handler.locator("form[action$='/link/']").filter(has_text="Dochter Textiel B.V.")
    found.get_by_role("button", name="Koppelen").click()
    expect(handler.get_by_role("link", name="Dochter Textiel B.V.")).to_be_visible()
    change_state("verified", "Confirmed by two workers and a photo")
    handler.get_by_role("link", name="Signaal delen").click()
    assert_accessible(handler, "signal-share-nl")
    handler.locator("input[name=visibility][value=covenant]").check()
    handler.get_by_label("Gedeeld verslag").fill("Unpaid overtime at a garment supplier.")
    handler.get_by_label("Reden").fill("Verified; funds holding it should act")
    handler.get_by_role("button", name="Signaal delen").click()
    expect(handler.get_by_role("status")).to_contain_text("Het signaal is gedeeld")
    message = handler.locator("form[action$='/message/']")
    message.get_by_label("Bericht").fill("Since when has this been happening?")
    message.get_by_role("button", name="Versturen").click()
    expect(handler.get_by_role("status")).to_contain_text("Het bericht is verstuurd")
    assert_accessible(handler, "signal-shared-nl")

    # 3. The fund that holds the company sees the alert and the signal, redacted.
    fund = log_in(browser, base, "fund_admin@example.org")
    fund.get_by_role("link", name="Signaalmeldingen").first.click()
    expect(fund.get_by_role("heading", name="Dochter Textiel B.V.")).to_be_visible()
    assert_accessible(fund, "signal-inbox-nl")
    fund.get_by_role("link", name="Forced overtime").click()
    expect(fund.get_by_text("Unpaid overtime at a garment supplier.")).to_be_visible()
    expect(
        fund.get_by_text("Achtergehouden ter bescherming van de betrokkenen").first
    ).to_be_visible()
    expect(fund.get_by_text("Gazipur")).to_have_count(0)
    expect(fund.get_by_text("Workers are <b>forced</b>")).to_have_count(0)
    assert_accessible(fund, "signal-fund-view-nl")

    # 4. The reporter reads the question with the receipt code and answers.
    page.goto(base + "/report/en/follow-up/")
    page.get_by_label("Receipt code").fill(code)
    page.get_by_role("button", name="Open my report").click()
    expect(page.get_by_text("Since when has this been happening?")).to_be_visible()
    expect(page.get_by_text("Verified and shared")).to_be_visible()
    assert_accessible(page, "intake-conversation-en")
    page.get_by_label("Your answer").fill("Since March, every night shift.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("Your answer was sent.")).to_be_visible()
    handler.reload()
    expect(handler.get_by_text("Since March, every night shift.")).to_be_visible()
    handler.context.close()
    fund.context.close()


def test_spanish_reporter_reports_in_spanish(page: Page, live_server, live_world: World) -> None:
    base = live_server.url
    page.goto(base + "/report/es/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Denunciar un abuso")
    # The form leads with what happened; the identifiers wait, folded, in an optional part.
    expect(page.locator("fieldset.section legend").first).to_have_text("El abuso")
    expect(page.get_by_label("ISIN", exact=False)).to_be_hidden()
    country = page.get_by_label("País")
    expect(country.locator("option", has_text="Argelia")).to_have_count(1)
    expect(country.locator("option", has_text="Algeria")).to_have_count(0)
    assert_accessible(page, "intake-es")
    # Sent empty: nothing is stored, the required fields say what is missing.
    page.get_by_role("button", name="Enviar la denuncia").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    assert_accessible(page, "intake-errors-es")
    page.get_by_label("¿Qué ocurrió?").fill("Despidieron a los trabajadores que se afiliaron.")
    page.get_by_label("Ha ocurrido").check()
    page.get_by_label("Libertad sindical y negociación colectiva").check()
    page.get_by_label("Título breve").fill("Despidos tras afiliación sindical")
    page.get_by_role("textbox", name="Empresa", exact=True).fill("Dochter Textiel B.V.")
    country.select_option(label="Argelia")
    page.get_by_role("button", name="Enviar la denuncia").click()
    expect(page.locator("#receipt-code")).to_be_visible()
    assert_accessible(page, "intake-received-es")


def test_four_eyes_and_the_grouped_share_form(
    browser: Browser, live_server, live_world: World
) -> None:
    base = live_server.url
    # The union's handler files a signal for the union.
    handler = log_in(browser, base, "union@example.org")
    handler.goto(base + "/signals/new/")
    handler.get_by_label("Wat is er gebeurd?").fill("Onbetaalde overuren in de nachtploeg.")
    handler.get_by_label("Het is gebeurd").check()
    handler.get_by_label("Dwangarbeid").check()
    handler.get_by_label("Korte titel").fill("Overuren in nachtploeg")
    handler.get_by_role("textbox", name="Bedrijf", exact=True).fill("Dochter Textiel B.V.")
    handler.locator("input[name=visibility][value=covenant]").check()
    handler.locator("input[name=sharing][value=as_reported]").check()
    assert_accessible(handler, "signal-file-nl")
    handler.get_by_role("button", name="Signaal indienen").click()
    expect(handler.get_by_role("status")).to_contain_text("is ingediend")
    signal_url = handler.url

    state = handler.locator("form[action$='/state/']")
    state.get_by_label("Nieuwe status").select_option("in_review")
    state.get_by_label("Reden").fill("Nagaan bij de lokale partner")
    state.get_by_role("button", name="Status wijzigen").click()
    # Four eyes: the filer is not offered the verification, and the page says who gives it.
    expect(handler.locator("#four-eyes")).to_contain_text("U hebt dit signaal ingediend")
    expect(handler.locator("form[action$='/state/']")).to_have_count(0)
    assess = handler.locator("form[action$='/assess/']")
    expect(assess.get_by_label("Schaal")).to_have_value("")  # nothing chosen until chosen
    for label in ("Schaal", "Omvang", "Onherstelbaar karakter", "Waarschijnlijkheid"):
        assess.get_by_label(label).select_option("2")
    assess.get_by_role("button", name="Beoordeling opslaan").click()
    handler.get_by_label("Zoek in het register van uitgevende instellingen").fill("Dochter")
    handler.locator("form#link").get_by_role("button", name="Zoeken").click()
    found = handler.locator("form[action$='/link/']").filter(has_text="Dochter Textiel B.V.")
    found.get_by_role("button", name="Koppelen").click()
    expect(handler.get_by_text("De koppeling vond geen uitgevende instelling")).to_have_count(0)
    assert_accessible(handler, "signal-four-eyes-nl")

    # The secretariat verifies it.
    secretariat = log_in(browser, base, "secretariat@example.org")
    secretariat.goto(signal_url)
    state = secretariat.locator("form[action$='/state/']")
    state.get_by_label("Nieuwe status").select_option("verified")
    state.get_by_label("Reden").fill("Bevestigd door twee bronnen")
    state.get_by_role("button", name="Status wijzigen").click()
    expect(secretariat.get_by_role("status")).to_contain_text("De status is gewijzigd")

    # The filer shares it with one fund, found through the search box.
    handler.goto(signal_url)
    handler.get_by_role("link", name="Signaal delen").click()
    # The named parties show once "restricted" is chosen, grouped by constituency.
    expect(handler.get_by_label("Zoek een partij")).to_be_hidden()
    handler.locator("input[name=visibility][value=restricted]").check()
    expect(handler.locator("details[data-group] summary").first).to_contain_text("Fondsen")
    handler.get_by_label("Zoek een partij").fill("beta")
    expect(handler.get_by_label("Pensioenfonds Beta")).to_be_visible()
    expect(handler.get_by_label("Pensioenfonds Alfa")).to_be_hidden()
    expect(handler.get_by_label("Vakbond Gamma")).to_be_hidden()
    handler.get_by_label("Pensioenfonds Beta").check()
    handler.get_by_label("Zoek een partij").fill("")
    expect(handler.get_by_label("Pensioenfonds Alfa")).to_be_visible()
    handler.get_by_label("Gedeeld verslag").fill("Onbetaalde overuren bij een toeleverancier.")
    handler.get_by_label("Reden").fill("Geverifieerd; het genoemde fonds kan handelen")
    assert_accessible(handler, "signal-share-grouped-nl")
    handler.get_by_role("button", name="Signaal delen").click()
    expect(handler.get_by_role("status")).to_contain_text("Het signaal is gedeeld")

    # The named fund reads it; the other fund does not.
    named = log_in(browser, base, "other_fund@example.org")
    assert named.goto(signal_url).status == 200
    expect(named.get_by_role("heading", level=1)).to_contain_text("Overuren in nachtploeg")
    other = log_in(browser, base, "fund_viewer@example.org")
    assert other.goto(signal_url).status == 404
    for person in (handler, secretariat, named, other):
        person.context.close()
