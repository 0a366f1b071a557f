"""A shared, verified signal changes the risk results of the funds that hold the company,
through the methodology; found unsubstantiated later, its findings are withdrawn."""

from pathlib import Path

from django.test import Client

from convenant.core.testing import World
from convenant.risk.models import CompanyFinding, RiskResult
from convenant.risk.testing import hold_a_mining_company
from convenant.signals import actions
from convenant.signals.models import SignalAlert, State
from convenant.signals.tests.helpers import report


def test_a_shared_signal_changes_the_funds_risk_result(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    miner, _snapshot_id = hold_a_mining_company(world, tmp_path)

    def land_rights() -> RiskResult:
        return RiskResult.objects.select_related("assessment").get(
            issuer=miner, theme="land-rights", snapshot__fund=world.fund
        )

    assert land_rights().priority == "high"
    union = world.users["union"]
    signal = actions.submit_signal(
        by=union,
        party=world.union,
        report=report(
            company_name="Mineração Exemplo S.A.",
            company_isin="US0378331005",
            themes=["land-rights"],
            impact="actual",
        ),
    )
    actions.change_state(by=union, signal=signal, to=State.IN_REVIEW, reason="Nagaan")
    actions.assess_signal(
        by=union, signal=signal, scale=4, scope=3, irremediability=4, likelihood=4
    )
    secretariat = world.users["secretariat"]  # four eyes: not the one who filed it
    actions.change_state(by=secretariat, signal=signal, to=State.VERIFIED, reason="Bevestigd")
    with django_capture_on_commit_callbacks(execute=True):
        actions.share_signal(
            by=union,
            signal=signal,
            visibility="covenant",
            redactions={"description": 0},
            reason="Delen met de fondsen",
        )
    result = land_rights()
    assert result.priority == "very-high"
    assert any(
        r["factor"] == "signal" and signal.reference in r["text"] for r in result.assessment.reasons
    )
    finding = CompanyFinding.objects.get(reference=signal.reference)
    assert finding.source.startswith("Vakbond Gamma") and finding.actual
    assert SignalAlert.objects.filter(fund=world.fund, signal=signal, full=True).exists()

    # Found unsubstantiated after all: the finding stops counting, the result goes back.
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_state(
            by=secretariat,
            signal=signal,
            to=State.UNSUBSTANTIATED,
            reason="Bron trok verklaring in",
        )
    assert land_rights().priority == "high"
    assert CompanyFinding.objects.get(reference=signal.reference).withdrawn_at is not None
    # The fund's alert stays, saying the signal was withdrawn; the signal is no longer shown.
    client = Client()
    client.force_login(world.users["fund_viewer"])
    inbox = client.get("/signals/inbox/").content.decode()
    assert signal.reference in inbox and signal.get_absolute_url() not in inbox
    assert client.get(signal.get_absolute_url()).status_code == 404
