"""API of outsourcing: the reporting requirements agreed per mandate, the provider reports received
per period and what is missing, and a fund's dashboard of the shares of its mandates with
clauses and with reporting in place, by count and by invested amount. Writes go through the same
actions as the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from convenant.core import access, limits
from convenant.core.api import Error
from convenant.core.errors import ActionError
from convenant.outsourcing import kpis
from convenant.outsourcing.actions import monitoring as actions
from convenant.outsourcing.models import Mandate, ProviderReport
from convenant.outsourcing.views.monitoring import fund_dashboard, reporting_of
from convenant.parties.models import Party

router = Router(tags=["outsourcing"])

DB_ID = 2**31 - 1  # ids beyond the database's integer are no object at all


class FieldError(Schema):
    detail: str
    field: str = ""


def _refused(error: ActionError) -> Status[Any]:
    return Status(400, {"detail": error.messages[0], "field": error.field or ""})


def _mandate(request: HttpRequest, mandate_id: int) -> Mandate:
    return access.get_visible_or_404(Mandate, request.user, pk=mandate_id)


def _may_edit(request: HttpRequest, mandate: Mandate) -> bool:
    return access.actor_for(request.user).has_role(mandate.fund_id, access.Role.EDITOR)


# --- Reporting requirements -----------------------------------------------------------------


class RequirementOut(Schema):
    id: int
    mandate_id: int
    description: str
    frequency: str
    since: datetime.date
    model_version_id: int | None
    periods_due: int
    missing: list[str]  # the due periods no report covers: "Q1 2024", "H2 2024", "2024"


class RequirementIn(Schema):
    description: str = Field(min_length=1, max_length=limits.LINE, pattern=r"\S")
    frequency: Literal["quarterly", "half_yearly", "yearly"]
    since: datetime.date
    model_version: int | None = Field(None, ge=1, le=DB_ID)


def _requirement_out(state: Any) -> dict[str, Any]:
    r = state.requirement
    return {
        "id": r.pk,
        "mandate_id": r.mandate_id,
        "description": r.description,
        "frequency": r.frequency,
        "since": r.since,
        "model_version_id": r.model_version_id,
        "periods_due": len(state.due),
        "missing": state.missing_labels,
    }


@router.get(
    "/outsourcing/mandates/{mandate_id}/reporting-requirements",
    response=list[RequirementOut],
    summary="List a mandate's reporting requirements and what is missing",
)
@paginate
def list_reporting_requirements(request: HttpRequest, mandate_id: int) -> Any:
    """Each requirement with the number of periods due (complete periods from the first whole
    one after it was agreed) and those no report covers."""
    mandate = _mandate(request, mandate_id)
    return [_requirement_out(s) for s in reporting_of(request.user, mandate, timezone.localdate())]


@router.post(
    "/outsourcing/mandates/{mandate_id}/reporting-requirements",
    response={201: RequirementOut, 400: FieldError, 403: Error},
    summary="Record a reporting requirement agreed with the provider",
)
def agree_reporting_requirement(
    request: HttpRequest, mandate_id: int, body: RequirementIn
) -> Status[Any]:
    """For the fund's editors. ``since`` falls within the mandate; ``model_version`` is the
    toolkit's model reporting requirement it follows (a version in force), if any."""
    mandate = _mandate(request, mandate_id)
    if not _may_edit(request, mandate):
        return Status(403, {"detail": "Only the fund's editors record its reporting."})
    try:
        requirement = actions.agree_reporting_requirement(
            by=request.user,
            mandate=mandate,
            description=body.description,
            frequency=body.frequency,
            since=body.since,
            model_version=body.model_version,
        )
    except ActionError as error:
        return _refused(error)
    state = next(
        s
        for s in reporting_of(request.user, mandate, timezone.localdate())
        if s.requirement.pk == requirement.pk
    )
    return Status(201, _requirement_out(state))


# --- Provider reports -----------------------------------------------------------------------


class ReportOut(Schema):
    id: int
    mandate_id: int
    period_start: datetime.date
    period_end: datetime.date
    received_on: datetime.date
    covers: list[int]
    has_file: bool
    note: str


def _report_out(report: ProviderReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "mandate_id": report.mandate_id,
        "period_start": report.period_start,
        "period_end": report.period_end,
        "received_on": report.received_on,
        "covers": sorted(r.pk for r in report.covers.all()),
        "has_file": bool(report.file),
        "note": report.note,
    }


@router.get(
    "/outsourcing/mandates/{mandate_id}/reports",
    response=list[ReportOut],
    summary="List the reports received from a mandate's provider",
)
@paginate
def list_provider_reports(request: HttpRequest, mandate_id: int) -> Any:
    mandate = _mandate(request, mandate_id)
    reports = (
        ProviderReport.objects.visible_to(request.user)
        .filter(mandate=mandate)
        .prefetch_related("covers")
    )
    return [_report_out(r) for r in reports]


