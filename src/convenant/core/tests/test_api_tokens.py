"""Scoped API tokens: read only or read and write, for every app or some; revocable by their
owner and by the secretariat; listed with when they were last used."""

import datetime
import json
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.utils import timezone

from convenant.core import actions
from convenant.core.api_apps import api_apps
from convenant.core.errors import ActionError
from convenant.core.models import ApiToken, AuditEvent, User
from convenant.core.testing import World

SIGNAL = {
    "party": "FA",
    "title": "Overuren in fabriek",
    "company_name": "Dochter Textiel B.V.",
    "description": "Werknemers worden gedwongen tot onbetaalde overuren.",
    "impact": "actual",
    "visibility": "covenant",
    "sharing": "as_reported",
    "country": "BD",
}


def bearer(plaintext: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {plaintext}"}


def in_english_by(plaintext: str) -> dict[str, str]:
    """The token and the language switch's cookie: a script may choose English too."""
    return {**bearer(plaintext), "Cookie": "convenant_language=en"}


def token_for(user: User, **scope: Any) -> str:
    _token, plaintext = actions.create_api_token(by=user, name=f"script {scope}", **scope)
    return plaintext


def in_english(user: User) -> Client:
    client = Client()
    client.cookies["convenant_language"] = "en"
    client.force_login(user)
    return client


# --- Enforcing the scope ------------------------------------------------------------------


def test_a_read_token_cannot_write_and_changes_nothing(world: World) -> None:
    plaintext = token_for(world.users["fund_editor"])  # read only: the default
    events = AuditEvent.objects.count()

    sent = Client().post(
        "/api/v1/signals",
        json.dumps(SIGNAL),
        content_type="application/json",
        headers=in_english_by(plaintext),
    )

    assert sent.status_code == 403
    assert sent.json() == {"detail": "This token may only read."}
    assert AuditEvent.objects.count() == events  # nothing filed
    assert Client().get("/api/v1/signals", headers=bearer(plaintext)).status_code == 200


def test_a_token_for_portfolios_cannot_read_signals(world: World) -> None:
    plaintext = token_for(world.users["fund_editor"], apps=["portfolios"])

    refused = Client().get("/api/v1/signals", headers=in_english_by(plaintext))

    assert refused.status_code == 403
    assert refused.json() == {"detail": "This token is not for signals."}
    dutch = Client().get("/api/v1/signals", headers=bearer(plaintext)).json()["detail"]
    assert dutch == "Dit token is niet voor signals."  # the covenant's language by default
    assert Client().get("/api/v1/issuers", headers=bearer(plaintext)).status_code == 200
    # Following jobs belongs to every app's work (e.g. the holdings import it started).
    assert Client().get("/api/v1/jobs", headers=bearer(plaintext)).status_code == 200
    # Public operations too keep to the token: it was presented, so it is judged.
    assert Client().get("/api/v1/decisions", headers=bearer(plaintext)).status_code == 403


def test_a_write_token_for_signals_files_a_signal(world: World) -> None:
    from django.core.management import call_command

    call_command("load_reference", dataset="themes", verbosity=0)
    plaintext = token_for(world.users["fund_editor"], access="write", apps=["signals"])

    sent = Client().post(
        "/api/v1/signals",
        json.dumps({**SIGNAL, "themes": ["forced-labour"]}),
        content_type="application/json",
        headers=bearer(plaintext),
    )

    assert sent.status_code == 201, sent.content
    # The token is the person's, within their access: the other parts stay closed.
    assert Client().get("/api/v1/people/me", headers=bearer(plaintext)).status_code == 403


def test_a_write_token_reads_too(world: World) -> None:
    plaintext = token_for(world.users["fund_viewer"], access="write")
    assert Client().get("/api/v1/people/me", headers=bearer(plaintext)).status_code == 200


def test_the_session_is_not_scoped(world: World) -> None:
    client = Client()
    client.force_login(world.users["fund_editor"])
    assert client.get("/api/v1/signals").status_code == 200
    assert client.get("/api/v1/issuers").status_code == 200


def test_every_operation_keeps_a_token_to_its_app(world: World) -> None:
    """Every operation of the document refuses a token for another app, naming its own app:
    the app of the module of the function that answers it (which ninja writes into the
    operation's id), fixed when the API is built, so nothing in the request can change it.
    Only core's operations (following a job) are open to every token."""
    from convenant.core.management.commands.export_openapi import openapi_document

    plaintext = token_for(world.users["secretariat"], access="write", apps=["toolkit"])
    document = json.loads(openapi_document())
    known = {label for label, _name in api_apps()}
    seen = set()
    client = Client(headers=in_english_by(plaintext))
    for path, operations in document["paths"].items():
        url = re.sub(r"{[^}]+}", "1", path)
        for method, operation in operations.items():
            app = operation["operationId"].split("_")[1]
            seen.add(app)
            if app in ("toolkit", "core"):
                continue
            answer = getattr(client, method)(url)
            assert (answer.status_code, answer.json()) == (
                403,
                {"detail": f"This token is not for {app}."},
            ), f"{method.upper()} {path}"
    assert seen - {"core"} == known
    assert {"portfolios", "signals", "parties", "toolkit"} <= known


def test_the_api_document_says_a_token_may_be_refused_by_its_scope() -> None:
    from convenant.core.management.commands.export_openapi import openapi_document

    document = json.loads(openapi_document())
    signals = document["paths"]["/api/v1/signals"]["get"]
    assert "403" in signals["responses"]
    assert (
        "outside its scope" in document["components"]["securitySchemes"]["TokenAuth"]["description"]
    )


# --- Tokens that no longer work -----------------------------------------------------------


def test_an_expired_token_is_refused(world: World) -> None:
    token, plaintext = actions.create_api_token(by=world.users["fund_viewer"], name="old")
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert Client().get("/api/v1/people/me", headers=bearer(plaintext)).status_code == 401


def test_a_revoked_token_is_refused(world: World) -> None:
    user = world.users["fund_viewer"]
    token, plaintext = actions.create_api_token(by=user, name="laptop")
    actions.revoke_api_token(by=user, token=token)
    assert Client().get("/api/v1/people/me", headers=bearer(plaintext)).status_code == 401


def test_a_deactivated_persons_token_is_refused(world: World) -> None:
    user = world.users["fund_admin"]
    plaintext = token_for(user, access="write")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert Client().get("/api/v1/people/me", headers=bearer(plaintext)).status_code == 401


# --- Last used ----------------------------------------------------------------------------


def test_last_used_is_set_and_written_at_most_every_few_minutes(world: World) -> None:
    token, plaintext = actions.create_api_token(by=world.users["fund_viewer"], name="cron")
    assert token.last_used_at is None

    Client().get("/api/v1/people/me", headers=bearer(plaintext))
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None and timezone.now() - first < datetime.timedelta(minutes=1)

    Client().get("/api/v1/people/me", headers=bearer(plaintext))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first  # within the 5 minutes

    earlier = first - actions.LAST_USED_PRECISION - datetime.timedelta(seconds=1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    Client().get("/api/v1/people/me", headers=bearer(plaintext))
    later = ApiToken.objects.get(pk=token.pk).last_used_at
    assert later is not None and later > first


def test_a_refused_token_is_not_marked_used(world: World) -> None:
    token, plaintext = actions.create_api_token(by=world.users["fund_viewer"], name="cron")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    Client().get("/api/v1/people/me", headers=bearer(plaintext))
    assert ApiToken.objects.get(pk=token.pk).last_used_at is None


# --- Creating -----------------------------------------------------------------------------


def test_creating_on_the_account_page_shows_the_token_once_and_audits_without_it(
    world: World,
) -> None:
    client = in_english(world.users["fund_editor"])

    page = client.post(
        "/account/",
        {
            "create_token": "1",
            "name": "Nightly upload",
            "access": "write",
            "apps": ["portfolios", "signals"],
            "valid_days": "365",
        },
    )

    assert page.status_code == 200
    token = ApiToken.objects.get(user=world.users["fund_editor"], name="Nightly upload")
    plaintext = page.context["new_token"]
    assert plaintext.startswith("cvn_") and plaintext in page.content.decode()
    assert token.access == "write" and token.apps == ["portfolios", "signals"]
    assert token.expires_at is not None
    assert abs(token.expires_at - timezone.now() - datetime.timedelta(days=365)) < (
        datetime.timedelta(minutes=1)
    )
    event = AuditEvent.objects.get(verb="core.create_api_token", object_id=str(token.pk))
    recorded = json.dumps([event.before, event.after, event.object_repr])
    assert "Nightly upload" in recorded and '"write"' in recorded
    assert plaintext not in recorded and plaintext[8:20] not in recorded
    assert token.token_hash not in recorded
    # Shown once: the next visit lists it, without the secret.
    again = client.get("/account/").content.decode()
    assert "Nightly upload" in again and plaintext not in again


def test_the_form_offers_the_apps_by_name_and_defaults_to_read_for_90_days(
    world: World,
) -> None:
    page = in_english(world.users["fund_viewer"]).get("/account/").content.decode()
    assert 'name="apps" value="signals"' in page and "Signals" in page
    assert 'name="apps" value="core"' not in page
    assert re.search(r'<input type="radio" name="access" value="read"[^>]*checked', page)
    validity = page.split('name="valid_days"')[1].split("</select>")[0]
    assert '<option value="90" selected>' in validity
    assert '<option value=""' not in validity  # a token always expires


def test_no_app_ticked_means_every_app(world: World) -> None:
    in_english(world.users["fund_viewer"]).post(
        "/account/", {"create_token": "1", "name": "all", "access": "read", "valid_days": "30"}
    )
    token = ApiToken.objects.get(name="all")
    assert token.apps == [] and token.access == "read"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "  "}, "This field is required."),
        ({"access": "admin"}, "Select a valid choice."),
        ({"apps": ["auth"]}, "Select a valid choice."),
        ({"valid_days": "1000"}, "Select a valid choice."),
        ({"valid_days": ""}, "This field is required."),
    ],
)
def test_bad_input_gives_a_clear_message_and_creates_nothing(
    world: World, fields: dict[str, object], message: str
) -> None:
    data = {"create_token": "1", "name": "cron", "access": "read", "valid_days": "90", **fields}
    page = in_english(world.users["fund_admin"]).post("/account/", data)
    assert page.status_code == 200 and message in page.content.decode()
    assert not ApiToken.objects.filter(user=world.users["fund_admin"]).exists()
    assert not AuditEvent.objects.filter(verb="core.create_api_token").exists()


