"""The demo's lessons and closure go through the real actions: three lessons a year, and the
biodiversity case closed with its spec's outcome and its policy lesson put to the steering
group as a recommendation."""

import pytest
from django.utils import timezone

from convenant.core.testing import World
from convenant.engagement import demo_closure
from convenant.engagement.demo_case_plan import CASES, MARK
from convenant.engagement.models import Case, Communication, Lesson
from convenant.engagement.tests.cases import open_case
from convenant.governance.models import Proposal
from convenant.governance.testing import governance_of

pytestmark = pytest.mark.django_db

BIODIVERSITY = next(spec for spec in CASES if spec.key == "biodiversity")


def test_the_demo_records_a_years_lessons_and_closes_the_biodiversity_case(
    world: World,
) -> None:
    governance_of(world)
    case = open_case(world, BIODIVERSITY.title)
    year = timezone.localdate().year
    written = demo_closure.lessons(case, BIODIVERSITY, year)
    assert {lesson.level for lesson in written} == set(Lesson.Level.values)
    assert all(MARK in lesson.text and lesson.year == year for lesson in written)

    Case.objects.unrestricted("test set-up").filter(pk=case.pk).update(step="E")
    Communication.objects.create(
        case=case,
        kind=Communication.Kind.CONFIDENTIAL,
        title="Slotbrief (fictief)",
        text="Vertrouwelijk (fictief).",
        status=Communication.Status.APPROVED,
        created_by=world.users["fund_editor"],
    )
    case.refresh_from_db()
    closed = demo_closure.close(case, BIODIVERSITY, secretariat=world.users["secretariat"])
    assert closed.status == Case.Status.CLOSED and closed.outcome == BIODIVERSITY.outcome
    assert MARK in closed.outcome_rationale
    recommended = Lesson.objects.unrestricted("t").get(case=case, recommendation__isnull=False)
    assert recommended.at_closure and recommended.level == Lesson.Level.POLICY
    proposal = Proposal.objects.unrestricted("t").get(pk=recommended.recommendation_id)
    assert proposal.kind == Proposal.Kind.RECOMMENDATION and MARK in proposal.title
