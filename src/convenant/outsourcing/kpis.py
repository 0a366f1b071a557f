"""The outsourcing figures of a fund: the share of its running mandates with the clauses in
place and with reporting in place, by count and by invested amount. The reporting issue's
outsourcing and monitoring KPIs read them through ``fund_shares(fund, on=date)``.

What "in place" means, on a day ``on``, for a mandate running that day:

- **Clauses in place**: the toolkit has at least one contract clause in force (a version
  adopted and not superseded) written for the provider's kind or for any provider, and the
  fund has recorded every one of those clauses as held by the contract, verbatim or adapted,
  at any version. A clause recorded as not included, or not recorded at all, means the
  clauses are not in place. (Which mandates hold an older version is shown apart, on the
  mandates' pages: an older clause is still a clause in the contract.)
- **Reporting in place**: at least one reporting requirement has been agreed (from a day on or
  before ``on``), and for each agreed requirement no report is missing for the last complete
  period of its frequency (see ``periods``: a requirement agreed after that period began owes
  nothing for it yet).

The shares are over the fund's running mandates (started on or before ``on``, not ended
before it): by count, and by invested amount (the mandates' amounts in euro). With no running
mandate, or no amount invested, a share is None: there is nothing to divide.

The covenant's figures, for the secretariat and the steering group, are counts only, over
every fund's running mandates, and shown only when at least ``AGGREGATE_MIN_FUNDS`` funds have
a running mandate.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from convenant.outsourcing import periods

CLAUSES_IN_PLACE = ("verbatim", "adapted")


@dataclass(frozen=True)
class RequirementFacts:
    """One agreed reporting requirement and the spans of the reports that name it."""

    frequency: str
    since: datetime.date
    reports: tuple[tuple[datetime.date, datetime.date], ...] = ()


@dataclass(frozen=True)
class MandateFacts:
    """What the figures need to know of one running mandate."""

    invested: Decimal
    clauses_in_place: bool
    reporting_in_place: bool


def clauses_in_place(required: Iterable[int], recorded: dict[int, str]) -> bool:
    """``required``: the model texts (ids) of the contract clauses in force for the
    provider's kind; ``recorded``: text id → how the contract holds it."""
    wanted = set(required)
    return bool(wanted) and all(recorded.get(t) in CLAUSES_IN_PLACE for t in wanted)


def reporting_in_place(
    requirements: Iterable[RequirementFacts], on: datetime.date, ended: datetime.date | None
) -> bool:
    agreed = [r for r in requirements if r.since <= on]
    return bool(agreed) and not any(
        periods.last_period_missing(r.frequency, r.since, on, r.reports, ended) for r in agreed
    )


def _share(part: Any, whole: Any) -> Decimal | None:
    """A percentage with one decimal, or None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(100) * Decimal(part) / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Shares:
    """A fund's figures on a day (amounts in euro; shares in percent with one decimal)."""

    on: datetime.date
    mandates: int
    invested: Decimal
    with_clauses: int
    with_clauses_invested: Decimal
    with_reporting: int
    with_reporting_invested: Decimal

    @property
    def clauses_by_count(self) -> Decimal | None:
        return _share(self.with_clauses, self.mandates)

    @property
    def clauses_by_amount(self) -> Decimal | None:
        return _share(self.with_clauses_invested, self.invested)

    @property
    def reporting_by_count(self) -> Decimal | None:
        return _share(self.with_reporting, self.mandates)

    @property
    def reporting_by_amount(self) -> Decimal | None:
        return _share(self.with_reporting_invested, self.invested)


def shares_of(facts: Iterable[MandateFacts], on: datetime.date) -> Shares:
    rows = list(facts)
    zero = Decimal(0)
    return Shares(
        on=on,
        mandates=len(rows),
        invested=sum((f.invested for f in rows), zero),
        with_clauses=sum(1 for f in rows if f.clauses_in_place),
        with_clauses_invested=sum((f.invested for f in rows if f.clauses_in_place), zero),
        with_reporting=sum(1 for f in rows if f.reporting_in_place),
        with_reporting_invested=sum((f.invested for f in rows if f.reporting_in_place), zero),
    )


