"""Reminders of governance's decisions, as a durable job (core.jobs): the seats that have
not voted on an open proposal are reminded at the body's offsets before it closes (once per
offset: each sending is recorded as an audit event, which the next run finds), and a body
is reminded of an outcome's review date. Celery beat queues the job every hour in
production; ``convenant send_governance_reminders`` does the same from cron.

Closing needs no scheduler (a proposal read after its deadline is closed then), but the run
closes what it finds past its deadline too, so that the outcome is there before anyone looks.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from convenant.core.audit import record_event
from convenant.core.jobs import JobContext, enqueue_job, register_job_kind
from convenant.core.mail import register_email_purpose, send_email_later
from convenant.core.models import AuditEvent, Job, User

SEND_REMINDERS = "governance.send_reminders"
REMIND_SEATS = "governance.remind_seats"
REMIND_REVIEW = "governance.remind_review"
UNSCOPED = "governance reminders: a job of the system"


def queue_reminders() -> Job:
    with transaction.atomic(durable=True):
        return enqueue_job(SEND_REMINDERS)


def _already(verb: str, proposal: Any, key: str, value: Any) -> bool:
    return (
        AuditEvent.objects.unrestricted(UNSCOPED)
        .filter(verb=verb, object_id=str(proposal.pk), **{f"after__{key}": value})
        .exists()
    )


def _seat_people(seat: Any) -> list[User]:
    """The people who may cast the seat's vote today (holder and deputy still in their
    party)."""
    from convenant.governance.actions.decisions import sits_in_seat
    from convenant.governance.models import SeatAssignment

    users = [
        a.user
        for a in SeatAssignment.objects.unrestricted(UNSCOPED)
        .current()
        .filter(seat=seat)
        .select_related("user")
    ]
    return [u for u in users if u.is_active and sits_in_seat(u, seat)]


def _body_people(body: Any) -> list[User]:
    from convenant.governance.models import BodyMembership, SeatAssignment

    seated = SeatAssignment.objects.unrestricted(UNSCOPED).current().filter(seat__body=body)
    members = BodyMembership.objects.unrestricted(UNSCOPED).current().filter(body=body)
    ids = set(seated.values_list("user_id", flat=True)) | set(
        members.values_list("user_id", flat=True)
    )
    return list(User.objects.unrestricted(UNSCOPED).filter(pk__in=ids, is_active=True))


def _mail(user: User, subject: str, template: str, context: dict[str, Any]) -> None:
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        send_email_later(
            to=user.email,
            subject=str(subject),
            body=render_to_string(template, {**context, "user": user}),
            purpose="governance.reminder",
            language=language,
        )


def _proposal_url(proposal: Any) -> str:
    return settings.BASE_URL + reverse("proposal_detail", args=[proposal.number])


def remind_seats(proposal: Any, now: datetime.datetime) -> int:
    """Remind the seats without a current vote, at the latest offset that has come (an
    offset passed while no run happened is not sent late on top of a nearer one)."""
    from convenant.governance.actions.decisions import _lock, tally_of
    from convenant.governance.models import Proposal, Seat

    offsets = proposal.body.reminder_days or []
    due = [d for d in offsets if now >= proposal.closes_at - datetime.timedelta(days=d)]
    if not due or proposal.closes_at <= now:
        return 0
    offset = min(due)
    sent = 0
    with transaction.atomic(durable=True):
        proposal = _lock(proposal)
        if proposal.state != Proposal.State.OPEN or _already(
            REMIND_SEATS, proposal, "offset_days", offset
        ):
            return 0
        missing = Seat.objects.filter(pk__in=tally_of(proposal).not_voted).order_by("order")
        for seat in missing:
            for person in _seat_people(seat):
                _mail(
                    person,
                    _("Your vote on proposal #%(n)s: %(title)s")
                    % {"n": proposal.number, "title": proposal.title},
                    "governance/proposal_reminder_email.txt",
                    {"proposal": proposal, "seat": seat, "url": _proposal_url(proposal)},
                )
                sent += 1
        record_event(
            actor=None,
            verb=REMIND_SEATS,
            obj=proposal,
            after={
                "offset_days": offset,
                "seats": [s.label for s in missing],
                "messages": sent,
            },
        )
    return sent


def remind_review(proposal: Any, today: datetime.date) -> int:
    from convenant.governance.actions.decisions import _lock

    if proposal.review_on is None or proposal.review_on > today:
        return 0
    sent = 0
    with transaction.atomic(durable=True):
        proposal = _lock(proposal)
        review_on = proposal.review_on.isoformat()
        if _already(REMIND_REVIEW, proposal, "review_on", review_on):
            return 0
        for person in _body_people(proposal.body):
            _mail(
                person,
                _("Review due: proposal #%(n)s, %(title)s")
                % {"n": proposal.number, "title": proposal.title},
                "governance/proposal_review_email.txt",
                {"proposal": proposal, "url": _proposal_url(proposal)},
            )
            sent += 1
        record_event(
            actor=None,
            verb=REMIND_REVIEW,
            obj=proposal,
            after={"review_on": review_on, "messages": sent},
        )
    return sent


def send_reminders(now: datetime.datetime | None = None) -> dict[str, int]:
    from convenant.governance.actions.decisions import close_if_due
    from convenant.governance.models import Proposal

    now = now or timezone.now()
    proposals = Proposal.objects.unrestricted(UNSCOPED).select_related("body")
    closed = votes = reviews = 0
    for proposal in proposals.filter(state=Proposal.State.OPEN, closes_at__lte=now):
        closed += close_if_due(proposal).state == Proposal.State.CLOSED
    for proposal in proposals.filter(state=Proposal.State.OPEN, closes_at__gt=now):
        votes += remind_seats(proposal, now)
    for proposal in proposals.filter(review_on__lte=timezone.localdate(now)):
        reviews += remind_review(proposal, timezone.localdate(now))
    return {"closed": closed, "vote_reminders": votes, "review_reminders": reviews}


def _run(job: Job, context: JobContext) -> dict[str, Any]:
    return send_reminders()


def proposals_source(user: Any) -> list[Any]:
    """The closing dates of the open proposals of the person's bodies, in their calendar."""
    from convenant.core import access
    from convenant.governance.calendar import CalendarEvent
    from convenant.governance.models import Proposal

    if not access.actor_for(user).is_authenticated:
        return []
    proposals = (
        Proposal.objects.visible_to(user)
        .filter(state=Proposal.State.OPEN)
        .select_related("body")
        .order_by("closes_at")
    )
    return [
        CalendarEvent(
            uid=f"proposal-{p.pk}@convenant",
            title=_("Vote closes: #%(n)s %(title)s") % {"n": p.number, "title": p.title},
            start=p.closes_at,
            end=p.closes_at + datetime.timedelta(minutes=30),
            url=_proposal_url(p),
        )
        for p in proposals
    ]


def register() -> None:
    from convenant.governance import calendar

    register_job_kind(SEND_REMINDERS, _run, label=gettext_lazy("Governance reminders"))
    register_email_purpose("governance.reminder", gettext_lazy("Governance reminder"))
    calendar.register_calendar_source("proposals", proposals_source)
