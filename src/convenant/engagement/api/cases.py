"""API of the deep track: the cases (list and read, with their step and its exit checks), a
case's collaboration plan (read and update), its plan milestones, its people, and moving it
between steps. Writes go through the same actions as the pages.

Reads answer only the cases the caller may read (404 for the rest, as if they did not
exist); a write needs the right in the case (``case_rules.RIGHTS``; 403 otherwise). A
refused change answers 400 with the field, or 409 when the case is closed."""

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from convenant.core import access, limits
from convenant.core.errors import ActionError
from convenant.engagement import case_rules
from convenant.engagement.actions import cases as actions
from convenant.engagement.models import Case, CaseMember, CaseMilestone, CaseRole, Step
from convenant.parties.models import Membership

router = Router(tags=["engagement"])

Line = Annotated[str, Field(max_length=limits.LINE)]
Message = Annotated[str, Field(max_length=limits.MESSAGE)]
Text = Annotated[str, Field(max_length=limits.TEXT)]
Key = Annotated[str, Field(max_length=40)]


class FieldError(Schema):
    detail: str
    field: str = ""


class Error(Schema):
    detail: str


# --- Schemas -----------------------------------------------------------------------------


class CheckOut(Schema):
    key: str
    label: str
    met: bool


class CaseOut(Schema):
    reference: str
    title: str
    target: str
    issuer: int | None
    sector_code: str
    issue: str
    themes: list[str]
    step: str
    status: str
    selected_on: datetime.date
    plan_agreed_on: datetime.date | None
    publishable: list[str]
    outcome: str
    closed_on: datetime.date | None
    checks: list[CheckOut]  # the exit checks of the current step (none once closed)


class PlanOut(Schema):
    objectives: str
    questions: str
    roles: str
    communication: str
    agreed_on: datetime.date | None
    publishable: list[str]


class PlanIn(Schema):
    """The plan's texts; ``agreed_on`` agrees it (once); ``publishable`` sets the fields a
    public text may be generated from. Only what is sent changes."""

    objectives: Text | None = None
    questions: Text | None = None
    roles: Text | None = None
    communication: Text | None = None
    agreed_on: datetime.date | None = None
    publishable: list[Key] | None = Field(None, max_length=len(case_rules.PUBLISHABLE))


class CaseMilestoneOut(Schema):
    id: int
    title: str
    target_on: datetime.date | None
    reached_on: datetime.date | None
    evidence: str
    overdue: bool


class CaseMilestoneIn(Schema):
    title: Annotated[str, Field(min_length=1, max_length=limits.LINE)]
    target_on: datetime.date | None = None


class MilestonePatch(Schema):
    """Rename it, set its target date (null clears it), or record it reached (with
    evidence)."""

    title: Annotated[str, Field(min_length=1, max_length=limits.LINE)] | None = None
    target_on: datetime.date | None = None
    reached_on: datetime.date | None = None
    evidence: Text = ""


class MemberOut(Schema):
    id: int
    person: str
    party: str  # the party's code
    role: str
    start: datetime.date
    end: datetime.date | None


class MemberIn(Schema):
    user: int  # the person's number
    party: Key  # the party's code
    role: Key
    start: datetime.date | None = None


class MoveIn(Schema):
    to_step: Key  # A–E: forward one step once the checks hold; back with a reason
    reason: Message = ""


class MoveOut(Schema):
    from_step: str
    to_step: str
    moved_at: datetime.datetime
    reason: str
    checks: list[CheckOut]


# --- Helpers -----------------------------------------------------------------------------


def _refused(error: ActionError) -> Status:
    if error.code == "conflict":
        return Status(409, {"detail": error.messages[0]})
    return Status(400, {"detail": error.messages[0], "field": error.field or ""})


def _case(request: HttpRequest, reference: str) -> Case:
    return access.get_visible_or_404(Case, request.user, reference=reference)


def _rights(request: HttpRequest, case: Case) -> frozenset[str]:
    return case_rules.actor_rights(access.actor_for(request.user), case)


def _case_out(case: Case) -> dict[str, Any]:
    checks = (
        case_rules.exit_checks(case.step, case_rules.facts_of(case))
        if case.status == Case.Status.ACTIVE
        else []
    )
    return {
        "reference": case.reference,
        "title": case.title,
        "target": case.target,
        "issuer": case.issuer_id,
        "sector_code": case.sector_code,
        "issue": case.issue,
        "themes": list(case.themes),
        "step": case.step,
        "status": case.status,
        "selected_on": case.selected_on,
        "plan_agreed_on": case.plan_agreed_on,
        "publishable": list(case.publishable),
        "outcome": case.outcome,
        "closed_on": case.closed_on,
        "checks": [{"key": c.key, "label": str(c.label), "met": c.met} for c in checks],
    }


