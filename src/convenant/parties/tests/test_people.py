"""Inviting people, accepting, roles and removal: the happy path and every bad input, each
with a clear message and nothing else changed."""

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convenant.core.access import Role, actor_for
from convenant.core.errors import ActionError
from convenant.core.models import AuditEvent, User
from convenant.core.testing import World
from convenant.parties import actions
from convenant.parties.models import Invitation, Membership, Party

pytestmark = pytest.mark.django_db(transaction=False)


def counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Membership.objects.count(),
        Invitation.objects.count(),
        AuditEvent.objects.count(),
    )


def invite(world: World, email: str = "new@example.org", **kw: Any) -> tuple[Invitation, str]:
    by = kw.pop("by", world.users["fund_admin"])
    return actions.invite_person(
        by=by,
        party=kw.pop("party", world.fund),
        email=email,
        full_name="New Person",
        role=kw.pop("role", Role.EDITOR),
        language="en",
    )


def test_invitation_is_mailed_after_commit_and_accepted_once(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invite(world, email="  New@Example.org ")
    assert invitation.email == "new@example.org"
    assert invitation.token_hash != token  # only the hash is stored
    assert len(mail.outbox) == 1
    assert token in mail.outbox[0].body

    membership = actions.accept_invitation(
        token=token, full_name="Nieuw Persoon", password="a-good-long-passphrase"
    )
    assert membership.role == Role.EDITOR and membership.party == world.fund
    assert membership.user.check_password("a-good-long-passphrase")
    verbs = list(AuditEvent.objects.values_list("verb", flat=True))
    assert {"parties.invite_person", "core.create_person", "parties.accept_invitation"} <= set(
        verbs
    )

    before = counts()
    with pytest.raises(ActionError, match="already been used"):
        actions.accept_invitation(token=token, full_name="X", password="another-long-passphrase")
    assert counts() == before


def test_email_only_goes_out_when_the_invitation_is_committed(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite(world)
    assert mail.outbox == [] and len(callbacks) == 1


def test_expired_invitation_is_refused_and_changes_nothing(world: World) -> None:
    invitation, token = invite(world)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    before = counts()
    with pytest.raises(ActionError, match="expired"):
        actions.accept_invitation(token=token, full_name="X", password="a-good-long-passphrase")
    assert counts() == before


def test_unknown_token_is_refused(world: World) -> None:
    with pytest.raises(ActionError, match="not valid"):
        actions.accept_invitation(token="guess", full_name="X", password="a-good-long-passphrase")


def test_weak_password_is_refused_and_nothing_is_half_saved(world: World) -> None:
    _invitation, token = invite(world)
    before = counts()
    with pytest.raises(ActionError) as error:
        actions.accept_invitation(token=token, full_name="X", password="12345")
    assert error.value.field == "password1"
    assert counts() == before


def test_duplicate_email_in_the_same_party_is_refused(world: World) -> None:
    before = counts()
    with pytest.raises(ActionError, match="already works for"):
        invite(world, email="FUND_VIEWER@example.org")
    assert counts() == before


def test_second_pending_invitation_is_refused_but_an_expired_one_makes_way(world: World) -> None:
    first, _ = invite(world)
    with pytest.raises(ActionError, match="pending invitation"):
        invite(world, email="NEW@example.org")
    Invitation.objects.filter(pk=first.pk).update(expires_at=timezone.now())
    second, _ = invite(world)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.status == Invitation.Status.PENDING


def test_existing_account_must_log_in_to_accept(world: World) -> None:
    _inv, token = invite(world, email="union@example.org")  # has an account (union officer)
    before = counts()
    with pytest.raises(ActionError, match="already exists"):
        actions.accept_invitation(token=token)
    assert counts() == before
    membership = actions.accept_invitation(token=token, user=world.users["union"])
    assert membership.party == world.fund
    assert actor_for(world.users["union"], fresh=True).party_ids == {world.union.pk, world.fund.pk}


def test_party_that_left_gets_no_new_people(world: World) -> None:
    before = counts()
    with pytest.raises(ActionError, match="is not in the covenant"):
        invite(world, party=world.former_party, by=world.users["secretariat"])
    assert counts() == before


def test_invitation_to_a_party_that_left_since_cannot_be_accepted(world: World) -> None:
    _inv, token = invite(world)
    actions.record_departure(
        by=world.users["secretariat"],
        party=world.fund,
        left_on=timezone.localdate(),
        departure=Party.Departure.LEFT,
        reason="Fusie",
    )
    with pytest.raises(ActionError, match="withdrawn"):
        actions.accept_invitation(token=token, full_name="X", password="a-good-long-passphrase")


def test_only_managers_invite_and_an_editor_cannot(world: World) -> None:
    before = counts()
    for actor in ("fund_editor", "fund_viewer", "other_fund", "union", "monitoring", "former"):
        with pytest.raises(PermissionDenied):
            invite(world, by=world.users[actor])
    assert counts() == before


def test_removed_member_loses_access_at_the_next_request(world: World) -> None:
    client = Client()
    client.force_login(world.users["fund_viewer"])
    person_url = reverse("person_detail", args=[world.target_membership.user_id])
    assert client.get(person_url).status_code == 200

    membership = Membership.objects.get(user=world.users["fund_viewer"])
    actions.remove_member(by=world.users["fund_admin"], membership=membership)

    assert client.get(person_url).status_code == 404
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 200
    assert "do not work for any party" in dashboard.content.decode() or (
        "werkt op dit moment" in dashboard.content.decode()
    )


def test_last_administrator_cannot_be_removed_or_demoted(world: World) -> None:
    admin_membership = Membership.objects.get(user=world.users["fund_admin"])
    before = counts()
    with pytest.raises(ActionError, match="last administrator"):
        actions.remove_member(by=world.users["secretariat"], membership=admin_membership)
    with pytest.raises(ActionError, match="last administrator"):
        actions.change_role(
            by=world.users["fund_admin"], membership=admin_membership, role=Role.VIEWER
        )
    assert counts() == before


def test_change_role_is_audited_with_before_and_after(world: World) -> None:
    actions.change_role(
        by=world.users["fund_admin"], membership=world.target_membership, role=Role.EDITOR
    )
    event = AuditEvent.objects.get(verb="parties.change_role")
    assert (event.before, event.after) == ({"role": "viewer"}, {"role": "editor"})
    assert event.actor == world.users["fund_admin"] and event.party_id == world.fund.pk


def test_member_of_a_party_that_left_keeps_no_covenant_access(world: World) -> None:
    actor = actor_for(world.users["former"], fresh=True)
    assert not actor.is_covenant_member
    assert actor.former_party_ids == {world.former_party.pk}
    client = Client()
    client.force_login(world.users["former"])
    page = client.get(reverse("dashboard")).content.decode()
    assert "Pensioenfonds Oud" in page


def test_audit_log_refuses_changes(world: World) -> None:
    invite(world)
    event = AuditEvent.objects.first()
    assert event is not None
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(verb="tampered")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.delete()
