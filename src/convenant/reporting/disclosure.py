"""Statistical disclosure control of the monitoring report's figures (issue 16).

No fund may be identified from a published figure. ``protect(figures)`` takes a cycle's
figures (``reporting.figures``, the frozen snapshot) and returns a deep copy fit for
publication; every rendering of the report shows that copy. It is pure and deterministic: the
same snapshot gives the same published figures.

Per breakdown (size, kind of fund, …) and per indicator, the groups of a row add up to its
totals, which equal the overall figures. Three rules hide cells of such a row:

1. **k rule** — a group with fewer than ``min_funds`` counted funds shows nothing (counts
   and assets): ``"suppressed": "k"``.
2. **dominance rule** — where the two largest funds of a group hold more than
   ``dominance_percent`` % of its counted assets, its asset values are hidden (its counts
   stay): ``"suppressed": "dominance"``.
3. **secondary suppression** — a hidden cell must not be computable from the totals and the
   other cells. Per row, counts and assets each, more cells are hidden (``"secondary"``, the
   smallest first) until no hidden value is fixed by what is published: the totals, the
   visible cells, the bounds 0 ≤ positive ≤ counted (counts are integers, assets are not
   negative, positive assets are zero when no fund is positive) and what each label says
   (a ``k`` cell counts fewer than ``min_funds`` funds, any other at least that many).

The overall figures (all funds) stay. A hidden cell keeps its keys with ``None`` values.
``largest_two_assets``, which the dominance rule needs, is never published. Individual results
appear only for the indicators a fund opted in to (``"opted_in": false`` entries are dropped).

What is left, said here so that no one relies on more: when every cell of a row is hidden,
the labels and the totals together may still fix a value (eight funds in two groups that are
both under five are four and four); nothing more can be hidden then, as the totals are the
overall figures. Rows are protected one at a time: two breakdowns of the same funds, or a main
indicator and its sub-indicators, are not reasoned about together.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

COUNT_KEYS = ("counted", "positive")
ASSET_KEYS = ("assets_counted", "assets_positive")
PRIVATE_KEYS = ("largest_two_assets",)

K = "k"
DOMINANCE = "dominance"
SECONDARY = "secondary"


def protect(
    figures: dict[str, Any],
    *,
    min_funds: int | None = None,
    dominance_percent: float | int | Decimal | None = None,
) -> dict[str, Any]:
    """The figures as they may be published (a deep copy; the input is left alone)."""
    k = settings.REPORTING_MIN_FUNDS if min_funds is None else min_funds
    percent = (
        settings.REPORTING_DOMINANCE_PERCENT if dominance_percent is None else dominance_percent
    )
    published = copy.deepcopy(figures)
    for breakdown in published.get("breakdowns") or []:
        _protect_breakdown(breakdown, int(k), Decimal(str(percent)))
    if "individual" in published:
        published["individual"] = [
            {key: value for key, value in entry.items() if key != "opted_in"}
            for entry in published["individual"] or []
            if entry.get("opted_in", True) is not False
        ]
    return published


def _protect_breakdown(breakdown: dict[str, Any], k: int, percent: Decimal) -> None:
    cells: dict[str, dict[str, dict[str, Any]]] = breakdown.get("cells") or {}
    totals: dict[str, dict[str, Any]] = breakdown.get("totals") or {}
    order = [group["key"] for group in breakdown.get("groups") or []]
    order += sorted(key for key in cells if key not in order)
    codes = list(totals) + sorted({c for row in cells.values() for c in row} - set(totals))
    for code in codes:
        row = [(group, cells[group][code]) for group in order if code in cells.get(group, {})]
        total = totals.get(code)
        if total is None:
            total = _sum_row([cell for _, cell in row])
        _protect_row(row, total, k, percent)
    for total in totals.values():
        for key in PRIVATE_KEYS:
            if key in total:
                total[key] = None


def _sum_row(cells: Iterable[dict[str, Any]]) -> dict[str, Any]:
    cells = list(cells)
    return {
        "counted": sum(int(c.get("counted") or 0) for c in cells),
        "positive": sum(int(c.get("positive") or 0) for c in cells),
        "assets_counted": str(sum((_dec(c.get("assets_counted")) for c in cells), Decimal(0))),
        "assets_positive": str(sum((_dec(c.get("assets_positive")) for c in cells), Decimal(0))),
    }


def _dec(value: Any) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)


def _protect_row(
    row: list[tuple[str, dict[str, Any]]], total: dict[str, Any], k: int, percent: Decimal
) -> None:
    """Hide cells of one row (one indicator in one breakdown) in place."""
    # The true values, read before anything is hidden.
    true: dict[str, dict[str, Any]] = {
        group: {
            "counted": int(cell.get("counted") or 0),
            "positive": int(cell.get("positive") or 0),
            "assets_counted": _dec(cell.get("assets_counted")),
            "assets_positive": _dec(cell.get("assets_positive")),
            "largest_two": _dec(cell.get("largest_two_assets")),
        }
        for group, cell in row
    }
    labels: dict[str, str] = {}
    counts_hidden: set[str] = set()
    assets_hidden: set[str] = set()

    # 1. The k rule.
    for group, _cell in row:
        if true[group]["counted"] < k:
            labels[group] = K
            counts_hidden.add(group)
            assets_hidden.add(group)

    # 2. The dominance rule (asset values only; the counts stay).
    for group, _cell in row:
        if group in labels:
            continue
        assets = true[group]["assets_counted"]
        if assets > 0 and true[group]["largest_two"] * 100 > percent * assets:
            labels[group] = DOMINANCE
            assets_hidden.add(group)

    # 3. Secondary suppression: hide the smallest visible group until no hidden value is
    # fixed by what is published. Counts first (a hidden count's assets are hidden with
    # it), then assets; where hiding more assets cannot help (an asset value fixed through
    # the visible counts), the counts of one more group are hidden and both start again.
    total_counted = int(total.get("counted") or 0)
    total_positive = int(total.get("positive") or 0)
    totals = (
        total_counted,
        total_positive,
        _dec(total.get("assets_counted")),
        _dec(total.get("assets_positive")),
    )

    def hide_counts(group: str) -> None:
        labels[group] = SECONDARY
        counts_hidden.add(group)
        assets_hidden.add(group)

    while True:
        while counts_hidden and _counts_fixed(
            true, labels, counts_hidden, k, total_counted, total_positive
        ):
            candidates = [g for g, _ in row if g not in counts_hidden]
            if not candidates:
                break
            hide_counts(min(candidates, key=lambda g: (true[g]["counted"], g not in labels)))
        side = _assets_fixed(true, counts_hidden, assets_hidden, totals)
        if not side:
            break
        # Only a group with a positive fund can hide another's positive assets, only one
        # with a fund not positive another's remaining assets.
        helpful = [
            g
            for g, _ in row
            if g not in assets_hidden
            and (
                true[g]["positive"] > 0
                if side == "positive"
                else true[g]["positive"] < true[g]["counted"]
            )
        ]
        if helpful:
            chosen = min(helpful, key=lambda g: (true[g]["assets_counted"], true[g]["counted"]))
            labels[chosen] = SECONDARY
            assets_hidden.add(chosen)
            continue
        candidates = [g for g, _ in row if g not in counts_hidden]
        if not candidates:
            break
        hide_counts(min(candidates, key=lambda g: (true[g]["counted"], true[g]["assets_counted"])))

    for group, cell in row:
        for key in PRIVATE_KEYS:
            if key in cell:
                cell[key] = None
        # Every value of a hidden cell goes, including any a later figure adds beside the
        # counts (a share, a ratio); of a cell whose assets only are hidden, every asset value.
        if group in counts_hidden:
            for key in {*COUNT_KEYS, *ASSET_KEYS, *cell}:
                cell[key] = None
        if group in assets_hidden:
            for key in {*ASSET_KEYS, *(k for k in cell if "asset" in k)}:
                cell[key] = None
        if group in labels:
            cell["suppressed"] = labels[group]


def count_bounds(label: str, k: int, total: int) -> tuple[int, int]:
    """What a hidden cell's label says about its counted funds."""
    if label == K:
        return 0, k - 1
    return k, total


