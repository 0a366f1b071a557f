"""API of the deep track: nominations of deep-track cases, selection rounds scored by each
constituency, the ranked overview, and the steering group's selection (the governance effect
``select_cases``). Writes go through the same actions as the pages.

Nominations, rounds and scores are read by the covenant's parties and the secretariat (403
for anyone else on a list, 404 for one record). A refused change answers 400 with the
field, or 409 when the state does not allow it (a round closed, a nomination selected)."""

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from convenant.core import access, limits
from convenant.core.errors import ActionError
from convenant.engagement.actions import selection as actions
from convenant.engagement.models import Criterion, Nomination, NominationScore, SelectionRound
from convenant.parties.models import Constituency, Party
from convenant.portfolios.models import Issuer

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


class ScoreOut(Schema):
    constituency: str  # the constituency's code
    criterion: str
    score: int
    comment: str


class NominationOut(Schema):
    reference: str
    title: str
    target: str
    issuer: int | None
    sector_code: str
    issue: str
    themes: list[str]
    party: str  # the nominating party's code
    round: int | None
    state: str
    rationale: str
    evidence: dict[str, str]
    created_at: datetime.datetime


class NominationDetailOut(NominationOut):
    scores: list[ScoreOut]


class NominationIn(Schema):
    party: Key  # the nominating party's code
    title: Line
    target: Key  # issuer, sector or issue
    rationale: Text
    issuer: int | None = None
    sector_code: Annotated[str, Field(max_length=20)] = ""
    issue: Line = ""
    themes: list[Key] = Field(default=[], max_length=20)
    # Evidence per criterion: severity, likelihood, added_value, labour_rights, learning.
    evidence: dict[Key, Text] = Field(default={}, max_length=5)
    into_round: bool = False


class WithdrawIn(Schema):
    reason: Message = ""


class CriterionScoreIn(Schema):
    criterion: Key
    score: int = Field(ge=1, le=5)
    comment: Message = ""


class ScoresIn(Schema):
    constituency: Key  # the constituency's code the caller scores for
    scores: list[CriterionScoreIn] = Field(min_length=1, max_length=5)


class RoundOut(Schema):
    id: int
    title: str
    opens_on: datetime.date
    closes_on: datetime.date
    state: str
    proposal: int | None  # the steering group's proposal number, once put forward


class RankedOut(Schema):
    position: int
    nomination: str  # its reference
    title: str
    state: str
    by_criterion: dict[str, float]
    total: float
    constituencies: int
    complete: bool


def _refused(error: ActionError) -> Status:
    if error.code == "conflict":
        return Status(409, {"detail": error.messages[0]})
    return Status(400, {"detail": error.messages[0], "field": error.field or ""})


def _member(request: HttpRequest) -> bool:
    actor = access.actor_for(request.user)
    return actor.is_secretariat or actor.is_covenant_member


def _nomination_out(n: Nomination) -> dict[str, Any]:
    return {
        "reference": n.reference,
        "title": n.title,
        "target": n.target,
        "issuer": n.issuer_id,
        "sector_code": n.sector_code,
        "issue": n.issue,
        "themes": list(n.themes),
        "party": n.party.code,
        "round": n.round_id,
        "state": n.state,
        "rationale": n.rationale,
        "evidence": {c: n.evidence(c) for c in Criterion.values},
        "created_at": n.created_at,
    }


def _scores_out(request: HttpRequest, nomination: Nomination) -> list[dict[str, Any]]:
    rows = (
        NominationScore.objects.visible_to(request.user)
        .filter(nomination=nomination)
        .select_related("constituency")
        .order_by("constituency__order", "criterion")
    )
    return [
        {
            "constituency": s.constituency.code,
            "criterion": s.criterion,
            "score": s.score,
            "comment": s.comment,
        }
        for s in rows
    ]


def _nomination(request: HttpRequest, reference: str) -> Nomination:
    return access.get_visible_or_404(
        Nomination.objects.select_related("party"), request.user, reference=reference
    )


def _round_out(r: SelectionRound) -> dict[str, Any]:
    return {
        "id": r.pk,
        "title": r.title,
        "opens_on": r.opens_on,
        "closes_on": r.closes_on,
        "state": r.state,
        "proposal": r.proposal.number if r.proposal_id and r.proposal else None,
    }


# --- Nominations --------------------------------------------------------------------------


@router.get("/nominations", response=list[NominationOut], summary="List deep-track nominations")
@paginate
def list_nominations(request: HttpRequest, state: Key = "") -> Any:
    """The covenant's nominations, newest first (``state``: submitted, withdrawn, selected
    or not_selected); none for anyone outside the covenant's parties."""
    rows = Nomination.objects.visible_to(request.user).select_related("party")
    if state:
        rows = rows.filter(state=state)
    return [_nomination_out(n) for n in rows.order_by("-created_at", "-pk")]


