"""API for holdings: a fund's snapshots and positions, and uploading a file from a script."""

import datetime
import json
import secrets
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from convenant.core import access
from convenant.core.api import Error
from convenant.core.errors import ActionError
from convenant.parties.models import Party
from convenant.portfolios.actions import import_holdings
from convenant.portfolios.holdings.importer import ColumnsNeeded, RowsRejected
from convenant.portfolios.models import Position, Snapshot

router = Router(tags=["holdings"])


class SnapshotOut(Schema):
    id: int
    fund: str
    as_of: datetime.date
    source_name: str
    positions_count: int
    total_value_eur: Decimal
    matched_value_eur: Decimal
    coverage: float

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
    match_method: str
    match_confidence: Decimal


class RowProblem(Schema):
    line: int
    column: str
    reason: str


class ImportOut(Schema):
    snapshot_id: int
    rows_read: int
    imported: int
    matched: int
    review: int
    new: int
    rejected: int
    problems: list[RowProblem]


class ColumnsError(Schema):
    detail: str
    headings: list[str]
    recognised: dict[str, str]
    missing: list[str]


class RowsError(Schema):
    detail: str
    problems: list[RowProblem]


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
def list_positions(request: HttpRequest, snapshot_id: int, status: Position.Status | None = None):
    snapshot = access.get_visible_or_404(Snapshot, request.user, pk=snapshot_id)
    positions = Position.objects.visible_to(request.user).filter(snapshot=snapshot)
    if status:
        positions = positions.filter(status=status)
    return positions.order_by("row")


@router.post(
    "/snapshots",
    response={201: ImportOut, 400: ColumnsError, 404: Error, 422: RowsError, 409: Error},
    summary="Import a holdings file",
)
def upload_snapshot(
    request: HttpRequest,
    file: File[UploadedFile],
    fund: Form[str],
    as_of: Form[datetime.date],
    import_valid_rows: Form[bool] = False,
    columns: Form[str] = "",
) -> Status[object]:
    """Import a CSV, XLSX or ODS file as the fund's snapshot for ``as_of`` (replacing an
    earlier import of that date). ``columns`` is an optional JSON object heading → field for
    columns the import does not recognise. Answers 400 with the headings when columns must be
    named, 422 with every problem (line, column, reason) when rows cannot be read and
    ``import_valid_rows`` is false."""
    party = Party.objects.filter(code=fund.strip().upper()).first()
    if party is None:
        return Status(404, Error(detail=f"No party with code {fund}."))
    try:
        chosen = json.loads(columns) if columns else None
        if chosen is not None and not isinstance(chosen, dict):
            raise ValueError
    except ValueError:
        return Status(409, Error(detail="columns must be a JSON object of heading → field."))
    if file.size and file.size > settings.HOLDINGS_MAX_BYTES:
        return Status(
            409, Error(detail=f"The file is larger than {settings.HOLDINGS_MAX_BYTES} bytes.")
        )
    folder = Path(settings.HOLDINGS_UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (secrets.token_urlsafe(24) + Path(file.name or "").suffix.lower()[:8])
    with path.open("wb") as out:
        for chunk in file.chunks():
            out.write(chunk)
    try:
        report = import_holdings(
            by=request.user,  # type: ignore[arg-type]  # the auth guarantees a person
            fund=party,
            as_of=as_of,
            path=path,
            filename=Path(file.name or "upload").name,
            columns=chosen,
            import_valid_rows=import_valid_rows,
        )
    except ColumnsNeeded as asked:
        return Status(
            400,
            ColumnsError(
                detail=asked.messages[0],
                headings=asked.headings,
                recognised=asked.mapping,
                missing=asked.missing,
            ),
        )
    except RowsRejected as rejected:
        return Status(
            422, RowsError(detail=rejected.messages[0], problems=_problems(rejected.report.errors))
        )
    except ActionError as error:
        return Status(409, Error(detail=error.messages[0]))
    finally:
        path.unlink(missing_ok=True)
    return Status(
        201,
        ImportOut(
            snapshot_id=report.snapshot_id or 0,
            rows_read=report.rows_read,
            imported=report.imported,
            matched=report.matched,
            review=report.review,
            new=report.new,
            rejected=report.rejected,
            problems=_problems(report.errors),
        ),
    )
