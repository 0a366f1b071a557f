"""A person's data exported (GDPR art. 15/20) and erased on request (art. 17): the audit
events stay, pseudonymised, and the database's append-only trigger still refuses every other
change to them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convenant.core import actions, privacy
from convenant.core.actions_privacy import erase_person, export_personal_data
from convenant.core.errors import ActionError
from convenant.core.mail import send_email_later
from convenant.core.models import ApiToken, AuditEvent, Job, User
from convenant.core.testing import World

pytestmark = pytest.mark.django_db(transaction=False)

NAME, EMAIL = "Marieke Zonderland", "marieke.zonderland@example.org"
NEW_NAME = "Marieke van Zonderland-Braam"


def _durable_ok() -> Any:
    """Actions open durable blocks; pytest-django's test transaction allows them as Django's
    TestCase does."""
    return transaction.atomic()


@pytest.fixture
def person(world: World) -> User:
    """A person who came in by invitation (an e-mail went out to her), changed her name and
    made a token, and whose role her administrator changed on the membership's page: her
    name and address are now copied in the invitation, the e-mail's job and the audit log.
    (Core's tests reach the parties app through the app registry and its pages.)"""
    membership_model = apps.get_model("parties", "Membership")
    invitation_model = apps.get_model("parties", "Invitation")
    user = User.objects.create_user(EMAIL, NAME, "pw-test-12345-long")
    membership = membership_model.objects.create(user=user, party=world.fund, role="viewer")
    invitation_model.objects.create(
        party=world.fund,
        email=EMAIL,
        full_name=NAME,
        role="viewer",
        token_hash="privacy-test-invitation",
        invited_by=world.users["fund_admin"],
        expires_at=timezone.now(),
        accepted_at=timezone.now(),
        accepted_by=user,
    )
    with transaction.atomic():
        send_email_later(
            to=EMAIL,
            subject="Invitation",
            body=f"Dear {NAME}, you are invited.",
            purpose="parties.invitation",
        )
    actions.update_profile(by=user, full_name=NEW_NAME, language="nl")
    actions.create_api_token(by=user, name="nightly upload")
    admin = Client()
    admin.force_login(world.users["fund_admin"])
    response = admin.post(reverse("membership_edit", args=[membership.pk]), {"role": "editor"})
    assert response.status_code == 302
    return User.objects.get(pk=user.pk)


def _text_columns() -> list[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT table_name, column_name, data_type FROM information_schema.columns
               WHERE table_schema = current_schema()
                 AND data_type IN ('character varying', 'text', 'character', 'json', 'jsonb')"""
        )
        return list(cursor.fetchall())


def _places_naming(*texts: str) -> list[str]:
    """Every table and column, of the whole database, that still holds one of ``texts`` in
    any case."""
    found = []
    with connection.cursor() as cursor:
        for table, column, _type in _text_columns():
            for text in texts:
                cursor.execute(
                    f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE %s',  # noqa: S608
                    [f"%{text}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column}: {text}")
    return found


def _event_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_auditevent")
        return int(cursor.fetchone()[0])


# --- Erasure ----------------------------------------------------------------------------


def test_erasure_leaves_the_name_and_address_nowhere_and_every_event_in_place(
    world: World, person: User
) -> None:
    client = Client()
    client.force_login(person)  # a session to end
    texts = [NAME, NEW_NAME, EMAIL, EMAIL.lower(), NAME.lower(), NEW_NAME.lower()]
    assert _places_naming(*texts)  # given: the scan finds her before
    events_before = _event_count()
    her_events = list(
        AuditEvent.objects.filter(actor=person)
        .order_by("id")
        .values_list("id", "verb", "occurred_at")
    )

    pseudonym = erase_person(
        by=world.users["secretariat"],
        person=person,
        reason=f"Request by {NEW_NAME} of 3 May",
        confirm_email=EMAIL.upper(),
    )

    assert _places_naming(*texts) == []
    # One more event (the erasure itself); the others are the same rows, verbs and times.
    assert _event_count() == events_before + 1
    assert (
        list(
            AuditEvent.objects.filter(actor=person)
            .order_by("id")
            .values_list("id", "verb", "occurred_at")
        )
        == her_events
    )
    assert set(AuditEvent.objects.filter(actor=person).values_list("actor_label", flat=True)) == {
        pseudonym
    }
    erased = User.objects.get(pk=person.pk)
    assert erased.full_name == pseudonym == privacy.pseudonym_for(person.pk)
    assert erased.email == f"erased-{person.pk}@invalid"
    assert not erased.is_active and erased.erased_at is not None
    assert not erased.has_usable_password()
    assert authenticate(username=EMAIL, password="pw-test-12345-long") is None
    assert not ApiToken.objects.filter(user=erased, revoked_at__isnull=True).exists()
    assert not erased.memberships.exists()
    assert client.get(reverse("account")).status_code == 302  # signed out
    event = AuditEvent.objects.get(verb="core.erase_person")
    assert event.actor == world.users["secretariat"]
    assert event.object_repr == pseudonym
    assert event.after["pseudonym"] == pseudonym
    assert event.after["reason"] == f"Request by {pseudonym} of 3 May"


def test_the_pseudonym_is_stable_and_tells_nothing(world: World) -> None:
    a, b = privacy.pseudonym_for(7), privacy.pseudonym_for(8)
    assert a == privacy.pseudonym_for(7) and a != b
    assert a.startswith("Person ") and a[-1:] != "7"


def test_a_name_inside_a_longer_word_stays(world: World, person: User) -> None:
    """Only the whole name is replaced: another person called "Zonderlander" keeps theirs."""
    other = User.objects.create_user("m.z2@example.org", f"{NEW_NAME}er", "pw-test-12345")
    erase_person(
        by=world.users["secretariat"], person=person, reason="request", confirm_email=EMAIL
    )
    assert User.objects.get(pk=other.pk).full_name == f"{NEW_NAME}er"


@pytest.mark.parametrize(
    ("who", "confirm", "reason", "message"),
    [
        ("secretariat", "wrong@example.org", "request", "Type the person's e-mail address"),
        ("secretariat", EMAIL, "  ", "Say why"),
    ],
)
def test_erasure_refused_with_a_clear_message_and_nothing_changed(
    world: World, person: User, who: str, confirm: str, reason: str, message: str
) -> None:
    events = _event_count()
    with pytest.raises(ActionError, match=message):
        erase_person(by=world.users[who], person=person, reason=reason, confirm_email=confirm)
    assert _event_count() == events
    assert User.objects.get(pk=person.pk).full_name == NEW_NAME


def test_only_the_secretariat_erases(world: World, person: User) -> None:
    with pytest.raises(PermissionDenied):
        erase_person(by=world.users["fund_admin"], person=person, reason="r", confirm_email=EMAIL)


def test_the_last_administrator_and_the_last_secretariat_member_stay(world: World) -> None:
    with pytest.raises(ActionError, match="last administrator of Pensioenfonds Alfa"):
        erase_person(
            by=world.users["secretariat"],
            person=world.users["fund_admin"],
            reason="request",
            confirm_email="fund_admin@example.org",
        )
    with pytest.raises(ActionError, match="last member of the secretariat"):
        erase_person(
            by=None,
            person=world.users["secretariat"],
            reason="request",
            confirm_email="secretariat@example.org",
        )
    assert User.objects.get(pk=world.users["fund_admin"].pk).is_active


def test_an_erased_person_is_not_erased_twice(world: World, person: User) -> None:
    erase_person(by=world.users["secretariat"], person=person, reason="r", confirm_email=EMAIL)
    person = User.objects.get(pk=person.pk)
    with pytest.raises(ActionError, match="already erased"):
        erase_person(
            by=world.users["secretariat"], person=person, reason="r", confirm_email=person.email
        )


# --- The append-only trigger, with its one door --------------------------------------------


def _update(sql: str, event: AuditEvent, *, flag: bool) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if flag:
            cursor.execute("SET LOCAL convenant.pseudonymise = 'on'")
        cursor.execute(sql, [event.pk])


def test_the_trigger_lets_a_pseudonymising_update_through_under_the_flag(
    world: World, person: User
) -> None:
    event = AuditEvent.objects.filter(actor=person).first()
    _update(
        "UPDATE core_auditevent SET actor_label = 'Person X', object_repr = 'Person X', "
        "before = NULL, after = '{}' WHERE id = %s",
        event,
        flag=True,
    )
    event.refresh_from_db()
    assert (event.actor_label, event.object_repr, event.before, event.after) == (
        "Person X",
        "Person X",
        None,
        {},
    )


@pytest.mark.parametrize(
    "change",
    [
        "verb = 'core.other'",
        "occurred_at = now()",
        "actor_id = NULL",
        "party_id = 1",
        "object_id = '999'",
    ],
)
def test_the_trigger_refuses_any_other_change_even_under_the_flag(
    world: World, person: User, change: str
) -> None:
    event = AuditEvent.objects.filter(actor=person).first()
    with pytest.raises(DatabaseError, match="append-only"):
        _update(
            f"UPDATE core_auditevent SET {change}, actor_label = 'x' WHERE id = %s",  # noqa: S608
            event,
            flag=True,
        )


def test_the_trigger_refuses_every_update_without_the_flag_and_every_delete(
    world: World, person: User
) -> None:
    event = AuditEvent.objects.filter(actor=person).first()
    with pytest.raises(DatabaseError, match="append-only"):
        _update("UPDATE core_auditevent SET actor_label = 'x' WHERE id = %s", event, flag=False)
    with pytest.raises(DatabaseError, match="append-only"):
        _update("DELETE FROM core_auditevent WHERE id = %s", event, flag=True)
    with pytest.raises(DatabaseError, match="append-only"):
        _update("DELETE FROM core_auditevent WHERE id = %s", event, flag=False)


def test_the_flag_ends_with_the_erasing_transaction(world: World, person: User) -> None:
    erase_person(by=world.users["secretariat"], person=person, reason="r", confirm_email=EMAIL)
    event = AuditEvent.objects.filter(actor=person).first()
    with pytest.raises(DatabaseError, match="append-only"):
        _update("UPDATE core_auditevent SET actor_label = 'x' WHERE id = %s", event, flag=False)


# --- Export -----------------------------------------------------------------------------


def test_a_person_exports_their_own_data(world: World, person: User) -> None:
    document = json.loads(export_personal_data(by=person, person=person))
    assert document["account"]["full_name"] == NEW_NAME
    assert document["account"]["email"] == EMAIL
    assert [t["name"] for t in document["api_tokens"]] == ["nightly upload"]
    assert "token_hash" not in json.dumps(document)
    assert document["parties"]["memberships"][0]["party"] == "Pensioenfonds Alfa"
    assert document["parties"]["memberships"][0]["role"] == "editor"
    assert document["parties"]["invitations"][0]["email"] == EMAIL
    verbs = [e["verb"] for e in document["audit_events"]]
    assert "core.update_profile" in verbs and "core.export_personal_data" in verbs
    # Nobody else's personal data: not the administrator who invited her and changed her role.
    assert "fund_admin@example.org" not in json.dumps(document)
    assert "Fund Admin" not in json.dumps(document)
    assert AuditEvent.objects.filter(verb="core.export_personal_data", actor=person).exists()


def test_the_secretariat_exports_anyones_with_a_reason(world: World, person: User) -> None:
    with pytest.raises(ActionError, match="Say why"):
        export_personal_data(by=world.users["secretariat"], person=person)
    with pytest.raises(PermissionDenied):
        export_personal_data(by=world.users["fund_admin"], person=person, reason="curious")
    document = json.loads(
        export_personal_data(by=world.users["secretariat"], person=person, reason="request")
    )
    assert document["account"]["email"] == EMAIL
    event = AuditEvent.objects.get(
        verb="core.export_personal_data", actor=world.users["secretariat"]
    )
    assert event.after == {"reason": "request"}


# --- Commands ---------------------------------------------------------------------------


def test_the_commands_export_and_erase(world: World, person: User, tmp_path: Any) -> None:
    out = tmp_path / "export.json"
    call_command("export_personal_data", EMAIL, "--output", str(out), "--reason", "request")
    assert json.loads(out.read_text(encoding="utf-8"))["account"]["email"] == EMAIL
    call_command("erase_person", EMAIL, "--reason", "request", "--yes")
    assert User.objects.get(pk=person.pk).erased_at is not None
    assert not Job.objects.filter(params__to=EMAIL).exists()


# --- Every app, on the permission matrix's world ----------------------------------------


@pytest.fixture
def full_world(world: World) -> World:
    """The matrix world with every app's data (holdings, risks, signals, cases, reports…)."""
    from convenant.core.tests.test_permission_matrix import matrix_modules

    for module in matrix_modules():
        if hasattr(module, "extend_world"):
            module.extend_world(world)
    return world


def test_every_app_contributes_what_the_person_did(full_world: World) -> None:
    person = full_world.users["other_fund"]
    document = json.loads(export_personal_data(by=person, person=person))
    assert {"parties", "risk", "signals", "reporting"} <= set(document)
    reasons = [j.get("reason") for j in document["risk"]["risk.riskjudgement"]]
    assert any("Zilverreiger" in (r or "") for r in reasons)  # their own words
    text = json.dumps(document)
    assert "fund_admin@example.org" not in text and "secretariat@example.org" not in text
    assert "token_hash" not in text and "stored_name" not in text


def test_erasure_in_the_full_world_leaves_nothing(full_world: World) -> None:
    person = full_world.users["fund_editor"]
    texts = ["Fund Editor", "fund_editor@example.org"]
    assert _places_naming(*texts)
    events = _event_count()
    erase_person(
        by=full_world.users["secretariat"],
        person=person,
        reason="request",
        confirm_email="fund_editor@example.org",
    )
    assert _places_naming(*texts) == []
    assert _event_count() == events + 1


# --- Pages ------------------------------------------------------------------------------


def _signed_in(user: User) -> Client:
    client = Client()
    client.cookies["convenant_language"] = "en"
    client.force_login(user)
    return client


def test_a_person_downloads_their_data_from_the_account_page(person: User) -> None:
    client = _signed_in(person)
    assert reverse("account_data_export") in client.get(reverse("account")).content.decode()
    response = client.post(reverse("account_data_export"))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["account"]["email"] == EMAIL


def test_the_secretariat_erases_from_the_persons_page(world: World, person: User) -> None:
    client = _signed_in(world.users["secretariat"])
    page = client.get(reverse("person_detail", args=[person.pk])).content.decode()
    assert reverse("person_erase", args=[person.pk]) in page
    assert reverse("person_data_export", args=[person.pk]) in page
    url = reverse("person_erase", args=[person.pk])
    response = client.post(url, {"reason": "request", "confirm_email": "someone@example.org"})
    assert response.status_code == 200
    assert "Type the person&#x27;s e-mail address exactly" in response.content.decode()
    assert User.objects.get(pk=person.pk).erased_at is None
    response = client.post(url, {"reason": "request", "confirm_email": EMAIL}, follow=True)
    erased = User.objects.get(pk=person.pk)
    assert erased.erased_at is not None
    page = response.content.decode()
    assert erased.full_name in page and NEW_NAME not in page and EMAIL not in page
    assert "Erased on request" in page


def test_two_factor_devices_are_exported_by_name_and_erased(world: World, person: User) -> None:
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=person, name="Telefoon van Marieke", confirmed=True)
    codes = StaticDevice.objects.create(user=person, name="Herstelcodes", confirmed=True)
    codes.token_set.create(token="abcd1234")
    document = json.loads(export_personal_data(by=person, person=person))
    assert sorted(d["name"] for d in document["two_factor_devices"]) == [
        "Herstelcodes",
        "Telefoon van Marieke",
    ]
    assert "abcd1234" not in json.dumps(document)
    erase_person(by=world.users["secretariat"], person=person, reason="r", confirm_email=EMAIL)
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaticDevice.objects.filter(user=person).exists()


def test_the_erase_command_asks_for_the_address_again(
    world: World, person: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.management.base import CommandError

    monkeypatch.setattr("builtins.input", lambda prompt: "someone.else@example.org")
    with pytest.raises(CommandError, match="Type the person's e-mail address"):
        call_command("erase_person", EMAIL, "--reason", "request")
    assert User.objects.get(pk=person.pk).erased_at is None
    monkeypatch.setattr("builtins.input", lambda prompt: EMAIL)
    call_command("erase_person", EMAIL, "--reason", "request")
    assert User.objects.get(pk=person.pk).erased_at is not None
    with pytest.raises(CommandError, match="No person with the address"):
        call_command("export_personal_data", EMAIL, "--output", "/dev/null")
