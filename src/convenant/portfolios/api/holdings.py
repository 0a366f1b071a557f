"""API for holdings: a fund's snapshots and positions, uploading a file from a script
(queued as a job; the answer says where to follow it), and answering an import that asks
whether a much smaller file is complete or partial."""

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from convenant.core import access, limits
from convenant.core.api import Error
from convenant.core.errors import ActionError
from convenant.parties.models import Party
from convenant.portfolios.actions import queue_import
from convenant.portfolios.actions.imports import confirm_import_size
from convenant.portfolios.importing.columns import FIELDS
from convenant.portfolios.importing.mapping import field_label
from convenant.portfolios.models import ImportJob, Position, Snapshot

router = Router(tags=["holdings"])


class SnapshotOut(Schema):
    id: int
    fund: str
    as_of: datetime.date
    source_name: str
    positions_count: int
    total_value_eur: Decimal
    matched_value_eur: Decimal
    other_value_eur: Decimal  # cash, FX forwards, futures, funds: never matched to issuers
    coverage: float
    partial: bool  # part of the holdings only: never the fund's current snapshot
    rate_date: datetime.date | None  # the day whose exchange rates converted the values

    @staticmethod
    def resolve_fund(obj: Snapshot) -> str:
        return obj.fund.code


class PositionOut(Schema):
    row: int
    issuer_id: int | None
    name: str
    isin: str
    lei: str
    country: str
    currency: str
    market_value: Decimal
    value_eur: Decimal
    quantity: Decimal | None
    ownership_pct: Decimal | None
    voting_pct: Decimal | None
    status: Position.Status
    kind: Position.Kind
    match_method: str
    match_confidence: Decimal


class RowProblem(Schema):
    line: int
    column: str
    reason: str


def _problems(errors: list[tuple[int, str, str]]) -> list[RowProblem]:
    return [RowProblem(line=line, column=column, reason=reason) for line, column, reason in errors]


@router.get("/snapshots", response=list[SnapshotOut], summary="List your fund's snapshots")
@paginate
def list_snapshots(request: HttpRequest):
    """Holdings snapshots of the funds you work for (nobody else's)."""
    return Snapshot.objects.visible_to(request.user).select_related("fund")


@router.get(
    "/snapshots/{snapshot_id}", response={200: SnapshotOut, 404: Error}, summary="Get a snapshot"
)
def get_snapshot(request: HttpRequest, snapshot_id: int) -> Snapshot:
    return access.get_visible_or_404(
        Snapshot.objects.select_related("fund"), request.user, pk=snapshot_id
    )


@router.get(
    "/snapshots/{snapshot_id}/positions",
    response=list[PositionOut],
    summary="List a snapshot's positions",
)
@paginate
def list_positions(
    request: HttpRequest,
    snapshot_id: int,
    status: Position.Status | None = None,
    kind: Position.Kind | None = None,
):
    snapshot = access.get_visible_or_404(Snapshot, request.user, pk=snapshot_id)
    positions = Position.objects.visible_to(request.user).filter(snapshot=snapshot)
    if status:
        positions = positions.filter(status=status)
    if kind:
        positions = positions.filter(kind=kind)
    return positions.order_by("row")


class SkippedLine(Schema):
    line: int
    reason: str


class ImportQueued(Schema):
    """Where to follow an import the API has queued."""

    import_id: int
    job_id: int
    job_url: str
    import_url: str


class SmallerOut(Schema):
    """A file much smaller than the fund's previous complete snapshot, side by side."""

    previous_as_of: datetime.date
    previous_count: int
    previous_value: Decimal
    count: int
    value: Decimal


