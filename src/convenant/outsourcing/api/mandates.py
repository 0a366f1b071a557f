"""API of outsourcing: service providers kept once for the covenant (the secretariat merges
duplicates), a fund's mandates with them, the model clauses each contract holds at which version
(verbatim, adapted with its diff, or not included with a reason), superseded clauses and renewal
tasks. Writes go through the same actions as the pages.

Reads answer what the caller may read (404 for the rest, as if it did not exist): providers
are every party's; a fund's mandates its members' and the secretariat's. A refused change
answers 400 with the field; a provider already kept answers 409 naming it. Evidence documents
are uploaded on the mandate's page (a document, checked by its content)."""

import datetime
from typing import Annotated, Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from convenant.core import access, limits
from convenant.core.api import Converted
from convenant.core.errors import ActionError
from convenant.outsourcing.actions import mandates as actions
from convenant.outsourcing.models import Mandate, MandateClause, Provider, RenewalTask
from convenant.parties.models import Party
from convenant.toolkit.models import ModelText
from convenant.toolkit.views.texts import word_diff

DIFF_KINDS = {"=": "same", "-": "removed", "+": "added"}

router = Router(tags=["outsourcing"])

Line = Annotated[str, Field(max_length=limits.LINE)]
Message = Annotated[str, Field(max_length=limits.MESSAGE)]
Text = Annotated[str, Field(max_length=limits.TEXT)]
Key = Annotated[str, Field(max_length=40)]
Amount = Annotated[float, Field(ge=0, lt=1e14)]


class FieldError(Schema):
    detail: str
    field: str = ""


class Error(Schema):
    detail: str


# --- Schemas -----------------------------------------------------------------------------


class ProviderOut(Schema):
    id: int
    name: str
    kind: str
    lei: str
    country: str
    website: str
    merged_into: int | None


class ProviderIn(Schema):
    name: Line
    kind: Key  # asset_manager, fiduciary_manager, engagement_provider, voting_provider …
    lei: Annotated[str, Field(max_length=24)] = ""
    country: Annotated[str, Field(max_length=2)] = ""  # two-letter code
    website: Annotated[str, Field(max_length=200)] = ""


class Duplicate(Schema):
    detail: str
    existing: int | None


class MergeIn(Schema):
    kept: int = Field(ge=1, le=2**31 - 1)  # the provider kept


class DiffPiece(Schema):
    kind: str  # same, removed (from the model) or added (by the contract)
    text: str


class ClauseOut(Schema):
    text: str  # the model text's identifier
    inclusion: str  # verbatim, adapted or not_included
    version: int | None  # the version number held
    in_force: int | None  # the version number in force
    superseded: bool  # held at a version older than the one in force
    adapted_text: str
    diff: list[DiffPiece]  # the contract's wording against the model version, word by word
    reason: str
    contract_date: datetime.date | None
    passage: str
    has_evidence: bool


class RenewalTaskOut(Schema):
    id: int
    renewal_date: datetime.date
    due_on: datetime.date
    done_on: datetime.date | None
    note: str


class MandateOut(Schema):
    id: int
    fund: str  # the fund's code
    provider: int
    provider_name: str
    asset_class: str
    invested_eur: float
    start_date: datetime.date
    end_date: datetime.date | None
    contract_reference: str
    renewal_date: datetime.date | None
    superseded_clauses: int


class MandateDetailOut(MandateOut):
    clauses: list[ClauseOut]
    renewal_tasks: list[RenewalTaskOut]


class MandateIn(Schema):
    fund: Key  # the fund's code
    provider: int = Field(ge=1, le=2**31 - 1)
    asset_class: Key
    start_date: datetime.date
    invested_eur: Amount = 0
    end_date: datetime.date | None = None
    contract_reference: Annotated[str, Field(max_length=100)] = ""
    renewal_date: datetime.date | None = None