def _counts_fixed(
    true: dict[str, dict[str, Any]],
    labels: dict[str, str],
    hidden: set[str],
    k: int,
    total_counted: int,
    total_positive: int,
) -> bool:
    """Whether a hidden cell's counted or positive funds follow from what is published.

    Exact for sums of integer intervals: the others' sum covers every integer between its
    bounds, so a cell ranges over [max(lo, R - Σ others' hi), min(hi, R - Σ others' lo)]; its
    positive funds over [max(0, P - R + its least count), min(P, its largest count)]."""
    visible = [g for g in true if g not in hidden]
    rest_counted = total_counted - sum(true[g]["counted"] for g in visible)
    rest_positive = total_positive - sum(true[g]["positive"] for g in visible)
    bounds = {g: count_bounds(labels.get(g, SECONDARY), k, total_counted) for g in hidden}
    for group in hidden:
        lo, hi = bounds[group]
        others_lo = sum(bounds[g][0] for g in hidden if g != group)
        others_hi = sum(bounds[g][1] for g in hidden if g != group)
        least = max(lo, rest_counted - others_hi)
        most = min(hi, rest_counted - others_lo)
        if least >= most:
            return True
        # All positive funds are zero anyway when the overall figure says none is.
        if total_positive == 0:
            continue
        if max(0, rest_positive - rest_counted + least) >= min(rest_positive, most):
            return True
    return False


