"""Accepting an invitation through the pages, as a browser does it: with the CSRF check on
and the Origin header a browser sends. The e-mailed link puts its token in the session and
redirects; the page with the form never has the token in its address."""

import datetime
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convenant.core.access import Role
from convenant.core.models import AuditEvent, User
from convenant.core.testing import World
from convenant.parties import actions
from convenant.parties.models import Invitation, Membership

pytestmark = pytest.mark.django_db(transaction=False)

PASSWORD = "a-good-long-passphrase"
ORIGIN = "http://testserver"


def counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Membership.objects.count(),
        Invitation.objects.count(),
        AuditEvent.objects.count(),
    )


def browser(origin: str = ORIGIN) -> Client:
    """A client that behaves like Chromium on a same-origin page: CSRF enforced, and an
    Origin header on every request."""
    return Client(enforce_csrf_checks=True, headers={"Origin": origin})


def post(client: Client, data: dict[str, Any]) -> Any:
    token = client.cookies["csrftoken"].value
    return client.post(reverse("invitation_accept"), {**data, "csrfmiddlewaretoken": token})


def invite(
    world: World, capture: Any, email: str = "new@example.org", **kw: Any
) -> tuple[Invitation, str]:
    """Invite through the action and return the path of the link in the e-mail."""
    with capture(execute=True):
        invitation, _token = actions.invite_person(
            by=kw.pop("by", world.users["fund_admin"]),
            party=world.fund,
            email=email,
            full_name="New Person",
            role=kw.pop("role", Role.EDITOR),
            language="en",
        )
    return invitation, link_path(mail.outbox[-1].body)


def link_path(body: Any) -> str:
    link = re.search(r"https?://\S+/invite/\S+/", str(body))
    assert link is not None, body
    return "/" + link.group(0).split("/", 3)[3]


def open_link(client: Client, path: str) -> str:
    """Open the e-mailed link and follow it to the page; return the page's text."""
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == reverse("invitation_accept")
    assert response["Referrer-Policy"] == "no-referrer"  # the link's address holds the token
    page = client.get(response["Location"])
    assert page.status_code == 200
    return str(page.content.decode())


def test_newcomer_opens_the_link_creates_an_account_and_is_logged_in(
    world: World, django_capture_on_commit_callbacks
) -> None:
    # Given an invitation mailed to a new address
    invitation, path = invite(world, django_capture_on_commit_callbacks)
    token = path.rstrip("/").rsplit("/", 1)[1]
    client = browser()
    # When the person opens the link
    page = open_link(client, path)
    # Then the form is on a page without the token, under the site's normal referrer policy
    response = client.get(reverse("invitation_accept"))
    assert token not in page and response["Referrer-Policy"] == "same-origin"
    assert "Pensioenfonds Alfa" in page and "new@example.org" in page
    assert 'name="password1"' in page
    # A mistake keeps them on the form, with nothing saved
    before = counts()
    mismatch = post(
        client, {"full_name": "Nieuw Persoon", "password1": PASSWORD, "password2": "other-pass"}
    )
    assert mismatch.status_code == 400 and counts() == before
    # When they send the form as a browser does (Origin of the site, CSRF token)
    done = post(
        client, {"full_name": "Nieuw Persoon", "password1": PASSWORD, "password2": PASSWORD}
    )
    # Then they are logged in on their dashboard, working for the party
    assert done.status_code == 302 and done["Location"] == reverse("dashboard")
    person = User.objects.get(email="new@example.org")
    assert person.full_name == "Nieuw Persoon" and person.check_password(PASSWORD)
    assert Membership.objects.get(user=person).party == world.fund
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Pensioenfonds Alfa" in dashboard and "Nieuw Persoon" in dashboard
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    # And the link is spent: opening it again explains, and offers no form
    again = open_link(browser(), path)
    assert "already been used" in again or "al gebruikt" in again
    assert 'name="password1"' not in again


def test_csrf_stays_enforced(world: World, django_capture_on_commit_callbacks) -> None:
    _invitation, path = invite(world, django_capture_on_commit_callbacks)
    form = {"full_name": "X", "password1": PASSWORD, "password2": PASSWORD}
    before = counts()
    # Without the CSRF token
    client = browser()
    open_link(client, path)
    assert client.post(reverse("invitation_accept"), form).status_code == 403
    # With the token, but from another site (or a page that sends "Origin: null")
    for origin in ("https://evil.example", "null"):
        forged = browser(origin)
        open_link(forged, path)
        assert post(forged, form).status_code == 403
    assert counts() == before


def test_unknown_link_is_refused_without_touching_the_session(world: World) -> None:
    client = browser()
    response = client.get(reverse("invitation_link", args=["guess-a-token"]))
    assert response.status_code == 404 and response["Referrer-Policy"] == "no-referrer"
    assert "not valid" in response.content.decode() or "niet geldig" in response.content.decode()
    assert "invitation_token" not in client.session


