"""Known answers of the monitoring report's figures on the hand-built example of
``report_example`` (its table says who answered what)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from convenant.reporting import figures
from convenant.reporting.actions.report import sign_off_report, write_report_summary
from convenant.reporting.models import MonitoringReport
from convenant.reporting.tests import report_example

pytestmark = pytest.mark.django_db

BN = 1_000_000_000


def _by_code(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["code"]: row for row in result["indicators"]}


@pytest.fixture
def example(world: Any) -> dict[str, Any]:
    return report_example.build(world)


def _sign_off(world: Any, cycle: Any) -> MonitoringReport:
    by = report_example.committee_member(world)
    write_report_summary(by=by, cycle=cycle, summary="Samenvatting (fictief)")
    return sign_off_report(by=by, cycle=cycle)


def test_shares_by_count_and_by_assets_with_main_from_subs_and_na_rules(
    example: dict[str, Any],
) -> None:
    # Given the 2021 measurement of the example
    # When its figures are computed
    result = figures.compute(example["cycle"])
    rows = _by_code(result)
    # Then five funds are counted (the draft and the left-out fund are not), 51 bn together
    assert result["counted"] == {"funds": 5, "assets_eur": f"{51 * BN}.00"}
    # And a sub whose "not applicable" is left out counts only those who answered
    assert {k: rows["policy-scope"][k] for k in ("positive", "counted", "not_applicable")} == {
        "positive": 2,
        "counted": 3,
        "not_applicable": 2,
    }
    assert rows["policy-scope"]["share"] == 66.67
    assert rows["policy-scope"]["assets_counted"] == f"{19 * BN}.00"
    assert rows["policy-scope"]["asset_share"] == 78.95
    # And "not applicable counts positive" makes Gamma positive; Delta's missing score and
    # Beta's corrected score are not positive
    assert (rows["policy-public"]["positive"], rows["policy-public"]["counted"]) == (3, 5)
    assert rows["policy-public"]["not_applicable"] == 1
    assert rows["policy-public"]["asset_share"] == 86.27
    # And the main indicator is positive only where every sub is: Alfa and Gamma
    assert (rows["policy"]["positive"], rows["policy"]["counted"]) == (2, 5)
    assert rows["policy"]["share"] == 40.0
    assert rows["policy"]["assets_positive"] == f"{40 * BN}.00"
    assert rows["policy"]["asset_share"] == 78.43
    assert rows["policy"]["level"] == "main" and rows["policy-scope"]["parent"] == "policy"
    # And "not applicable counts not positive" keeps Beta counted and not positive
    assert (rows["outsourcing-clauses"]["positive"], rows["outsourcing-clauses"]["counted"]) == (
        3,
        5,
    )
    assert rows["outsourcing"]["asset_share"] == 82.35
    # And a main whose subs are all left out is left out itself (Alfa on reporting)
    assert (rows["reporting"]["positive"], rows["reporting"]["counted"]) == (3, 4)
    assert rows["reporting"]["not_applicable"] == 1
    assert rows["reporting"]["share"] == 75.0
    # And two funds are positive on every main indicator (Alfa: reporting not applicable)
    assert result["all_main"] == {"positive": 2, "counted": 5}
    # And the effort questionnaire of unions and NGOs is counted apart
    assert [(e["code"], e["positive"], e["counted"]) for e in result["effort"]] == [
        ("effort", 1, 1),
        ("effort-policy", 1, 1),
    ]


def test_targets_late_excluded_and_opted_in_results(example: dict[str, Any]) -> None:
    result = figures.compute(example["cycle"])
    rows = _by_code(result)
    # Then each main indicator carries the cycle's target (none where none is set)
    assert rows["policy"]["target"] == 50.0
    assert rows["outsourcing"]["target"] == 25.0
    assert rows["reporting"]["target"] is None
    # And the draft is late and not counted; the late submission is listed and counted
    assert result["late"] == [
        {
            "party": "Pensioenfonds Epsilon (fictief)",
            "reason": "not_submitted",
            "submitted_on": None,
        },
        {
            "party": "Pensioenfonds Eta (fictief)",
            "reason": "after_deadline",
            "submitted_on": "2022-04-05",
        },
    ]
    assert result["excluded"] == [
        {"party": "Pensioenfonds Zeta (fictief)", "reason": "Cijfers niet te controleren (fictief)"}
    ]
    # And only results a fund opted in to publish are individual
    assert result["individual"] == [
        {"party": "Pensioenfonds Alfa", "indicator": "policy", "outcome": "positive"},
        {"party": "Pensioenfonds Eta (fictief)", "indicator": "outsourcing", "outcome": "negative"},
    ]


def test_breakdown_by_size_with_the_two_largest_funds(example: dict[str, Any]) -> None:
    result = figures.compute(example["cycle"])
    (size,) = result["breakdowns"]
    assert [g["key"] for g in size["groups"]] == ["small", "medium", "large"]
    cells = size["cells"]
    assert cells["small"]["policy"] == {
        "counted": 2,
        "positive": 0,
        "assets_counted": f"{6 * BN}.00",
        "assets_positive": "0.00",
        "largest_two_assets": f"{6 * BN}.00",
    }
    assert cells["medium"]["policy"]["positive"] == 1
    assert cells["medium"]["policy"]["assets_positive"] == f"{10 * BN}.00"
    assert cells["large"]["policy"]["largest_two_assets"] == f"{30 * BN}.00"
    # And the totals are the overall figures
    rows = _by_code(result)
    for code, total in size["totals"].items():
        assert (total["counted"], total["positive"]) == (
            rows[code]["counted"],
            rows[code]["positive"],
        )
        assert total["assets_positive"] == rows[code]["assets_positive"]
    assert size["totals"]["policy"]["largest_two_assets"] == f"{40 * BN}.00"


def test_changes_since_baseline_and_a_restated_figure(world: Any, example: dict[str, Any]) -> None:
    # Given the baseline signed off: policy 1 of 2 funds
    report = _sign_off(world, example["baseline"])
    assert _by_code(report.figures)["policy"]["share"] == 50.0
    # And a correction accepted after sign-off makes it 2 of 2
    report_example.correct_after_sign_off(example)
    # When the 2021 figures are computed
    result = figures.compute(example["cycle"])
    rows = _by_code(result)
    # Then the baseline's history keeps the frozen figure with the restated one beside it
    baseline, now = result["history"]
    assert baseline["label"] == "2019" and baseline["frozen"] is True
    assert baseline["shares"]["policy"] == 50.0
    assert baseline["restated"] == {"policy": 100.0, "policy-scope": 100.0}
    assert baseline["targets"] == {"policy": 10.0}
    assert now["label"] == "2021" and now["shares"]["policy"] == 40.0
    # And the change is measured from the restated figure, and says so
    assert rows["policy"]["change_previous"] == -60.0
    assert rows["policy"]["change_baseline"] == -60.0
    assert rows["policy"]["restated"] is True
    # And an unchanged figure is compared as frozen
    assert rows["outsourcing"]["change_baseline"] == 10.0
    assert rows["outsourcing"]["restated"] is False
    assert rows["reporting"]["change_previous"] == -25.0
    # And the frozen baseline report itself did not move
    report.refresh_from_db()
    assert _by_code(report.figures)["policy"]["share"] == 50.0
    assert figures.digest(report.figures) == report.figures_digest


def test_figures_are_deterministic_json(example: dict[str, Any]) -> None:
    first = figures.compute(example["cycle"])
    second = figures.compute(example["cycle"])
    assert figures.canonical(first) == figures.canonical(second)
    # Decimals travel as strings, so the JSON round trip changes nothing
    assert json.loads(figures.canonical(first)) == first
    assert figures.digest(json.loads(figures.canonical(first))) == figures.digest(first)
