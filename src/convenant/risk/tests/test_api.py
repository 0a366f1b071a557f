"""The risk API: the fund's risks with reasons and judgements, judging through the same
action as the page (bad input refused, nothing saved), and the SFDR indicators."""

import json
from decimal import Decimal

from django.test import Client

from convenant.core.testing import World
from convenant.risk.methodology import LEVELS
from convenant.risk.models import RiskJudgement


def client(world: World, actor: str) -> Client:
    c = Client()
    c.force_login(world.users[actor])
    return c


def test_list_risks_highest_first_with_reasons(scored: World) -> None:
    base = f"/api/v1/snapshots/{scored.extra['snapshot_id']}/risks"
    answer = client(scored, "fund_viewer").get(base).json()
    assert answer["count"] == 8  # the eight themes of Metals & Mining
    items = answer["items"]
    # Highest priority first, and within a priority the highest score.
    order = [(LEVELS.index(i["priority"]), Decimal(str(i["score"]))) for i in items]
    assert order == sorted(order, reverse=True)
    first = items[0]
    assert first["country"] == "BR" and first["evidence"] is False
    assert first["methodology"] == "2026.2" and first["editions"]["ituc-gri"] == "2026"
    assert Decimal(str(first["score"])) == first["severity"] * Decimal(str(first["likelihood"]))
    assert any(r["source"].startswith("ILO NORMLEX") for i in items for r in i["reasons"])
    high = sum(1 for i in items if i["priority"] == "high")
    filtered = client(scored, "fund_viewer").get(base, {"priority": "high"}).json()
    assert {r["priority"] for r in filtered["items"]} == {"high"} and filtered["count"] == high
    assert client(scored, "other_fund").get(base).status_code == 404


def test_judge_through_the_api_and_refuse_bad_input(scored: World) -> None:
    base = f"/api/v1/snapshots/{scored.extra['snapshot_id']}/risks"
    editor = client(scored, "fund_editor")
    risk = editor.get(base, {"theme": "pollution"}).json()["items"][0]
    url = f"{base}/{risk['id']}/judgement"
    refused = editor.post(
        url, json.dumps({"decision": "adjusted", "impact": "actual"}), "application/json"
    )
    assert refused.status_code == 422
    assert refused.json()["detail"] == "Kies de aangepaste prioriteit."
    assert not RiskJudgement.objects.exists()
    done = editor.post(
        url,
        json.dumps(
            {"decision": "adjusted", "impact": "actual", "priority": "very-high", "reason": "x"}
        ),
        "application/json",
    )
    assert done.status_code == 200 and done.json()["priority"] == "very-high"
    listed = editor.get(base, {"theme": "pollution"}).json()["items"][0]
    assert listed["judgement"]["decision"] == "adjusted" and listed["priority"] == "high"


def test_sfdr_indicators(scored: World) -> None:
    from convenant.risk.actions import record_company_finding

    record_company_finding(
        issuer=scored.extra["miner"],
        theme="land-rights",
        reference="SIG-2026-0011",
        scale=4,
        scope=3,
        irremediability=4,
        likelihood=4,
        actual=True,
        source="NGO Voorbeeld",
    )
    url = f"/api/v1/snapshots/{scored.extra['snapshot_id']}/sfdr"
    answer = client(scored, "fund_viewer").get(url).json()
    # The only company, € 2.5 million, has a verified actual impact: PAI 10 is 100 %; no
    # conduct data says anything about its processes: PAI 11 is 0 % with no coverage.
    assert answer["total_value_eur"] == "2500000.00"
    assert answer["indicators"] == [
        {
            "number": 10,
            "share_pct": "100.0",
            "value_eur": "2500000.00",
            "companies": 1,
            "coverage_pct": "100.0",
        },
        {"number": 11, "share_pct": "0.0", "value_eur": "0", "companies": 0, "coverage_pct": "0.0"},
    ]
    assert client(scored, "union").get(url).status_code == 404
