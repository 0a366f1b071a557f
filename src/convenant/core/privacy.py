"""A person's rights over their data (GDPR): what convenant holds about them, exported as one
file (art. 15 and 20), and erased on request (art. 17) without breaking the audit trail.

Core knows nothing of the apps above it, so each app that holds personal data contributes
through :func:`register`, called from its ``AppConfig.ready()`` (its ``privacy.py``):

- an *exporter*: ``exporter(person) -> JSON-safe value``, what the app holds about them;
- an *eraser*: ``eraser(person, erasure)``, run inside the erasing action's transaction, which
  replaces the person's name and address wherever the app copied them as text
  (:func:`scrub` does it for given columns) and ends what the person held (memberships,
  seats);
- a *refuser*: ``refuser(person) -> list[str]``, the reasons why the person cannot be erased
  now (the last administrator of an active party), shown as they are.

What the export contains, and what it leaves out (the choice the brief asked us to make):
everything about the person's own account and everything they did or wrote, also about a
party they have since left — their words and actions are their personal data, and the right
of access is theirs, not the party's. It leaves out other people's personal data: links to
other people are not followed (no colleague's name or address), and of the audit events the
person caused only when, what and which kind of object are given, since an event's object
name and values often name someone else (the address they invited, a colleague's role).
Secrets (token hashes, stored file names) are never exported.

Erasure keeps the person's row (the audit log and what they wrote point at it) with a
stable pseudonym, and rewrites the audit events through the one door the append-only trigger
leaves open (migration 0005): same rows, verbs, times and objects, the name and address
replaced by the pseudonym.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.utils import timezone

from convenant.core.models import ApiToken, AuditEvent, Job, User

Exporter = Callable[[User], Any]
Eraser = Callable[[User, "Erasure"], None]
Refuser = Callable[[User], list[str]]


@dataclass(frozen=True)
class Contributor:
    name: str
    exporter: Exporter | None = None
    eraser: Eraser | None = None
    refuser: Refuser | None = None


_contributors: dict[str, Contributor] = {}


def register(
    name: str,
    *,
    exporter: Exporter | None = None,
    eraser: Eraser | None = None,
    refuser: Refuser | None = None,
) -> None:
    """An app says what it holds about people (called in AppConfig.ready(); ``name`` is its
    label and the section of the export)."""
    _contributors[name] = Contributor(name, exporter, eraser, refuser)


def contributors() -> list[Contributor]:
    return [_contributors[name] for name in sorted(_contributors)]


# --- Pseudonyms -------------------------------------------------------------------------


def pseudonym_for(user_id: int) -> str:
    """A stable pseudonym for a person: a keyed hash of their id, so the same person reads the
    same in every event, and nobody without the secret key can tell who it was."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"convenant.person:{user_id}".encode(), hashlib.sha256
    ).hexdigest()
    return f"Person {digest[:10].upper()}"


def erased_address(user_id: int) -> str:
    return f"erased-{user_id}@invalid"


@dataclass(frozen=True)
class Erasure:
    """What is being erased and what replaces it: the name and address the person had, and
    the pseudonym and placeholder address they get."""

    user_id: int
    name: str
    email: str
    pseudonym: str
    address: str
    reason: str = ""
    # Names the person had before (their profile changes): the log holds those too.
    former_names: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def needles(self) -> list[str]:
        """The texts to replace, longest first (an address before a name it may contain)."""
        texts = (self.email, self.name, *self.former_names)
        found = {text.strip() for text in texts if text and text.strip()}
        return sorted(found, key=len, reverse=True)


def former_names(person: User) -> tuple[str, ...]:
    """The names a person had before, from the events of their profile changes."""
    from django.contrib.contenttypes.models import ContentType

    events = AuditEvent.objects.unrestricted("a person's former names, for their erasure").filter(
        verb="core.update_profile",
        object_type=ContentType.objects.get_for_model(User),
        object_id=str(person.pk),
    )
    names = set()
    for before, after in events.values_list("before", "after"):
        for values in (before or {}, after or {}):
            name = values.get("full_name")
            if isinstance(name, str) and name.strip() and name != person.full_name:
                names.add(name.strip())
    return tuple(sorted(names))


def _regex_literal(text: str) -> str:
    """``text`` as a literal in a PostgreSQL regular expression."""
    return "".join(c if c.isalnum() or c == " " else "\\" + c for c in text)


def _pattern(needles: Iterable[str], *, as_json: bool = False) -> str:
    texts = [json.dumps(n, ensure_ascii=False)[1:-1] if as_json else n for n in needles]
    # \y: a word boundary, so that "Jan" is not replaced inside "Jansen".
    return "\\y(?:" + "|".join(_regex_literal(t) for t in texts) + ")\\y"


