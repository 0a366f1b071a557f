"""Writing audit events. Called by actions, inside their transaction, never by views."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.functional import Promise

from convenant.core.access import Actor, Role
from convenant.core.models import AuditEvent

_verb_labels: dict[str, str | Promise] = {}


def register_verbs(labels: dict[str, str | Promise]) -> None:
    """Apps name their audit verbs for people (called in AppConfig.ready())."""
    _verb_labels.update(labels)


def verb_label(verb: str) -> str:
    return str(_verb_labels.get(verb, verb))


# Verbs whose events carry a party's confidential data (DESIGN §5: a fund's positions, match
# decisions, risk judgements). Core cannot know them; apps register theirs.
_confidential_verbs: set[str] = set()


def register_confidential_verbs(verbs: Iterable[str]) -> None:
    """Apps name the verbs whose events are about a party's confidential data (called in
    AppConfig.ready()). Such an event must name its party (``party_id``): only that party's
    administrators read its content; anyone else who reads the log sees that it happened,
    when and by whom, not what (before/after and the object are withheld)."""
    _confidential_verbs.update(verbs)


def is_confidential(verb: str) -> bool:
    return verb in _confidential_verbs


def confidential_verbs() -> frozenset[str]:
    return frozenset(_confidential_verbs)


def content_withheld(event: AuditEvent, actor: Actor) -> bool:
    """Whether this reader must not see the event's content. An event of a confidential verb
    without a party is withheld from everyone: nobody is its owner."""
    return is_confidential(event.verb) and not actor.has_role(event.party_id, Role.ADMINISTRATOR)


def changes(event: AuditEvent) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for each field an event changed or set, for display."""
    before, after = event.before or {}, event.after or {}
    return [
        (name, before.get(name), after.get(name))
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    ]


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The given fields of ``obj`` as JSON-safe values, for an event's before/after."""
    return {name: _json_safe(getattr(obj, name)) for name in fields}


def _json_safe(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(_json_safe(v) for v in value)
    return value


def record_event(
    *,
    actor: Any,
    verb: str,
    obj: models.Model | None = None,
    party_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the action's transaction so that the event and the
    change it describes are committed, or rolled back, together."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event() must be called inside an action's transaction.")
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_person else None,
        actor_label=actor.email if is_person else "system",
        verb=verb,
        object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        party_id=party_id,
        before=before,
        after=after,
    )
