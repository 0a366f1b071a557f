"""A fund's risks as CSV or XLSX, the same rows and columns as the page (with the reasons);
the covenant risks export (risk/covenant.py) uses its writers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal

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
