"""Writes of the exchange-rate table the secretariat keeps: rates typed or pasted on the page
(``set_exchange_rates``) and whole files (``load_exchange_rates``), either the ECB's euro
reference-rate history exactly as published (``eurofxref-hist.csv``, or its .zip) or the
long layout ``date,currency,rate``. A file is read whole first: any bad cell is named with
its line, column and value, and nothing is written."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import pycountry
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.core import access
from convenant.core.audit import record_event
from convenant.core.errors import ActionError
from convenant.core.models import User
from convenant.portfolios.models import ExchangeRate

RateRow = tuple[datetime.date, str, Decimal]
# The ECB's history is about 2 MB; a file ten times larger is not a rate file.
RATES_MAX_BYTES = 32 * 1024 * 1024
MAX_PROBLEMS = 20
# ExchangeRate.units_per_eur is numeric(18, 8): ten digits before the point.
RATE_LIMIT = Decimal(10) ** 10
# What the ECB writes where a currency has no rate that day (before it existed, after it
# was replaced by the euro); an empty cell means the same.
NO_RATE = {"", "N/A"}
WITHDRAWN_FILE = Path(__file__).resolve().parent.parent / "data" / "withdrawn_currencies.csv"


class RatesRejected(ActionError):
    """A rate file with problems; ``problems`` lists each (line, column, what is wrong)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:MAX_PROBLEMS]), field="rates")
        self.problems = problems[:MAX_PROBLEMS]


@cache
def withdrawn_currencies() -> frozenset[str]:
    """ISO 4217 codes no longer in use that rate histories still carry (CYP, EEK, BGN…);
    pycountry lists only current codes. See data/PROVENANCE.md."""
    with WITHDRAWN_FILE.open(encoding="utf-8", newline="") as f:
        return frozenset(row["code"] for row in csv.DictReader(f))


def is_currency(code: str) -> bool:
    return code in withdrawn_currencies() or pycountry.currencies.get(alpha_3=code) is not None


def _rate(raw: str) -> Decimal | None:
    """A rate as written (dot or comma as the decimal sign), or None if not a usable one."""
    try:
        rate = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        return None
    return rate if rate.is_finite() and 0 < rate < RATE_LIMIT else None


def parse_rates(text: str) -> list[RateRow]:
    """Rows of ``date,currency,units_per_eur`` (comma or semicolon; a header is allowed).
    Every problem is reported with its line; nothing is returned half."""
    dialect = ";" if text.count(";") > text.count(",") else ","
    rows: list[RateRow] = []
    problems: list[str] = []
    first_line: dict[tuple[datetime.date, str], int] = {}
    for line, cells in enumerate(csv.reader(io.StringIO(text), delimiter=dialect), start=1):
        if not cells or not "".join(cells).strip():
            continue
        if line == 1 and cells[0].strip().lower() in {"date", "datum"}:
            continue
        if len(cells) != 3:
            problems.append(_("line %(line)s: expected date, currency and rate") % {"line": line})
            continue
        raw_date, currency, raw_rate = (c.strip() for c in cells)
        try:
            date = datetime.date.fromisoformat(raw_date)
        except ValueError:
            problems.append(
                _("line %(line)s, date: “%(value)s” is not a date as YYYY-MM-DD")
                % {"line": line, "value": raw_date}
            )
            continue
        currency = currency.upper()
        if not is_currency(currency):
            problems.append(
                _("line %(line)s, currency: “%(value)s” is not an ISO 4217 code")
                % {"line": line, "value": currency}
            )
            continue
        rate = _rate(raw_rate)
        if rate is None:
            problems.append(
                _("line %(line)s, rate: “%(value)s” is not a positive number")
                % {"line": line, "value": raw_rate}
            )
            continue
        if date > timezone.localdate():
            problems.append(
                _("line %(line)s, date: %(value)s lies in the future")
                % {"line": line, "value": raw_date}
            )
            continue
        if (date, currency) in first_line:
            problems.append(
                _("line %(line)s: %(currency)s on %(date)s is already on line %(first)s")
                % {
                    "line": line,
                    "currency": currency,
                    "date": raw_date,
                    "first": first_line[date, currency],
                }
            )
            continue
        first_line[date, currency] = line
        rows.append((date, currency, rate))
    if problems:
        raise RatesRejected(problems)
    if not rows:
        raise ActionError(_("No rates were given."), field="rates")
    return rows


