"""A fund's snapshot replaced by a new import of the same date takes its risk results with it:
no ranking of holdings the fund no longer reports survives the swap of partitions."""

import datetime
from pathlib import Path

import pytest

from convenant.core.testing import World
from convenant.portfolios.actions import import_holdings
from convenant.portfolios.models import Issuer, Snapshot
from convenant.risk.models import RiskResult
from convenant.risk.testing import make_assessment

AS_OF = datetime.date(2024, 12, 31)


def holdings_file(tmp_path: Path, name: str, value: str) -> Path:
    path = tmp_path / name
    path.write_text(
        "Naam;Land;Marktwaarde;Valuta\n"
        + "".join(f"Bedrijf {i} NV;NL;{value};EUR\n" for i in range(20)),
        encoding="utf-8",
    )
    return path


@pytest.mark.django_db
def test_replacing_a_snapshot_removes_its_risk_results(world: World, tmp_path: Path) -> None:
    # Given a fund's snapshot with a risk computed for it
    def run(name: str, value: str) -> int:
        report = import_holdings(
            by=world.users["fund_editor"],
            fund=world.fund,
            as_of=AS_OF,
            path=holdings_file(tmp_path, name, value),
            filename=name,
        )
        assert report.snapshot_id is not None
        return report.snapshot_id

    old = run("oud.csv", "100")
    risk = RiskResult.objects.unrestricted("the test's own check").create(
        snapshot_id=old,
        issuer=Issuer.objects.unrestricted("the test's own check").first(),
        assessment=make_assessment(),
        theme="forced-labour",
        priority="high",
        rank=3,
        value_eur=100,
    )
    # When the fund imports the same date again
    new = run("nieuw.csv", "200")
    # Then the old snapshot and its risk result are gone, the new snapshot stands
    snapshots = Snapshot.objects.unrestricted("the test's own check")
    assert new != old and not snapshots.filter(pk=old).exists()
    assert not RiskResult.objects.unrestricted("the test's own check").filter(pk=risk.pk).exists()