def test_a_name_is_unique_among_the_persons_usable_tokens(world: World) -> None:
    user = world.users["fund_admin"]
    first, _plaintext = actions.create_api_token(by=user, name="Nightly")
    page = in_english(user).post(
        "/account/", {"create_token": "1", "name": "nightly ", "access": "read", "valid_days": "90"}
    )
    assert "You already have a token called “nightly”" in page.content.decode()
    assert ApiToken.objects.filter(user=user).count() == 1
    # Another person may use the name; and once revoked, the name is free again.
    actions.create_api_token(by=world.users["fund_editor"], name="Nightly")
    actions.revoke_api_token(by=user, token=first)
    actions.create_api_token(by=user, name="Nightly")
    assert ApiToken.objects.filter(user=user).count() == 2


def test_the_action_refuses_an_unknown_app_and_access(world: World) -> None:
    user = world.users["fund_admin"]
    with pytest.raises(ActionError, match="no part called nowhere"):
        actions.create_api_token(by=user, name="x", apps=["nowhere"])
    with pytest.raises(ActionError, match="read only"):
        actions.create_api_token(by=user, name="x", access="admin")
    assert not ApiToken.objects.filter(user=user).exists()


# --- Showing ------------------------------------------------------------------------------


def test_the_account_page_lists_scope_use_and_ended_tokens_greyed_for_a_while(
    world: World,
) -> None:
    user = world.users["fund_editor"]
    _used, plaintext = actions.create_api_token(
        by=user, name="Used", access="write", apps=["signals"]
    )
    Client().get("/api/v1/signals", headers=bearer(plaintext))
    actions.create_api_token(by=user, name="Unused")
    recent, _p = actions.create_api_token(by=user, name="Revoked lately")
    actions.revoke_api_token(by=user, token=recent)
    long_ago, _p = actions.create_api_token(by=user, name="Revoked long ago")
    ApiToken.objects.filter(pk=long_ago.pk).update(
        revoked_at=timezone.now() - datetime.timedelta(days=91)
    )
    expired, _p = actions.create_api_token(by=user, name="Expired lately")
    ApiToken.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    actions.create_api_token(by=world.users["fund_viewer"], name="Someone else's")

    page = in_english(user).get("/account/").content.decode()

    rows = {row.split("</td>")[0]: row for row in page.split("<tr")[2:]}
    assert set(rows) == {
        ' class="muted"><td>Revoked lately',
        ' class="muted"><td>Expired lately',
        "><td>Used",
        "><td>Unused",
    }
    assert "Read and write" in rows["><td>Used"] and "Signals" in rows["><td>Used"]
    assert "never" not in rows["><td>Used"].split("</td>")[6]
    assert "never" in rows["><td>Unused"] and "all" in rows["><td>Unused"]
    assert "Read only" in rows["><td>Unused"] and "Revoke" in rows["><td>Unused"]
    assert "revoked" in rows[' class="muted"><td>Revoked lately']
    assert "expired" in rows[' class="muted"><td>Expired lately']
    assert "at most once every 5 minutes" in page