def _ecb_columns(header: list[str], problems: list[str]) -> list[tuple[int, str]]:
    """(cell index, currency) of the heading ``Date,USD,JPY,…,``; its trailing empty
    column (the ECB ends every line with a comma) is no currency."""
    columns: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, heading in enumerate(header[1:], start=1):
        code = heading.strip().upper()
        if not code:
            continue
        place = {"column": index + 1, "value": heading}
        if code == "EUR":
            problems.append(
                _("line 1, column %(column)s: the euro is the reference currency; it needs no rate")
                % place
            )
        elif code in seen:
            problems.append(_("line 1, column %(column)s: “%(value)s” comes twice") % place)
        elif not is_currency(code):
            problems.append(
                _("line 1, column %(column)s: “%(value)s” is not an ISO 4217 code") % place
            )
        seen.add(code)
        columns.append((index, code))
    return columns


def parse_ecb(text: str) -> list[RateRow]:
    """The ECB's euro reference rates as published: ``Date,USD,JPY,…,`` then one line per
    business day (newest first), units per euro, ``N/A`` where a currency had no rate."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    problems: list[str] = []
    columns = _ecb_columns(header, problems)
    width = len(header)
    headed = {index for index, _code in columns}
    today = timezone.localdate()
    first_line: dict[datetime.date, int] = {}
    rows: list[RateRow] = []
    for line, cells in enumerate(reader, start=2):
        if len(problems) >= MAX_PROBLEMS:
            break
        if not any(cell.strip() for cell in cells):
            continue
        raw_date = cells[0].strip()
        try:
            date = datetime.date.fromisoformat(raw_date)
        except ValueError:
            problems.append(
                _("line %(line)s, column Date: “%(value)s” is not a date as YYYY-MM-DD")
                % {"line": line, "value": raw_date}
            )
            continue
        if date > today:
            problems.append(
                _("line %(line)s, column Date: %(value)s lies in the future")
                % {"line": line, "value": raw_date}
            )
        elif date in first_line:
            problems.append(
                _("line %(line)s, column Date: %(value)s is already on line %(first)s")
                % {"line": line, "value": raw_date, "first": first_line[date]}
            )
        first_line.setdefault(date, line)
        stray = [
            (index, cell)
            for index, cell in enumerate(cells[1:], start=1)
            if (index >= width or index not in headed) and cell.strip()
        ]
        if stray:
            problems.append(
                _("line %(line)s, column %(column)s: “%(value)s” is under no currency heading")
                % {"line": line, "column": stray[0][0] + 1, "value": stray[0][1]}
            )
        for index, code in columns:
            raw = cells[index].strip() if index < len(cells) else ""
            if raw in NO_RATE:
                continue
            rate = _rate(raw) if "," not in raw else None  # the comma separates cells here
            if rate is None:
                problems.append(
                    _("line %(line)s, column %(column)s: “%(value)s” is not a positive number")
                    % {"line": line, "column": code, "value": raw}
                )
                continue
            rows.append((date, code, rate))
    if problems:
        raise RatesRejected(problems)
    if not rows:
        raise ActionError(_("No rates were given."), field="rates")
    return rows


def _text(data: bytes, filename: str) -> str:
    """The text of an uploaded rate file; the ECB's .zip holds one CSV."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                inner = [n for n in archive.namelist() if n.lower().endswith(".csv")]
                if len(inner) != 1:
                    raise ActionError(
                        _("%(file)s: a .zip of rates must hold one CSV file.") % {"file": filename},
                        field="file",
                    )
                if archive.getinfo(inner[0]).file_size > RATES_MAX_BYTES:
                    raise ActionError(_("The file is too large to be a rate file."), field="file")
                data = archive.read(inner[0])
        except zipfile.BadZipFile:
            raise ActionError(
                _("%(file)s: this .zip cannot be opened.") % {"file": filename}, field="file"
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ActionError(
            _("%(file)s: a rate file is a CSV text file in UTF-8.") % {"file": filename},
            field="file",
        ) from None


def read_rates_file(data: bytes, filename: str) -> tuple[str, list[RateRow]]:
    """(layout, rates) of a file: ``ecb`` for the reference-rate history (a ``Date``
    heading followed by currencies), ``long`` for ``date,currency,rate`` lines."""
    if len(data) > RATES_MAX_BYTES:
        raise ActionError(_("The file is too large to be a rate file."), field="file")
    text = _text(data, filename)
    header = next(csv.reader(io.StringIO(text[:4096])), [])
    headings = [h.strip() for h in header]
    # The ECB's heading is Date and currency codes; the long layout's is date,currency,rate.
    if (
        len(headings) > 1
        and headings[0].lower() == "date"
        and re.fullmatch(r"[A-Za-z]{3}", headings[1])
    ):
        return "ecb", parse_ecb(text)
    return "long", parse_rates(text)


def set_exchange_rates(*, by: User, rates: list[RateRow]) -> int:
    """The secretariat enters or corrects rates (units of a currency per euro, per date)."""
    access.require(access.can_administer_covenant(access.actor_for(by, fresh=True)))
    if any(currency == "EUR" for _d, currency, _r in rates):
        raise ActionError(_("The euro is the reference currency; it needs no rate."), field="rates")
    with transaction.atomic(durable=True):
        changed = []
        for date, currency, rate in rates:
            row, created = ExchangeRate.objects.get_or_create(
                currency=currency, date=date, defaults={"units_per_eur": rate}
            )
            if not created and row.units_per_eur != rate:
                changed.append(
                    {
                        "currency": currency,
                        "date": date.isoformat(),
                        "before": str(row.units_per_eur),
                        "after": str(rate),
                    }
                )
                row.units_per_eur = rate
                row.save(update_fields=["units_per_eur", "updated_at"])
        record_event(
            actor=by,
            verb="portfolios.set_exchange_rates",
            after={"rates": len(rates), "corrected": changed[:50]},
        )
    return len(rates)


@dataclass
class RatesReport:
    """What a rate file did: rates read, added, corrected (a different value for a day
    already known) and left as they were."""

    layout: str
    read: int = 0
    added: int = 0
    corrected: int = 0
    unchanged: int = 0
    currencies: list[str] = field(default_factory=list)
    first_date: datetime.date | None = None
    last_date: datetime.date | None = None
    corrections: list[dict[str, Any]] = field(default_factory=list)


def load_exchange_rates(*, by: User | None, data: bytes, filename: str) -> RatesReport:
    """Load a whole rate file in one transaction: COPY into a temporary table, then one
    ``INSERT … ON CONFLICT`` that adds new days and corrects changed values. ``by=None`` is
    convenant itself (the ``load_rates`` command), recorded as "system"."""
    if by is not None:
        access.require(access.can_administer_covenant(access.actor_for(by, fresh=True)))
    layout, rates = read_rates_file(data, filename)
    if any(currency == "EUR" for _d, currency, _r in rates):
        raise ActionError(_("The euro is the reference currency; it needs no rate."), field="rates")
    report = RatesReport(
        layout=layout,
        read=len(rates),
        currencies=sorted({currency for _d, currency, _r in rates}),
        first_date=min(date for date, _c, _r in rates),
        last_date=max(date for date, _c, _r in rates),
    )
    with transaction.atomic(durable=True):
        _write(rates, report)
        record_event(
            actor=by,
            verb="portfolios.load_exchange_rates",
            after={
                "file": filename,
                "layout": layout,
                "rates": report.read,
                "added": report.added,
                "corrected": report.corrected,
                "unchanged": report.unchanged,
                "currencies": report.currencies,
                "from": report.first_date.isoformat() if report.first_date else None,
                "to": report.last_date.isoformat() if report.last_date else None,
                "corrections": report.corrections,
            },
        )
    return report


def _write(rates: list[RateRow], report: RatesReport) -> None:
    with connection.cursor() as cursor:
        # Dropped at commit; a test runs several loads in one transaction, hence the DROP.
        cursor.execute("DROP TABLE IF EXISTS pg_temp.rates_in")
        cursor.execute(
            "CREATE TEMP TABLE rates_in (currency varchar(3) NOT NULL, date date NOT NULL, "
            "units_per_eur numeric(18, 8) NOT NULL, PRIMARY KEY (currency, date)) "
            "ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY rates_in (date, currency, units_per_eur) FROM STDIN") as copy:
            for row in rates:
                copy.write_row(row)
        # The first corrections, for the audit trail (before the upsert overwrites them).
        cursor.execute(
            "SELECT r.currency, r.date, r.units_per_eur, i.units_per_eur "
            "FROM portfolios_exchangerate r "
            "JOIN rates_in i USING (currency, date) WHERE r.units_per_eur <> i.units_per_eur "
            "ORDER BY r.date DESC, r.currency LIMIT 50"
        )
        report.corrections = [
            {"currency": c, "date": d.isoformat(), "before": str(b), "after": str(a)}
            for c, d, b, a in cursor.fetchall()
        ]
        cursor.execute(
            """
            WITH written AS (
                INSERT INTO portfolios_exchangerate AS r
                    (currency, date, units_per_eur, created_at, updated_at)
                SELECT currency, date, units_per_eur, now(), now() FROM rates_in
                ON CONFLICT (currency, date) DO UPDATE
                    SET units_per_eur = EXCLUDED.units_per_eur, updated_at = EXCLUDED.updated_at
                    WHERE r.units_per_eur <> EXCLUDED.units_per_eur
                RETURNING (xmax = 0) AS added
            )
            SELECT count(*) FILTER (WHERE added), count(*) FILTER (WHERE NOT added) FROM written
            """
        )
        report.added, report.corrected = cursor.fetchone()
        report.unchanged = report.read - report.added - report.corrected
