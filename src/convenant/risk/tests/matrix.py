"""Permission-matrix rows for the reference datasets: public, like the reports they cite."""

import datetime

from convenant.core.testing import FORBIDDEN, HIDDEN, OK, REDIRECT, Row, World, everyone, members


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


ROWS = [
    Row("dataset_list", everyone(OK)),
    Row("dataset_detail", everyone(OK), args=lambda w: [w.extra["dataset"].pk]),
    Row(
        "dataset_detail",
        everyone(OK),
        args=lambda w: [w.extra["dataset"].pk],
        query="country=Nederland",
    ),
    Row("dataset_detail", everyone(HIDDEN), args=lambda w: [999999]),
    # A fund's risks: its own people only, like its holdings.
    Row(
        "snapshot_risks",
        members(HIDDEN, fund_viewer=OK, fund_editor=OK, fund_admin=OK),
        args=lambda w: [w.extra["snapshot"].pk],
        query="priority=high",
    ),
    Row(
        "judge_risk",
        members(HIDDEN, fund_viewer=FORBIDDEN, fund_editor=REDIRECT, fund_admin=REDIRECT),
        method="post",
        args=lambda w: [w.extra["snapshot"].pk, w.extra["risk_result"].pk],
        data=lambda w: {"decision": "confirmed", "impact": "actual"},
    ),
    Row("covenant_risks", members(FORBIDDEN, secretariat=OK)),
    Row(
        "api:list_risks",
        members(HIDDEN, fund_viewer=OK, fund_editor=OK, fund_admin=OK),
        args=lambda w: [w.extra["snapshot"].pk],
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
        members(HIDDEN, fund_viewer=OK, fund_editor=OK, fund_admin=OK),
        args=lambda w: [w.extra["snapshot"].pk],
    ),
    Row(
        "snapshot_sfdr",
        members(HIDDEN, fund_viewer=OK, fund_editor=OK, fund_admin=OK),
        args=lambda w: [w.extra["snapshot"].pk],
    ),
    Row(
        "export_risks",
        members(HIDDEN, fund_viewer=OK, fund_editor=OK, fund_admin=OK),
        args=lambda w: [w.extra["snapshot"].pk, "csv"],
    ),
    Row(
        "export_risks",
        members(HIDDEN, fund_viewer=OK, fund_editor=OK, fund_admin=OK),
        args=lambda w: [w.extra["snapshot"].pk, "xlsx"],
        query="priority=very-high",
    ),
]