# --- Revoking -----------------------------------------------------------------------------


def test_the_secretariat_sees_a_persons_tokens_and_revokes_one_with_a_reason(
    world: World,
) -> None:
    owner = world.users["fund_editor"]
    token, plaintext = actions.create_api_token(by=owner, name="On the stolen laptop")
    secretariat = in_english(world.users["secretariat"])

    page = secretariat.get(f"/people/{owner.pk}/tokens/").content.decode()
    assert "On the stolen laptop" in page and token.hint in page
    assert plaintext not in page and token.token_hash not in page
    assert f"/people/{owner.pk}/tokens/" in secretariat.get(f"/people/{owner.pk}/").content.decode()
    # Not on the secretariat's own account page: that lists its own tokens.
    assert "On the stolen laptop" not in secretariat.get("/account/").content.decode()

    done = secretariat.post(
        f"/account/tokens/{token.pk}/revoke/", {"reason": "Laptop stolen on the train"}
    )

    assert done.status_code == 302 and done["Location"] == f"/people/{owner.pk}/tokens/"
    assert Client().get("/api/v1/people/me", headers=bearer(plaintext)).status_code == 401
    event = AuditEvent.objects.get(verb="core.revoke_api_token", object_id=str(token.pk))
    assert event.actor == world.users["secretariat"]
    assert event.after["reason"] == "Laptop stolen on the train"


