"""SFDR principal adverse impact indicators 10 and 11 for a fund's snapshot (Delegated
Regulation (EU) 2022/1288, Annex I, table 1), with the inputs that drive them:

- PAI 10: share of investments in investee companies that have been involved in violations
  of the UN Global Compact principles or the OECD Guidelines for Multinational Enterprises.
- PAI 11: share of investments in investee companies without policies to monitor compliance
  with them, or without grievance mechanisms to address violations.

A company counts for PAI 10 when a data source says so, when a verified signal established
an actual impact (a company finding), or when the fund itself judged a risk an actual
impact. "Not known" is reported as coverage, never counted as "no"."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Sum
from django.utils.translation import gettext as _

from convenant.portfolios.models import Position, Snapshot
from convenant.risk.models import CompanyFinding, ConductRecord, RiskJudgement, Theme


@dataclass
class Flagged:
    issuer_id: int
    name: str
    value: Decimal
    reasons: list[str] = field(default_factory=list)


@dataclass
class Indicator:
    number: int
    value: Decimal  # flagged value ÷ all investments
    flagged_value: Decimal
    covered_value: Decimal  # value of companies for which the input is known
    companies: list[Flagged]


@dataclass
class PrincipalAdverseImpacts:
    total: Decimal  # all investments in the snapshot (EUR)
    matched: Decimal  # of which in a company known to the register
    pai10: Indicator
    pai11: Indicator
    sources: list[tuple[str, Any, int]]  # (source, latest as-of, companies)

    @property
    def indicators(self) -> tuple[Indicator, Indicator]:
        return (self.pai10, self.pai11)

    @property
    def coverage_10(self) -> Decimal:
        return _ratio(self.pai10.covered_value, self.total)

    @property
    def coverage_11(self) -> Decimal:
        return _ratio(self.pai11.covered_value, self.total)


def _ratio(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole * 100).quantize(Decimal("0.1")) if whole else Decimal(0)


def principal_adverse_impacts(snapshot: Snapshot, user: Any) -> PrincipalAdverseImpacts:
    """The two indicators for a snapshot, read as ``user`` (who may see it)."""
    positions = Position.objects.visible_to(user).filter(snapshot=snapshot)
    total = Decimal(positions.aggregate(v=Sum("value_eur"))["v"] or 0)
    held = dict(
        positions.filter(status=Position.Status.MATCHED)
        .values_list("issuer_id")
        .annotate(v=Sum("value_eur"))
    )
    names = dict(
        positions.filter(issuer_id__in=held)
        .values_list("issuer_id", "issuer__legal_name")
        .distinct()
    )
    # The latest record per company and source, as of the snapshot's date.
    latest: dict[int, dict[str, ConductRecord]] = defaultdict(dict)
    conduct = ConductRecord.objects.visible_to(user)
    for record in conduct.filter(issuer_id__in=held, as_of__lte=snapshot.as_of).order_by("as_of"):
        latest[record.issuer_id][record.source] = record
    violations: dict[int, list[str]] = defaultdict(list)
    monitoring_known: set[int] = set()
    without_monitoring: dict[int, list[str]] = defaultdict(list)
    for issuer_id, by_source in latest.items():
        for source, record in sorted(by_source.items()):
            if record.violation:
                violations[issuer_id].append(f"{source} ({record.as_of:%Y-%m-%d})")
            if record.monitoring is not None:
                monitoring_known.add(issuer_id)
                if record.monitoring is False:
                    without_monitoring[issuer_id].append(f"{source} ({record.as_of:%Y-%m-%d})")
    for finding in (
        CompanyFinding.objects.visible_to(user).active().filter(issuer_id__in=held, actual=True)
    ):
        violations[finding.issuer_id].append(
            _("verified signal %(reference)s (%(source)s)")
            % {"reference": finding.reference, "source": finding.source}
        )
    themes = {t.key: str(t) for t in Theme.objects.in_force()}
    for judgement in (
        RiskJudgement.objects.visible_to(user)
        .filter(fund=snapshot.fund_id, issuer_id__in=held, impact=RiskJudgement.Impact.ACTUAL)
        .exclude(decision=RiskJudgement.Decision.DISMISSED)
    ):
        violations[judgement.issuer_id].append(
            _("your judgement: an actual impact on %(theme)s")
            % {"theme": themes.get(judgement.theme, judgement.theme)}
        )
    violation_known = set(violations) | {
        issuer_id
        for issuer_id, by_source in latest.items()
        if any(r.violation is not None for r in by_source.values())
    }
    pai10 = _indicator(10, violations, violation_known, held, names, total)
    pai11 = _indicator(11, without_monitoring, monitoring_known, held, names, total)
    sources = [
        (row["source"], row["latest"], row["n"])
        for row in conduct.filter(issuer_id__in=held, as_of__lte=snapshot.as_of)
        .values("source")
        .annotate(latest=Max("as_of"), n=Count("issuer", distinct=True))
        .order_by("source")
    ]
    return PrincipalAdverseImpacts(
        total=Decimal(total),
        matched=Decimal(sum(held.values(), Decimal(0))),
        pai10=pai10,
        pai11=pai11,
        sources=sources,
    )


def _indicator(
    number: int,
    flagged: dict[int, list[str]],
    known: set[int],
    held: dict[int, Decimal],
    names: dict[int, str],
    total: Decimal,
) -> Indicator:
    companies = sorted(
        (
            Flagged(issuer_id, names.get(issuer_id, str(issuer_id)), held[issuer_id], reasons)
            for issuer_id, reasons in flagged.items()
            if issuer_id in held
        ),
        key=lambda f: -f.value,
    )
    flagged_value = Decimal(sum((f.value for f in companies), Decimal(0)))
    return Indicator(
        number=number,
        value=_ratio(flagged_value, Decimal(total)),
        flagged_value=flagged_value,
        covered_value=Decimal(sum((held[i] for i in known if i in held), Decimal(0))),
        companies=companies,
    )
