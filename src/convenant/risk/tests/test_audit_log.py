"""The audit log and a fund's confidential data (DESIGN §5): nobody outside a fund reads its
positions, match decisions or risk judgements, not even in the log. The secretariat sees
that such an event happened, without its content; the fund's administrators read it in
full; another fund's people see nothing of it."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from convenant.core.audit import is_confidential
from convenant.core.testing import World
from convenant.risk.actions import judge_risk
from convenant.risk.models import RiskResult
from convenant.risk.testing import hold_a_mining_company

REASON = "Onze eigen inschatting: het bedrijf heeft de mijn al gesloten."


def audit_page(world: World, actor: str, query: str = "") -> tuple[int, str]:
    client = Client()
    client.force_login(world.users[actor])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(f"/audit/{query}")
    return response.status_code, response.content.decode()


@pytest.fixture
def judged(world: World, tmp_path: Path) -> World:
    """The fund dismissed a computed risk, with its reason."""
    _miner, snapshot_id = hold_a_mining_company(world, tmp_path)
    result = (
        RiskResult.objects.unrestricted("test set-up")
        .select_related("snapshot")
        .filter(snapshot_id=snapshot_id)
        .first()
    )
    judge_risk(
        by=world.users["fund_editor"],
        result=result,
        decision="dismissed",
        impact="potential",
        reason=REASON,
    )
    return world


def test_the_secretariat_sees_that_a_fund_judged_but_not_why(judged: World) -> None:
    status, page = audit_page(judged, "secretariat", "?verb=risk.judge_risk")
    assert status == 200
    assert "Risk judged" in page and "Withheld: confidential to the fund" in page
    assert REASON not in page and "dismissed" not in page
    assert "fund_editor@example.org" in page  # who and when stay visible to the secretariat


def test_the_funds_administrator_reads_its_own_events_in_full(judged: World) -> None:
    status, page = audit_page(judged, "fund_admin", "?verb=risk.judge_risk")
    assert status == 200
    assert REASON in page and "dismissed" in page and "Withheld" not in page
    # The secretariat's own work is not the fund's to read.
    _status, everything = audit_page(judged, "fund_admin")
    assert "Holdings imported" in everything and "Reference dataset loaded" not in everything


def test_another_funds_administrator_sees_nothing_of_it(judged: World) -> None:
    for query in ("", "?verb=risk.judge_risk", "?verb=portfolios.import_holdings"):
        status, page = audit_page(judged, "other_fund", query)
        assert status == 200
        assert "Risk judged" not in page and "Holdings imported" not in page
        assert REASON not in page and "Mineração" not in page


def test_only_the_secretariat_and_party_administrators_open_the_log(judged: World) -> None:
    for actor in ("fund_viewer", "fund_editor", "monitoring", "former"):
        assert audit_page(judged, actor)[0] == 403, actor


@pytest.mark.parametrize(
    "verb",
    [
        "portfolios.import_holdings",
        "portfolios.queue_import",
        "portfolios.name_columns",
        "portfolios.import_valid_rows",
        "portfolios.confirm_match",
        "portfolios.reject_match",
        "portfolios.propose_issuers",
        "risk.score_snapshot",
        "risk.judge_risk",
        "risk.rescore_issuers",
        "signals.read_alert",
    ],
)
def test_events_about_a_funds_holdings_decisions_and_risks_are_confidential(verb: str) -> None:
    assert is_confidential(verb)