class MandatePatch(Schema):
    provider: int | None = Field(None, ge=1, le=2**31 - 1)
    asset_class: Key | None = None
    invested_eur: Amount | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    contract_reference: Annotated[str, Field(max_length=100)] | None = None
    renewal_date: datetime.date | None = None


class MandateEnd(Schema):
    end_date: datetime.date | None = None  # today when left out


class ClauseIn(Schema):
    inclusion: Key  # verbatim, adapted or not_included
    version: int | None = Field(None, ge=1, le=32767)  # the version *number* held
    adapted_text: Text = ""  # the contract's wording, when adapted
    reason: Message = ""  # why not included
    contract_date: datetime.date | None = None
    passage: Line = ""  # page or article


class TaskDone(Schema):
    note: Message


# --- Helpers -----------------------------------------------------------------------------


def _refused(error: ActionError) -> Status:
    if error.code == "forbidden":
        return Status(403, {"detail": error.messages[0]})
    if error.code == "conflict":
        return Status(409, {"detail": error.messages[0]})
    return Status(400, {"detail": error.messages[0], "field": error.field or ""})


def _provider_out(p: Provider) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "kind": p.kind,
        "lei": p.lei,
        "country": p.country,
        "website": p.website,
        "merged_into": p.merged_into_id,
    }


def _mandate_out(m: Mandate, superseded: dict[int, int]) -> dict[str, Any]:
    return {
        "id": m.pk,
        "fund": m.fund.code,
        "provider": m.provider_id,
        "provider_name": m.provider.name,
        "asset_class": m.asset_class,
        "invested_eur": float(m.invested_eur),
        "start_date": m.start_date,
        "end_date": m.end_date,
        "contract_reference": m.contract_reference,
        "renewal_date": m.renewal_date,
        "superseded_clauses": superseded.get(m.pk, 0),
    }


def _mandate_detail(request: HttpRequest, mandate: Mandate) -> dict[str, Any]:
    clauses = list(
        MandateClause.objects.visible_to(request.user)
        .filter(mandate=mandate)
        .select_related("text", "version")
    )
    current = actions.in_force(c.text_id for c in clauses)
    old = actions.outdated(clauses, current)
    tasks = RenewalTask.objects.visible_to(request.user).filter(mandate=mandate).order_by("due_on")
    return _mandate_out(mandate, {mandate.pk: len(old)}) | {
        "clauses": [
            {
                "text": c.text.identifier,
                "inclusion": c.inclusion,
                "version": c.version.number if c.version else None,
                "in_force": current[c.text_id].number if c.text_id in current else None,
                "superseded": c.pk in old,
                "adapted_text": c.adapted_text,
                "diff": [
                    {"kind": DIFF_KINDS[op], "text": chunk}
                    for op, chunk in word_diff(c.version.body, c.adapted_text)
                ]
                if c.version and c.inclusion == MandateClause.Inclusion.ADAPTED
                else [],
                "reason": c.reason,
                "contract_date": c.contract_date,
                "passage": c.passage,
                "has_evidence": bool(c.evidence.name),
            }
            for c in clauses
        ],
        "renewal_tasks": [
            {
                "id": t.pk,
                "renewal_date": t.renewal_date,
                "due_on": t.due_on,
                "done_on": t.done_on,
                "note": t.note,
            }
            for t in tasks
        ],
    }


def _mandate(request: HttpRequest, pk: int) -> Mandate:
    return access.get_visible_or_404(
        Mandate.objects.select_related("provider", "fund"), request.user, pk=pk
    )


# --- Providers ---------------------------------------------------------------------------


@router.get(
    "/outsourcing/providers", response=list[ProviderOut], summary="List the service providers"
)
@paginate
def list_providers(
    request: HttpRequest, q: Annotated[str, Field(max_length=100)] = "", merged: bool = False
) -> Any:
    """The providers kept for the covenant, by name (``q``: part of the name, or the LEI;
    ``merged``: include the duplicates merged into another)."""
    rows = Provider.objects.visible_to(request.user)
    if not merged:
        rows = rows.filter(merged_into__isnull=True)
    if q.strip():
        rows = rows.filter(Q(name__icontains=q.strip()) | Q(lei__iexact=q.strip()))
    return Converted(rows.order_by("name", "pk"), lambda ps: [_provider_out(p) for p in ps])


