"""Renewing an expired invitation: a new link and validity, the old link dead, a new e-mail
after the commit, an audit event; every other state is refused with nothing changed."""

import datetime
import re
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convenant.core.access import Role
from convenant.core.errors import ActionError
from convenant.core.models import AuditEvent, hash_token
from convenant.core.testing import World
from convenant.parties import actions
from convenant.parties.models import Invitation, Membership

pytestmark = pytest.mark.django_db(transaction=False)


def expired(world: World, email: str = "late@example.org", **kw: Any) -> tuple[Invitation, str]:
    token = f"old-token-{email}"
    invitation = Invitation.objects.create(
        party=kw.pop("party", world.fund),
        email=email,
        full_name="Late Comer",
        role=Role.EDITOR,
        token_hash=hash_token(token),
        invited_by=world.users["fund_admin"],
        expires_at=timezone.now() - datetime.timedelta(days=3),
        **kw,
    )
    return invitation, token


def state(invitation: Invitation) -> tuple[Any, ...]:
    invitation.refresh_from_db()
    return (
        invitation.token_hash,
        invitation.expires_at,
        invitation.invited_by_id,
        invitation.revoked_at,
        invitation.accepted_at,
        AuditEvent.objects.count(),
        len(mail.outbox),
    )


@pytest.mark.parametrize("by", ["secretariat", "fund_admin"])
def test_expired_invitation_is_renewed_with_a_new_link_and_mailed_again(
    world: World, django_capture_on_commit_callbacks, by: str
) -> None:
    # Given an invitation that expired three days ago
    invitation, old_token = expired(world)
    # When the secretariat or the party's administrator renews it
    with django_capture_on_commit_callbacks(execute=True):
        renewed, token = actions.renew_invitation(
            by=world.users[by], invitation=invitation, language="en"
        )
    # Then it is pending again for the configured period, with a new token
    assert renewed.pk == invitation.pk and renewed.status == Invitation.Status.PENDING
    assert renewed.expires_at > timezone.now() + datetime.timedelta(days=13)
    assert renewed.token_hash == hash_token(token) != hash_token(old_token)
    assert renewed.invited_by == world.users[by]
    # The old link is dead, the new one works
    assert actions.find_invitation(old_token) is None
    assert actions.find_invitation(token) == invitation
    # A new e-mail in the chosen language carries the new link, and only it
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["late@example.org"] and "Invitation to work for" in message.subject
    assert token in message.body and old_token not in message.body
    # The renewal is audited with what changed
    event = AuditEvent.objects.get(verb="parties.renew_invitation")
    assert event.actor == world.users[by] and event.party_id == world.fund.pk
    assert event.before["invited_by"] == world.users["fund_admin"].pk
    assert event.after["invited_by"] == world.users[by].pk
    assert event.before["expires_at"] < event.after["expires_at"]
    # And the person can join with it
    membership = actions.accept_invitation(
        token=token, full_name="Late Comer", password="a-good-long-passphrase"
    )
    assert membership.party == world.fund and membership.role == Role.EDITOR


def test_email_goes_out_only_after_the_commit(
    world: World, django_capture_on_commit_callbacks
) -> None:
    invitation, _old = expired(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.renew_invitation(by=world.users["secretariat"], invitation=invitation)
    assert mail.outbox == [] and len(callbacks) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"expires_at": timezone.now() + datetime.timedelta(days=2)}, "still valid"),
        ({"accepted_at": timezone.now()}, "already accepted"),
        ({"revoked_at": timezone.now()}, "withdrawn"),
    ],
)
def test_only_an_expired_invitation_is_renewed(
    world: World, django_capture_on_commit_callbacks, change: dict[str, Any], message: str
) -> None:
    invitation, _old = expired(world)
    Invitation.objects.filter(pk=invitation.pk).update(**change)
    before = state(invitation)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ActionError, match=message),
    ):
        actions.renew_invitation(by=world.users["secretariat"], invitation=invitation)
    assert state(invitation) == before


def test_no_renewal_for_someone_who_joined_meanwhile_or_a_party_that_left(
    world: World, django_capture_on_commit_callbacks
) -> None:
    joined, _old = expired(world, email="target@example.org")  # works for fund A already
    gone, _old = expired(world, email="late@example.org", party=world.former_party)
    for invitation, message in ((joined, "already works for"), (gone, "not in the covenant")):
        before = state(invitation)
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(ActionError, match=message),
        ):
            actions.renew_invitation(by=world.users["secretariat"], invitation=invitation)
        assert state(invitation) == before


