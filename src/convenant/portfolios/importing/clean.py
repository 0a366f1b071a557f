"""Checking and typing the rows of a holdings table, column-wise with polars (a million rows
in about a second). Every rejected row gets its file line, the column heading and a reason."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from convenant.core.errors import ActionError
from convenant.portfolios.identifiers import country_code, isin_problem, lei_problem
from convenant.portfolios.importing.columns import implied_currency
from convenant.portfolios.importing.read import RawTable

NUMBER_FIELDS = ("market_value", "quantity", "ownership_pct", "voting_pct")
TEXT_FIELDS = ("isin", "lei", "name", "country", "sector", "currency")
MAX_REPORTED = 1000
# Far above any real holding (the largest funds hold about 10^12 euro in all), and low
# enough that a snapshot's total stays within the database's 18 digits before the point.
MAX_AMOUNT = 10.0**15
MAX_TOTAL = 10.0**17


@dataclass
class Cleaned:
    """Valid rows, typed (``line`` is the file line), and the rejected ones with reasons."""

    rows: pl.DataFrame
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    rejected_lines: set[int] = field(default_factory=set)


def _grouped(number: float) -> str:
    return number_format(number, 0, force_grouping=True)


def _text(frame: pl.DataFrame, column: str | None) -> pl.Expr:
    if column is None:
        return pl.lit("", dtype=pl.Utf8)
    return pl.col(column).fill_null("").str.strip_chars()


def _decimal_comma(values: pl.Series, default: bool) -> bool:
    """Whether a column writes 1.234,56 (True) or 1,234.56 (False): decided by the values
    whose last separator cannot be a thousands separator, else by the file's habit."""
    sample = values.drop_nulls().head(5000)
    comma = sample.str.contains(r"^[^.]*,\d{1,2}$|,\d{4,}$|\.\d{3},").sum()
    point = sample.str.contains(r"^[^,]*\.\d{1,2}$|\.\d{4,}$|,\d{3}\.").sum()
    if comma != point:
        return bool(comma > point)
    return default


def _number(expr: pl.Expr, decimal_comma: bool) -> pl.Expr:
    cleaned = (
        expr.str.replace_all(r"[\s\u00a0€$£%']", "").str.replace(
            r"^\((.*)\)$", "-$1"
        )  # (1.234) is how accountants write −1.234
    )
    if decimal_comma:
        cleaned = cleaned.str.replace_all(r"\.", "").str.replace(",", ".", literal=True)
    else:
        cleaned = cleaned.str.replace_all(",", "", literal=True)
    return cleaned.cast(pl.Float64, strict=False)


