"""Disclosure control of the published monitoring figures: the k and dominance rules,
secondary suppression, and the recovery test — an attacker who knows everything published
(the totals, the visible cells, each hidden cell's label, 0 ≤ positive ≤ counted, integer
counts, assets ≥ 0, no positive assets without a positive fund) tries to work out every
hidden value with an integer program, and the test fails if one comes out exact."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from convenant.reporting.disclosure import protect

K = 5
DOMINANCE = 80


def fund_group(assets: list[int], positive: int) -> dict[str, Any]:
    """A cell from its funds' assets (EUR millions); the first ``positive`` are positive."""
    top = sorted(assets, reverse=True)[:2]
    return {
        "counted": len(assets),
        "positive": positive,
        "assets_counted": f"{sum(assets)}.00",
        "assets_positive": f"{sum(assets[:positive])}.00",
        "largest_two_assets": f"{sum(top)}.00",
    }


def figures_with(rows: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """Figures with one breakdown: ``rows[indicator][group] = cell``."""
    groups = list(next(iter(rows.values())))
    cells = {g: {code: rows[code][g] for code in rows} for g in groups}
    totals = {}
    for code, row in rows.items():
        totals[code] = {
            "counted": sum(c["counted"] for c in row.values()),
            "positive": sum(c["positive"] for c in row.values()),
            "assets_counted": str(sum(Decimal(c["assets_counted"]) for c in row.values())),
            "assets_positive": str(sum(Decimal(c["assets_positive"]) for c in row.values())),
            "largest_two_assets": "0",
        }
    return {
        "cycle": {"label": "2021", "name": "Voortgangsmeting 2021 (fictief)"},
        "counted": {"funds": 40, "assets_eur": "1000.00"},
        "indicators": [{"code": code, "positive": totals[code]["positive"]} for code in rows],
        "breakdowns": [
            {
                "key": "size",
                "title": "Omvang",
                "title_en": "Size",
                "groups": [{"key": g, "label": g, "label_en": g} for g in groups],
                "cells": cells,
                "totals": totals,
            }
        ],
        "individual": [
            {"party": "Pensioenfonds A (fictief)", "indicator": "policy", "outcome": "positive"},
            {
                "party": "Pensioenfonds B (fictief)",
                "indicator": "policy",
                "outcome": "negative",
                "opted_in": False,
            },
        ],
    }


def cell(published: dict[str, Any], group: str, code: str = "policy") -> dict[str, Any]:
    return published["breakdowns"][0]["cells"][group][code]


# --- The rules, by hand ----------------------------------------------------------------------


def test_a_group_under_k_funds_shows_nothing_and_a_second_group_hides_it():
    # Given small (3 funds), medium (6) and large (20): the small group is under five.
    figures = figures_with(
        {
            "policy": {
                "small": fund_group([10, 12, 9], 1),
                "medium": fund_group([40, 30, 35, 20, 25, 30], 2),
                "large": fund_group([100] * 20, 8),
            }
        }
    )
    # When protected
    published = protect(figures, min_funds=K, dominance_percent=DOMINANCE)
    # Then the small group shows nothing, and the smallest other group is hidden with it
    # (else the totals minus the large group would give the small group away).
    small, medium, large = (cell(published, g) for g in ("small", "medium", "large"))
    assert small["suppressed"] == "k"
    assert small["counted"] is None and small["positive"] is None
    assert small["assets_counted"] is None and small["assets_positive"] is None
    assert medium["suppressed"] == "secondary" and medium["positive"] is None
    assert "suppressed" not in large and large["positive"] == 8 and large["counted"] == 20
    assert large["assets_counted"] == "2000.00"
    # The totals (the overall figures) stay; the input is left alone.
    assert published["breakdowns"][0]["totals"]["policy"]["positive"] == 11
    assert cell(figures, "small")["counted"] == 3


def test_groups_of_k_funds_or_more_are_shown_and_the_largest_two_never():
    figures = figures_with({"policy": {"a": fund_group([10] * 5, 2), "b": fund_group([20] * 7, 7)}})
    published = protect(figures, min_funds=K, dominance_percent=DOMINANCE)
    assert cell(published, "a")["counted"] == 5 and cell(published, "a")["positive"] == 2
    assert "suppressed" not in cell(published, "a") and "suppressed" not in cell(published, "b")
    # The two largest funds' assets are what the dominance rule needs, never published.
    assert cell(published, "a")["largest_two_assets"] is None
    assert published["breakdowns"][0]["totals"]["policy"]["largest_two_assets"] is None


def test_the_k_setting_decides():
    figures = figures_with({"policy": {"a": fund_group([10] * 6, 2), "b": fund_group([20] * 7, 3)}})
    assert "suppressed" not in cell(protect(figures, min_funds=5, dominance_percent=80), "a")
    hidden = protect(figures, min_funds=7, dominance_percent=80)
    assert cell(hidden, "a")["suppressed"] == "k"
    assert cell(hidden, "b")["suppressed"] == "secondary"


def test_two_dominant_funds_hide_a_cells_assets_but_not_its_counts():
    # Given a group whose two largest funds hold 900 of 1000 (90 % > 80 %)
    figures = figures_with(
        {
            "policy": {
                "big": fund_group([500, 400, 25, 25, 25, 25], 3),
                "mid": fund_group([50, 60, 70, 80, 90], 2),
                "rest": fund_group([30] * 10, 4),
            }
        }
    )
    published = protect(figures, min_funds=K, dominance_percent=DOMINANCE)
    big, mid, rest = (cell(published, g) for g in ("big", "mid", "rest"))
    # Then its asset values are hidden, its counts shown
    assert big["suppressed"] == "dominance"
    assert big["assets_counted"] is None and big["assets_positive"] is None
    assert big["counted"] == 6 and big["positive"] == 3
    # and one more group hides its assets (the smallest with a positive fund), counts shown.
    assert rest["suppressed"] == "secondary" and rest["assets_counted"] is None
    assert rest["counted"] == 10
    assert "suppressed" not in mid and mid["assets_counted"] == "350.00"


def test_dominance_is_a_strict_share_and_follows_the_setting():
    # 80 of 100 held by the two largest: exactly 80 % is not "more than 80 %".
    figures = figures_with(
        {
            "policy": {
                "a": fund_group([40, 40, 5, 5, 5, 5], 1),
                "b": fund_group([10] * 8, 1),
                "c": fund_group([12] * 9, 1),
            }
        }
    )
    assert "suppressed" not in cell(protect(figures, min_funds=5, dominance_percent=80), "a")
    assert cell(protect(figures, min_funds=5, dominance_percent=79), "a")["suppressed"] == (
        "dominance"
    )


def test_a_hidden_cell_loses_every_value_even_one_added_later():
    small = {**fund_group([1, 2, 3], 1), "share": 33.33, "asset_share": 16.67}
    big = {**fund_group([500, 400, *[5] * 8], 3), "share": 30.0, "asset_share": 95.0}
    rest = [fund_group([10] * 9, 4), fund_group([20] * 8, 2)]
    figures = figures_with({"policy": {"a": small, "b": big, "c": rest[0], "d": rest[1]}})
    published = protect(figures, min_funds=K, dominance_percent=DOMINANCE)
    assert set(cell(published, "a").values()) == {None, "k"}
    assert cell(published, "b")["asset_share"] is None and cell(published, "b")["share"] == 30.0


def test_individual_results_only_where_the_fund_opted_in():
    figures = figures_with({"policy": {"a": fund_group([10] * 6, 2)}})
    published = protect(figures, min_funds=K, dominance_percent=DOMINANCE)
    assert published["individual"] == [
        {"party": "Pensioenfonds A (fictief)", "indicator": "policy", "outcome": "positive"}
    ]


def test_protect_is_deterministic_and_uses_the_settings(settings):
    settings.REPORTING_MIN_FUNDS = 7
    figures = figures_with({"policy": {"a": fund_group([10] * 6, 2), "b": fund_group([20] * 9, 3)}})
    assert protect(figures) == protect(copy.deepcopy(figures))
    assert cell(protect(figures), "a")["suppressed"] == "k"


# --- The recovery test ------------------------------------------------------------------------


def recover(published: dict[str, Any], k: int) -> list[str]:
    """Every hidden value an attacker can work out exactly, as "group/indicator/key"."""
    found = []
    for breakdown in published["breakdowns"]:
        codes = list(breakdown["totals"])
        for code in codes:
            row = {g: cells[code] for g, cells in breakdown["cells"].items() if code in cells}
            found += [
                f"{breakdown['key']}/{group}/{code}/{key}"
                for group, key in attack_row(row, breakdown["totals"][code], k)
            ]
    return found


def attack_row(
    row: dict[str, dict[str, Any]], total: dict[str, Any], k: int
) -> list[tuple[str, str]]:
    """Minimise and maximise each hidden value over everything consistent with what is
    published (a mixed-integer program); a hidden value whose least and largest agree is
    recovered. Left out: a hidden value the overall figures fix on their own (nothing
    positive at all; a group whose published count holds every fund or every positive fund
    of the row) and a row with every cell hidden (nothing more can be hidden there)."""
    hidden_counts = [g for g, c in row.items() if c["counted"] is None]
    hidden_assets = [g for g, c in row.items() if c["assets_counted"] is None]
    if not hidden_counts and not hidden_assets:
        return []
    if len(hidden_counts) == len(row):
        return []
    variables: list[tuple[str, str]] = [(g, "counted") for g in hidden_counts]
    variables += [(g, "positive") for g in hidden_counts]
    variables += [(g, "assets_counted") for g in hidden_assets]
    variables += [(g, "assets_positive") for g in hidden_assets]
    index = {v: i for i, v in enumerate(variables)}
    n = len(variables)
    big = float(Decimal(total["assets_counted"])) + 1
    lower = np.zeros(n)
    upper = np.full(n, np.inf)
    integer = np.array([1 if key in ("counted", "positive") else 0 for _, key in variables])
    rows_a: list[np.ndarray] = []
    lo: list[float] = []
    hi: list[float] = []

    def constraint(coefficients: dict[tuple[str, str], float], low: float, high: float) -> None:
        line = np.zeros(n)
        for variable, value in coefficients.items():
            line[index[variable]] = value
        rows_a.append(line)
        lo.append(low)
        hi.append(high)

    def visible_sum(key: str) -> float:
        return sum(float(c[key]) for c in row.values() if c[key] is not None)

    if hidden_counts:
        for key in ("counted", "positive"):
            rest = float(total[key]) - visible_sum(key)
            constraint({(g, key): 1 for g in hidden_counts}, rest, rest)
        for g in hidden_counts:
            constraint({(g, "positive"): 1, (g, "counted"): -1}, -np.inf, 0)
            if row[g]["suppressed"] == "k":
                upper[index[(g, "counted")]] = k - 1
            else:
                lower[index[(g, "counted")]] = k
    for key in ("assets_counted", "assets_positive"):
        if hidden_assets:
            rest = float(Decimal(total[key])) - visible_sum(key)
            constraint({(g, key): 1 for g in hidden_assets}, rest, rest)
    for g in hidden_assets:
        constraint({(g, "assets_positive"): 1, (g, "assets_counted"): -1}, -np.inf, 0)
        if g in hidden_counts:
            # No assets without funds, no positive assets without a positive fund.
            constraint({(g, "assets_counted"): 1, (g, "counted"): -big}, -np.inf, 0)
            constraint({(g, "assets_positive"): 1, (g, "positive"): -big}, -np.inf, 0)
        elif row[g]["positive"] == 0:
            upper[index[(g, "assets_positive")]] = 0
        elif row[g]["positive"] == row[g]["counted"]:
            constraint({(g, "assets_positive"): 1, (g, "assets_counted"): -1}, 0, 0)
    constraints = LinearConstraint(np.array(rows_a), lo, hi)

    recovered = []
    for variable in variables:
        group, key = variable
        if key == "positive" and total["positive"] == 0:
            continue
        if key.startswith("assets") and Decimal(total[key]) == 0:
            continue
        if group not in hidden_counts and key.startswith("assets"):
            # What its published count fixes: no positive fund, no positive assets; every
            # (positive) fund of the row, the row's (positive) assets — the overall figures.
            count = "counted" if key == "assets_counted" else "positive"
            if key == "assets_positive" and row[group]["positive"] == 0:
                continue
            if row[group][count] == total[count]:
                continue
        ends = []
        for sign in (1, -1):
            c = np.zeros(n)
            c[index[variable]] = sign
            result = milp(
                c, integrality=integer, bounds=Bounds(lower, upper), constraints=constraints
            )
            assert result.status == 0, (variable, result.message)
            ends.append(sign * result.fun)
        tolerance = 0.5 if key in ("counted", "positive") else 1e-6 * big
        if abs(ends[0] - ends[1]) < tolerance:
            recovered.append(variable)
    return recovered


def test_the_attacker_recovers_a_lone_hidden_cell():
    # The attack itself works: hide one group by hand, leave the others, and it is found.
    figures = figures_with(
        {
            "policy": {
                "small": fund_group([10, 12, 9], 1),
                "medium": fund_group([40, 30, 35, 20, 25, 30], 2),
                "large": fund_group([100] * 20, 8),
            }
        }
    )
    naive = copy.deepcopy(figures)
    small = cell(naive, "small")
    small.update(counted=None, positive=None, assets_counted=None, assets_positive=None)
    small["suppressed"] = "k"
    found = recover(naive, K)
    assert "size/small/policy/positive" in found
    assert "size/small/policy/assets_counted" in found
    # and after protect() nothing is.
    assert recover(protect(figures, min_funds=K, dominance_percent=DOMINANCE), K) == []


def test_the_attacker_uses_the_labels():
    # An empty group (under five, so hidden) and a secondary of exactly five are five in all:
    # "under five" and "at least five" leave only 0 and 5.
    figures = figures_with(
        {
            "policy": {
                "a": fund_group([], 0),
                "b": fund_group([20] * 5, 2),
                "c": fund_group([30] * 6, 3),
            }
        }
    )
    naive = copy.deepcopy(figures)
    for group, label in (("a", "k"), ("b", "secondary")):
        target = cell(naive, group)
        target.update(counted=None, positive=None, assets_counted=None, assets_positive=None)
        target["suppressed"] = label
    assert "size/a/policy/counted" in recover(naive, K)
    # protect() hides the third group as well.
    published = protect(figures, min_funds=K, dominance_percent=DOMINANCE)
    assert cell(published, "c")["suppressed"] == "secondary"
    assert recover(published, K) == []


def test_hand_built_tables_give_nothing_away():
    tables = [
        # The baseline: nothing positive on policy anywhere.
        {
            "policy": {
                "small": fund_group([5, 6, 7], 0),
                "medium": fund_group([50] * 8, 0),
                "large": fund_group([400, 300, 200, 100, 90, 80], 0),
            },
            "outsourcing": {
                "small": fund_group([5, 6, 7], 2),
                "medium": fund_group([50] * 8, 3),
                "large": fund_group([400, 300, 200, 100, 90, 80], 5),
            },
        },
        # Two small groups and a dominant one.
        {
            "policy": {
                "a": fund_group([1, 2], 1),
                "b": fund_group([3, 4, 5, 6], 4),
                "c": fund_group([1000, 900, 10, 10, 10], 2),
                "d": fund_group([20] * 12, 6),
                "e": fund_group([25] * 7, 0),
            }
        },
    ]
    for rows in tables:
        published = protect(figures_with(rows), min_funds=K, dominance_percent=DOMINANCE)
        assert recover(published, K) == []


@st.composite
def tables(draw: st.DrawFn) -> dict[str, dict[str, dict[str, Any]]]:
    groups = draw(st.integers(min_value=2, max_value=5))
    rows = {}
    for code in draw(st.sampled_from([["policy"], ["policy", "reporting"]])):
        row = {}
        for g in range(groups):
            assets = draw(st.lists(st.integers(1, 1000), min_size=0, max_size=12))
            positive = draw(st.integers(0, len(assets)))
            row[f"g{g}"] = fund_group(assets, positive)
        rows[code] = row
    return rows


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.sampled_from([3, 5]), st.sampled_from([60, 80]))
def test_no_hidden_cell_can_be_recovered_from_random_tables(rows, k, dominance):
    figures = figures_with(rows)
    published = protect(figures, min_funds=k, dominance_percent=dominance)
    # What is shown is true; what the rules hide is hidden;
    for code, row in rows.items():
        for group, true in row.items():
            shown = cell(published, group, code)
            for key in ("counted", "positive", "assets_counted", "assets_positive"):
                assert shown[key] in (None, true[key])
            assert shown["largest_two_assets"] is None
            if true["counted"] < k:
                assert shown["suppressed"] == "k" and shown["positive"] is None
            elif Decimal(true["largest_two_assets"]) * 100 > dominance * Decimal(
                true["assets_counted"]
            ):
                assert shown["assets_counted"] is None
    # and no hidden value can be worked out.
    assert recover(published, k) == []


@pytest.mark.parametrize("positive", [0, 3])
def test_a_row_with_every_cell_hidden_is_what_the_totals_say(positive):
    # Two groups both under five: both hidden, nothing else to hide; the totals stay.
    figures = figures_with(
        {"policy": {"a": fund_group([1, 2, 3], min(positive, 3)), "b": fund_group([4, 5], 0)}}
    )
    published = protect(figures, min_funds=K, dominance_percent=DOMINANCE)
    assert cell(published, "a")["suppressed"] == cell(published, "b")["suppressed"] == "k"
    assert published["breakdowns"][0]["totals"]["policy"]["counted"] == 5
