"""`convenant bootstrap` on a new installation: the covenant, the secretariat and an invitation
for its first administrator, who accepts it in the browser and is then the secretariat's
administrator. Refused, with nothing written, once that administrator exists or on bad input."""

from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from convenant.core import access
from convenant.core.access import Role
from convenant.core.models import AuditEvent, User
from convenant.parties.actions_bootstrap import SYSTEM_EMAIL
from convenant.parties.models import Covenant, Invitation, Membership, Party
from convenant.parties.tests.test_invitation_accept import (
    PASSWORD,
    browser,
    link_path,
    open_link,
    post,
)

pytestmark = pytest.mark.django_db(transaction=False)

ARGS = {
    "covenant_name": "Convenant Verantwoord Beleggen",
    "covenant_short_name": "CVB",
    "start_date": "2026-01-01",
    "end_date": "2030-12-31",
    "secretariat_name": "Secretariaat CVB",
    "admin_email": "Eerste@Example.org",
    "admin_name": "Eerste Beheerder",
    "language": "en",
}


def bootstrap(capture: Any, **changes: str) -> str:
    options = {**ARGS, **changes}
    argv = [f"--{key.replace('_', '-')}={value}" for key, value in options.items()]
    out = StringIO()
    with capture(execute=True):
        call_command("bootstrap", *argv, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return (
        Covenant.objects.count(),
        Party.objects.count(),
        Invitation.objects.count(),
        Membership.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
        len(mail.outbox),
    )


def accept(path: str, client: Client | None = None) -> User:
    client = client or browser()
    page = open_link(client, path)
    assert "Secretariaat CVB" in page and 'name="password1"' in page
    done = post(
        client, {"full_name": "Eerste Beheerder", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert done.status_code == 302, done.content
    return User.objects.get(email="eerste@example.org")


def test_a_new_installation_gets_its_secretariat_and_first_administrator(
    django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.TWO_FACTOR_REQUIRED = True  # as in production (the test settings turn it off)
    # Given an empty database
    assert counts() == (0, 0, 0, 0, 0, 0, 0)
    # When the operator bootstraps it
    output = bootstrap(django_capture_on_commit_callbacks)
    # Then the covenant and the secretariat exist, and the administrator is invited by e-mail
    covenant = Covenant.objects.get()
    assert (covenant.short_name, str(covenant.end_date)) == ("CVB", "2030-12-31")
    secretariat = Party.objects.get()
    assert secretariat.type == Party.Type.SECRETARIAT and secretariat.is_active()
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("eerste@example.org", Role.ADMINISTRATOR)
    assert [m.to for m in mail.outbox] == [["eerste@example.org"]]
    path = link_path(mail.outbox[0].body)
    # and the operator sees the same link, should the e-mail not arrive
    assert path in output and "Covenant CVB created" in output
    # It is audited as the system, not as a person
    events = AuditEvent.objects.order_by("pk")
    assert [e.verb for e in events] == [
        "parties.bootstrap",
        "parties.create_party",
        "parties.invite_person",
    ]
    assert {(e.actor_id, e.actor_label) for e in events} == {(None, "system")}
    # When the person opens the link and sets a password
    client = browser()
    person = accept(path, client)
    # Then they are the secretariat's administrator
    membership = Membership.objects.get(user=person)
    assert (membership.party, membership.role) == (secretariat, Role.ADMINISTRATOR)
    assert access.actor_for(person, fresh=True).is_secretariat
    assert person.check_password(PASSWORD)
    # and, as the secretariat must, sets up two-factor authentication before anything else
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_enrol"))
    # And convenant's own inviting account can never log in
    system = User.objects.get(email=SYSTEM_EMAIL)
    assert not system.is_active and not system.has_usable_password()
    assert not access.actor_for(system, fresh=True).is_secretariat


def test_running_it_again_once_the_administrator_exists_is_refused(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given a bootstrapped installation whose administrator accepted
    bootstrap(django_capture_on_commit_callbacks)
    accept(link_path(mail.outbox[0].body))
    before = counts()
    # When the operator runs it again, for whoever
    with pytest.raises(CommandError, match="already has an administrator"):
        bootstrap(django_capture_on_commit_callbacks, admin_email="other@example.org")
    # Then nothing was written or sent
    assert counts() == before


def test_running_it_again_before_acceptance_sends_a_new_invitation(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given a bootstrap whose e-mail went to a mistyped address
    bootstrap(django_capture_on_commit_callbacks, admin_email="eerste@exmaple.org")
    old_path = link_path(mail.outbox[0].body)
    # When the operator runs it again with the right address
    output = bootstrap(django_capture_on_commit_callbacks)
    # Then the covenant and the secretariat are kept, the old link no longer works
    assert (Covenant.objects.count(), Party.objects.count()) == (1, 1)
    assert "exists already" in output and "1 earlier invitation(s) withdrawn" in output
    old = Invitation.objects.get(email="eerste@exmaple.org")
    assert old.status == Invitation.Status.REVOKED
    assert 'name="password1"' not in open_link(browser(), old_path)
    # And the new one makes the right person the administrator
    person = accept(link_path(mail.outbox[-1].body))
    assert Membership.objects.get(user=person).role == Role.ADMINISTRATOR


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"admin_email": "not-an-address"}, "is not an e-mail address"),
        ({"start_date": "2026-13-01"}, "is not a date"),
        ({"end_date": "2025-12-31"}, "must end after it starts"),
        ({"admin_name": "  "}, "full name"),
    ],
)
def test_bad_input_is_refused_with_nothing_written(
    django_capture_on_commit_callbacks: Any, changes: dict[str, str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        bootstrap(django_capture_on_commit_callbacks, **changes)
    assert counts() == (0, 0, 0, 0, 0, 0, 0)


def test_the_invitation_names_convenant_as_the_inviter(
    django_capture_on_commit_callbacks: Any,
) -> None:
    bootstrap(django_capture_on_commit_callbacks)
    page = open_link(browser(), link_path(mail.outbox[0].body))
    assert "convenant nodigt u uit" in page or "convenant invites you" in page
    assert "convenant" in mail.outbox[0].body