@router.get(
    "/outsourcing/providers/{pk}",
    response={200: ProviderOut, 404: Error},
    summary="A service provider",
)
def get_provider(request: HttpRequest, pk: int) -> Any:
    return _provider_out(access.get_visible_or_404(Provider, request.user, pk=pk))


@router.post(
    "/outsourcing/providers",
    response={201: ProviderOut, 400: FieldError, 403: Error, 409: Duplicate},
    summary="Add a service provider",
)
def create_provider(request: HttpRequest, body: ProviderIn) -> Status:
    """As an editor of a party in the covenant, or the secretariat. A provider already kept
    (the same LEI, or the same name in the same country) answers 409 with its number."""
    try:
        provider = actions.add_provider(by=request.user, **body.dict())
    except ActionError as error:
        if error.code == "conflict":
            existing = actions.find_duplicate(
                name=body.name, country=body.country.strip().upper(), lei=body.lei.strip().upper()
            )
            return Status(
                409, {"detail": error.messages[0], "existing": existing.pk if existing else None}
            )
        return _refused(error)
    return Status(201, _provider_out(provider))


@router.post(
    "/outsourcing/providers/{pk}/merge",
    response={200: ProviderOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Merge a duplicate provider into the one kept",
)
def merge_provider(request: HttpRequest, pk: int, body: MergeIn) -> Any:
    """The secretariat only: the duplicate's mandates move to the provider kept; the
    duplicate stays, pointing to it. Answers the provider kept."""
    duplicate = access.get_visible_or_404(Provider, request.user, pk=pk)
    if not access.actor_for(request.user).is_secretariat:
        return Status(403, {"detail": "Only the secretariat merges providers."})
    kept = Provider.objects.visible_to(request.user).filter(pk=body.kept).first()
    if kept is None:
        return Status(400, {"detail": f"No provider with number {body.kept}.", "field": "kept"})
    try:
        return _provider_out(
            actions.merge_provider(by=request.user, duplicate=duplicate, kept=kept)
        )
    except ActionError as error:
        return _refused(error)


# --- Mandates ----------------------------------------------------------------------------


@router.get("/outsourcing/mandates", response=list[MandateOut], summary="List mandates")
@paginate
def list_mandates(
    request: HttpRequest, fund: Key = "", running: bool = False, superseded: bool = False
) -> Any:
    """The mandates the caller may read (``fund``: a fund's code; ``running``: only those
    running today; ``superseded``: only those holding a clause older than the version in
    force)."""
    rows = Mandate.objects.visible_to(request.user).select_related("provider", "fund")
    if fund:
        rows = rows.filter(fund__code=fund)
    if running:
        rows = rows.running()
    mandates = list(rows.order_by("fund__code", "provider__name", "start_date", "pk"))
    counts = actions.mandates_with_outdated(request.user, [m.pk for m in mandates])
    return [_mandate_out(m, counts) for m in mandates if not superseded or counts.get(m.pk)]


@router.post(
    "/outsourcing/mandates",
    response={201: MandateDetailOut, 400: FieldError, 403: Error},
    summary="Record a mandate",
)
def create_mandate(request: HttpRequest, body: MandateIn) -> Status:
    """As an editor of the fund. A renewal date plans a task to re-check the clauses, due
    ``OUTSOURCING_RENEWAL_NOTICE_MONTHS`` before it."""
    fund = Party.objects.filter(code=body.fund).first()
    if fund is None:
        return Status(400, {"detail": f"No party with code {body.fund!r}.", "field": "fund"})
    try:
        mandate = actions.record_mandate(by=request.user, fund=fund, **body.dict(exclude={"fund"}))
    except ActionError as error:
        return _refused(error)
    return Status(201, _mandate_detail(request, _mandate(request, mandate.pk)))


@router.get(
    "/outsourcing/mandates/{pk}",
    response={200: MandateDetailOut, 404: Error},
    summary="A mandate with its clauses and renewal tasks",
)
def get_mandate(request: HttpRequest, pk: int) -> Any:
    return _mandate_detail(request, _mandate(request, pk))


@router.patch(
    "/outsourcing/mandates/{pk}",
    response={200: MandateDetailOut, 400: FieldError, 403: Error, 404: Error},
    summary="Change a mandate",
)
def update_mandate(request: HttpRequest, pk: int, body: MandatePatch) -> Any:
    """Only the fields sent change (send ``end_date``/``renewal_date`` as null to clear
    them)."""
    mandate = _mandate(request, pk)
    changes = body.dict(exclude_unset=True)
    for name in ("provider", "asset_class", "invested_eur", "start_date", "contract_reference"):
        if name in changes and changes[name] is None:
            return Status(400, {"detail": f"{name} cannot be null.", "field": name})
    try:
        actions.update_mandate(by=request.user, mandate=mandate, **changes)
    except ActionError as error:
        return _refused(error)
    return _mandate_detail(request, _mandate(request, pk))


@router.post(
    "/outsourcing/mandates/{pk}/end",
    response={200: MandateDetailOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="End a mandate",
)
def end_mandate(request: HttpRequest, pk: int, body: MandateEnd) -> Any:
    mandate = _mandate(request, pk)
    try:
        actions.end_mandate(by=request.user, mandate=mandate, end_date=body.end_date)
    except ActionError as error:
        return _refused(error)
    return _mandate_detail(request, _mandate(request, pk))


@router.put(
    "/outsourcing/mandates/{pk}/clauses/{identifier}",
    response={200: MandateDetailOut, 400: FieldError, 403: Error, 404: Error},
    summary="Record what the mandate's contract holds of a model clause",
)
def put_mandate_clause(
    request: HttpRequest, pk: int, identifier: Annotated[str, Field(max_length=40)], body: ClauseIn
) -> Any:
    """``identifier`` names the model contract clause; ``version`` is the version number
    held (required unless not included; a superseded one only with the contract date on
    which it was in force); ``adapted_text`` is the contract's wording when adapted;
    ``reason`` says why when not included."""
    mandate = _mandate(request, pk)
    text = ModelText.objects.visible_to(request.user).filter(identifier=identifier).first()
    if text is None:
        return Status(404, {"detail": "No model text with this identifier."})
    version: Any = None
    if body.version is not None:
        from convenant.toolkit.models import TextVersion

        found = (
            TextVersion.objects.visible_to(request.user)
            .filter(text=text, number=body.version)
            .first()
        )
        version = found.pk if found else 0
    try:
        actions.record_clause(
            by=request.user,
            mandate=mandate,
            text=text,
            inclusion=body.inclusion,
            version=version,
            adapted_text=body.adapted_text,
            reason=body.reason,
            contract_date=body.contract_date,
            passage=body.passage,
        )
    except ActionError as error:
        return _refused(error)
    return _mandate_detail(request, _mandate(request, pk))


@router.post(
    "/outsourcing/renewal-tasks/{pk}/done",
    response={200: RenewalTaskOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Mark a renewal re-check as done",
)
def complete_renewal_task(request: HttpRequest, pk: int, body: TaskDone) -> Any:
    task = access.get_visible_or_404(
        RenewalTask.objects.select_related("mandate"), request.user, pk=pk
    )
    try:
        task = actions.complete_renewal_task(by=request.user, task=task, note=body.note)
    except ActionError as error:
        return _refused(error)
    return {
        "id": task.pk,
        "renewal_date": task.renewal_date,
        "due_on": task.due_on,
        "done_on": task.done_on,
        "note": task.note,
    }
