"""Joining convenant in real Chromium: a party's administrator invites someone on the page,
the e-mail goes out, the newcomer opens its link in a browser of their own, chooses a
password and lands logged in on their dashboard. Chromium sends the Origin header that the
CSRF check reads, so this is where a referrer policy that breaks the form would show."""

import datetime
import re
import time
from collections.abc import Iterator

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from convenant.core.models import User
from convenant.core.testing import World, build_world
from convenant.core.tests.browser import assert_accessible, new_page
from convenant.parties import actions
from convenant.parties.models import Invitation, Membership

pytestmark = pytest.mark.browser

PASSWORD = "een-goed-lang-wachtwoord"


@pytest.fixture
def live_world(transactional_db: None, live_server, settings) -> World:
    settings.BASE_URL = live_server.url  # the e-mailed links point at the server under test
    return build_world()


@pytest.fixture
def newcomer(browser: Browser) -> Iterator[Page]:
    """A browser of the newcomer's own: no cookies, no session of the person who invited."""
    yield from new_page(browser)


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")


def mailed_link(to: str) -> str:
    """The link in the latest e-mail to ``to`` (sent once the invitation has committed)."""
    for _attempt in range(50):
        messages = [m for m in mail.outbox if to in m.to]
        if messages:
            link = re.search(r"https?://\S+/invite/\S+/", str(messages[-1].body))
            assert link is not None, messages[-1].body
            return link.group(0)
        time.sleep(0.1)
    raise AssertionError(f"no e-mail to {to}")


def test_administrator_invites_and_the_newcomer_joins(
    page: Page, newcomer: Page, live_server, live_world: World
) -> None:
    base = live_server.url
    # The fund's administrator invites a colleague from the party's page.
    log_in(page, base, "fund_admin@example.org")
    page.goto(base + "/parties/fa/")
    page.get_by_role("link", name="Iemand uitnodigen").click()
    page.get_by_label("Volledige naam").fill("Nieuwe Collega")
    page.get_by_label("E-mailadres").fill("nieuw@example.org")
    page.get_by_label("Rol").select_option("editor")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.locator(".messages")).to_contain_text("nieuw@example.org")

    # The e-mail goes out with a link; the newcomer opens it in their own browser.
    link = mailed_link("nieuw@example.org")
    newcomer.goto(link)
    # The link's token moved into the session: the page with the form has a plain address.
    expect(newcomer).to_have_url(base + "/invite/")
    expect(newcomer.get_by_role("heading", level=1)).to_have_text(
        "Aan de slag bij Pensioenfonds Alfa in convenant"
    )
    expect(newcomer.get_by_text("nieuw@example.org")).to_be_visible()
    expect(newcomer.get_by_label("Volledige naam")).to_have_value("Nieuwe Collega")
    assert_accessible(newcomer, "invitation-accept-nl")

    # A typing mistake keeps them on the form, told what to fix.
    newcomer.get_by_label("Wachtwoord:", exact=True).fill(PASSWORD)
    newcomer.get_by_label("Wachtwoord herhalen:").fill(PASSWORD + "x")
    newcomer.get_by_role("button", name="Account aanmaken en aan de slag").click()
    expect(newcomer.locator(".errorlist")).to_be_visible()
    assert_accessible(newcomer, "invitation-accept-mistake-nl")
    assert not User.objects.filter(email="nieuw@example.org").exists()

    # Sending the form works in Chromium: no 403 from the CSRF check.
    newcomer.get_by_label("Wachtwoord:", exact=True).fill(PASSWORD)
    newcomer.get_by_label("Wachtwoord herhalen:").fill(PASSWORD)
    with newcomer.expect_response(
        lambda r: r.url == base + "/invite/" and r.request.method == "POST"
    ) as posted:
        newcomer.get_by_role("button", name="Account aanmaken en aan de slag").click()
    assert posted.value.status == 302

    # They land logged in on their dashboard and see their party.
    expect(newcomer).to_have_url(base + "/dashboard/")
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Welkom, Nieuwe Collega")
    expect(newcomer.locator(".messages")).to_contain_text("Pensioenfonds Alfa")
    your_parties = newcomer.locator(
        "section", has=newcomer.get_by_role("heading", name="Uw partijen")
    )
    expect(your_parties.get_by_role("link", name="Pensioenfonds Alfa")).to_be_visible()
    assert_accessible(newcomer, "invitation-joined-dashboard-nl")
    person = User.objects.get(email="nieuw@example.org")
    assert Membership.objects.get(user=person).party == live_world.fund

    # The link is spent: opened again, it says so and offers no form.
    newcomer.goto(link)
    expect(newcomer.get_by_role("alert")).to_contain_text("al gebruikt")
    expect(newcomer.get_by_label("Wachtwoord:", exact=True)).to_have_count(0)


