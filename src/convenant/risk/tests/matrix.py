"""Permission-matrix rows for the reference datasets: public, like the reports they cite."""

import datetime

from convenant.core.testing import (
    FORBIDDEN,
    HIDDEN,
    OK,
    OTHER_FUND_MARKER,
    REDIRECT,
    Row,
    World,
    everyone,
    members,
    other_funds_data,
)

# A fund's risks: its own people only, like its holdings.
FUND_A_ONLY = members(HIDDEN, fund_viewer=OK, fund_editor=OK, fund_admin=OK)
FUND_RISK_FILTERS = (
    "priority=very-high&theme=forced-labour&country=BR&sector=15&evidence=no&judged=no&page=1"
)


def extend_world(world: World) -> None:
    from convenant.risk.actions import LIBRARY, load_reference_dataset

    world.extra["dataset"] = load_reference_dataset(LIBRARY / "ituc-gri")
    if "snapshot" not in world.extra:
        from convenant.portfolios.models import Snapshot

        world.extra["snapshot"] = Snapshot.objects.create(
            fund=world.fund, as_of=datetime.date(2024, 12, 31), source_name="test.csv"
        )
    from convenant.portfolios.models import Issuer
    from convenant.risk.models import RiskResult
    from convenant.risk.testing import make_assessment

    assessment = make_assessment()
    issuer = Issuer.objects.create(
        legal_name="Mijn Risico N.V.", country_of_incorporation="NL", source=Issuer.Source.GLEIF
    )
    world.extra["risk_result"] = RiskResult.objects.create(
        snapshot=world.extra["snapshot"],
        issuer=issuer,
        assessment=assessment,
        theme="forced-labour",
        priority="very-high",
        rank=4,
        value_eur=100,
    )
    # The other fund's risk on a company it holds, and its judgement with a reason: its own
    # confidential data, which no list, export or count outside it may show.
    if "other_snapshot" in world.extra:
        other = RiskResult.objects.create(
            snapshot=world.extra["other_snapshot"],
            issuer=world.extra["proposed_issuer"],
            assessment=assessment,
            theme="forced-labour",
            priority="very-high",
            rank=1,
            value_eur=1_000_000,
        )
        from convenant.risk.actions import judge_risk

        judge_risk(
            by=world.users["other_fund"],
            result=other,
            decision="adjusted",
            impact="actual",
            reason=f"{OTHER_FUND_MARKER}: de leverancier is vervangen",
            priority="high",
        )


ROWS = [
    Row("dataset_list", everyone(OK)),
    Row("dataset_detail", everyone(OK), args=lambda w: [w.extra["dataset"].pk]),
    Row(
        "dataset_detail",
        everyone(OK),
        args=lambda w: [w.extra["dataset"].pk],
        query="country=Nederland",
    ),
    Row("dataset_detail", everyone(HIDDEN), args=lambda w: [999999], missing=True),
    # A fund's risks: its own people only, like its holdings.
    Row(
        "snapshot_risks",
        FUND_A_ONLY,
        args=lambda w: [w.extra["snapshot"].pk],
        query="priority=high",
        absent=other_funds_data,
    ),
    Row(
        "snapshot_risks",
        FUND_A_ONLY,
        args=lambda w: [w.extra["snapshot"].pk],
        absent=other_funds_data,
        present=lambda w: ["Mijn Risico N.V."],
    ),
    # Every filter of the page at once: still the fund's own company, and no other's.
    Row(
        "snapshot_risks",
        FUND_A_ONLY,
        args=lambda w: [w.extra["snapshot"].pk],
        query=FUND_RISK_FILTERS,
        absent=other_funds_data,
        present=lambda w: ["Mijn Risico N.V."],
    ),
    Row(
        "judge_risk",
        members(HIDDEN, fund_viewer=FORBIDDEN, fund_editor=REDIRECT, fund_admin=REDIRECT),
        method="post",
        args=lambda w: [w.extra["snapshot"].pk, w.extra["risk_result"].pk],
        data=lambda w: {"decision": "confirmed", "impact": "actual"},
    ),
    # With the page's filters: the judgement returns to them.
    Row(
        "judge_risk",
        members(HIDDEN, fund_viewer=FORBIDDEN, fund_editor=REDIRECT, fund_admin=REDIRECT),
        method="post",
        args=lambda w: [w.extra["snapshot"].pk, w.extra["risk_result"].pk],
        query="theme=forced-labour&page=1",
        data=lambda w: {"decision": "confirmed", "impact": "potential"},
    ),
    # Across the covenant, for the secretariat: counts and themes, no fund's companies.
    Row("covenant_risks", members(FORBIDDEN, secretariat=OK), absent=other_funds_data),
    Row(
        "export_covenant_risks",
        members(FORBIDDEN, secretariat=OK),
        args=lambda w: ["csv"],
        absent=other_funds_data,
    ),
    Row(
        "export_covenant_risks",
        members(FORBIDDEN, secretariat=OK),
        args=lambda w: ["xlsx"],
    ),
    Row(
        "api:list_risks",
        FUND_A_ONLY,
        args=lambda w: [w.extra["snapshot"].pk],
        absent=other_funds_data,
        present=lambda w: ["Mijn Risico N.V."],
    ),
    Row(
        "api:judge_risk_result",
        members(HIDDEN, fund_viewer=FORBIDDEN, fund_editor=OK, fund_admin=OK),
        method="post",
        args=lambda w: [w.extra["snapshot"].pk, w.extra["risk_result"].pk],
        data=lambda w: {"decision": "confirmed", "impact": "potential"},
        as_json=True,
    ),
    Row(
        "api:snapshot_sfdr_indicators",
        FUND_A_ONLY,
        args=lambda w: [w.extra["snapshot"].pk],
        absent=other_funds_data,
    ),
    Row(
        "snapshot_sfdr",
        FUND_A_ONLY,
        args=lambda w: [w.extra["snapshot"].pk],
        absent=other_funds_data,
    ),
    Row(
        "snapshot_editions",
        FUND_A_ONLY,
        args=lambda w: [w.extra["snapshot"].pk],
        absent=other_funds_data,
    ),
    # Exports, decoded: the fund's own rows, never another fund's.
    Row(
        "export_risks",
        FUND_A_ONLY,
        args=lambda w: [w.extra["snapshot"].pk, "csv"],
        absent=other_funds_data,
        present=lambda w: ["Mijn Risico N.V."],
    ),
    Row(
        "export_risks",
        FUND_A_ONLY,
        args=lambda w: [w.extra["snapshot"].pk, "csv"],
        query=FUND_RISK_FILTERS,
        absent=other_funds_data,
        present=lambda w: ["Mijn Risico N.V."],
    ),
    Row(
        "export_risks",
        FUND_A_ONLY,
        args=lambda w: [w.extra["snapshot"].pk, "xlsx"],
        query="priority=very-high",
        absent=other_funds_data,
        present=lambda w: ["Mijn Risico N.V."],
    ),
]