@pytest.mark.parametrize("state", ["expired", "revoked", "accepted", "party_left"])
def test_unusable_invitation_is_explained_and_cannot_be_accepted(
    world: World, django_capture_on_commit_callbacks, state: str
) -> None:
    invitation, path = invite(world, django_capture_on_commit_callbacks)
    now = timezone.now()
    if state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=now)
    elif state == "revoked":
        Invitation.objects.filter(pk=invitation.pk).update(revoked_at=now)
    elif state == "accepted":
        Invitation.objects.filter(pk=invitation.pk).update(accepted_at=now)
    else:
        left = now.date() - datetime.timedelta(days=1)
        type(world.fund).objects.filter(pk=world.fund.pk).update(
            left_on=left, departure="left", departure_reason="Fusie"
        )
    client = browser()
    page = open_link(client, path)
    assert 'role="alert"' in page and 'name="password1"' not in page
    before = counts()
    form = {"full_name": "X", "password1": PASSWORD, "password2": PASSWORD}
    response = post(client, form)
    assert response.status_code == 400  # the session no longer holds the spent link
    assert counts() == before


def test_session_that_ended_between_form_and_sending_asks_to_open_the_link_again(
    world: World, django_capture_on_commit_callbacks
) -> None:
    _invitation, path = invite(world, django_capture_on_commit_callbacks)
    client = browser()
    open_link(client, path)
    # The session ends (expiry, or the server's sessions were cleared); the CSRF cookie stays.
    client.session.delete()
    before = counts()
    response = post(client, {"full_name": "X", "password1": PASSWORD, "password2": PASSWORD})
    text = response.content.decode()
    assert response.status_code == 400 and counts() == before
    assert "Open the link in your invitation e-mail again" in text or "opnieuw" in text
    # Opening the link again works: it was not used
    open_link(client, path)
    done = post(client, {"full_name": "X", "password1": PASSWORD, "password2": PASSWORD})
    assert done.status_code == 302 and User.objects.filter(email="new@example.org").exists()


def test_someone_else_logged_in_on_the_browser_logs_out_first(
    world: World, django_capture_on_commit_callbacks
) -> None:
    _invitation, path = invite(world, django_capture_on_commit_callbacks)
    client = browser()
    client.force_login(world.users["union"])
    page = open_link(client, path)
    assert "union@example.org" in page and 'value="log_out"' in page
    assert 'name="password1"' not in page
    # Accepting as the wrong person is refused, whatever is posted
    before = counts()
    refused = post(client, {"full_name": "X", "password1": PASSWORD, "password2": PASSWORD})
    assert refused.status_code == 302 and counts() == before
    # Logging out here keeps the invitation open in the new session
    out = post(client, {"step": "log_out"})
    assert out.status_code == 302 and out["Location"] == reverse("invitation_accept")
    page = client.get(reverse("invitation_accept")).content.decode()
    assert 'name="password1"' in page and "union@example.org" not in page
    done = post(client, {"full_name": "Nieuw", "password1": PASSWORD, "password2": PASSWORD})
    assert done.status_code == 302
    assert Membership.objects.filter(user__email="new@example.org", party=world.fund).exists()
    assert not Membership.objects.filter(user=world.users["union"], party=world.fund).exists()


def test_existing_account_logs_in_and_comes_back_to_join(
    world: World, django_capture_on_commit_callbacks
) -> None:
    # Given an invitation to the address of an existing account (the union officer)
    _invitation, path = invite(world, django_capture_on_commit_callbacks, email="union@example.org")
    client = browser()
    page = open_link(client, path)
    login_link = reverse("login") + "?next=" + reverse("invitation_accept")
    assert login_link in page and 'name="password1"' not in page
    # Posting a new-account form is refused: the account exists
    before = counts()
    refused = post(client, {"full_name": "X", "password1": PASSWORD, "password2": PASSWORD})
    assert refused.status_code == 302 and counts() == before
    # When they log in, they come back to the invitation, still open in the session
    logged_in = client.post(
        login_link,
        {
            "username": "union@example.org",
            "password": "pw-test-12345",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert logged_in.status_code == 302 and logged_in["Location"] == reverse("invitation_accept")
    page = client.get(reverse("invitation_accept")).content.decode()
    assert 'name="password1"' not in page and 'type="submit"' in page
    # Then confirming makes them a member of the second party, with their one account
    done = post(client, {})
    assert done.status_code == 302 and done["Location"] == reverse("dashboard")
    assert set(
        Membership.objects.filter(user=world.users["union"]).values_list("party", flat=True)
    ) == {world.union.pk, world.fund.pk}


def test_renewed_invitation_kills_the_link_open_in_a_session(
    world: World, django_capture_on_commit_callbacks
) -> None:
    invitation, path = invite(world, django_capture_on_commit_callbacks)
    client = browser()
    open_link(client, path)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.renew_invitation(by=world.users["secretariat"], invitation=invitation)
    response = client.get(reverse("invitation_accept"))
    assert response.status_code == 404
    before = counts()
    form = {"full_name": "X", "password1": PASSWORD, "password2": PASSWORD}
    assert post(client, form).status_code == 400 and counts() == before
    # The new e-mail's link works
    open_link(client, link_path(mail.outbox[-1].body))
    assert post(client, form).status_code == 302


def test_opening_the_link_gives_the_browser_a_new_session(
    world: World, django_capture_on_commit_callbacks
) -> None:
    _invitation, path = invite(world, django_capture_on_commit_callbacks)
    client = browser()
    client.get(reverse("invitation_accept"))  # any earlier visit
    planted = client.session
    planted["seen"] = True
    planted.save()
    open_link(client, path)
    assert client.session.session_key != planted.session_key
    assert client.session["seen"] is True  # what the session held is kept