def test_only_the_secretariat_sees_another_persons_tokens(world: World) -> None:
    owner = world.users["fund_viewer"]
    token, _plaintext = actions.create_api_token(by=owner, name="mine")
    admin = in_english(world.users["fund_admin"])  # administers the person's party
    assert admin.get(f"/people/{owner.pk}/tokens/").status_code == 403
    assert admin.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    with pytest.raises(PermissionDenied):
        actions.revoke_api_token(by=world.users["fund_admin"], token=token)


def test_revoking_all_of_a_persons_tokens(world: World) -> None:
    owner = world.users["fund_editor"]
    plaintexts = [token_for(owner), token_for(owner, access="write")]
    gone, _p = actions.create_api_token(by=owner, name="already revoked")
    actions.revoke_api_token(by=owner, token=gone)

    with pytest.raises(PermissionDenied):
        actions.revoke_all_api_tokens(by=world.users["fund_admin"], user=owner, reason="x")
    with transaction.atomic():  # as inside an erasure's own transaction
        count = actions.revoke_all_api_tokens(
            by=world.users["secretariat"], user=owner, reason="erased on request"
        )

    assert count == 2
    for plaintext in plaintexts:
        assert Client().get("/api/v1/signals", headers=bearer(plaintext)).status_code == 401
    reasons = AuditEvent.objects.filter(verb="core.revoke_api_token", after__reason__isnull=False)
    assert sorted(e.after["reason"] for e in reasons) == ["erased on request"] * 2
    # Without an enclosing transaction it is an action of its own; nothing left to revoke.
    assert actions.revoke_all_api_tokens(by=None, user=owner, reason="again") == 0