@router.post(
    "/outsourcing/mandates/{mandate_id}/reports",
    response={201: ReportOut, 400: FieldError, 403: Error},
    summary="Record a report received from the provider",
)
def record_provider_report(
    request: HttpRequest,
    mandate_id: int,
    period_start: Form[datetime.date],
    period_end: Form[datetime.date],
    received_on: Form[datetime.date],
    # The requirements (ids) the report covers, separated by commas: "12,13".
    covers: Annotated[str, Form(min_length=1, max_length=200, pattern=r"^\d{1,9}(,\d{1,9})*$")],
    note: Annotated[str, Form(max_length=limits.MESSAGE)] = "",
    file: UploadedFile | None = File(None),  # noqa: B008  (ninja's way to declare it)
) -> Status[Any]:
    """For the fund's editors, as a multipart form. The report covers some of the mandate's
    own requirements; ``file`` (optional) must be a PDF or office document by its content."""
    mandate = _mandate(request, mandate_id)
    if not _may_edit(request, mandate):
        return Status(403, {"detail": "Only the fund's editors record its reporting."})
    try:
        if file is not None and file.size and file.size > actions.max_report_bytes():
            raise ActionError(
                f"A report may be at most {actions.max_report_bytes() // 2**20} MB.",
                field="file",
            )
        report = actions.record_provider_report(
            by=request.user,
            mandate=mandate,
            period_start=period_start,
            period_end=period_end,
            received_on=received_on,
            covers=[int(c) for c in covers.split(",")],
            data=file.read() if file is not None else None,
            note=note,
        )
    except ActionError as error:
        return _refused(error)
    return Status(201, _report_out(report))


# --- The dashboard --------------------------------------------------------------------------


class MandateFactsOut(Schema):
    mandate_id: int
    provider: str
    invested_eur: Decimal
    clauses_in_place: bool
    reporting_in_place: bool


class SharesOut(Schema):
    """Shares in percent (one decimal), null when there is nothing to divide."""

    fund: str
    on: datetime.date
    mandates: int
    invested_eur: Decimal
    with_clauses: int
    with_clauses_invested_eur: Decimal
    with_reporting: int
    with_reporting_invested_eur: Decimal
    clauses_by_count: Decimal | None
    clauses_by_amount: Decimal | None
    reporting_by_count: Decimal | None
    reporting_by_amount: Decimal | None
    running: list[MandateFactsOut]


@router.get(
    "/outsourcing/dashboard/{fund}",
    response={200: SharesOut, 404: Error},
    summary="A fund's shares of mandates with the clauses and the reporting in place",
)
def get_fund_shares(request: HttpRequest, fund: str) -> Any:
    """Over the fund's running mandates, by count and by invested amount (see the page's
    definition of "in place"). For the fund's own members; ``fund`` is its code."""
    actor = access.actor_for(request.user)
    party = Party.objects.filter(code=fund.strip().upper(), pk__in=actor.fund_ids).first()
    if party is None:
        return Status(404, Error(detail=f"No fund of yours with code {fund}."))
    on = timezone.localdate()
    board = fund_dashboard(request.user, party, on)
    s = board["shares"]
    return {
        "fund": party.code,
        "on": on,
        "mandates": s.mandates,
        "invested_eur": s.invested,
        "with_clauses": s.with_clauses,
        "with_clauses_invested_eur": s.with_clauses_invested,
        "with_reporting": s.with_reporting,
        "with_reporting_invested_eur": s.with_reporting_invested,
        "clauses_by_count": s.clauses_by_count,
        "clauses_by_amount": s.clauses_by_amount,
        "reporting_by_count": s.reporting_by_count,
        "reporting_by_amount": s.reporting_by_amount,
        "running": [
            {
                "mandate_id": row["mandate"].pk,
                "provider": row["mandate"].provider.name,
                "invested_eur": row["mandate"].invested_eur,
                "clauses_in_place": row["facts"].clauses_in_place,
                "reporting_in_place": row["facts"].reporting_in_place,
            }
            for row in board["rows"]
        ],
    }


class CovenantSharesOut(Schema):
    on: datetime.date
    funds: int
    mandates: int
    with_clauses: int
    with_reporting: int
    clauses_by_count: Decimal | None
    reporting_by_count: Decimal | None


@router.get(
    "/outsourcing/dashboard",
    response={200: CovenantSharesOut, 403: Error, 409: Error},
    summary="The covenant's shares of mandates with the clauses and the reporting in place",
)
def get_covenant_shares(request: HttpRequest) -> Any:
    """Every fund's running mandates together, counts only, for the secretariat and the
    steering group; 409 when fewer funds have one than the minimum-of-funds rule asks."""
    if not access.can_see_covenant_aggregates(access.actor_for(request.user)):
        return Status(403, Error(detail="For the secretariat and the steering group."))
    shares = kpis.covenant_shares()
    if shares is None:
        return Status(409, Error(detail="Too few funds have mandates to show the figures."))
    return {
        "on": shares.on,
        "funds": shares.funds,
        "mandates": shares.mandates,
        "with_clauses": shares.with_clauses,
        "with_reporting": shares.with_reporting,
        "clauses_by_count": shares.clauses_by_count,
        "reporting_by_count": shares.reporting_by_count,
    }