def clean_rows(
    table: RawTable,
    mapping: dict[str, str],
    *,
    rates: dict[str, Decimal],
    as_of: datetime.date,
    decimal_comma_default: bool,
    file_currency: str = "",
) -> Cleaned:
    """Type and check every row. ``mapping`` is heading → field; ``rates`` gives units per
    euro for the as-of date (EUR itself is 1); ``file_currency`` is the currency the person
    gave for the whole file, used where neither a heading nor a column says it."""
    by_field = {f: f"c{table.headings.index(h)}" for h, f in mapping.items()}
    heading = {f: h for h, f in mapping.items()}
    frame = table.frame.with_row_index("index")
    value_heading = heading["market_value"]
    default_currency = (
        implied_currency(value_heading) or file_currency.upper() or None
        if "currency" not in by_field
        else None
    )

    columns = {name: _text(frame, by_field.get(name)).alias(name) for name in TEXT_FIELDS}
    columns["isin"] = columns["isin"].str.to_uppercase()
    columns["lei"] = columns["lei"].str.to_uppercase()
    columns["currency"] = (
        pl.lit(default_currency or "")
        if default_currency
        else _text(frame, by_field.get("currency")).str.to_uppercase()
    ).alias("currency")
    numbers = {}
    for name in NUMBER_FIELDS:
        source = by_field.get(name)
        if source is None:
            numbers[name] = pl.lit(None, dtype=pl.Float64).alias(name)
            numbers[f"{name}_raw"] = pl.lit("", dtype=pl.Utf8).alias(f"{name}_raw")
            continue
        comma = _decimal_comma(frame[source], decimal_comma_default)
        raw = _text(frame, source)
        numbers[name] = _number(raw, comma).alias(name)
        numbers[f"{name}_raw"] = raw.alias(f"{name}_raw")
    typed = frame.select(
        pl.col("index"),
        (pl.col("index") + table.first_line).alias("line"),
        *columns.values(),
        *numbers.values(),
    )

    errors: list[tuple[int, str, str]] = []
    bad: set[int] = set()

    def flag(mask: pl.Expr, column: str, reason: str | pl.Expr) -> None:
        hits = typed.filter(mask).select(
            "line",
            pl.lit(reason).alias("reason") if isinstance(reason, str) else reason.alias("reason"),
        )
        for line, why in hits.iter_rows():
            bad.add(line)
            if len(errors) < MAX_REPORTED:
                errors.append((line, column, why))

    # Identity: an ISIN, LEI or name is needed; identifiers must carry valid check digits.
    flag(
        (pl.col("isin") == "") & (pl.col("lei") == "") & (pl.col("name") == ""),
        heading.get("name") or heading.get("isin") or "",
        _("no ISIN, LEI or name"),
    )
    for name, problem in (("isin", isin_problem), ("lei", lei_problem)):
        if name in by_field:
            invalid = {v: p for v in typed[name].unique().to_list() if v and (p := problem(v))}
            if invalid:
                flag(
                    pl.col(name).is_in(list(invalid)),
                    heading[name],
                    pl.col(name).replace_strict(invalid, default=""),
                )
    # Countries as ISO codes; an unknown country is an error, not a guess.
    codes = {v: country_code(v) for v in typed["country"].unique().to_list() if v}
    unknown = [v for v, code in codes.items() if code is None]
    if unknown:
        flag(pl.col("country").is_in(unknown), heading["country"], _("country not recognised"))
    typed = typed.with_columns(
        pl.col("country").replace_strict({k: v or "" for k, v in codes.items()}, default="")
    )
    # Numbers.
    for name in NUMBER_FIELDS:
        if name not in by_field:
            continue
        raw, value = pl.col(f"{name}_raw"), pl.col(name)
        if name == "market_value":
            flag(raw == "", heading[name], _("no market value"))
        flag(
            (raw != "") & (value.is_null() | value.is_nan() | value.is_infinite()),
            heading[name],
            _("not a number"),
        )
        if not name.endswith("_pct"):
            flag(
                value.is_finite() & (value.abs() >= MAX_AMOUNT),
                heading[name],
                _("a value of %(limit)s or more")
                % {"limit": number_format(MAX_AMOUNT, 0, force_grouping=True)},
            )
        flag(value < 0, heading[name], _("negative value"))
        if name.endswith("_pct"):
            flag(value > 100, heading[name], _("a percentage above 100"))
    # Currency and its rate on the as-of date.
    flag(pl.col("currency") == "", heading.get("currency", value_heading), _("no currency"))
    present = [c for c in typed["currency"].unique().to_list() if c]
    no_rate = [c for c in present if c not in rates]
    if no_rate:
        flag(
            pl.col("currency").is_in(no_rate),
            heading.get("currency", value_heading),
            _("no exchange rate for this currency on %(date)s") % {"date": as_of.isoformat()},
        )
    # Duplicated rows: the same holding twice (the first one stays).
    key = ["isin", "lei", "name", "country", "currency", "market_value_raw", "quantity_raw"]
    flag(pl.struct(key).is_first_distinct().not_(), value_heading, _("duplicate of an earlier row"))

    valid = typed.filter(~pl.col("line").is_in(list(bad)))
    rate_table = {c: float(r) for c, r in rates.items()}
    valid = valid.with_columns(
        (pl.col("market_value") / pl.col("currency").replace_strict(rate_table, default=None))
        .round(2)
        .alias("value_eur"),
        pl.col("market_value").round(2),
    )
    errors.sort()
    total = valid["value_eur"].abs().sum() if valid.height else 0.0
    if total >= MAX_TOTAL:
        raise ActionError(
            _("The values add up to more than %(limit)s euro. Check their unit.")
            % {"limit": _grouped(MAX_TOTAL)},
            code="rows",
        )
    return Cleaned(rows=valid, errors=errors, rejected_lines=bad)
