"""The deep track's rules, apart from the database so they are tested as plain functions:
what each case role may do, the exit criteria of each step, the limit on running cases,
the ranking of nominations.

The exit criteria are what the working group would check before moving on; they are
deliberately few and concrete, so a case never moves on paper only:

- **A → B**: the collaboration plan is agreed (objectives and at least one milestone), a
  lead fund is named, and at least one consultation is recorded.
- **B → C**: an engagement is linked to the case and at least one activity was logged.
- **C → D**: remedy for affected people is recorded (what, for whom), apart from any
  company policy change.
- **D → E**: the company's grievance mechanism was assessed on all eight UNGP 31 criteria,
  and every plan milestone is reached or has a target date.
- **E → closure**: a communication was approved by the group (public or confidential),
  and the closure itself needs an outcome, a rationale and lessons at all three levels.

Going back a step needs a reason, never checks.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from convenant.core import access

STEPS = ("A", "B", "C", "D", "E")

# What each role in the sub-working group may do. Everyone in the group reads the case,
# group-level records included.
RIGHTS: Mapping[str, frozenset[str]] = {
    "lead_fund": frozenset(
        {
            "manage_members",
            "edit_plan",
            "move_step",
            "record",
            "draft_communication",
            "approve_communication",
            "publish",
            "close",
            "link_engagement",
        }
    ),
    "supporting_fund": frozenset({"record", "approve_communication", "link_engagement"}),
    "union_expert": frozenset({"record", "approve_communication"}),
    "ngo_expert": frozenset({"record", "approve_communication"}),
    "government_expert": frozenset({"approve_communication"}),
    "secretary": frozenset({"manage_members", "edit_plan", "record", "draft_communication"}),
}

RIGHT_LABELS: Mapping[str, Promise] = {
    "manage_members": _("manage the group's people"),
    "edit_plan": _("edit the collaboration plan"),
    "move_step": _("move the case to another step"),
    "record": _("record consultations, remedies, assessments and lessons"),
    "draft_communication": _("draft communications"),
    "approve_communication": _("approve a communication for their party"),
    "publish": _("publish an approved communication"),
    "close": _("close the case"),
    "link_engagement": _("link engagements to the case"),
}

# The fields of a case its group may mark publishable (``Case.publishable``): a public
# communication is generated from these only. Naming a company is never implied by
# "target": the group approves that on the communication itself (step E).
PUBLISHABLE: Mapping[str, Promise] = {
    "title": _("Title"),
    "themes": _("Themes"),
    "target": _(
        "The target's name (a sector or issue; a company only once the group approves naming it)"
    ),
    "plan_objectives": _("Objectives of the collaboration plan"),
    "milestones": _("Plan milestones reached"),
    "step": _("The step the case stands at"),
    "outcome": _("Outcome and its rationale"),
}

# The secretariat runs the process: it sets up a case's group, whether or not it sits in it.
SECRETARIAT_RIGHTS = frozenset({"manage_members"})


def rights_of(roles: Iterable[str], *, is_secretariat: bool = False) -> frozenset[str]:
    """The rights of a person holding these roles in a case today."""
    rights: set[str] = set(SECRETARIAT_RIGHTS) if is_secretariat else set()
    for role in roles:
        rights |= RIGHTS.get(role, frozenset())
    return frozenset(rights)


def actor_rights(actor: access.Actor, case: Any) -> frozenset[str]:
    """The rights the actor holds in this case today, from their current membership of its
    sub-working group."""
    from convenant.engagement.models import CaseMember

    roles: list[str] = []
    if actor.user_id and case.body_id in actor.body_ids:
        roles = list(
            CaseMember.objects.unrestricted("the actor's own roles in a case")
            .filter(case=case, membership__user_id=actor.user_id)
            .filter(_current("membership__"))
            .values_list("role", flat=True)
        )
    return rights_of(roles, is_secretariat=actor.is_secretariat)


def _current(prefix: str = "") -> Any:
    import datetime

    from django.db.models import Q
    from django.utils import timezone

    today: datetime.date = timezone.localdate()
    return Q(**{f"{prefix}start__lte": today}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gt": today})
    )


current_membership_q = _current


# --- Steps and their exit criteria -------------------------------------------------------


@dataclass(frozen=True)
class Check:
    key: str
    label: str | Promise
    met: bool


@dataclass(frozen=True)
class CaseFacts:
    """What the exit criteria look at, counted once from the database (see ``facts_of``)."""

    plan_agreed: bool = False
    plan_has_objectives: bool = False
    milestones: int = 0
    milestones_without_date: int = 0
    has_lead_fund: bool = False
    consultations: int = 0
    linked_engagements: int = 0
    activities: int = 0
    remedies_for_people: int = 0
    complete_grievance_assessments: int = 0
    approved_communications: int = 0


def exit_checks(step: str, facts: CaseFacts) -> list[Check]:
    """What must hold before a case leaves ``step`` forwards (E: before it closes)."""
    if step == "A":
        return [
            Check(
                "plan",
                _("The collaboration plan is agreed, with objectives and a milestone"),
                facts.plan_agreed and facts.plan_has_objectives and facts.milestones > 0,
            ),
            Check("lead", _("A lead fund is named in the group"), facts.has_lead_fund),
            Check("consulted", _("At least one consultation is recorded"), facts.consultations > 0),
        ]
    if step == "B":
        return [
            Check(
                "engagement",
                _("An engagement with the company is linked to the case"),
                facts.linked_engagements > 0,
            ),
            Check("activity", _("At least one activity is logged"), facts.activities > 0),
        ]
    if step == "C":
        return [
            Check(
                "remedy",
                _("Remedy for affected people is recorded"),
                facts.remedies_for_people > 0,
            ),
        ]
    if step == "D":
        return [
            Check(
                "grievance",
                _("The grievance mechanism is assessed on all eight UNGP 31 criteria"),
                facts.complete_grievance_assessments > 0,
            ),
            Check(
                "milestones",
                _("Every plan milestone is reached or has a target date"),
                facts.milestones_without_date == 0,
            ),
        ]
    if step == "E":
        return [
            Check(
                "communication",
                _("A communication was approved by the group"),
                facts.approved_communications > 0,
            ),
        ]
    raise ValueError(f"unknown step {step!r}")


def may_leave(step: str, facts: CaseFacts) -> bool:
    return all(check.met for check in exit_checks(step, facts))


def is_back(from_step: str, to_step: str) -> bool:
    return STEPS.index(to_step) < STEPS.index(from_step)


def is_next(from_step: str, to_step: str) -> bool:
    """Forward moves go one step at a time: the checks of each step are passed in turn."""
    return STEPS.index(to_step) == STEPS.index(from_step) + 1


def facts_of(case: Any) -> CaseFacts:
    """Count what the exit criteria need, from every record of the case (the group's own
    included: the checks see everything, the reader's rights are not at stake here)."""
    return facts_of_each([case])[case.pk]


def facts_of_each(cases: list[Any]) -> dict[int, CaseFacts]:
    """``facts_of`` for several cases at once (case pk → facts): a query per kind of record,
    not per case, so the case board does not ask more as the cases grow."""
    from django.db.models import Count, Q

    from convenant.engagement.models import (
        Activity,
        CaseMember,
        CaseMilestone,
        Communication,
        Consultation,
        Engagement,
        GrievanceAssessment,
        GrievanceCriterion,
        Remedy,
    )

    why = "the exit criteria of a case count all its records"
    ids = [case.pk for case in cases]

    def per_case(queryset: Any, case_field: str = "case") -> dict[int, int]:
        counted = queryset.values(case_field).annotate(n=Count("pk")).values_list(case_field, "n")
        return dict(counted)

    milestones = CaseMilestone.objects.unrestricted(why).filter(case__in=ids)
    undated = per_case(milestones.filter(Q(reached_on__isnull=True) & Q(target_on__isnull=True)))
    engagements = Engagement.objects.unrestricted(why).filter(case__in=ids)
    leads = set(
        CaseMember.objects.unrestricted(why)
        .filter(case__in=ids, role="lead_fund")
        .filter(_current("membership__"))
        .values_list("case", flat=True)
    )
    complete = collections.Counter(
        GrievanceAssessment.objects.unrestricted(why)
        .filter(case__in=ids)
        .annotate(rated=Count("scores"))
        .filter(rated__gte=len(GrievanceCriterion.values))
        .values_list("case", flat=True)
    )
    counts = {
        "milestones": per_case(milestones),
        "consultations": per_case(Consultation.objects.unrestricted(why).filter(case__in=ids)),
        "engagements": per_case(engagements),
        "activities": per_case(
            Activity.objects.unrestricted(why).filter(engagement__case__in=ids),
            "engagement__case",
        ),
        "remedies": per_case(
            Remedy.objects.unrestricted(why).filter(case__in=ids, kind=Remedy.Kind.REMEDY)
        ),
        "communications": per_case(
            Communication.objects.unrestricted(why).filter(
                case__in=ids,
                status__in=[Communication.Status.APPROVED, Communication.Status.PUBLISHED],
            )
        ),
    }
    return {
        case.pk: CaseFacts(
            plan_agreed=case.plan_agreed_on is not None,
            plan_has_objectives=bool(case.plan_objectives.strip()),
            milestones=counts["milestones"].get(case.pk, 0),
            milestones_without_date=undated.get(case.pk, 0),
            has_lead_fund=case.pk in leads,
            consultations=counts["consultations"].get(case.pk, 0),
            linked_engagements=counts["engagements"].get(case.pk, 0),
            activities=counts["activities"].get(case.pk, 0),
            remedies_for_people=counts["remedies"].get(case.pk, 0),
            complete_grievance_assessments=complete.get(case.pk, 0),
            approved_communications=counts["communications"].get(case.pk, 0),
        )
        for case in cases
    }


# --- Running cases -----------------------------------------------------------------------


def max_cases() -> int:
    return int(settings.ENGAGEMENT_MAX_CASES)


def room_for(running: int, selecting: int, maximum: int | None = None) -> bool:
    """Whether selecting this many more cases keeps the running ones within the maximum."""
    limit = max_cases() if maximum is None else maximum
    return selecting >= 0 and running + selecting <= limit


# --- Ranking the nominations -------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    nomination_id: int
    total: float  # the mean over constituencies of their summed criterion scores
    by_criterion: dict[str, float]  # the mean score per criterion over constituencies
    constituencies: int  # how many constituencies scored it (on at least one criterion)
    complete: bool  # every constituency scored every criterion


def rank(
    scores: Sequence[tuple[int, int, str, int]],
    nomination_ids: Iterable[int],
    constituencies: int,
    criteria: Sequence[str],
) -> list[Ranked]:
    """Rank nominations by their scores ``(nomination, constituency, criterion, score)``.

    Each constituency weighs the same, however many people scored for it: the total is the
    mean over the constituencies that scored of their sums over the criteria; severity, the
    criterion that sets the priority (DESIGN §3), breaks ties, then the number of
    constituencies that scored. A nomination nobody scored ranks last, with total 0."""
    per: dict[int, dict[int, dict[str, int]]] = {}
    for nomination, constituency, criterion, score in scores:
        per.setdefault(nomination, {}).setdefault(constituency, {})[criterion] = score
    ranked = []
    for nomination in nomination_ids:
        given = per.get(nomination, {})
        sums = [sum(by.values()) for by in given.values()]
        by_criterion = {
            criterion: (
                sum(by[criterion] for by in given.values() if criterion in by)
                / max(1, sum(1 for by in given.values() if criterion in by))
            )
            for criterion in criteria
        }
        ranked.append(
            Ranked(
                nomination_id=nomination,
                total=sum(sums) / len(sums) if sums else 0.0,
                by_criterion=by_criterion,
                constituencies=len(given),
                complete=len(given) == constituencies
                and all(len(by) == len(criteria) for by in given.values()),
            )
        )
    first = criteria[0] if criteria else ""
    ranked.sort(
        key=lambda r: (
            -r.total,
            -r.by_criterion.get(first, 0.0),
            -r.constituencies,
            r.nomination_id,
        )
    )
    return ranked
