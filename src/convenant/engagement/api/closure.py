"""API of the deep track: a case's yearly lessons at three levels, a lesson put to the steering
group as a recommendation for the toolkit, and the case's closure (outcome, rationale, lessons)
reported to the monitoring committee and the steering group. Writes go through the same actions
as the pages.

Reads answer for a case the caller may read (404 for the rest, as if it did not exist);
writes need the right of the caller's role in the case (403 otherwise). A refused change
answers 400 with the field, or 409 when the case is closed already."""

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from convenant.core import access, limits
from convenant.core.errors import ActionError
from convenant.engagement import case_rules
from convenant.engagement.actions import closure as actions
from convenant.engagement.models import Case, Lesson

router = Router(tags=["engagement"])

Text = Annotated[str, Field(max_length=limits.TEXT)]
Key = Annotated[str, Field(max_length=20)]


class FieldError(Schema):
    detail: str
    field: str = ""


class Error(Schema):
    detail: str


class RecommendationOut(Schema):
    proposal: int  # the proposal's number
    state: str
    outcome: str


class LessonOut(Schema):
    id: int
    year: int
    level: str
    text: str
    at_closure: bool
    recommendation: RecommendationOut | None


class LessonIn(Schema):
    year: Annotated[int, Field(ge=1900, le=2999)]
    level: Key
    text: Text


class ClosingLessonsIn(Schema):
    issue: Text
    collaboration: Text
    policy: Text


class ClosureIn(Schema):
    outcome: Key
    rationale: Text
    lessons: ClosingLessonsIn
    closed_on: datetime.date | None = None


class ClosureOut(Schema):
    reference: str
    status: str
    outcome: str
    rationale: str
    closed_on: datetime.date | None
    lessons: list[LessonOut]


def _case(request: HttpRequest, reference: str) -> Case | None:
    return Case.objects.visible_to(request.user).filter(reference=reference).first()


def _may(request: HttpRequest, case: Case, right: str) -> bool:
    return right in case_rules.actor_rights(access.actor_for(request.user), case)


def _refused(error: ActionError) -> Status:
    if error.code == "conflict":
        return Status(409, {"detail": error.messages[0]})
    return Status(400, {"detail": error.messages[0], "field": error.field or ""})


def _lessons_out(lessons: list[Lesson]) -> list[dict[str, Any]]:
    proposals = actions.recommendations_of(lessons)
    out = []
    for lesson in lessons:
        proposal = proposals.get(lesson.recommendation_id or 0)
        out.append(
            {
                "id": lesson.pk,
                "year": lesson.year,
                "level": lesson.level,
                "text": lesson.text,
                "at_closure": lesson.at_closure,
                "recommendation": {
                    "proposal": proposal.number,
                    "state": proposal.state,
                    "outcome": proposal.outcome,
                }
                if proposal
                else None,
            }
        )
    return out


@router.get(
    "/cases/{reference}/lessons",
    response={200: list[LessonOut], 404: Error},
    summary="A deep-track case's lessons",
)
def list_case_lessons(request: HttpRequest, reference: str) -> Any:
    """The case's lessons by year and level, with the recommendation each became, if any."""
    case = _case(request, reference)
    if case is None:
        return Status(404, {"detail": "Not found."})
    lessons = list(
        Lesson.objects.visible_to(request.user).filter(case=case).order_by("year", "level", "pk")
    )
    return _lessons_out(lessons)


@router.post(
    "/cases/{reference}/lessons",
    response={201: LessonOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Record a lesson of a deep-track case",
)
def record_case_lesson(request: HttpRequest, reference: str, body: LessonIn) -> Status:
    """As a person of the case's group with the ``record`` right. ``level``: issue,
    collaboration or policy; ``year``: a year the case ran."""
    case = _case(request, reference)
    if case is None:
        return Status(404, {"detail": "Not found."})
    if not _may(request, case, "record"):
        return Status(403, {"detail": "Only the case's group records its lessons."})
    try:
        lesson = actions.record_lesson(
            by=request.user, case=case, year=body.year, level=body.level, text=body.text
        )
    except ActionError as error:
        return _refused(error)
    return Status(201, _lessons_out([lesson])[0])


@router.post(
    "/cases/{reference}/closure",
    response={200: ClosureOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Close a deep-track case",
)
def close_deep_track_case(request: HttpRequest, reference: str, body: ClosureIn) -> Any:
    """As the case's lead fund: the outcome (successful, partial, unsuccessful or
    discontinued), its rationale and a closing lesson at each level. Only from step E, where
    a communication was approved, unless discontinued. The steering group and the monitoring
    committee are told."""
    case = _case(request, reference)
    if case is None:
        return Status(404, {"detail": "Not found."})
    if not _may(request, case, "close"):
        return Status(403, {"detail": "Only the case's lead fund closes it."})
    try:
        case = actions.close_case(
            by=request.user,
            case=case,
            outcome=body.outcome,
            rationale=body.rationale,
            lessons=body.lessons.model_dump(),
            closed_on=body.closed_on,
        )
    except ActionError as error:
        return _refused(error)
    lessons = list(
        Lesson.objects.visible_to(request.user)
        .filter(case=case, at_closure=True)
        .order_by("level", "pk")
    )
    return {
        "reference": case.reference,
        "status": case.status,
        "outcome": case.outcome,
        "rationale": case.outcome_rationale,
        "closed_on": case.closed_on,
        "lessons": _lessons_out(lessons),
    }
