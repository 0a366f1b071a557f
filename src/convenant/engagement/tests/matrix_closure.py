"""Permission-matrix rows of the deep track: a case's yearly lessons at three levels, a lesson put
to the steering group as a recommendation for the toolkit, and the case's closure (outcome,
rationale, lessons) reported to the monitoring committee and the steering group.

The world: a running case (the fund editor its lead fund, the union officer its union expert)
with a lesson, and a closed case with its outcome and closing lessons. The group and the
secretariat read the running case's lessons; the ``record`` right (lead fund, union expert)
writes one; the lead fund alone closes; putting a lesson to the steering group is for who may
propose to it (the secretariat here). The monitoring committee reads the closed case only."""

from typing import Any

from convenant.core.testing import (
    CREATED,
    FORBIDDEN,
    HIDDEN,
    OK,
    REDIRECT,
    Row,
    World,
    members,
)

LESSON_MARKER = "Les Kemphaan"  # the running case's lesson: its readers only
CLOSED_MARKER = "Slotles Grutto"  # the closed case's closing lesson
TITLE = "Casus Kievitsbloem"
CLOSED_TITLE = "Casus Tureluur"

READERS = members(HIDDEN, fund_editor=OK, union=OK, secretariat=OK)
CLOSED_READERS = members(HIDDEN, fund_editor=OK, union=OK, secretariat=OK, monitoring=OK)
RECORDERS = members(HIDDEN, fund_editor=REDIRECT, union=REDIRECT, secretariat=FORBIDDEN)
CLOSERS = members(HIDDEN, fund_editor=REDIRECT, union=FORBIDDEN, secretariat=FORBIDDEN)
RECOMMENDERS = members(HIDDEN, fund_editor=FORBIDDEN, union=FORBIDDEN, secretariat=REDIRECT)


def extend_world(world: World) -> None:
    from django.utils import timezone

    from convenant.engagement.models import Case, Lesson
    from convenant.engagement.tests.cases import open_case
    from convenant.governance.testing import governance_of

    governance_of(world)  # the steering group a lesson is put to
    case = open_case(world, TITLE, reference="n-matrix-closure")
    today = timezone.localdate()
    world.extra["closure_case"] = case
    world.extra["closure_lesson"] = Lesson.objects.create(
        case=case,
        year=today.year,
        level=Lesson.Level.ISSUE,
        text=LESSON_MARKER,
        recorded_by=world.users["fund_editor"],
    )
    closed = open_case(world, CLOSED_TITLE, reference="n-matrix-closed")
    Case.objects.unrestricted("test set-up").filter(pk=closed.pk).update(
        status=Case.Status.CLOSED,
        outcome=Case.Outcome.UNSUCCESSFUL,
        outcome_rationale="Het bedrijf weigerde (fictief).",
        closed_on=today,
    )
    Lesson.objects.create(
        case=closed,
        year=today.year,
        level=Lesson.Level.POLICY,
        text=CLOSED_MARKER,
        at_closure=True,
        recorded_by=world.users["fund_editor"],
    )
    world.extra["closure_closed"] = closed


def _ref(key: str = "closure_case") -> Any:
    return lambda w: [w.extra[key].reference]


def _lesson_form(w: World) -> dict[str, Any]:
    from django.utils import timezone

    return {"year": timezone.localdate().year, "level": "collaboration", "text": "Samen sterker"}


def _close_form(w: World) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "outcome": "discontinued",
        "rationale": "Het bedrijf ging failliet (fictief).",
        "lesson_issue": "Aanpak",
        "lesson_collaboration": "Samenwerking",
        "lesson_policy": "Beleid",
        "closed_on": timezone.localdate().isoformat(),
    }


ROWS: list[Row] = [
    Row(
        "case_lessons",
        READERS,
        args=_ref(),
        present=lambda w: [TITLE, LESSON_MARKER],
    ),
    Row(
        "case_lessons",
        CLOSED_READERS,
        args=_ref("closure_closed"),
        present=lambda w: [CLOSED_MARKER, "Het bedrijf weigerde"],
    ),
    Row("case_lessons", members(HIDDEN), args=lambda w: ["ds-1900-99"], missing=True),
    Row("case_lesson_add", RECORDERS, args=_ref(), method="post", data=_lesson_form),
    Row(
        "case_lesson_recommend",
        RECOMMENDERS,
        args=lambda w: [w.extra["closure_case"].reference, w.extra["closure_lesson"].pk],
        method="post",
    ),
    Row("case_close", CLOSERS, args=_ref(), method="post", data=_close_form),
    # The API: the same reads and actions.
    Row(
        "api:list_case_lessons",
        READERS,
        args=_ref(),
        present=lambda w: [LESSON_MARKER],
    ),
    Row(
        "api:list_case_lessons",
        CLOSED_READERS,
        args=_ref("closure_closed"),
        present=lambda w: [CLOSED_MARKER],
    ),
    Row(
        "api:record_case_lesson",
        members(HIDDEN, fund_editor=CREATED, union=CREATED, secretariat=FORBIDDEN),
        args=_ref(),
        method="post",
        as_json=True,
        data=_lesson_form,
    ),
    Row(
        "api:close_deep_track_case",
        members(HIDDEN, fund_editor=OK, union=FORBIDDEN, secretariat=FORBIDDEN),
        args=_ref(),
        method="post",
        as_json=True,
        data=lambda w: {
            "outcome": "discontinued",
            "rationale": "Het bedrijf ging failliet (fictief).",
            "lessons": {"issue": "Aanpak", "collaboration": "Samen", "policy": "Beleid"},
        },
    ),
]