def _plan_out(case: Case) -> dict[str, Any]:
    return {
        "objectives": case.plan_objectives,
        "questions": case.plan_questions,
        "roles": case.plan_roles,
        "communication": case.plan_communication,
        "agreed_on": case.plan_agreed_on,
        "publishable": list(case.publishable),
    }


def _milestone_out(m: CaseMilestone) -> dict[str, Any]:
    return {
        "id": m.pk,
        "title": m.title,
        "target_on": m.target_on,
        "reached_on": m.reached_on,
        "evidence": m.evidence,
        "overdue": m.overdue,
    }


def _member_out(m: CaseMember) -> dict[str, Any]:
    return {
        "id": m.pk,
        "person": m.membership.user.full_name,
        "party": m.membership.party.code if m.membership.party else "",
        "role": m.role,
        "start": m.membership.start,
        "end": m.membership.end,
    }


# --- Cases -------------------------------------------------------------------------------


@router.get("/cases", response=list[CaseOut], summary="List deep-track cases")
@paginate
def list_cases(request: HttpRequest, status: Key = "") -> Any:
    """The cases the caller may read (its sub-working groups', or all for the steering group
    and the secretariat); ``status``: active or closed."""
    rows = Case.objects.visible_to(request.user)
    if status:
        rows = rows.filter(status=status)
    return [_case_out(c) for c in rows.order_by("reference")[:100]]


@router.get(
    "/cases/{reference}",
    response={200: CaseOut, 404: Error},
    summary="A deep-track case with its step and exit checks",
)
def get_case(request: HttpRequest, reference: str) -> Any:
    return _case_out(_case(request, reference))


@router.get(
    "/cases/{reference}/plan",
    response={200: PlanOut, 404: Error},
    summary="A case's collaboration plan",
)
def get_case_plan(request: HttpRequest, reference: str) -> Any:
    return _plan_out(_case(request, reference))