@router.post(
    "/nominations",
    response={201: NominationOut, 400: FieldError, 403: Error, 409: Error},
    summary="Nominate a deep-track case",
)
def create_nomination(request: HttpRequest, body: NominationIn) -> Status:
    """As an editor of the nominating party (or the secretariat for a party). With
    ``into_round`` the nomination enters the round open for scores."""
    if not actions.can_nominate(access.actor_for(request.user)):
        return Status(403, {"detail": "Nominating needs the editor role of a party."})
    try:
        issuer = None
        if body.issuer is not None:
            issuer = Issuer.objects.visible_to(request.user).filter(pk=body.issuer).first()
            if issuer is None:
                raise ActionError(f"No company with number {body.issuer}.", field="issuer")
        nomination = actions.nominate(
            by=request.user,
            party=Party.objects.filter(code=body.party).first(),
            title=body.title,
            target=body.target,
            rationale=body.rationale,
            issuer=issuer,
            sector_code=body.sector_code,
            issue=body.issue,
            themes=body.themes,
            evidence=body.evidence,
            into_round=body.into_round,
        )
    except ActionError as error:
        return _refused(error)
    return Status(201, _nomination_out(nomination))


@router.get(
    "/nominations/{reference}",
    response={200: NominationDetailOut, 404: Error},
    summary="A nomination with its evidence and scores",
)
def get_nomination(request: HttpRequest, reference: Key) -> Any:
    nomination = _nomination(request, reference)
    return _nomination_out(nomination) | {"scores": _scores_out(request, nomination)}


@router.post(
    "/nominations/{reference}/withdraw",
    response={200: NominationOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Withdraw a nomination",
)
def withdraw_nomination(request: HttpRequest, reference: Key, body: WithdrawIn) -> Any:
    """As an editor of the nominating party or the secretariat, while it is not selected."""
    nomination = _nomination(request, reference)
    if not actions.can_withdraw(access.actor_for(request.user), nomination):
        return Status(403, {"detail": "Only the nominating party may withdraw it."})
    try:
        nomination = actions.withdraw_nomination(
            by=request.user, nomination=nomination, reason=body.reason
        )
    except ActionError as error:
        return _refused(error)
    return _nomination_out(nomination)


@router.put(
    "/nominations/{reference}/scores",
    response={200: list[ScoreOut], 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Score a nomination for a constituency",
)
def put_scores(request: HttpRequest, reference: Key, body: ScoresIn) -> Any:
    """As an editor of a party of the constituency, while the round is open: one score
    (1–5) per criterion; a criterion scored before is replaced. Answers the constituency's
    scores of the nomination."""
    nomination = _nomination(request, reference)
    if not actions.scoring_constituencies(access.actor_for(request.user)):
        return Status(403, {"detail": "Scoring needs the editor role of a party."})
    constituency = Constituency.objects.filter(code=body.constituency).first()
    try:
        actions.score_nomination(
            by=request.user,
            nomination=nomination,
            constituency=constituency,
            scores={s.criterion: (s.score, s.comment) for s in body.scores},
        )
    except ActionError as error:
        return _refused(error)
    assert constituency is not None
    return [s for s in _scores_out(request, nomination) if s["constituency"] == constituency.code]


# --- Selection rounds ---------------------------------------------------------------------


@router.get(
    "/selection-rounds",
    response={200: list[RoundOut], 403: Error},
    summary="List selection rounds",
)
def list_selection_rounds(request: HttpRequest) -> Any:
    if not _member(request):
        return Status(403, {"detail": "For the covenant's parties and the secretariat."})
    rounds = SelectionRound.objects.visible_to(request.user).select_related("proposal")
    return [_round_out(r) for r in rounds.order_by("-opens_on", "-pk")[:500]]


@router.get(
    "/selection-rounds/{pk}",
    response={200: RoundOut, 404: Error},
    summary="A selection round",
)
def get_selection_round(request: HttpRequest, pk: int) -> Any:
    return _round_out(
        access.get_visible_or_404(
            SelectionRound.objects.select_related("proposal"), request.user, pk=pk
        )
    )


@router.get(
    "/selection-rounds/{pk}/ranking",
    response={200: list[RankedOut], 404: Error},
    summary="A selection round's ranked overview",
)
def get_ranking(request: HttpRequest, pk: int) -> Any:
    """The round's nominations ranked: the mean per criterion over the constituencies that
    scored, the total (each constituency weighs the same), how many constituencies scored
    and whether every constituency scored every criterion."""
    selection_round = access.get_visible_or_404(SelectionRound, request.user, pk=pk)
    return [
        {
            "position": row["position"],
            "nomination": row["nomination"].reference,
            "title": row["nomination"].title,
            "state": row["nomination"].state,
            "by_criterion": row["ranked"].by_criterion,
            "total": row["ranked"].total,
            "constituencies": row["ranked"].constituencies,
            "complete": row["ranked"].complete,
        }
        for row in actions.ranking(selection_round, request.user)
    ]
