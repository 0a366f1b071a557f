"""API for a fund's prioritised risks, its judgements and its SFDR indicators: the same rows,
the same rules and the same action as the pages."""

from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from convenant.core import access, limits
from convenant.core.api import Converted, Error
from convenant.core.errors import ActionError
from convenant.portfolios.models import Snapshot
from convenant.risk.actions import judge_risk
from convenant.risk.models import RiskJudgement, RiskResult
from convenant.risk.reasons import describe
from convenant.risk.sfdr import principal_adverse_impacts

router = Router(tags=["risk"])


class ReasonOut(Schema):
    factor: str
    text: str
    source: str


class JudgementOut(Schema):
    decision: RiskJudgement.Decision
    priority: str
    impact: RiskJudgement.Impact
    reason: str


class RiskOut(Schema):
    id: int
    issuer_id: int
    issuer: str
    theme: str
    priority: RiskResult.Priority
    score: Decimal = Field(description="Severity × likelihood (1–16): orders risks in a band.")
    evidence: bool = Field(description="Company-specific evidence went in: not only potential.")
    severity: int
    likelihood: Decimal = Field(description="1–4; from the context at most 3 (edition 2026.2).")
    scale: int
    scope: int
    irremediability: int
    country: str
    value_eur: Decimal
    reasons: list[ReasonOut]
    methodology: str
    editions: dict[str, str]
    judgement: JudgementOut | None

    @staticmethod
    def resolve_issuer(obj: RiskResult) -> str:
        return obj.issuer.legal_name

    @staticmethod
    def resolve_severity(obj: RiskResult) -> int:
        return obj.assessment.severity

    @staticmethod
    def resolve_likelihood(obj: RiskResult) -> Decimal:
        return obj.assessment.likelihood

    @staticmethod
    def resolve_scale(obj: RiskResult) -> int:
        return obj.assessment.scale

    @staticmethod
    def resolve_scope(obj: RiskResult) -> int:
        return obj.assessment.scope

    @staticmethod
    def resolve_irremediability(obj: RiskResult) -> int:
        return obj.assessment.irremediability

    @staticmethod
    def resolve_country(obj: RiskResult) -> str:
        return obj.assessment.country

    @staticmethod
    def resolve_reasons(obj: RiskResult) -> list[dict[str, str]]:
        return [
            {"factor": r.get("factor", ""), "text": describe(r), "source": r.get("source", "")}
            for r in obj.assessment.reasons
        ]

    @staticmethod
    def resolve_methodology(obj: RiskResult) -> str:
        return obj.assessment.methodology

    @staticmethod
    def resolve_editions(obj: RiskResult) -> dict[str, str]:
        return dict(obj.assessment.editions)

    @staticmethod
    def resolve_judgement(obj: RiskResult) -> RiskJudgement | None:
        return getattr(obj, "judgement", None)


# What the action requires beyond each field's own type, written into the document: an
# adjustment names the new priority and gives a reason, a dismissal gives a reason.
_REASON_GIVEN = {"type": "string", "pattern": r"\S"}
_JUDGEMENT_RULES: dict[str, Any] = {
    "allOf": [
        {
            "if": {"properties": {"decision": {"const": "adjusted"}}},
            "then": {
                "required": ["priority", "reason"],
                "properties": {
                    "priority": {"enum": list(RiskResult.Priority.values)},
                    "reason": _REASON_GIVEN,
                },
            },
        },
        {
            "if": {"properties": {"decision": {"const": "dismissed"}}},
            "then": {"required": ["reason"], "properties": {"reason": _REASON_GIVEN}},
        },
    ]
}


class JudgementIn(Schema):
    """``adjusted`` needs ``priority`` and a ``reason``; ``dismissed`` needs a ``reason``;
    ``priority`` is ignored unless the decision is ``adjusted``."""

    model_config = ConfigDict(json_schema_extra=_JUDGEMENT_RULES)

    decision: RiskJudgement.Decision
    impact: RiskJudgement.Impact
    priority: RiskResult.Priority | Literal[""] = ""
    reason: str = Field("", max_length=limits.MESSAGE)