@pytest.mark.parametrize("actor", ["fund_editor", "other_fund", "union"])
def test_only_the_party_managers_renew(world: World, actor: str) -> None:
    invitation, _old = expired(world)
    before = state(invitation)
    with pytest.raises(PermissionDenied):
        actions.renew_invitation(by=world.users[actor], invitation=invitation)
    assert state(invitation) == before


def test_an_unknown_language_is_refused(world: World) -> None:
    invitation, _old = expired(world)
    before = state(invitation)
    with pytest.raises(ActionError) as error:
        actions.renew_invitation(
            by=world.users["secretariat"], invitation=invitation, language="xx"
        )
    assert error.value.field == "language" and state(invitation) == before


# --- Pages ------------------------------------------------------------------------------


def client_for(world: World, actor: str) -> Client:
    client = Client()
    client.force_login(world.users[actor])
    return client


def test_list_offers_renewal_for_expired_invitations_only(world: World) -> None:
    late, _old = expired(world)
    page = client_for(world, "fund_admin").get(reverse("invitation_list")).content.decode()
    assert reverse("invitation_renew", args=[late.pk]) in page
    assert reverse("invitation_renew", args=[world.invitation.pk]) not in page  # pending


def test_renewal_page_confirms_then_sends(world: World, django_capture_on_commit_callbacks) -> None:
    invitation, old_token = expired(world)
    client = client_for(world, "fund_admin")
    url = reverse("invitation_renew", args=[invitation.pk])
    page = client.get(url).content.decode()
    assert "late@example.org" in page and 'id="id_language"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"language": "en"}, follow=True)
    assert response.redirect_chain == [(reverse("invitation_list"), 302)]
    assert "late@example.org" in response.content.decode()
    assert len(mail.outbox) == 1 and "Dear Late Comer" in str(mail.outbox[0].body)
    link = re.search(r"/invite/(\S+)/", str(mail.outbox[0].body))
    assert link is not None and actions.find_invitation(link.group(1)) == invitation
    assert actions.find_invitation(old_token) is None


def test_renewing_a_pending_invitation_on_the_page_says_why_and_changes_nothing(
    world: World, django_capture_on_commit_callbacks
) -> None:
    invitation = world.invitation
    client = client_for(world, "secretariat")
    url = reverse("invitation_renew", args=[invitation.pk])
    page = client.get(url).content.decode()
    assert 'role="alert"' in page and 'id="id_language"' not in page
    before = state(invitation)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"language": "en"}, follow=True)
    assert response.status_code == 200 and state(invitation) == before
    assert '<li class="error">' in response.content.decode()  # the reason, as an error


def test_another_partys_administrator_cannot_renew(world: World) -> None:
    invitation, _old = expired(world)
    before = state(invitation)
    client = client_for(world, "other_fund")
    url = reverse("invitation_renew", args=[invitation.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"language": "en"}).status_code == 404
    assert state(invitation) == before


def test_demo_loads_again_after_its_expired_invitation_was_renewed(
    db: None, django_capture_on_commit_callbacks
) -> None:
    from convenant.parties import demo

    demo.load_demo_covenant()
    late = Invitation.objects.get(email=demo.demo_email("verlopen"))
    secretary = Membership.objects.filter(party__code="SER").first()
    assert late.status == Invitation.Status.EXPIRED and secretary is not None
    with django_capture_on_commit_callbacks(execute=True):
        actions.renew_invitation(by=secretary.user, invitation=late)
    count = Invitation.objects.count()
    demo.load_demo_covenant()  # the renewed invitation has a new token, and is found anyway
    late.refresh_from_db()
    assert Invitation.objects.count() == count and late.status == Invitation.Status.EXPIRED
    assert actions.find_invitation("demo-invitation-verlopen") == late


def test_renewal_page_of_a_party_that_left_says_so_and_offers_no_form(world: World) -> None:
    invitation, _old = expired(world, party=world.former_party)
    page = client_for(world, "secretariat").get(reverse("invitation_renew", args=[invitation.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and 'role="alert"' in text and 'id="id_language"' not in text
    assert "Pensioenfonds Oud" in text and "2021-06-30" in text
