"""Where engagements stand, for a reader: per open objective whether escalation is due
(``rules.escalation``) and per engagement the step suggested next on the ladder in force.

Everything is read through ``visible_to(user)``: an activity the reader may not see does not
move an objective for them, nor tell them a step was used — so the answer never reveals a
restricted activity."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from convenant.engagement import rules
from convenant.engagement.models import Activity, Engagement, LadderStep, Milestone, Objective


@dataclass
class Progress:
    escalation: dict[int, rules.Escalation] = field(default_factory=dict)  # objective id →
    due: bool = False
    next_step: LadderStep | None = None

    @property
    def overdue(self) -> list[tuple[int, int]]:
        return [(o, n) for o, esc in self.escalation.items() for n in esc.overdue]


def progress_of(
    engagements: Iterable[Engagement], user: Any, today: datetime.date | None = None
) -> dict[int, Progress]:
    """Progress per engagement id, in four queries whatever the number of engagements."""
    today = today or timezone.localdate()
    ids = [e.pk for e in engagements]
    ladder = list(LadderStep.objects.in_force().order_by("order"))
    steps = {s.key: s for s in ladder}
    objectives = list(
        Objective.objects.visible_to(user).filter(engagement_id__in=ids).order_by("pk")
    )
    milestones: dict[int, list[rules.MilestoneState]] = defaultdict(list)
    for m in Milestone.objects.visible_to(user).filter(objective__engagement_id__in=ids):
        milestones[m.objective_id].append(rules.MilestoneState(m.number, m.target_on, m.reached_on))
    # An activity logged for an objective moves that objective; one logged for the
    # engagement as a whole moves each of its objectives.
    activity_dates: dict[int, list[datetime.date]] = defaultdict(list)
    engagement_dates: dict[int, list[datetime.date]] = defaultdict(list)
    used: dict[int, set[str]] = defaultdict(set)
    rows = Activity.objects.visible_to(user).filter(engagement_id__in=ids)
    for engagement_id, objective_id, step, occurred_on in rows.values_list(
        "engagement_id", "objective_id", "step", "occurred_on"
    ):
        used[engagement_id].add(step)
        if objective_id is None:
            engagement_dates[engagement_id].append(occurred_on)
        else:
            activity_dates[objective_id].append(occurred_on)
    result = {pk: Progress() for pk in ids}
    for o in objectives:
        esc = rules.escalation(
            started=o.created_at.date(),
            milestones=milestones[o.pk],
            activity_dates=activity_dates[o.pk] + engagement_dates[o.engagement_id],
            today=today,
            stale_months=settings.ENGAGEMENT_STALE_MONTHS,
            closed=bool(o.outcome),
        )
        result[o.engagement_id].escalation[o.pk] = esc
        result[o.engagement_id].due |= esc.due
    for pk, progress in result.items():
        key = rules.next_step([s.key for s in ladder], used[pk])
        progress.next_step = steps.get(key) if key else None
    return result
