"""Actions of the deep track: a case's yearly lessons at three levels, a lesson put to the steering
group as a recommendation for the toolkit, and the case's closure (outcome, rationale, lessons)
reported to the monitoring committee and the steering group.

Who may do what (``case_rules.RIGHTS``): the ``record`` right writes lessons; the ``close``
right (the lead fund) closes the case. Putting a lesson forward is a steering-group proposal,
so it is done by whoever may propose to the steering group (its people, the secretariat),
as governance decides for every proposal.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from convenant.core import access, limits
from convenant.core.audit import record_event, snapshot
from convenant.core.errors import ActionError
from convenant.core.mail import send_email_later
from convenant.core.models import User
from convenant.engagement import case_rules
from convenant.engagement.models import Case, Lesson
from convenant.governance.actions import decisions as governance
from convenant.governance.models import Body, BodyMembership, Proposal, SeatAssignment
from convenant.parties.models import Membership, Party

WHY = "deep-track closure: the action decides access"
CLOSED_MAIL = "engagement.case_closed"
# How long the steering group's seats have to vote on a recommendation, unless said.
RECOMMENDATION_DAYS = 21


def _require(by: Any, case: Case, right: str) -> None:
    access.require(right in case_rules.actor_rights(access.actor_for(by, fresh=True), case))


def _lock(case: Case) -> Case:
    return Case.objects.unrestricted(WHY).select_for_update().get(pk=case.pk)


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ActionError(message, field=field)
    return limits.check_length(value, limits.TEXT, field=field)


def lesson_years(case: Case, today: datetime.date | None = None) -> list[int]:
    """The years the case ran: from its selection to its closure (or this year)."""
    last = case.closed_on or today or timezone.localdate()
    return list(range(case.selected_on.year, max(last.year, case.selected_on.year) + 1))


def missing_levels(
    case: Case, lessons: list[Lesson], today: datetime.date | None = None
) -> dict[int, list[str]]:
    """Per year the case ran, the levels without a lesson yet (years with all three left out)."""
    have: dict[int, set[str]] = {}
    for lesson in lessons:
        have.setdefault(lesson.year, set()).add(lesson.level)
    missing = {}
    for year in lesson_years(case, today):
        lacking = [level for level in Lesson.Level.values if level not in have.get(year, set())]
        if lacking:
            missing[year] = lacking
    return missing


def record_lesson(*, by: Any, case: Case, year: int, level: str, text: str) -> Lesson:
    """The group records what it learned in a year of the case, at one of the three levels."""
    _require(by, case, "record")
    if level not in Lesson.Level.values:
        raise ActionError(_("Choose the level of the lesson."), field="level")
    text = _text(text, "text", _("Write the lesson."))
    with transaction.atomic(durable=True):
        case = _lock(case)
        if case.status == Case.Status.CLOSED:
            raise ActionError(_("This case is closed."), code="conflict")
        years = lesson_years(case)
        if year not in years:
            raise ActionError(
                _("Choose a year the case ran: %(first)s to %(last)s.")
                % {"first": years[0], "last": years[-1]},
                field="year",
            )
        lesson = Lesson.objects.create(case=case, year=year, level=level, text=text, recorded_by=by)
        record_event(
            actor=by,
            verb="engagement.record_lesson",
            obj=lesson,
            after={"case": case.reference, "year": year, "level": level},
        )
    return lesson


def steering_group(case: Case) -> Body:
    body = (
        Body.objects.filter(
            covenant_id=case.body.covenant_id,
            kind=Body.Kind.STEERING_GROUP,
            dissolved_on__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    if body is None:
        raise ActionError(_("The covenant has no steering group to put a recommendation to."))
    return body


def may_recommend(user: Any, case: Case) -> bool:
    """Whether the person may put the case's lessons to the steering group."""
    actor = access.actor_for(user)
    body = (
        Body.objects.filter(covenant_id=case.body.covenant_id, kind=Body.Kind.STEERING_GROUP)
        .order_by("pk")
        .first()
    )
    return body is not None and governance.can_write(actor, body)


