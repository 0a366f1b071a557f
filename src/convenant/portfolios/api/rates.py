"""API of the exchange-rate table: the secretariat loads a rate file from a script."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from convenant.core.api import Error
from convenant.core.errors import ActionError
from convenant.portfolios.actions.rates import RATES_MAX_BYTES, RatesRejected, load_exchange_rates

router = Router(tags=["exchange rates"])


class RatesLoaded(Schema):
    layout: str  # "ecb" (the reference-rate history) or "long" (date,currency,rate)
    rates: int
    added: int
    corrected: int
    unchanged: int
    currencies: list[str]
    first_date: datetime.date | None
    last_date: datetime.date | None


class RatesRefused(Schema):
    detail: str
    problems: list[str] = []  # each names its line, column and value


@router.post(
    "/exchange-rates",
    response={200: RatesLoaded, 400: RatesRefused, 403: Error},
    summary="Load exchange rates from a file",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {"schema": {"properties": {"file": {"minLength": 1}}}}
            }
        }
    },
)
def load_rates(request: HttpRequest, file: File[UploadedFile]) -> Status[object]:
    """Secretariat only. Load units per euro from the ECB's euro reference-rate history
    exactly as published (``eurofxref-hist.csv`` or its .zip: ``Date,USD,JPY,…``, ``N/A``
    where a currency had no rate) or from lines of ``date,currency,rate``. Days already
    known are corrected where the value differs. All or nothing: a file with a bad cell
    answers 400 with each problem (line, column, value) and changes nothing."""
    if file.size and file.size > RATES_MAX_BYTES:
        return Status(400, RatesRefused(detail=_("The file is too large to be a rate file.")))
    try:
        report = load_exchange_rates(
            by=request.user,  # type: ignore[arg-type]  # the auth guarantees a person
            data=file.read(),
            filename=file.name or "upload",
        )
    except PermissionDenied:
        return Status(403, Error(detail=_("Only the secretariat loads exchange rates.")))
    except RatesRejected as error:
        return Status(400, RatesRefused(detail=_("Nothing was loaded."), problems=error.problems))
    except ActionError as error:
        return Status(400, RatesRefused(detail=error.messages[0]))
    return Status(
        200,
        RatesLoaded(
            layout=report.layout,
            rates=report.read,
            added=report.added,
            corrected=report.corrected,
            unchanged=report.unchanged,
            currencies=report.currencies,
            first_date=report.first_date,
            last_date=report.last_date,
        ),
    )
