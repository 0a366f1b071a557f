"""The hand-built example of the outsourcing dashboard (test set-up through the ORM): a few
model clauses in force, providers of three kinds and the mandates of fund A, each with exactly
what makes it count or not. Looked at on ``ON``:

=====  ==============  =====  ===================================  ===========================
 name   provider kind   EUR    clauses                              reporting
=====  ==============  =====  ===================================  ===========================
 M1     asset manager   600    C1 verbatim, C2 adapted: in place    Q1 2025 reported: in place
 M2     asset manager   300    C2 not included: not in place        yearly, 2024 reported: in
 M3     voting          100    C1, C3 (older version): in place     none agreed: not in place
 M4     consultant        0    C1 not recorded: not in place        agreed in Feb 2025, nothing
                                                                    due yet: in place
 M5     asset manager  1000    ended in January 2025: not running
 M6     asset manager   500    starts in June 2025: not running
=====  ==============  =====  ===================================  ===========================

Over the four running mandates: clauses 2 of 4 (50.0 %), by amount 700 of 1000 (70.0 %);
reporting 3 of 4 (75.0 %), by amount 900 of 1000 (90.0 %).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from convenant.core.testing import World

D = datetime.date
ON = D(2025, 5, 15)


def clause(
    identifier: str, audience: str, user: Any, *, older: bool = False, kind: str = "contract_clause"
) -> Any:
    from convenant.toolkit.models import ModelText, TextVersion

    text = ModelText.objects.create(identifier=identifier, kind=kind, audience=audience)
    if older:
        TextVersion.objects.create(
            text=text,
            number=1,
            status="superseded",
            title=f"{identifier} 1",
            title_en="x",
            body="Oude tekst (fictief).",
            body_en="Old text.",
            adopted_on=D(2019, 6, 1),
            superseded_on=D(2022, 6, 1),
            created_by=user,
        )
    version = TextVersion.objects.create(
        text=text,
        number=2 if older else 1,
        status="adopted",
        title=f"{identifier} (fictief)",
        title_en=f"{identifier} (fictitious)",
        body="Modeltekst (fictief).",
        body_en="Model text.",
        adopted_on=D(2022, 6, 1),
        created_by=user,
    )
    return text, version


def provider(name: str, kind: str, user: Any) -> Any:
    from convenant.outsourcing.models import Provider

    return Provider.objects.create(name=name, kind=kind, created_by=user)


def mandate(
    fund: Any,
    prov: Any,
    amount: int,
    user: Any,
    start: datetime.date = datetime.date(2020, 1, 1),
    end: datetime.date | None = None,
) -> Any:
    from convenant.outsourcing.models import Mandate

    return Mandate.objects.create(
        fund=fund,
        provider=prov,
        asset_class="listed_equity",
        invested_eur=Decimal(amount),
        start_date=start,
        end_date=end,
        created_by=user,
    )


def hold(
    m: Any, text_version: tuple[Any, Any], inclusion: str, user: Any, version: Any = None
) -> Any:
    from convenant.outsourcing.models import MandateClause

    text, in_force = text_version
    return MandateClause.objects.create(
        mandate=m,
        text=text,
        version=None if inclusion == "not_included" else (version or in_force),
        inclusion=inclusion,
        adapted_text="Eigen woorden (fictief)." if inclusion == "adapted" else "",
        reason="Niet onderhandeld (fictief)." if inclusion == "not_included" else "",
        recorded_by=user,
    )


def requirement(
    m: Any,
    frequency: str,
    since: datetime.date,
    description: str = "Stembeleid en stemgedrag (fictief)",
) -> Any:
    from convenant.outsourcing.models import ReportingRequirement

    return ReportingRequirement.objects.create(
        mandate=m, description=description, frequency=frequency, since=since
    )


def report(m: Any, start: datetime.date, end: datetime.date, covers: list[Any], user: Any) -> Any:
    from convenant.outsourcing.models import ProviderReport

    r = ProviderReport.objects.create(
        mandate=m,
        period_start=start,
        period_end=end,
        received_on=end + datetime.timedelta(days=20),
        recorded_by=user,
    )
    r.covers.set(covers)
    return r


def build(world: World) -> dict[str, Any]:
    user = world.users["fund_editor"]
    c1 = clause("ex-clause-any", "", user)
    c2 = clause("ex-clause-am", "asset_manager", user)
    c3 = clause("ex-clause-voting", "voting_provider", user, older=True)
    am = provider("Beheerder Een (fictief)", "asset_manager", user)
    voter = provider("Stemadviseur (fictief)", "voting_provider", user)
    adviser = provider("Adviseur (fictief)", "consultant", user)
    fund = world.fund
    m1 = mandate(fund, am, 600, user)
    hold(m1, c1, "verbatim", user)
    hold(m1, c2, "adapted", user)
    r1 = requirement(m1, "quarterly", D(2024, 1, 1))
    report(m1, D(2025, 1, 1), D(2025, 3, 31), [r1], user)
    m2 = mandate(fund, am, 300, user)
    hold(m2, c1, "verbatim", user)
    hold(m2, c2, "not_included", user)
    r2 = requirement(m2, "yearly", D(2023, 7, 1))
    report(m2, D(2024, 1, 1), D(2024, 12, 31), [r2], user)
    m3 = mandate(fund, voter, 100, user)
    hold(m3, c1, "verbatim", user)
    older = c3[0].versions.get(number=1)
    hold(m3, c3, "verbatim", user, version=older)
    m4 = mandate(fund, adviser, 0, user)
    requirement(m4, "half_yearly", D(2025, 2, 1))
    m5 = mandate(fund, am, 1000, user, end=D(2025, 1, 31))
    hold(m5, c1, "verbatim", user)
    hold(m5, c2, "verbatim", user)
    m6 = mandate(fund, am, 500, user, start=D(2025, 6, 1))
    return {
        "mandates": [m1, m2, m3, m4, m5, m6],
        "clauses": [c1, c2, c3],
        "providers": [am, voter, adviser],
        "requirements": [r1, r2],
    }
