"""What changed in a fund's ranking from one methodology edition to the next: both editions
are recomputed in memory for the snapshot's companies (nothing is saved), and each company
is placed at its highest theme under each, so a fund sees how many companies moved between
bands, and which, with the reasons of both."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from convenant.risk.methodology import LEVELS, Methodology
from convenant.risk.models import ReferenceDataset
from convenant.risk.scoring import methodology_edition, plan


@dataclass(frozen=True)
class Top:
    """A company's highest risk under one edition."""

    rank: int  # 1 low … 4 very high
    score: Decimal
    theme: str
    reasons: tuple[dict[str, Any], ...]


@dataclass
class Comparison:
    older: str
    newer: str
    tops: dict[int, tuple[Top | None, Top | None]] = field(default_factory=dict)

    @property
    def matrix(self) -> list[tuple[str, list[int], int]]:
        """Companies per (older band, newer band), highest first: (older level, counts per
        newer level, row total)."""
        counts = Counter(
            (old.rank if old else 0, new.rank if new else 0) for old, new in self.tops.values()
        )
        rows = []
        for old_rank in range(4, 0, -1):
            cells = [counts[(old_rank, new_rank)] for new_rank in range(4, 0, -1)]
            rows.append((LEVELS[old_rank - 1], cells, sum(cells)))
        return rows

    def totals(self, which: int) -> list[tuple[str, int]]:
        counts = Counter(_rank(pair[which]) for pair in self.tops.values())
        return [(LEVELS[r - 1], counts[r]) for r in range(4, 0, -1)]

    def moved(self) -> list[tuple[int, Top | None, Top | None]]:
        """Companies whose band changed, the highest under the newer edition first."""
        found = [
            (issuer, old, new)
            for issuer, (old, new) in self.tops.items()
            if (old.rank if old else 0) != (new.rank if new else 0)
        ]
        return sorted(
            found,
            key=lambda f: (
                -(f[2].rank if f[2] else 0),
                -(f[2].score if f[2] else 0),
                -(f[1].rank if f[1] else 0),
                f[0],
            ),
        )


def _rank(top: Top | None) -> int:
    return top.rank if top else 0


def loaded_editions() -> list[str]:
    """The methodology editions loaded with their parameters, newest first."""
    return list(
        ReferenceDataset.objects.filter(key="methodology")
        .exclude(parameters={})
        .order_by("-edition")
        .values_list("edition", flat=True)
    )


def tops(snapshot_id: int, methodology: Methodology) -> dict[int, Top]:
    planned = plan(snapshot_id, methodology)
    if planned is None:
        return {}
    assessments = planned.assessor.evaluate(planned.needs)
    best: dict[int, Top] = {}
    for issuer, _value, a in planned.chosen(assessments):
        top = Top(
            LEVELS.index(a.priority) + 1,
            a.score,
            a.theme,
            tuple(
                {"factor": r.factor, "text": r.text, "key": r.key, "params": dict(r.params)}
                for r in a.reasons
            ),
        )
        current = best.get(issuer)
        if current is None or (top.rank, top.score) > (current.rank, current.score):
            best[issuer] = top
    return best


def compare(snapshot_id: int, older: str, newer: str) -> Comparison | None:
    """Both editions on the snapshot (None when one of them is not loaded)."""
    old_method, new_method = methodology_edition(older), methodology_edition(newer)
    if old_method is None or new_method is None:
        return None
    old, new = tops(snapshot_id, old_method), tops(snapshot_id, new_method)
    comparison = Comparison(older, newer)
    for issuer in old.keys() | new.keys():
        comparison.tops[issuer] = (old.get(issuer), new.get(issuer))
    return comparison