class ImportStatusOut(Schema):
    """An import of a holdings file: its status (queued, running, columns, rejected,
    smaller, failed, cancelled, done), its message and, once it has one, its outcome."""

    id: int
    fund: str
    as_of: datetime.date
    filename: str
    status: str
    message: str
    job_id: int | None
    job_url: str | None
    snapshot_id: int | None
    rows_read: int
    imported: int
    matched: int
    review: int
    new: int
    other: int  # lines that are not companies: cash, FX forwards, derivatives, funds
    rejected: int
    rate_date: datetime.date | None  # the day whose exchange rates converted the values
    problems: list[RowProblem]
    skipped: list[SkippedLine]  # totals and notes kept out on purpose, with why
    headings: list[str]
    recognised: dict[str, str]
    missing: list[str]
    # For each missing field, the file's headings that probably hold it, best first.
    likely: dict[str, list[str]]
    # Every field a column can hold (status columns): key → its name as people see it.
    fields: dict[str, str]
    currency: str  # the currency given for the whole file, if any
    partial: bool
    smaller: SmallerOut | None  # status smaller: answer with POST …/size


def _job_url(job_id: int) -> str:
    return reverse("api:get_job", args=[job_id])


def import_out(imp: ImportJob) -> ImportStatusOut:
    report = imp.report or {}
    done = imp.status == ImportJob.Status.DONE
    return ImportStatusOut(
        id=imp.pk,
        fund=imp.fund.code,
        as_of=imp.as_of,
        filename=imp.filename,
        status=imp.status,
        message=imp.status_message,
        job_id=imp.job_id,
        job_url=_job_url(imp.job_id) if imp.job_id else None,
        snapshot_id=imp.snapshot_id if done else None,
        rows_read=report.get("rows_read", 0),
        imported=report.get("imported", 0) if done else 0,
        matched=report.get("matched", 0) if done else 0,
        review=report.get("review", 0) if done else 0,
        new=report.get("new", 0) if done else 0,
        other=report.get("other", 0) if done else 0,
        rejected=report.get("rejected", 0),
        rate_date=report.get("rate_date") if done else None,
        problems=_problems(report.get("errors", [])),
        skipped=[
            SkippedLine(line=line, reason=reason) for line, reason in report.get("skipped", [])
        ]
        if done
        else [],
        headings=report.get("headings", []) if imp.status == ImportJob.Status.COLUMNS else [],
        recognised=report.get("mapping", {}) if imp.status == ImportJob.Status.COLUMNS else {},
        missing=report.get("missing", []) if imp.status == ImportJob.Status.COLUMNS else [],
        likely=report.get("likely", {}) if imp.status == ImportJob.Status.COLUMNS else {},
        fields={key: field_label(key) for key in FIELDS}
        if imp.status == ImportJob.Status.COLUMNS
        else {},
        currency=imp.currency,
        partial=imp.partial,
        smaller=SmallerOut(**report) if imp.status == ImportJob.Status.SMALLER else None,
    )