class IndicatorOut(Schema):
    number: int
    share_pct: Decimal
    value_eur: Decimal
    companies: int
    coverage_pct: Decimal


class SfdrOut(Schema):
    snapshot_id: int
    total_value_eur: Decimal
    matched_value_eur: Decimal
    indicators: list[IndicatorOut]


@router.get(
    "/snapshots/{snapshot_id}/risks",
    response=list[RiskOut],
    summary="List a snapshot's prioritised risks (highest first)",
)
@paginate
def list_risks(
    request: HttpRequest,
    snapshot_id: int,
    priority: RiskResult.Priority | None = None,
    theme: str | None = None,
    country: str | None = None,
    sector: str | None = Query(
        None, description="The sector map's entry the risk rests on (a GICS code)."
    ),
    evidence: bool | None = Query(
        None, description="Only risks with (true) or without (false) company-specific evidence."
    ),
):
    snapshot = access.get_visible_or_404(Snapshot, request.user, pk=snapshot_id)
    results = (
        RiskResult.objects.visible_to(request.user)
        .filter(snapshot=snapshot)
        .select_related("issuer", "assessment")
    )
    results = results.filtered(
        priority=priority or "",
        theme=theme or "",
        country=country or "",
        sector=sector or "",
        evidence=evidence,
    )

    def with_judgements(page: list[RiskResult]) -> list[RiskResult]:
        """The fund's judgements of this page's risks, in one query."""
        judgements = {
            (j.issuer_id, j.theme): j
            for j in RiskJudgement.objects.visible_to(request.user).filter(
                fund=snapshot.fund_id, issuer_id__in={r.issuer_id for r in page}
            )
        }
        for result in page:
            result.judgement = judgements.get((result.issuer_id, result.theme))  # type: ignore[attr-defined]
        return page

    return Converted(
        results.order_by("-rank", "-score", "-evidence", "-value_eur", "pk"), with_judgements
    )


@router.post(
    "/snapshots/{snapshot_id}/risks/{risk_id}/judgement",
    response={200: JudgementOut, 403: Error, 404: Error, 422: Error},
    summary="Confirm, adjust or dismiss a risk, and say whether the impact is actual",
)
def judge_risk_result(
    request: HttpRequest, snapshot_id: int, risk_id: int, body: JudgementIn
) -> Status:
    result = access.get_visible_or_404(
        RiskResult.objects.select_related("snapshot"),
        request.user,
        pk=risk_id,
        snapshot_id=snapshot_id,
    )
    try:
        judgement = judge_risk(
            by=request.user,
            result=result,
            decision=body.decision,
            impact=body.impact,
            priority=body.priority,
            reason=body.reason,
        )
    except ActionError as error:
        return Status(422, {"detail": error.messages[0]})
    return Status(200, judgement)


@router.get(
    "/snapshots/{snapshot_id}/sfdr",
    response={200: SfdrOut, 404: Error},
    summary="SFDR principal adverse impact indicators 10 and 11 for a snapshot",
)
def snapshot_sfdr_indicators(request: HttpRequest, snapshot_id: int) -> dict[str, object]:
    snapshot = access.get_visible_or_404(Snapshot, request.user, pk=snapshot_id)
    pai = principal_adverse_impacts(snapshot, request.user)
    return {
        "snapshot_id": snapshot.pk,
        "total_value_eur": pai.total,
        "matched_value_eur": pai.matched,
        "indicators": [
            {
                "number": indicator.number,
                "share_pct": indicator.value,
                "value_eur": indicator.flagged_value,
                "companies": len(indicator.companies),
                "coverage_pct": coverage,
            }
            for indicator, coverage in ((pai.pai10, pai.coverage_10), (pai.pai11, pai.coverage_11))
        ],
    }
