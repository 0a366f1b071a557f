"""API of engagement's overviews: a fund's milestone funnel, the covenant's aggregate view,
and the bulk update of milestones and activities from a file (the same action as the page)."""

from pathlib import Path
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from convenant.core import access
from convenant.core.api import Error
from convenant.core.errors import ActionError
from convenant.engagement.actions.overviews import import_engagement_updates
from convenant.engagement.importing import LIMITS, UpdateRejected
from convenant.engagement.views.overviews import (
    Funnel,
    can_see_covenant_view,
    covenant_funnel,
    fund_funnel,
)
from convenant.parties.models import Party

router = Router(tags=["engagement"])


class StageOut(Schema):
    milestone: int  # 0: no milestone reached yet
    objectives: int


class EscalationOut(Schema):
    engagement_id: int
    engagement: str
    objective_id: int
    objective: str
    why: str
    next_step: str | None  # the key of the step suggested next on the ladder in force


class FunnelOut(Schema):
    fund: str | None
    engagements: int
    stages: list[StageOut]
    moved_this_year: int
    open: int
    closed: int
    outcomes: dict[str, int]
    success_rate: int | None  # met and partly met, as a percentage of the closed objectives
    overdue_milestones: int
    escalations_due: int
    escalations: list[EscalationOut]


def _funnel_out(funnel: Funnel, fund: str | None) -> dict[str, Any]:
    return {
        "fund": fund,
        "engagements": funnel.engagements,
        "stages": [{"milestone": n, "objectives": c} for n, c in funnel.stages.items()],
        "moved_this_year": funnel.moved_this_year,
        "open": funnel.open,
        "closed": funnel.closed,
        "outcomes": funnel.outcomes,
        "success_rate": funnel.success_rate,
        "overdue_milestones": funnel.overdue_milestones,
        "escalations_due": funnel.escalations_count,
        "escalations": [
            {
                "engagement_id": d["engagement"].pk,
                "engagement": d["engagement"].title,
                "objective_id": d["objective"].pk,
                "objective": d["objective"].title,
                "why": str(d["why"]),
                "next_step": d["next_step"].key if d.get("next_step") else None,
            }
            for d in funnel.escalations_due
        ],
    }


@router.get(
    "/engagement/funnel/{fund}",
    response={200: FunnelOut, 404: Error},
    summary="A fund's milestone funnel, success rate and escalations due",
)
def get_fund_funnel(request: HttpRequest, fund: str) -> Any:
    """The fund's objectives by the highest milestone reached (0: none yet), how many moved
    this year, the success rate (met and partly met over closed objectives) and the
    escalations due. For the fund's own members; ``fund`` is its code."""
    actor = access.actor_for(request.user)
    party = Party.objects.filter(code=fund.strip().upper(), pk__in=actor.fund_ids).first()
    if party is None:
        return Status(404, Error(detail=f"No fund of yours with code {fund}."))
    funnel = fund_funnel(request.user, party, timezone.localdate())
    return _funnel_out(funnel, party.code)


@router.get(
    "/engagement/funnel",
    response={200: FunnelOut, 403: Error, 409: Error},
    summary="The covenant's milestone funnel, as aggregates",
)
def get_covenant_funnel(request: HttpRequest) -> Any:
    """Across the covenant, counts only, for the secretariat and the steering group; 409
    when fewer funds take part than the minimum-of-funds rule asks."""
    if not can_see_covenant_view(access.actor_for(request.user)):
        return Status(403, Error(detail="For the secretariat and the steering group."))
    funnel = covenant_funnel(request.user)
    if funnel is None:
        return Status(409, Error(detail="Too few funds take part to show the covenant's figures."))
    return _funnel_out(funnel, None)


class ProblemOut(Schema):
    line: int
    column: str
    value: str
    reason: str


class ImportOut(Schema):
    rows: int
    milestones: int
    activities: int
    unchanged: int


class ImportRejectedOut(Error):
    """400: the file's rows were refused (``problems``, each with its line), or the request
    itself was refused at the edge (``detail`` only)."""

    problems: list[ProblemOut] = []


@router.post(
    "/engagement/import",
    response={200: ImportOut, 400: ImportRejectedOut, 403: Error, 409: Error},
    summary="Update milestones and log activities from an XLSX or CSV file",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {"schema": {"properties": {"file": {"minLength": 1}}}}
            }
        }
    },
)
def import_updates(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """All rows or none: a file with a problem saves nothing and answers 400 with every
    problem (line, column, value, reason). The columns are the template's (``GET
    /engagement/import/template.xlsx`` on the site), in Dutch or English."""
    actor = access.actor_for(request.user)
    if not (actor.is_secretariat or actor.party_ids_with(access.Role.EDITOR)):
        return Status(403, Error(detail="Updating engagements needs the editor role."))
    if file.size and file.size > LIMITS.max_bytes:
        return Status(409, Error(detail=f"The file is larger than {LIMITS.max_bytes} bytes."))
    try:
        result = import_engagement_updates(
            by=request.user, data=file.read(), filename=Path(file.name or "upload").name
        )
    except UpdateRejected as error:
        return Status(
            400,
            {
                "detail": error.messages[0],
                "problems": [vars(p) for p in error.problems],
            },
        )
    except ActionError as error:
        return Status(409, Error(detail=error.messages[0]))
    return {
        "rows": result.rows,
        "milestones": result.milestones,
        "activities": result.activities,
        "unchanged": result.unchanged,
    }
