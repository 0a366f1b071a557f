"""API of reporting: what is published: the public monitoring reports (no log-in; their
figures after disclosure control), the steering group's approval of a report and of its
public summary, and the trend across cycles. Writes go through the same actions as the pages,
and each read answers as its page does (404 where the page is 404)."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from convenant.core import access, limits
from convenant.core.api import PUBLIC, Error
from convenant.core.errors import ActionError
from convenant.reporting import disclosure
from convenant.reporting.actions import publication as actions
from convenant.reporting.models import MonitoringReport
from convenant.reporting.views import publication as views

router = Router(tags=["reporting"])


class PublishedOut(Schema):
    cycle: str
    name: str
    kind: str
    reference_date: datetime.date
    published_on: datetime.date | None
    figures_digest: str


class PublishedReportOut(PublishedOut):
    summary: str
    summary_en: str
    # The figures as frozen at sign-off, after disclosure control (``disclosure.protect``);
    # the digest is over the snapshot as frozen.
    figures: dict[str, Any]


def _published(report: MonitoringReport) -> dict[str, Any]:
    return {
        "cycle": report.cycle.label,
        "name": report.cycle.name,
        "kind": report.cycle.kind,
        "reference_date": report.cycle.reference_date,
        "published_on": report.published_on,
        "figures_digest": report.figures_digest,
    }


@router.get(
    "/monitoring/reports",
    response=list[PublishedOut],
    auth=PUBLIC,
    summary="List the published monitoring reports",
)
def list_published(request: HttpRequest) -> Any:
    """Published reports, newest first (public)."""
    return [_published(r) for r in views.published_reports(request.user)]


@router.get(
    "/monitoring/reports/{label}",
    response=PublishedReportOut,
    auth=PUBLIC,
    summary="A published monitoring report with its public summary and protected figures",
)
def get_published(request: HttpRequest, label: str) -> Any:
    """Only a published report (404 for any other state, whoever asks)."""
    report = views.published_report(label, request.user)
    assert report.figures is not None
    return {
        **_published(report),
        "summary": report.summary,
        "summary_en": report.summary_en,
        "figures": disclosure.protect(report.figures),
    }


# --- Approval --------------------------------------------------------------------------------


class ApprovalLineOut(Schema):
    kind: str
    decision: int | None
    decided_on: datetime.date | None
    open_proposal: int | None


class ApprovalOut(Schema):
    cycle: str
    state: str
    published_on: datetime.date | None
    approvals: list[ApprovalLineOut]


class ProposeIn(Schema):
    kind: Literal["approve_report", "approve_summary"]
    closes_at: datetime.datetime
    title: str = Field("", max_length=limits.LINE)
    text: str = Field("", max_length=limits.TEXT)


class ApprovalProposalOut(Schema):
    proposal: int
    kind: str
    closes_at: datetime.datetime


class FieldError(Schema):
    detail: str
    field: str = ""


def _approval(report: MonitoringReport) -> dict[str, Any]:
    return {
        "cycle": report.cycle.label,
        "state": report.state,
        "published_on": report.published_on,
        "approvals": [
            {
                "kind": line.kind,
                "decision": line.decision.number if line.decision else None,
                "decided_on": line.decision.decided_on if line.decision else None,
                "open_proposal": line.proposal.number if line.proposal else None,
            }
            for line in views.approval_lines(report)
        ],
    }


@router.get(
    "/reporting/reports/{label}/approval",
    response=ApprovalOut,
    summary="The steering group's approval of a report and of its public summary",
)
def get_approval(request: HttpRequest, label: str) -> Any:
    """For the secretariat, the committee and the steering group, once signed off."""
    return _approval(views.signed_off_report(request.user, label))


@router.post(
    "/reporting/reports/{label}/approval",
    response={201: ApprovalProposalOut, 400: FieldError, 403: Error, 409: Error},
    summary="Put a report's approval, or its public summary's, to the steering group",
)
def propose_approval(request: HttpRequest, label: str, body: ProposeIn) -> Status[Any]:
    """As the secretariat: governance's proposal, with the effect to apply when adopted."""
    report = views.signed_off_report(request.user, label)
    if not access.actor_for(request.user).is_secretariat:
        return Status(403, {"detail": "Only the secretariat puts a report to the steering group."})
    try:
        proposal = actions.propose_approval(by=request.user, report=report, **body.dict())
    except ActionError as error:
        if error.code == "conflict":
            return Status(409, {"detail": error.messages[0]})
        return Status(400, {"detail": error.messages[0], "field": error.field or ""})
    return Status(
        201, {"proposal": proposal.number, "kind": proposal.kind, "closes_at": proposal.closes_at}
    )


# --- The trend -------------------------------------------------------------------------------


class TrendPointOut(Schema):
    cycle: str
    name: str
    reference_date: datetime.date
    signed_off: bool
    shown: bool
    positive: int | None
    counted: int | None
    share: float | None
    asset_share: float | None
    target: float | None
    restated_share: float | None
    restated_asset_share: float | None


class TrendLineOut(Schema):
    indicator: str
    name: str
    points: list[TrendPointOut]


@router.get(
    "/reporting/trend",
    response={200: list[TrendLineOut], 404: Error},
    summary="The trend of each main indicator across all cycles",
)
def get_trend(request: HttpRequest) -> Any:
    """For the committee, the steering group and the secretariat (404 for anyone else), as
    the trend page shows it."""
    return [
        {
            "indicator": line.code,
            "name": line.name,
            "points": [
                {
                    "cycle": p.label,
                    "name": p.name,
                    "reference_date": datetime.date.fromisoformat(p.reference_date),
                    "signed_off": p.signed_off,
                    "shown": p.shown,
                    "positive": p.positive,
                    "counted": p.counted,
                    "share": p.share,
                    "asset_share": p.asset_share,
                    "target": p.target,
                    "restated_share": p.restated_share,
                    "restated_asset_share": p.restated_asset_share,
                }
                for p in line.points
            ],
        }
        for line in views.trend(request.user)
    ]