def recommend_lesson(
    *,
    by: Any,
    lesson: Lesson,
    title: str = "",
    closes_at: datetime.datetime | None = None,
) -> Proposal:
    """Put a lesson to the steering group as a recommendation for the toolkit: a proposal of
    kind ``recommendation`` whose text quotes the lesson and names the case, linked on the
    lesson, in one transaction."""
    case = lesson.case
    body = steering_group(case)
    actor = access.actor_for(by, fresh=True)
    access.require(governance.can_write(actor, body))
    title = (title or "").strip() or _("Recommendation for the toolkit from case %(case)s") % {
        "case": case.reference
    }
    limits.check_length(title, limits.LINE, field="title")
    closes_at = closes_at or timezone.now() + datetime.timedelta(days=RECOMMENDATION_DAYS)
    text = _(
        "The sub-working group of the deep-track case %(reference)s (%(title)s) learned, in "
        '%(year)s, at the level "%(level)s":\n\n> %(lesson)s\n\nThe steering group is asked '
        "to adopt this as a recommendation for the toolkit."
    ) % {
        "reference": case.reference,
        "title": case.title,
        "year": lesson.year,
        "level": lesson.get_level_display(),
        "lesson": lesson.text.replace("\n", "\n> "),
    }
    with transaction.atomic(durable=True):
        lesson = Lesson.objects.unrestricted(WHY).select_for_update().get(pk=lesson.pk)
        if lesson.recommendation_id is not None:
            raise ActionError(
                _("This lesson was put to the steering group already."), code="conflict"
            )
        proposal = governance.create_proposal(
            by=by,
            body=body,
            kind=Proposal.Kind.RECOMMENDATION,
            title=title,
            text=text,
            closes_at=closes_at,
            within_action=True,
        )
        lesson.recommendation = proposal
        lesson.save(update_fields=["recommendation", "updated_at"])
        record_event(
            actor=by,
            verb="engagement.recommend_lesson",
            obj=lesson,
            after={"case": case.reference, "proposal": proposal.number},
        )
    return proposal


def recommendations_of(lessons: list[Lesson]) -> dict[int, Proposal]:
    """The proposals these lessons became, by id. Whoever reads a lesson is told its
    proposal's number and state (the group follows what became of its lesson); the text
    and the votes stay with those who read the proposal itself."""
    ids = {lesson.recommendation_id for lesson in lessons if lesson.recommendation_id}
    if not ids:
        return {}
    told = "a lesson's reader is told its recommendation's number and state"
    return {p.pk: p for p in Proposal.objects.unrestricted(told).filter(pk__in=ids)}


def closure_refusals(case: Case, outcome: str) -> list[str]:
    """Why the case may not close with this outcome now (empty: it may). A discontinued case
    closes at any step; any other outcome needs step E and its exit check."""
    if outcome == Case.Outcome.DISCONTINUED:
        return []
    if case.step != "E":
        return [
            str(
                _(
                    "Only a case in step E closes with this outcome (it is in step %(step)s); "
                    "a case stopped earlier closes as discontinued."
                )
                % {"step": case.step}
            )
        ]
    facts = case_rules.facts_of(case)
    return [str(check.label) for check in case_rules.exit_checks("E", facts) if not check.met]


