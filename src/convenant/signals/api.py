"""API of signals: the same rows and the same fields per reader as the pages."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from convenant.core import access
from convenant.core.api import Converted, Error
from convenant.core.errors import ActionError
from convenant.parties.models import Party
from convenant.signals import actions
from convenant.signals.models import Signal, SignalAlert, State
from convenant.signals.readable import readable
from convenant.signals.validation import MAX_LINE, MAX_TEXT, Report

router = Router(tags=["signals"])

# The same limits as the page's form (signals.validation), written into the document.
Code = Annotated[str, Field(max_length=40)]
Line = Annotated[str, Field(max_length=MAX_LINE)]
Account = Annotated[str, Field(max_length=MAX_TEXT)]


class IssuerRef(Schema):
    id: int
    legal_name: str


class SignalOut(Schema):
    reference: str
    title: str
    state: str
    visibility: str
    company_name: str
    issuers: list[IssuerRef]
    country: str
    themes: list[str]
    impact: str
    affected_groups: list[str]
    affected_count: int | None
    handling_party: str
    handler: str
    shared_at: datetime.datetime | None
    # Redactable: null when hidden from this reader.
    reporter: str | None
    site: str | None
    people: str | None
    account: str
    sources: str | None


class SignalIn(Schema):
    """A signal filed by a member of a party, as on the page (evidence files are added on
    the page; the API takes the report itself)."""

    party: Code  # the code of your party that files it
    title: Annotated[str, Field(max_length=200)]
    company_name: Line
    description: Account
    themes: list[Code]
    impact: Code  # actual or potential
    visibility: Code  # public, covenant, restricted or secretariat
    sharing: Code  # as_reported, redacted or handlers_only
    company_isin: Code = ""
    company_lei: Code = ""
    country: Line = ""
    site: Line = ""
    occurred_on: datetime.date | None = None
    occurred_period: Annotated[str, Field(max_length=100)] = ""
    affected_count: int | None = Field(None, ge=0, le=2_147_483_647)
    affected_groups: list[Code] = []
    people: Account = ""
    sources: Account = ""
    shared_with: list[Code] = []  # codes of the named parties (restricted)


class FieldError(Schema):
    detail: str
    field: str = ""  # empty when the problem is not one field's (e.g. refused at the edge)


class AlertOut(Schema):
    id: int
    fund: str
    company: str
    reference: str
    full: bool
    created_at: datetime.datetime
    read_at: datetime.datetime | None


def _out(signal: Signal, request: HttpRequest) -> dict:
    r = readable(signal, access.actor_for(request.user), names={})  # themes go out as keys
    return {
        "reference": signal.reference,
        "title": signal.title,
        "state": signal.state,
        "visibility": signal.visibility,
        "company_name": signal.company_name,
        "issuers": [
            {"id": link.issuer_id, "legal_name": link.issuer.legal_name}
            for link in signal.issuer_links.all()
        ],
        "country": signal.country,
        "themes": list(signal.themes),
        "impact": signal.impact,
        "affected_groups": list(signal.affected_groups),
        "affected_count": signal.affected_count,
        "handling_party": r["handling_party"],
        "handler": r["handler_name"],
        "shared_at": signal.shared_at,
        "reporter": r["reporter"],
        "site": r["site"],
        "people": r["people"],
        "account": r["account"],
        "sources": r["sources"],
    }


def _signals(request: HttpRequest):
    return (
        Signal.objects.visible_to(request.user)
        .select_related("handling_party", "handler", "reporting_party", "reported_by")
        .prefetch_related("issuer_links__issuer", "shares", "attachments")
    )


@router.get("/signals", response=list[SignalOut], summary="List signals")
@paginate
def list_signals(request: HttpRequest, state: str = ""):
    """Signals you may read, newest first; hidden fields are null."""
    qs = _signals(request)
    if state in State.values:
        qs = qs.filter(state=state)
    return Converted(qs, lambda page: [_out(s, request) for s in page])


@router.get("/signals/{reference}", response={200: SignalOut, 404: Error}, summary="Get a signal")
def get_signal(request: HttpRequest, reference: str) -> dict:
    signal = access.get_visible_or_404(_signals(request), request.user, reference=reference)
    return _out(signal, request)


@router.post(
    "/signals",
    response={201: SignalOut, 400: FieldError, 403: Error},
    summary="File a signal for your party",
)
def submit_signal(request: HttpRequest, body: SignalIn) -> Status:
    """The same checks as the page: every problem names its field and nothing is saved."""
    party = Party.objects.filter(code=body.party).first()
    if party is None:
        return Status(400, {"detail": f"No party with code {body.party}.", "field": "party"})
    named = dict(Party.objects.filter(code__in=body.shared_with).values_list("code", "pk"))
    unknown = [code for code in body.shared_with if code not in named]
    if unknown:
        return Status(
            400, {"detail": f"No party with code {', '.join(unknown)}.", "field": "shared_with"}
        )
    data = body.dict() | {"shared_with": [named[code] for code in body.shared_with]}
    try:
        signal = actions.submit_signal(
            by=request.user,  # type: ignore[arg-type]  # the auth guarantees a person
            party=party,
            report=Report.from_data(data),
            files=[],
        )
    except PermissionDenied:
        return Status(403, {"detail": "You may file signals only for a party you belong to."})
    except ActionError as error:
        return Status(400, {"detail": error.messages[0], "field": error.field or ""})
    return Status(201, _out(signal, request))


@router.get("/signal-alerts", response=list[AlertOut], summary="Your funds' signal alerts")
@paginate
def list_alerts(request: HttpRequest):
    """Alerts of the funds you work for: ``full`` says whether you may read the signal; if
    not, you learn only that a restricted signal exists on a company your fund holds."""
    alerts = SignalAlert.objects.visible_to(request.user).select_related("fund", "issuer", "signal")
    return Converted(
        alerts,
        lambda page: [
            {
                "id": a.pk,
                "fund": a.fund.name,
                "company": a.issuer.legal_name,
                "reference": a.signal.reference,
                "full": a.full,
                "created_at": a.created_at,
                "read_at": a.read_at,
            }
            for a in page
        ],
    )
