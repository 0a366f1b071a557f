"""A fund's risks as CSV or XLSX, the same rows and columns as the page (with the reasons);
and the covenant risks, one row per company and theme."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from convenant.core.exports import inert_cell
from convenant.risk.models import RiskResult
from convenant.risk.reasons import describe

COLUMNS = [
    "issuer",
    "lei",
    "country",
    "sector",
    "theme",
    "priority",
    "score",
    "company_evidence",
    "severity",
    "likelihood",
    "scale",
    "scope",
    "irremediability",
    "position_eur",
    "reasons",
    "methodology",
    "editions",
    "judgement",
    "judged_priority",
    "impact",
]


def rows(
    results: Iterable[RiskResult],
    names: dict[str, str],
    judgements: Mapping[tuple[int, str], object],
    sectors: Mapping[str, str] | None = None,
) -> Iterable[list[object]]:
    """One line per company and theme; ``sectors`` names the sector map's entries."""
    sectors = sectors or {}
    for r in results:
        a = r.assessment
        j = judgements.get((r.issuer_id, r.theme))
        yield [
            inert_cell(v)
            for v in (
                r.issuer.legal_name,
                r.issuer.lei or "",
                a.country,
                sectors.get(a.sector_code, a.sector_code),
                names.get(r.theme, r.theme),
                r.priority,
                r.score,
                "yes" if r.evidence else "no",
                a.severity,
                a.likelihood,
                a.scale,
                a.scope,
                a.irremediability,
                r.value_eur,
                "; ".join(describe(x) for x in a.reasons),
                a.methodology,
                ", ".join(f"{k} {v}" for k, v in sorted(a.editions.items())),
                getattr(j, "decision", ""),
                getattr(j, "priority", ""),
                getattr(j, "impact", ""),
            )
        ]


# The covenant risks page: one row per company and theme, only where at least the minimum
# number of funds contribute; how many and how much together, never which funds.
COVENANT_COLUMNS = [
    "issuer",
    "lei",
    "country",
    "sector",
    "theme",
    "priority",
    "funds",
    "value_eur",
]


def covenant_rows(companies: Iterable[Mapping[str, Any]]) -> Iterable[list[object]]:
    for c in companies:
        for t in c["themes"]:
            yield [
                inert_cell(v)
                for v in (
                    c["name"],
                    c["lei"],
                    c["country"] or "",
                    c["sector"] or "",
                    t["name"],
                    _LEVELS[t["rank"] - 1],
                    t["funds"],
                    t["value"],
                )
            ]


_LEVELS = ["low", "medium", "high", "very-high"]


def as_csv(data: Iterable[list[object]], columns: list[str] = COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(data)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(data: Iterable[list[object]], columns: list[str] = COLUMNS) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("risks")
    sheet.append(columns)
    for row in data:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