def close_case(
    *,
    by: Any,
    case: Case,
    outcome: str,
    rationale: str,
    lessons: Mapping[str, str],
    closed_on: datetime.date | None = None,
) -> Case:
    """Close the case with its outcome, rationale and a lesson at each of the three levels
    for the closing year. The steering group's and the monitoring committee's people are
    told by e-mail once it is closed (a job per message, after the commit)."""
    _require(by, case, "close")
    closable = [value for value in Case.Outcome.values if value]
    if outcome not in closable:
        raise ActionError(_("Choose the outcome of the case."), field="outcome")
    rationale = _text(rationale, "rationale", _("Give the rationale of the outcome."))
    given = {level: (lessons.get(level) or "").strip() for level in Lesson.Level.values}
    lacking = [Lesson.Level(level).label for level, text in given.items() if not text]
    if lacking:
        raise ActionError(
            _("A closing lesson is missing on: %(levels)s.")
            % {"levels": ", ".join(str(label) for label in lacking)},
            field=f"lesson_{next(k for k, v in given.items() if not v)}",
        )
    for level, text in given.items():
        limits.check_length(text, limits.TEXT, field=f"lesson_{level}")
    today = timezone.localdate()
    closed_on = closed_on or today
    if closed_on > today:
        raise ActionError(_("A case cannot close in the future."), field="closed_on")
    with transaction.atomic(durable=True):
        case = _lock(case)
        if case.status == Case.Status.CLOSED:
            raise ActionError(_("This case is closed already."), code="conflict")
        if closed_on < case.selected_on:
            raise ActionError(
                _("A case cannot close before it was selected (%(date)s).")
                % {"date": case.selected_on.isoformat()},
                field="closed_on",
            )
        refusals = closure_refusals(case, outcome)
        if refusals:
            raise ActionError(
                _("The case cannot close yet: %(what)s") % {"what": "; ".join(refusals)},
                field="outcome",
            )
        before = snapshot(case, ["status", "outcome", "closed_on"])
        case.status = Case.Status.CLOSED
        case.outcome = outcome
        case.outcome_rationale = rationale
        case.closed_on = closed_on
        case.save(
            update_fields=["status", "outcome", "outcome_rationale", "closed_on", "updated_at"]
        )
        written = [
            Lesson.objects.create(
                case=case,
                year=closed_on.year,
                level=level,
                text=text,
                at_closure=True,
                recorded_by=by,
            )
            for level, text in given.items()
        ]
        told = _report_closure(case, written)
        record_event(
            actor=by,
            verb="engagement.close_case",
            obj=case,
            before=before,
            after={**snapshot(case, ["status", "outcome", "closed_on"]), "reported_to": told},
        )
    return case


def report_recipients(case: Case) -> list[User]:
    """Who is told of a closure: the steering group's people (seats and members) and the
    monitoring committee's (its body's people and the people of a monitoring-committee
    party), active people only, each once."""
    today = timezone.localdate()
    covenant = case.body.covenant_id
    bodies = Body.objects.filter(
        covenant_id=covenant,
        kind__in=[Body.Kind.STEERING_GROUP, Body.Kind.MONITORING_COMMITTEE],
    )
    ids = set(
        SeatAssignment.objects.unrestricted(WHY)
        .current(today)
        .filter(seat__body__in=bodies)
        .values_list("user_id", flat=True)
    )
    ids |= set(
        BodyMembership.objects.unrestricted(WHY)
        .current(today)
        .filter(body__in=bodies)
        .values_list("user_id", flat=True)
    )
    ids |= set(
        Membership.objects.unrestricted(WHY)
        .filter(
            party__covenant_id=covenant,
            party__type=Party.Type.MONITORING_COMMITTEE,
            party__joined_on__lte=today,
        )
        .exclude(party__left_on__lte=today)
        .values_list("user_id", flat=True)
    )
    people = User.objects.unrestricted(WHY).filter(pk__in=ids, is_active=True)
    return list(people.order_by("pk"))


def _report_closure(case: Case, lessons: list[Lesson]) -> int:
    url = settings.BASE_URL + reverse("case_lessons", args=[case.reference])
    people = report_recipients(case)
    for person in people:
        language = person.language or settings.LANGUAGE_CODE
        with translation.override(language):
            send_email_later(
                to=person.email,
                subject=_("Deep-track case closed: %(title)s") % {"title": case.title},
                body=render_to_string(
                    "engagement/cases/closure/closed_email.txt",
                    {"case": case, "lessons": lessons, "url": url, "user": person},
                ),
                purpose=CLOSED_MAIL,
                language=language,
            )
    return len(people)
