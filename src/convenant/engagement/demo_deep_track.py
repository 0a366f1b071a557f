"""The demo's deep track, loaded in the order the work happens: the selection rounds and the
steering group's decisions open the six FICTIONAL cases of ``demo_case_plan``; then each case
is walked from its plan to where it stands, each step's records made before the case moves
on, so every exit criterion is met by real records through the real actions. Loading twice
changes nothing (a case already past its set-up is left as it is)."""

from __future__ import annotations

from django.utils import timezone

from convenant.engagement import (
    demo_cases,
    demo_closure,
    demo_communication,
    demo_fieldwork,
    demo_selection,
)
from convenant.engagement.case_rules import STEPS
from convenant.engagement.demo_case_plan import CASES, DemoCase
from convenant.engagement.models import Case, CaseMember, Communication, Lesson

WHY = "loading the demo"


def _walk(case: Case, spec: DemoCase) -> None:
    """From the plan to where the spec says the case stands."""
    demo_cases.set_up(case, spec)
    target = "E" if spec.stands == "closed" else spec.stands
    demo_fieldwork.assessment(case, spec)
    if STEPS.index(target) >= STEPS.index("B"):
        demo_cases.move(case, "B")
        demo_cases.leverage(case, spec)
    if STEPS.index(target) >= STEPS.index("C"):
        demo_cases.move(case, "C")
        demo_fieldwork.remediation(case, spec)
    if STEPS.index(target) >= STEPS.index("D"):
        demo_cases.move(case, "D")
        demo_fieldwork.monitoring(case, spec)
    if STEPS.index(target) >= STEPS.index("E"):
        demo_cases.move(case, "E")
        demo_communication.communicate(case, spec, publish=spec.key in {"big_tech", "biodiversity"})
    # A lesson every year the case has run, at the three levels.
    for year in range(spec.selected_year, timezone.localdate().year):
        demo_closure.lessons(case, spec, year)
    if spec.stands == "closed":
        demo_closure.close(case, spec)


def load() -> dict[str, Case]:
    cases = demo_selection.load_selection()
    for spec in CASES:
        case = cases.get(spec.key)
        if case is None:
            continue
        if CaseMember.objects.unrestricted(WHY).filter(case=case).exists():
            continue  # walked already
        _walk(case, spec)
    return cases


def load_and_describe() -> str:
    cases = load()
    running = Case.objects.unrestricted(WHY).running().count()
    closed = Case.objects.unrestricted(WHY).filter(status=Case.Status.CLOSED).count()
    published = (
        Communication.objects.unrestricted(WHY)
        .filter(status=Communication.Status.PUBLISHED)
        .count()
    )
    lessons = Lesson.objects.unrestricted(WHY).count()
    return (
        f"{demo_selection.describe(cases)} Deep track (fictional): {running} cases running at "
        f"steps A–E, {closed} closed; {published} public communications published; "
        f"{lessons} lessons."
    )