@router.post(
    "/snapshots",
    response={202: ImportQueued, 404: Error, 409: Error},
    summary="Upload a holdings file to import",
    openapi_extra={
        # An empty file part is no file at all (Django drops it): say so in the document.
        "requestBody": {
            "content": {
                "multipart/form-data": {"schema": {"properties": {"file": {"minLength": 1}}}}
            }
        },
        "responses": {
            202: {
                "headers": {
                    "Location": {
                        "description": "The job running the import: GET /api/v1/jobs/{id}.",
                        "schema": {"type": "string"},
                    }
                }
            }
        },
    },
)
def upload_snapshot(
    request: HttpRequest,
    response: HttpResponse,
    file: File[UploadedFile],
    fund: Annotated[str, Form(min_length=1, max_length=40)],  # the fund's code
    as_of: Form[datetime.date],
    import_valid_rows: Form[bool] = False,
    columns: Annotated[str, Form(max_length=limits.TEXT)] = "",
    currency: Annotated[str, Form(max_length=3, pattern=r"^([A-Za-z]{3})?$")] = "",
) -> Status[object]:
    """Store a CSV, XLSX, ODS or JSON file and queue its import as the fund's snapshot for
    ``as_of`` (replacing an earlier import of that date). ``columns`` is an optional JSON
    object heading → field for columns the import does not recognise (the field by its key,
    such as ``market_value``, or its name as people see it, such as ``Marktwaarde``).
    ``currency`` (ISO 4217) is the currency of the file's values, used only when neither a
    value heading nor a currency column says it. Answers 202 at once:
    the ``Location`` header and ``job_url`` follow the run (``GET /api/v1/jobs/{id}``:
    state, progress, message); ``import_url`` gives the outcome once the job has ended
    (status ``done`` with the snapshot, ``columns`` with the headings to name and the likely
    candidates, ``rejected`` with every problem: line, column, reason, unless
    ``import_valid_rows``; ``smaller`` when the file is much smaller than the fund's
    previous snapshot: answer with ``POST /api/v1/holdings-imports/{id}/size``). What can be
    checked without reading the file (the fund, your role, the date, the size) answers at
    once: 404 or 409."""
    party = Party.objects.filter(code=fund.strip().upper()).first()
    if party is None:
        return Status(404, Error(detail=f"No party with code {fund}."))
    try:
        chosen = json.loads(columns) if columns else None
        if chosen is not None and not (
            isinstance(chosen, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in chosen.items())
        ):
            raise ValueError
    except ValueError:
        return Status(409, Error(detail="columns must be a JSON object of heading → field."))
    if file.size and file.size > settings.HOLDINGS_MAX_BYTES:
        return Status(
            409, Error(detail=f"The file is larger than {settings.HOLDINGS_MAX_BYTES} bytes.")
        )
    try:
        imp = queue_import(
            by=request.user,  # type: ignore[arg-type]  # the auth guarantees a person
            fund=party,
            as_of=as_of,
            chunks=file.chunks(),
            filename=Path(file.name or "upload").name,
            import_valid_rows=import_valid_rows,
            columns=chosen,
            currency=currency,
        )
    except ActionError as error:
        return Status(409, Error(detail=error.messages[0]))
    return _queued(response, imp)


@router.get(
    "/holdings-imports/{import_id}",
    response={200: ImportStatusOut, 404: Error},
    summary="Get a holdings import and its outcome",
)
def get_holdings_import(request: HttpRequest, import_id: int) -> ImportStatusOut:
    """An import queued by ``POST /api/v1/snapshots`` (or the upload page): its status and,
    once its job has ended, the snapshot, the columns to name or the rows refused. Only the
    fund's own people see it."""
    imp = access.get_visible_or_404(
        ImportJob.objects.select_related("fund", "job"), request.user, pk=import_id
    )
    return import_out(imp)


class SizeIn(Schema):
    """The answer to "this file is much smaller than the fund's previous snapshot"."""

    partial: bool  # true: only part of the holdings (kept, never current); false: complete


def _queued(response: HttpResponse, imp: ImportJob) -> Status[object]:
    assert imp.job_id is not None
    response["Location"] = _job_url(imp.job_id)
    return Status(
        202,
        ImportQueued(
            import_id=imp.pk,
            job_id=imp.job_id,
            job_url=_job_url(imp.job_id),
            import_url=reverse("api:get_holdings_import", args=[imp.pk]),
        ),
    )


@router.post(
    "/holdings-imports/{import_id}/size",
    response={202: ImportQueued, 404: Error, 409: Error},
    summary="Say whether a much smaller file is complete or partial",
)
def confirm_holdings_import_size(
    request: HttpRequest, response: HttpResponse, import_id: int, body: SizeIn
) -> Status[object]:
    """For an import with status ``smaller``: ``partial: false`` imports the file as the
    fund's complete holdings after all; ``partial: true`` imports it as a partial snapshot,
    kept but never the fund's current one. The import runs again (202, as the upload)."""
    imp = access.get_visible_or_404(ImportJob, request.user, pk=import_id)
    try:
        imp = confirm_import_size(
            by=request.user,  # type: ignore[arg-type]  # the auth guarantees a person
            job=imp,
            partial=body.partial,
        )
    except ActionError as error:
        return Status(409, Error(detail=error.messages[0]))
    return _queued(response, imp)