@dataclass(frozen=True)
class CovenantShares:
    """Across the covenant, counts only: how many funds, how many running mandates, how many
    with the clauses and with reporting in place."""

    on: datetime.date
    funds: int
    mandates: int
    with_clauses: int
    with_reporting: int

    @property
    def clauses_by_count(self) -> Decimal | None:
        return _share(self.with_clauses, self.mandates)

    @property
    def reporting_by_count(self) -> Decimal | None:
        return _share(self.with_reporting, self.mandates)


# --- Reading the database -------------------------------------------------------------------

WHY = "the outsourcing KPIs: a fund's shares of its mandates, figures only"


def mandate_facts(mandates: Any, on: datetime.date) -> dict[int, MandateFacts]:
    """The facts of these (already chosen) mandates, by id, in a few queries."""
    from convenant.outsourcing.models import MandateClause, ProviderReport, ReportingRequirement
    from convenant.toolkit.models import ModelText, TextKind, TextVersion

    rows = list(mandates.select_related("provider"))
    ids = [m.pk for m in rows]
    in_force = set(
        TextVersion.objects.unrestricted(WHY)
        .in_force()
        .filter(text__kind=TextKind.CONTRACT_CLAUSE)
        .values_list("text_id", flat=True)
    )
    audience = dict(ModelText.objects.filter(pk__in=in_force).values_list("pk", "audience"))
    recorded: dict[int, dict[int, str]] = {}
    for mandate_id, text_id, inclusion in (
        MandateClause.objects.unrestricted(WHY)
        .filter(mandate_id__in=ids)
        .values_list("mandate_id", "text_id", "inclusion")
    ):
        recorded.setdefault(mandate_id, {})[text_id] = inclusion
    spans: dict[int, list[tuple[datetime.date, datetime.date]]] = {}
    for requirement_id, start, end in (
        ProviderReport.objects.unrestricted(WHY)
        .filter(mandate_id__in=ids, covers__isnull=False)
        .values_list("covers", "period_start", "period_end")
    ):
        spans.setdefault(requirement_id, []).append((start, end))
    requirements: dict[int, list[RequirementFacts]] = {}
    for r in ReportingRequirement.objects.unrestricted(WHY).filter(mandate_id__in=ids):
        requirements.setdefault(r.mandate_id, []).append(
            RequirementFacts(r.frequency, r.since, tuple(spans.get(r.pk, ())))
        )
    facts = {}
    for m in rows:
        required = [t for t, a in audience.items() if a in ("", m.provider.kind)]
        facts[m.pk] = MandateFacts(
            invested=m.invested_eur,
            clauses_in_place=clauses_in_place(required, recorded.get(m.pk, {})),
            reporting_in_place=reporting_in_place(requirements.get(m.pk, []), on, m.end_date),
        )
    return facts


def fund_shares(fund: Any, on: datetime.date | None = None) -> Shares:
    """The fund's shares on ``on`` (today by default). The caller decides who may read them:
    they are the fund's own figures (its members; the monitoring committee through the
    fund's submitted report)."""
    from convenant.outsourcing.models import Mandate

    on = on or timezone.localdate()
    running = Mandate.objects.unrestricted(WHY).filter(fund=fund).running(on)
    return shares_of(mandate_facts(running, on).values(), on)


def covenant_shares(on: datetime.date | None = None) -> CovenantShares | None:
    """Every fund's running mandates together, counts only; None when fewer than
    ``AGGREGATE_MIN_FUNDS`` funds have one (too few to show without pointing at a fund)."""
    from convenant.outsourcing.models import Mandate

    on = on or timezone.localdate()
    running = Mandate.objects.unrestricted(
        "the covenant's outsourcing figures: counts only, under the minimum-of-funds rule"
    ).running(on)
    funds = running.values("fund").distinct().count()
    if funds < settings.AGGREGATE_MIN_FUNDS:
        return None
    facts = list(mandate_facts(running, on).values())
    return CovenantShares(
        on=on,
        funds=funds,
        mandates=len(facts),
        with_clauses=sum(1 for f in facts if f.clauses_in_place),
        with_reporting=sum(1 for f in facts if f.reporting_in_place),
    )
