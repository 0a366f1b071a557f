"""Files in the ECB's euro reference-rate history layout (``eurofxref-hist.csv``), made by
the project for its tests and benchmarks. The rates are invented (a random walk from
plausible levels); the layout is the ECB's: the same 41 currencies in its column order, one
line per business day with the newest first, ``N/A`` where a currency had no rate (before
it was quoted, after the euro replaced it) and a comma at the end of every line."""

from __future__ import annotations

import datetime
import random
from pathlib import Path

# Heading order of eurofxref-hist.csv, with a level to start the invented walk from.
CURRENCIES = {
    "USD": 1.1, "JPY": 130.0, "BGN": 1.9558, "CYP": 0.5853, "CZK": 27.0, "DKK": 7.45,
    "EEK": 15.6466, "GBP": 0.8, "HUF": 300.0, "LTL": 3.4528, "LVL": 0.7, "MTL": 0.4293,
    "PLN": 4.3, "ROL": 36000.0, "RON": 4.5, "SEK": 9.5, "SIT": 239.64, "SKK": 33.0,
    "CHF": 1.4, "ISK": 120.0, "NOK": 8.5, "HRK": 7.5, "RUB": 60.0, "TRL": 1800000.0,
    "TRY": 3.0, "AUD": 1.6, "BRL": 3.5, "CAD": 1.5, "CNY": 8.0, "HKD": 9.0, "IDR": 13000.0,
    "ILS": 4.5, "INR": 70.0, "KRW": 1300.0, "MXN": 18.0, "MYR": 4.5, "NZD": 1.7,
    "PHP": 55.0, "SGD": 1.6, "THB": 40.0, "ZAR": 12.0,
}  # fmt: skip
# When a currency had a reference rate (first, last day); missing ends are open.
QUOTED: dict[str, tuple[datetime.date | None, datetime.date | None]] = {
    "CYP": (None, datetime.date(2007, 12, 31)),
    "MTL": (None, datetime.date(2007, 12, 31)),
    "SIT": (None, datetime.date(2006, 12, 29)),
    "SKK": (None, datetime.date(2008, 12, 31)),
    "EEK": (None, datetime.date(2010, 12, 31)),
    "LVL": (None, datetime.date(2013, 12, 31)),
    "LTL": (None, datetime.date(2014, 12, 31)),
    "ROL": (None, datetime.date(2005, 6, 30)),
    "RON": (datetime.date(2005, 7, 1), None),
    "TRL": (None, datetime.date(2004, 12, 31)),
    "TRY": (datetime.date(2005, 1, 3), None),
    "HRK": (datetime.date(2001, 1, 2), datetime.date(2022, 12, 30)),
    "RUB": (None, datetime.date(2022, 3, 1)),
    "ISK": (None, datetime.date(2008, 12, 9)),
    "BRL": (datetime.date(2008, 1, 2), None),
    "CNY": (datetime.date(2005, 4, 1), None),
    "INR": (datetime.date(2009, 1, 2), None),
    "ILS": (datetime.date(2011, 1, 3), None),
    "MXN": (datetime.date(2008, 1, 2), None),
}


def business_days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """TARGET days, roughly: weekdays except 1 January and 25–26 December."""
    days, day = [], start
    while day <= end:
        if day.weekday() < 5 and (day.month, day.day) not in {(1, 1), (12, 25), (12, 26)}:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def _quoted(code: str, day: datetime.date) -> bool:
    first, last = QUOTED.get(code, (None, None))
    return (first is None or day >= first) and (last is None or day <= last)


def write_ecb_history(
    path: Path,
    *,
    start: datetime.date = datetime.date(1999, 1, 4),
    end: datetime.date = datetime.date(2025, 12, 31),
    seed: int = 7,
) -> tuple[int, int]:
    """Write the history for ``start``–``end``. Returns (lines, rates) written."""
    rng = random.Random(seed)
    level = dict(CURRENCIES)
    lines: list[str] = []
    rates = 0
    for day in business_days(start, end):  # oldest first, for the walk; written newest first
        cells = [day.isoformat()]
        for code in CURRENCIES:
            level[code] *= 1 + rng.uniform(-0.004, 0.004)
            if _quoted(code, day):
                cells.append(f"{level[code]:.{max(0, 4 - len(str(int(level[code]))) + 1)}f}")
                rates += 1
            else:
                cells.append("N/A")
        lines.append(",".join(cells) + ",")
    with path.open("w", encoding="ascii", newline="\n") as f:
        f.write("Date," + ",".join(CURRENCIES) + ",\n")
        f.write("\n".join(reversed(lines)) + "\n")
    return len(lines), rates
