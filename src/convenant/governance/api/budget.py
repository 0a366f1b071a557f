"""API of governance's budget (the steering group's and the secretariat's) and external
communication (approved agreements and published statements are public)."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from convenant.core import access
from convenant.core.api import PUBLIC, Error
from convenant.governance.actions.budget import FIRST_YEAR, LAST_YEAR
from convenant.governance.models import CommunicationAgreement, PressStatement
from convenant.governance.views.budget import (
    _covenant,
    budget_overview,
    budget_years,
    can_see_budget,
    in_force,
)

router = Router(tags=["governance"])


class BudgetLineOut(Schema):
    code: str
    name: str
    budget_eur: Decimal
    spent_eur: Decimal
    remaining_eur: Decimal
    used_percent: Decimal | None


class ContributionOut(Schema):
    party: str
    party_name: str
    amount_eur: Decimal
    paid_on: datetime.date | None


class BudgetTotalsOut(Schema):
    budget_eur: Decimal
    spent_eur: Decimal
    remaining_eur: Decimal
    used_percent: Decimal | None
    promised_eur: Decimal
    paid_eur: Decimal
    unpaid_eur: Decimal


class BudgetOut(Schema):
    year: int
    years: list[int]
    lines: list[BudgetLineOut]
    contributions: list[ContributionOut]
    totals: BudgetTotalsOut


@router.get(
    "/governance/budget/{year}",
    response={200: BudgetOut, 403: Error, 404: Error},
    summary="The budget of a year against actual",
)
def get_budget(request: HttpRequest, year: int) -> Any:
    """Per line the budget, what was spent, what remains and the share used; the parties'
    contributions promised and paid; the totals. For the steering group and the secretariat
    only (others: 403). Amounts are exact decimals."""
    if not can_see_budget(access.actor_for(request.user)):
        return Status(403, {"detail": "The budget is for the steering group and the secretariat."})
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return Status(404, {"detail": f"A budget year lies between {FIRST_YEAR} and {LAST_YEAR}."})
    data = budget_overview(request.user, _covenant(), year)
    t = data["totals"]
    return {
        "year": year,
        "years": budget_years(request.user),
        "lines": [
            {
                "code": r["line"].code,
                "name": r["line"].name,
                "budget_eur": r["budget"],
                "spent_eur": r["spent"],
                "remaining_eur": r["remaining"],
                "used_percent": r["used"],
            }
            for r in data["rows"]
        ],
        "contributions": [
            {
                "party": c.party.slug,
                "party_name": c.party.name,
                "amount_eur": c.amount_eur,
                "paid_on": c.paid_on,
            }
            for c in data["contributions"]
        ],
        "totals": {
            "budget_eur": t["budget"],
            "spent_eur": t["spent"],
            "remaining_eur": t["remaining"],
            "used_percent": t["used"],
            "promised_eur": t["promised"],
            "paid_eur": t["paid"],
            "unpaid_eur": t["unpaid"],
        },
    }


class AgreementOut(Schema):
    id: int
    title: str
    text: str
    spokespeople: str
    decision: int | None
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    in_force: bool

    @staticmethod
    def resolve_decision(obj: CommunicationAgreement) -> int | None:
        return obj.decision.number if obj.decision else None


@router.get(
    "/governance/communication/agreements",
    response=list[AgreementOut],
    auth=PUBLIC,
    summary="List communication agreements",
)
@paginate
def list_agreements(request: HttpRequest) -> Any:
    """The agreements on what may be said publicly about the covenant and by whom: approved
    ones for everyone; the steering group and the secretariat also get drafts
    (``in_force`` says which are in force today; ``decision`` is the decision's number)."""
    agreements = CommunicationAgreement.objects.visible_to(request.user).select_related("decision")
    current = set(in_force(agreements, timezone.localdate()).values_list("pk", flat=True))
    rows = list(agreements.order_by("-valid_from", "title", "pk"))
    for a in rows:
        a.in_force = a.pk in current
    return rows


class StatementOut(Schema):
    id: int
    title: str
    text: str
    spokesperson: str
    published_on: datetime.date | None
    decision: int | None

    @staticmethod
    def resolve_decision(obj: PressStatement) -> int | None:
        return obj.decision.number if obj.decision else None


@router.get(
    "/governance/communication/statements",
    response=list[StatementOut],
    auth=PUBLIC,
    summary="List press statements",
)
@paginate
def list_statements(request: HttpRequest) -> Any:
    """Published press statements, each with the number of the steering group's decision
    that approved it; the steering group and the secretariat also get drafts."""
    statements = PressStatement.objects.visible_to(request.user).select_related("decision")
    if not can_see_budget(access.actor_for(request.user)):
        statements = statements.filter(published_on__isnull=False)
    return statements.order_by("-published_on", "-pk")