def _assets_fixed(
    true: dict[str, dict[str, Any]],
    counts_hidden: set[str],
    hidden: set[str],
    totals: tuple[int, int, Decimal, Decimal],
) -> str:
    """Which part of the hidden assets gives a value away: "positive", "other" or "".

    A cell's assets are its positive assets plus the rest, each ≥ 0 (real numbers) and each
    summing over the hidden cells to what the totals leave. A group whose visible count has
    no positive fund has no positive assets, one whose funds are all positive no rest: such
    a group cannot hide another's part. With two or more unknowns summing to a known rest, a
    part is fixed only when that rest is zero. A value the overall figures give anyway (a
    group whose visible count holds every fund, or every positive fund, of the row) is no
    secret, and neither is one whose total is zero."""
    total_counted, total_positive, total_assets, total_assets_positive = totals
    visible = [g for g in true if g not in hidden]
    rest = total_assets - sum((true[g]["assets_counted"] for g in visible), Decimal(0))
    rest_positive = total_assets_positive - sum(
        (true[g]["assets_positive"] for g in visible), Decimal(0)
    )
    rest_other = rest - rest_positive

    def shown(group: str) -> bool:
        return group not in counts_hidden

    positive_part = [g for g in hidden if not shown(g) or true[g]["positive"] > 0]
    other_part = [g for g in hidden if not shown(g) or true[g]["positive"] < true[g]["counted"]]

    def fixed(group: str, part: list[str], part_rest: Decimal) -> bool:
        return group not in part or len(part) == 1 or part_rest == 0

    for group in sorted(hidden):
        positive_fixed = fixed(group, positive_part, rest_positive)
        other_fixed = fixed(group, other_part, rest_other)
        everything = shown(group) and true[group]["counted"] == total_counted
        if total_assets != 0 and positive_fixed and other_fixed and not everything:
            return "other" if group in other_part else "positive"
        all_positive = shown(group) and true[group]["positive"] == total_positive
        if (
            total_assets_positive != 0
            and group in positive_part
            and positive_fixed
            and not all_positive
        ):
            return "positive"
    return ""
