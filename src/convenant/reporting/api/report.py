"""API of reporting: the monitoring report: the figures per indicator by count and by invested
assets, frozen at sign-off, rendered as HTML, PDF and XLSX. Writes go through the same actions
as the pages."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from convenant.core import limits
from convenant.core.api import Error
from convenant.core.errors import ActionError
from convenant.reporting import disclosure
from convenant.reporting.actions import report as actions
from convenant.reporting.models import MonitoringReport
from convenant.reporting.views.report import find, may_sign

router = Router(tags=["reporting"])


class ReportFieldError(Schema):
    detail: str
    field: str = ""


class MonitoringReportOut(Schema):
    cycle: str
    state: str
    signed_off_at: datetime.datetime | None
    figures_digest: str


class FiguresOut(MonitoringReportOut):
    # The frozen figures after disclosure control (the shape of ``reporting.figures``); the
    # digest is taken over the snapshot as frozen, before disclosure control.
    figures: dict[str, Any]


class SummaryIn(Schema):
    summary: str = Field(min_length=1, max_length=limits.TEXT, pattern=r"\S")
    summary_en: str = Field("", max_length=limits.TEXT)


def _out(report: MonitoringReport) -> dict[str, Any]:
    return {
        "cycle": report.cycle.label,
        "state": report.state,
        "signed_off_at": report.signed_off_at,
        "figures_digest": report.figures_digest,
    }


def _refused(error: ActionError) -> Status[Any]:
    if error.code == "conflict":
        return Status(409, {"detail": error.messages[0]})
    return Status(400, {"detail": error.messages[0], "field": error.field or ""})


@router.get(
    "/reporting/reports/{label}/figures",
    response=FiguresOut,
    summary="Read the signed-off figures of a cycle's monitoring report",
)
def get_report_figures(request: HttpRequest, label: str) -> Any:
    """For the report's readers: the committee and the secretariat, the steering group once
    signed off, everyone once published. A draft has no figures to read (404)."""
    found = find(request.user, label)
    report = found.report
    if not found.frozen or report is None or report.figures is None:
        raise Http404
    return {**_out(report), "figures": disclosure.protect(report.figures)}


@router.post(
    "/reporting/reports/{label}/summary",
    response={200: MonitoringReportOut, 400: ReportFieldError, 403: Error, 409: Error},
    summary="Write the public summary of a cycle's monitoring report",
)
def write_report_summary(request: HttpRequest, label: str, body: SummaryIn) -> Status[Any]:
    """For the committee's editors, while the report is a draft."""
    found = find(request.user, label)
    if not may_sign(request.user):
        return Status(403, {"detail": "Only the monitoring committee writes its report."})
    try:
        report = actions.write_report_summary(
            by=request.user, cycle=found.cycle, summary=body.summary, summary_en=body.summary_en
        )
    except ActionError as error:
        return _refused(error)
    return Status(200, _out(report))


@router.post(
    "/reporting/reports/{label}/sign-off",
    response={200: MonitoringReportOut, 400: ReportFieldError, 403: Error, 409: Error},
    summary="Sign off a cycle's monitoring report, freezing its figures",
)
def sign_off_report(request: HttpRequest, label: str) -> Status[Any]:
    """For the committee's editors. Refused (409) while a counted submission is still under
    review, or once signed off; 400 while the public summary is missing."""
    found = find(request.user, label)
    if not may_sign(request.user):
        return Status(403, {"detail": "Only the monitoring committee signs off its report."})
    try:
        report = actions.sign_off_report(by=request.user, cycle=found.cycle)
    except ActionError as error:
        return _refused(error)
    return Status(200, _out(report))
