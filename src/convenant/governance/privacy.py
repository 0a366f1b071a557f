"""What the governance app holds about a person, for their export and erasure (core.privacy):
their seats and memberships of bodies, attendance, proxies, votes, proposals and amendments
they wrote, actions they own, their calendar feed. The rows are the person's own; links to
other people are left out."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from convenant.core import privacy
from convenant.core.models import User
from convenant.governance.models import (
    ActionItem,
    AgendaDocument,
    AgendaItem,
    Attendance,
    BodyMembership,
    CalendarFeed,
    CommunicationAgreement,
    MinutesAmendment,
    PressStatement,
    Proposal,
    ProposalVersion,
    Proxy,
    SeatAssignment,
    Spending,
    Vote,
)

OWN = [
    (SeatAssignment, "user"),
    (BodyMembership, "user"),
    (AgendaItem, "presenter"),
    (AgendaDocument, "uploaded_by"),
    (Attendance, "user"),
    (MinutesAmendment, "proposed_by"),
    (ActionItem, "owner_user"),
    (CalendarFeed, "user"),
    (Proposal, "proposed_by"),
    (ProposalVersion, "written_by"),
    (Proxy, "grantee"),
    (Proxy, "granted_by"),
    (Vote, "cast_by"),
    (Spending, "recorded_by"),
]


def export(person: User) -> dict[str, Any]:
    return privacy.own_rows(person, OWN)


def erase(person: User, erasure: privacy.Erasure) -> None:
    """The person's seats and places in bodies end today; the texts that name who may
    speak lose their name."""
    _end_today(person)
    privacy.scrub(PressStatement, ["spokesperson"], erasure)
    privacy.scrub(CommunicationAgreement, ["spokespeople"], erasure)


def _end_today(person: User) -> None:
    today = timezone.localdate()
    for model in (SeatAssignment, BodyMembership):
        current = privacy.all_rows(model, "an erased person's places end").filter(
            Q(end__isnull=True) | Q(end__gt=today), user_id=person.pk
        )
        for place in current:
            # An assignment ends after it starts (a database constraint).
            place.end = max(today, place.start + datetime.timedelta(days=1))
            place.save(update_fields=["end", "updated_at"])
    # The secret calendar address stops working with the account.
    privacy.all_rows(CalendarFeed, "an erased person's calendar feed").filter(
        user_id=person.pk
    ).delete()


def register() -> None:
    privacy.register("governance", exporter=export, eraser=erase)