def test_a_post_without_the_csrf_token_is_still_refused(
    newcomer: Page, live_server, live_world: World
) -> None:
    base = live_server.url
    actions.invite_person(
        by=live_world.users["secretariat"],
        party=live_world.fund,
        email="nieuw@example.org",
        full_name="Nieuwe Collega",
        role="viewer",
    )
    newcomer.goto(mailed_link("nieuw@example.org"))
    newcomer.get_by_label("Wachtwoord:", exact=True).fill(PASSWORD)
    newcomer.get_by_label("Wachtwoord herhalen:").fill(PASSWORD)
    # A forged form: the same fields, without the token only this site can put in it.
    form = newcomer.locator("form", has=newcomer.get_by_label("Wachtwoord:", exact=True))
    form.locator("input[name=csrfmiddlewaretoken]").evaluate("input => input.remove()")
    with newcomer.expect_response(
        lambda r: r.url == base + "/invite/" and r.request.method == "POST"
    ) as posted:
        newcomer.get_by_role("button", name="Account aanmaken en aan de slag").click()
    assert posted.value.status == 403
    assert not User.objects.filter(email="nieuw@example.org").exists()


def test_secretariat_renews_an_expired_invitation(
    page: Page, newcomer: Page, live_server, live_world: World
) -> None:
    base = live_server.url
    Invitation.objects.filter(pk=live_world.invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=2)
    )
    # The old link: expired, and the page says whom to ask.
    newcomer.goto(base + "/invite/matrix-invitation-token/")
    expect(newcomer.get_by_role("alert")).to_contain_text("verlopen")
    assert_accessible(newcomer, "invitation-expired-nl")

    log_in(page, base, "secretariat@example.org")
    page.goto(base + "/invitations/")
    assert_accessible(page, "invitation-list-expired-nl")
    page.get_by_role("link", name="Vernieuwen invitee@example.org").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "De uitnodiging aan Invitee vernieuwen"
    )
    page.get_by_label("Taal van de e-mail").select_option("en")
    assert_accessible(page, "invitation-renew-nl")
    page.get_by_role("button", name="Nieuwe uitnodiging versturen").click()
    expect(page.locator(".messages")).to_contain_text("invitee@example.org")

    # The new e-mail is in English; its link works, the old one no longer does.
    link = mailed_link("invitee@example.org")
    assert "Dear Invitee" in str(mail.outbox[-1].body)
    newcomer.goto(base + "/invite/matrix-invitation-token/")
    expect(newcomer.get_by_role("alert")).to_contain_text("niet geldig")
    newcomer.goto(link)
    expect(newcomer.get_by_label("Volledige naam")).to_have_value("Invitee")


def test_someone_with_an_account_joins_a_second_party_after_the_last_person_logs_out(
    newcomer: Page, live_server, live_world: World
) -> None:
    """A shared computer: a colleague is still logged in when the invited union officer, who
    has an account already, opens the link."""
    base = live_server.url
    actions.invite_person(
        by=live_world.users["fund_admin"],
        party=live_world.fund,
        email="union@example.org",
        full_name="Union",
        role="viewer",
    )
    log_in(newcomer, base, "fund_viewer@example.org")
    newcomer.goto(mailed_link("union@example.org"))
    expect(newcomer.get_by_text("U bent ingelogd als fund_viewer@example.org")).to_be_visible()
    assert_accessible(newcomer, "invitation-other-person-logged-in-nl")
    newcomer.get_by_role("button", name="Uitloggen en verdergaan").click()

    # Logged out, the invitation is still open; the account exists, so: log in with it.
    expect(newcomer).to_have_url(base + "/invite/")
    expect(newcomer.get_by_text("Er is al een account voor union@example.org")).to_be_visible()
    assert_accessible(newcomer, "invitation-existing-account-nl")
    newcomer.get_by_role("main").get_by_role("link", name="Inloggen").click()
    newcomer.get_by_label("E-mailadres").fill("union@example.org")
    newcomer.get_by_label("Wachtwoord").fill("pw-test-12345")
    newcomer.get_by_role("button", name="Inloggen").click()

    # Back on the invitation, they confirm and see both their parties.
    expect(newcomer).to_have_url(base + "/invite/")
    assert_accessible(newcomer, "invitation-confirm-nl")
    newcomer.get_by_role("button", name="Uitnodiging accepteren").click()
    expect(newcomer).to_have_url(base + "/dashboard/")
    your_parties = newcomer.locator(
        "section", has=newcomer.get_by_role("heading", name="Uw partijen")
    )
    expect(your_parties.get_by_role("link", name="Pensioenfonds Alfa")).to_be_visible()
    expect(your_parties.get_by_role("link", name="Vakbond Gamma")).to_be_visible()
    assert not Membership.objects.filter(
        user=live_world.users["fund_viewer"], party=live_world.union
    ).exists()