@router.patch(
    "/cases/{reference}/plan",
    response={200: PlanOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Update, agree or mark publishable a case's collaboration plan",
)
def update_case_plan(request: HttpRequest, reference: str, body: PlanIn) -> Any:
    case = _case(request, reference)
    if "edit_plan" not in _rights(request, case):
        return Status(403, {"detail": "Only those who edit the plan may change it."})
    sent = body.model_fields_set
    try:
        texts = {"objectives", "questions", "roles", "communication"}
        if sent & texts:
            # What is not sent stays as it is; null empties a text.
            current = {name: getattr(case, f"plan_{name}") for name in texts}
            given = {name: (getattr(body, name) or "") for name in texts & sent}
            case = actions.update_plan(by=request.user, case=case, **(current | given))
        if body.publishable is not None:
            case = actions.set_publishable(by=request.user, case=case, fields=body.publishable)
        if body.agreed_on is not None:
            case = actions.agree_plan(by=request.user, case=case, on=body.agreed_on)
    except ActionError as error:
        return _refused(error)
    return _plan_out(case)


# --- Plan milestones ---------------------------------------------------------------------


@router.get(
    "/cases/{reference}/milestones",
    response={200: list[CaseMilestoneOut], 404: Error},
    summary="A case's plan milestones",
)
def list_case_milestones(request: HttpRequest, reference: str) -> Any:
    case = _case(request, reference)
    return [
        _milestone_out(m) for m in CaseMilestone.objects.visible_to(request.user).filter(case=case)
    ]


@router.post(
    "/cases/{reference}/milestones",
    response={201: CaseMilestoneOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Add a milestone to a case's plan",
)
def add_case_milestone(request: HttpRequest, reference: str, body: CaseMilestoneIn) -> Status:
    case = _case(request, reference)
    if "edit_plan" not in _rights(request, case):
        return Status(403, {"detail": "Only those who edit the plan may add one."})
    try:
        milestone = actions.add_plan_milestone(
            by=request.user, case=case, title=body.title, target_on=body.target_on
        )
    except ActionError as error:
        return _refused(error)
    return Status(201, _milestone_out(milestone))


@router.patch(
    "/case-milestones/{pk}",
    response={200: CaseMilestoneOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Change a plan milestone or record it reached",
)
def update_case_milestone(request: HttpRequest, pk: int, body: MilestonePatch) -> Any:
    milestone = access.get_visible_or_404(
        CaseMilestone.objects.select_related("case"), request.user, pk=pk
    )
    if "edit_plan" not in _rights(request, milestone.case):
        return Status(403, {"detail": "Only those who edit the plan may change it."})
    sent = body.model_fields_set
    changes: dict[str, Any] = {}
    if "title" in sent and body.title is not None:
        changes["title"] = body.title
    if "target_on" in sent:
        changes["target_on"] = body.target_on
    if body.reached_on is not None:
        changes["reached_on"] = body.reached_on
        changes["evidence"] = body.evidence
    try:
        milestone = actions.update_plan_milestone(by=request.user, milestone=milestone, **changes)
    except ActionError as error:
        return _refused(error)
    return _milestone_out(milestone)


# --- People --------------------------------------------------------------------------------


@router.get(
    "/cases/{reference}/members",
    response={200: list[MemberOut], 404: Error},
    summary="The people of a case's sub-working group, with their roles",
)
def list_case_members(request: HttpRequest, reference: str) -> Any:
    case = _case(request, reference)
    rows = (
        CaseMember.objects.visible_to(request.user)
        .filter(case=case)
        .select_related("membership__user", "membership__party")
        .order_by("membership__start", "pk")
    )
    return [_member_out(m) for m in rows]


@router.post(
    "/cases/{reference}/members",
    response={201: MemberOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Take a person into a case's sub-working group",
)
def add_case_member(request: HttpRequest, reference: str, body: MemberIn) -> Status:
    """``role``: lead_fund, supporting_fund, union_expert, ngo_expert, government_expert or
    secretary. The person must work for the party (one whose people the caller may see)."""
    case = _case(request, reference)
    if "manage_members" not in _rights(request, case):
        return Status(403, {"detail": "Only those who manage the group's people may add one."})
    membership = (
        Membership.objects.visible_to(request.user)
        .filter(user_id=body.user, party__code=body.party)
        .select_related("user", "party")
        .first()
    )
    try:
        if body.role not in CaseRole.values:
            raise ActionError("Choose a role in the case.", field="role")
        if membership is None:
            raise ActionError("No such person of that party.", field="user")
        member = actions.add_case_member(
            by=request.user,
            case=case,
            user=membership.user,
            party=membership.party,
            role=body.role,
            start=body.start,
        )
    except ActionError as error:
        return _refused(error)
    member = (
        CaseMember.objects.visible_to(request.user)
        .select_related("membership__user", "membership__party")
        .get(pk=member.pk)
    )
    return Status(201, _member_out(member))


@router.post(
    "/case-members/{pk}/end",
    response={200: MemberOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="A person leaves a case's sub-working group",
)
def end_case_member(request: HttpRequest, pk: int) -> Any:
    member = access.get_visible_or_404(
        CaseMember.objects.select_related("case", "membership__user", "membership__party"),
        request.user,
        pk=pk,
    )
    if "manage_members" not in _rights(request, member.case):
        return Status(403, {"detail": "Only those who manage the group's people may end it."})
    try:
        actions.end_case_member(by=request.user, member=member)
    except ActionError as error:
        return _refused(error)
    member.membership.refresh_from_db()
    return _member_out(member)


# --- Steps ---------------------------------------------------------------------------------


@router.post(
    "/cases/{reference}/step",
    response={201: MoveOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Move a case to the next step, or back with a reason",
)
def move_case_step(request: HttpRequest, reference: str, body: MoveIn) -> Status:
    """Forward: one step, refused (400, naming the failing checks) while an exit check of
    the current step fails. Back: any earlier step, with ``reason``. A closed case: 409."""
    case = _case(request, reference)
    if "move_step" not in _rights(request, case):
        return Status(403, {"detail": "Only the lead fund moves the case."})
    if body.to_step not in Step.values:
        return Status(400, {"detail": "Choose a step from A to E.", "field": "to_step"})
    try:
        move = actions.move_step(
            by=request.user, case=case, to_step=body.to_step, reason=body.reason
        )
    except ActionError as error:
        return _refused(error)
    return Status(
        201,
        {
            "from_step": move.from_step,
            "to_step": move.to_step,
            "moved_at": move.moved_at,
            "reason": move.reason,
            "checks": move.checks,
        },
    )