def scrub(model: type[models.Model], fields: Iterable[str], erasure: Erasure) -> int:
    """Replace the person's name and address (in any case) by their pseudonym in the given
    text or JSON columns of every row of ``model``. Returns the number of rows changed.
    Runs in SQL, one statement per column: it reads nothing into Python."""
    table = connection.ops.quote_name(model._meta.db_table)
    changed = 0
    for name in fields:
        model_field = model._meta.get_field(name)
        column = connection.ops.quote_name(str(model_field.column))  # type: ignore[union-attr]
        is_json = isinstance(model_field, models.JSONField)
        pattern = _pattern(erasure.needles, as_json=is_json)
        value = f"{column}::text" if is_json else column
        cast = "::jsonb" if is_json else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {column} = regexp_replace({value}, %s, %s, 'gi'){cast} "  # noqa: S608
                f"WHERE {value} ~* %s",
                [pattern, erasure.pseudonym, pattern],
            )
            changed += cursor.rowcount
    return changed


def pseudonymise_audit_log(erasure: Erasure) -> int:
    """Replace the person's name and address in every audit event (who, the object's name,
    before, after) by the pseudonym. The only change the append-only trigger allows, and only
    in a transaction that says so (``SET LOCAL``: it ends with the transaction)."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    text, as_json = _pattern(erasure.needles), _pattern(erasure.needles, as_json=True)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL convenant.pseudonymise = 'on'")
        cursor.execute(
            f"""UPDATE {table} SET
                  actor_label = regexp_replace(actor_label, %(t)s, %(p)s, 'gi'),
                  object_repr = regexp_replace(object_repr, %(t)s, %(p)s, 'gi'),
                  before = regexp_replace(before::text, %(j)s, %(p)s, 'gi')::jsonb,
                  after = regexp_replace(after::text, %(j)s, %(p)s, 'gi')::jsonb
                WHERE actor_label ~* %(t)s OR object_repr ~* %(t)s
                   OR before::text ~* %(j)s OR after::text ~* %(j)s""",  # noqa: S608
            {"t": text, "j": as_json, "p": erasure.pseudonym},
        )
        changed = cursor.rowcount
        # The person's own events name them as the recorded "who" even when the address
        # they had then differs from today's.
        cursor.execute(
            f"UPDATE {table} SET actor_label = %s WHERE actor_id = %s AND actor_label <> %s",  # noqa: S608
            [erasure.pseudonym, erasure.user_id, erasure.pseudonym],
        )
        changed += cursor.rowcount
        cursor.execute("SET LOCAL convenant.pseudonymise = 'off'")
    return changed


# --- Export -----------------------------------------------------------------------------

# Columns never exported: secrets and internal file names.
_SECRET_PARTS = ("hash", "secret", "token", "stored_name", "key", "password")


def json_safe(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    if isinstance(value, bytes | memoryview):
        return None
    return value


def _exported_columns(model: type[models.Model]) -> list[tuple[str, str]]:
    """(key, attname) of the columns of ``model`` that go into an export: not secrets, not
    files, and not links to people (another person's id says nothing the person needs, and
    the person's own link is what selected the row)."""
    columns = []
    for f in model._meta.concrete_fields:
        if any(part in f.name for part in _SECRET_PARTS) or isinstance(f, models.FileField):
            continue
        if f.is_relation and f.related_model is User:
            continue
        columns.append((f.name if not f.is_relation else f.attname, f.attname))
    return columns


def all_rows(model: type[models.Model], reason: str) -> models.QuerySet[Any]:
    """Every row of ``model``, for the privacy actions that decided access themselves."""
    manager: Any = model._default_manager
    if hasattr(manager, "unrestricted"):
        return manager.unrestricted(reason)
    return manager.all()


def own_rows(
    person: User, specs: Iterable[tuple[type[models.Model], str]]
) -> dict[str, list[dict[str, Any]]]:
    """For each (model, field that points at the person): the rows that point at them, their
    columns as in :func:`_exported_columns`. The section keys are the models' labels."""
    out: dict[str, list[dict[str, Any]]] = {}
    for model, user_field in specs:
        columns = _exported_columns(model)
        rows = (
            all_rows(model, "a person's own data, for their export")
            .filter(**{user_field: person.pk})
            .order_by("pk")
            .values(*[attname for _key, attname in columns])
        )
        found = [{key: json_safe(row[attname]) for key, attname in columns} for row in rows]
        if found:
            out.setdefault(model._meta.label_lower, []).extend(found)
    return out


def _account(person: User) -> dict[str, Any]:
    return {
        "id": person.pk,
        "full_name": person.full_name,
        "email": person.email,
        "language": person.language,
        "active": person.is_active,
        "created_at": json_safe(person.created_at),
        "updated_at": json_safe(person.updated_at),
        "last_login": json_safe(person.last_login),
        "erased_at": json_safe(person.erased_at),
    }


def _api_tokens(person: User) -> list[dict[str, Any]]:
    tokens = ApiToken.objects.unrestricted("a person's own tokens, for their export")
    return [
        {
            "name": t.name,
            "starts_with": t.hint,
            "access": t.access,
            "apps": list(t.apps),
            "created_at": json_safe(t.created_at),
            "expires_at": json_safe(t.expires_at),
            "last_used_at": json_safe(t.last_used_at),
            "revoked_at": json_safe(t.revoked_at),
        }
        for t in tokens.filter(user_id=person.pk).order_by("created_at")
    ]


def _otp_devices(person: User) -> list[dict[str, Any]]:
    if not apps.is_installed("django_otp"):
        return []
    from django_otp import devices_for_user

    return [
        {"name": d.name, "kind": d._meta.verbose_name, "confirmed": bool(d.confirmed)}
        for d in devices_for_user(person, confirmed=None)
    ]


def _audit_events(person: User) -> list[dict[str, Any]]:
    from convenant.core.audit import verb_label

    events = (
        AuditEvent.objects.unrestricted("the events a person caused, for their export")
        .filter(actor_id=person.pk)
        .select_related("object_type")
        .order_by("occurred_at", "id")
    )
    return [
        {
            "occurred_at": json_safe(e.occurred_at),
            "verb": e.verb,
            "what": verb_label(e.verb),
            "object_type": e.object_type.model if e.object_type else "",
            "object_id": e.object_id,
        }
        for e in events.iterator(chunk_size=2000)
    ]


def export_data(person: User) -> dict[str, Any]:
    """Everything convenant holds about ``person``, as one JSON-safe document."""
    document: dict[str, Any] = {
        "format": "convenant personal data export",
        "version": 1,
        "exported_at": json_safe(timezone.now()),
        "account": _account(person),
        "api_tokens": _api_tokens(person),
        "two_factor_devices": _otp_devices(person),
        "jobs": own_rows(person, [(Job, "created_by")]).get("core.job", []),
        "audit_events": _audit_events(person),
    }
    for contributor in contributors():
        if contributor.exporter is not None:
            section = contributor.exporter(person)
            if section:
                document[contributor.name] = section
    return document


def export_json(person: User) -> str:
    return json.dumps(export_data(person), ensure_ascii=False, indent=2, sort_keys=False)


# --- Erasure ----------------------------------------------------------------------------


def refusals(person: User) -> list[str]:
    """Why the person cannot be erased now (empty: they can)."""
    reasons: list[str] = []
    for contributor in contributors():
        if contributor.refuser is not None:
            reasons.extend(contributor.refuser(person))
    return reasons


def _delete_sessions(user_id: int) -> int:
    """Sign the person out everywhere: their sessions are deleted."""
    doomed = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            doomed.append(session.pk)
    # Through the configured engine, so a cached copy (cached_db, with a shared cache) goes too.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in doomed:
        store(session_key=key).delete()
    return len(doomed)


def _delete_otp_devices(person: User) -> int:
    if not apps.is_installed("django_otp"):
        return 0
    from django_otp import devices_for_user

    devices = list(devices_for_user(person, confirmed=None))
    for device in devices:
        device.delete()
    return len(devices)


def _revoke_tokens(person: User) -> int:
    return (
        ApiToken.objects.unrestricted("erasure revokes every token of the person")
        .filter(user_id=person.pk, revoked_at__isnull=True)
        .update(revoked_at=timezone.now())
    )


def erase(person: User, erasure: Erasure) -> dict[str, int]:
    """Erase ``person`` (inside the action's transaction, after the checks): the account, then
    each app's copies, then the audit log. Returns what was done, as counts."""
    counts: dict[str, int] = {}
    user = User.objects.unrestricted("erasure of one person").select_for_update().get(pk=person.pk)
    user.full_name, user.email = erasure.pseudonym, erasure.address
    user.is_active, user.erased_at = False, timezone.now()
    user.set_unusable_password()
    user.save()
    counts["sessions"] = _delete_sessions(user.pk)
    counts["api_tokens"] = _revoke_tokens(user)
    counts["two_factor_devices"] = _delete_otp_devices(user)
    counts["jobs"] = scrub(Job, ["params", "message", "result"], erasure)
    for contributor in contributors():
        if contributor.eraser is not None:
            contributor.eraser(user, erasure)
    counts["audit_events"] = pseudonymise_audit_log(erasure)
    counts.update(erasure.counts)
    return counts
