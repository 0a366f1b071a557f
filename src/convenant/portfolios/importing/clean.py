"""Checking and typing the rows of a holdings table, column-wise with polars (a million rows
in about a second). Every rejected row gets its file line, the column heading and a reason.

Amounts stay exact from the cell to the cleaned rows: they are read as text, their separators
decided per column from all of its cells (never guessed: a column that does not show which
separator is for decimals rejects its ambiguous rows), and carried as polars ``Decimal``
columns (integer arithmetic on Int128 where a rounding is needed, half-up)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import polars as pl
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from convenant.core.errors import ActionError
from convenant.portfolios.identifiers import country_code, isin_problem, lei_problem
from convenant.portfolios.importing.columns import (
    FIELDS,
    ISO_CURRENCIES,
    heading_currency,
    normalise_heading,
)
from convenant.portfolios.importing.read import RawTable

NUMBER_FIELDS = ("market_value", "quantity", "ownership_pct", "voting_pct")
SCALE = {"market_value": 2, "quantity": 4, "ownership_pct": 6, "voting_pct": 6}
TEXT_FIELDS = (
    "isin",
    "lei",
    "name",
    "country",
    "listing_country",
    "sector",
    "currency",
    "asset_class",
)
MAX_REPORTED = 1000
# Far above any real holding (the largest funds hold about 10^12 euro in all), and low
# enough that a snapshot's total stays within the database's 18 digits before the point.
MAX_AMOUNT = 10**15
MAX_AMOUNT_DIGITS = 15
MAX_TOTAL = 10**17
RATE_SCALE = 8  # ExchangeRate.units_per_eur has 8 decimal places
# How a file says that it has no identifier (or no value) in a cell.
MISSING = r"(?i)^(?:-+|–|—|\.|n/?a|#n/?a|nvt|n\.v\.t\.?|none|null|geen|unknown|onbekend)$"
SIGN_CURRENCIES = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "EURO": "EUR", "EUROS": "EUR"}

# Lines that are not companies: by the asset-class column, else by the name. Checked in this
# order, on upper-case text without dots.
KIND_BY_CLASS = (
    ("fx", r"\bFX\b|FORWARD|FOREIGN EXCHANGE|VALUTATERMIJN|CURRENCY (?:CONTRACT|FORWARD)"),
    ("derivative", r"FUTURE|SWAP|OPTION|OPTIE|DERIVA|TERMIJNCONTRACT"),
    ("fund", r"FUND|FONDS|\bETF|MONEY MARKET|GELDMARKT|UCITS|UNIT TRUST|BELEGGINGSINSTELLING"),
    ("cash", r"CASH|LIQUID|DEPOSIT|DEPOSITO|GELDMIDDELEN|TEGOED|REKENING COURANT|\bKAS\b"),
)
KIND_BY_NAME = (
    ("fx", r"\bFX\b|\bFWDS?\b|\bFORWARDS?\b|VALUTATERMIJN|\bCURRENCY CONTRACT"),
    (
        "derivative",
        r"\bFUTURES?\b|\bFUT\b|\bSWAPS?\b|\bIRS\b|\bCDS\b|\bSWAPTIONS?\b|\bOPTIONS?\b|\bOPTIE"
        r"|\b(?:CALL|PUT)\b.*\d|\d.*\b(?:CALL|PUT)\b",
    ),
    ("fund", r"\bMONEY MARKET\b|GELDMARKTFONDS|\bETF\b|\bUCITS\b|\bSICAV\b|\bFUNDS?\b|\bFONDS\b"),
    (
        "cash",
        r"\bCASH\b|\bLIQUIDE MIDDELEN\b|\bLIQUIDITEITEN\b|\bDEPOSITS?\b|\bDEPOSITO'?S?\b"
        r"|\bTERMIJNDEPOSITO|\bREKENING COURANT\b|\bCURRENT ACCOUNT\b|\bGELDMIDDELEN\b",
    ),
)
# A legal form says the name is a company's, whatever else it contains (“Future plc”,
# “Cash Converters International Ltd”); fund words that no company carries still count.
LEGAL_FORM = (
    r"\b(?:INC|INCORPORATED|CORP|CORPORATION|LTD|LIMITED|PLC|NV|SA|AG|SE|SPA|AB|ASA|OYJ|A/S"
    r"|GMBH|KGAA|CO|COMPANY|HOLDINGS?|GROUP|BHD|TBK|PCL|LLC|BV)\b"
)
STRONG_FUND = r"\bMONEY MARKET\b|GELDMARKTFONDS|\bETF\b|\bUCITS\b|\bSICAV\b"
# Totals and subtotals: recognised, kept apart, never imported.
TOTAL = (
    r"(?i)^\s*(?:sub\s*-?\s*tota(?:a)?l|tota(?:a)?l|totals|grand\s+total|eindtotaal|"
    r"algemeen\s+totaal|som)\b"
)
GRAND_TOTAL = (
    r"(?i)^\s*(?:grand\s+total|totaal\s+generaal|eindtotaal|algemeen\s+totaal|"
    r"total\s+(?:portfolio|holdings|fund|assets|investments)|"
    r"totaal\s+(?:portefeuille|fonds|beleggingen|belegd\s+vermogen)|tota(?:a)?l|totals)"
    r"\s*[:.]?\s*$"
)


@dataclass
class Cleaned:
    """Valid rows, typed (``line`` is the file line), and the rejected ones with reasons.
    ``errors`` is capped for display; ``reasons`` holds every refused line with all of its
    reasons (for the refused-rows file). ``skipped`` are lines kept out on purpose (totals,
    notes), with why; ``file_total`` is the file's own grand total, when it states one."""

    rows: pl.DataFrame
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    rejected_lines: set[int] = field(default_factory=set)
    reasons: dict[int, str] = field(default_factory=dict)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    file_total: Decimal | None = None


def _grouped(number: float) -> str:
    return number_format(number, 0, force_grouping=True)


def _text(column: str | None) -> pl.Expr:
    if column is None:
        return pl.lit("", dtype=pl.Utf8)
    return pl.col(column).fill_null("").str.strip_chars()


def _with_value(template: str, value: pl.Expr) -> pl.Expr:
    """A translated reason with ``%(value)s`` filled in per row."""
    before, _sep, after = template.partition("%(value)s")
    return pl.concat_str([pl.lit(before), value, pl.lit(after)])


# --- Cells carrying their column's label ------------------------------------------------------


def _strip_labels(frame: pl.DataFrame, headings: list[str], mapping: dict[str, str]) -> list:
    """Columns whose cells start with their heading or a known name of its field
    (``Naam: ABB Ltd``, ``ISIN: CH0012221716``) lose that prefix."""
    changes = []
    for heading, name in mapping.items():
        column = f"c{headings.index(heading)}"
        labels = {heading.strip(), *FIELDS[name][1], normalise_heading(heading)} - {""}
        pattern = (
            r"(?i)^\s*(?:"
            + "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
            + r")\s*:\s*"
        )
        values = frame[column].drop_nulls().head(5000)
        values = values.filter(values.str.strip_chars() != "")
        if values.len() and values.str.contains(pattern).sum() * 2 >= values.len():
            changes.append(pl.col(column).str.replace(pattern, "").alias(column))
    return changes


# --- Numbers ------------------------------------------------------------------------------------


def _stripped(raw: pl.Expr) -> pl.Expr:
    """The cell without blanks, currency signs or codes and percent signs; (1.234) and
    1.234- as negative numbers; a bare leading separator gets its zero."""
    text = raw.str.replace_all(r"[\s\u00a0\u202f'’€$£¥%]", "")
    text = text.str.replace(r"(?i)^[a-z]{3}([-+(]?[\d.,])", "$1")
    text = text.str.replace(r"(?i)([\d)])[a-z]{3}$", "$1")
    text = text.str.replace(r"^\((.*)\)$", "-$1").str.replace(r"^([\d.,]+)-$", "-$1")
    text = text.str.replace(r"^\+", "")
    return text.str.replace(r"^(-?)([.,])", "${1}0$2")


PLAIN = r"^-?\d[\d.,]*$"
EXPONENT = r"^-?\d+(?:\.\d+)?[eE][-+]?\d+$"
# What a cell says about its column's decimal separator (it is the point, or the comma), or
# that it could be either (one separator followed by three digits: 1.234 or 12,345).
SAYS_POINT = (
    r",\d*\.\d*$|^-?\d+(?:,\d+){2,}$|^-?\d+\.(?:\d{1,2}|\d{4,})$|^-?(?:0\d*|\d{4,})\.\d{3}$"
)
SAYS_COMMA = r"\.\d*,\d*$|^-?\d+(?:\.\d+){2,}$|^-?\d+,(?:\d{1,2}|\d{4,})$|^-?(?:0\d*|\d{4,}),\d{3}$"
EITHER = r"^-?[1-9]\d{0,2}[.,]\d{3}$"


def _decide(counts: dict[str, int], comma_habit: bool) -> str | None:
    """The column's decimal separator from what its cells say; the habit of a semicolon
    file (1.234,56) decides only when no cell does. None: nothing decides."""
    comma, point = counts["comma"], counts["point"]
    if comma > point:
        return "comma"
    if point > comma:
        return "point"
    if comma == 0 and comma_habit:
        return "comma"
    return None


def _exponent_values(values: pl.Series) -> dict[str, str]:
    """Cells written with an exponent (1e+20, as a spreadsheet writes a large number) as
    plain digits; absurd exponents as a number too large to hold."""
    plain: dict[str, str] = {}
    for text in values.unique().to_list():
        try:
            number = Decimal(text)
        except InvalidOperation:
            continue
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and abs(exponent) <= 40:
            plain[text] = format(number, "f")
        elif isinstance(exponent, int) and exponent < 0:
            plain[text] = "0"
        else:
            plain[text] = "9" * 40
    return plain


def _cells(frame: pl.DataFrame, source: str) -> tuple[pl.DataFrame, dict[str, int]]:
    """A number column's cells, ``raw`` and ``t`` (without blanks, signs and codes), and
    how many of them say the comma, the point, or either is the decimal separator. Cells
    that are plain digits and separators (nearly all) skip the stripping."""
    step = frame.select(_text(source).alias("raw"))
    plain = step.select(pl.col("raw").str.contains(r"^-?[\d.,]+$").alias("p"))["p"]
    step = step.with_columns(
        pl.col("raw").alias("t"), pl.lit(None, dtype=pl.Utf8).alias("currency")
    )
    others = plain.not_().arg_true()
    if others.len():
        raw = pl.col("raw")
        missing = raw.str.contains(MISSING)
        # A value may say its own currency: “EUR 1,250.50”, “1.250,50 EUR”, “€ 2.500.000”.
        code = pl.coalesce(
            raw.str.extract(r"(?i)^([a-z]{3})\s*[-+(]?[\d.,]", 1),
            raw.str.extract(r"(?i)[\d.,)]\s*([a-z]{3})$", 1),
            raw.str.extract(r"([€$£¥])", 1),
        ).str.to_uppercase()
        code = code.replace(SIGN_CURRENCIES)
        sub = step[others].select(
            pl.when(missing).then(pl.lit("")).otherwise(raw).alias("raw"),
            pl.when(missing).then(pl.lit("")).otherwise(_stripped(raw)).alias("t"),
            pl.when(code.is_in(list(ISO_CURRENCIES))).then(code).alias("currency"),
        )
        step = step.with_columns(
            step["raw"].scatter(others, sub["raw"]),
            step["t"].scatter(others, sub["t"]),
            step["currency"].scatter(others, sub["currency"]),
        )
    t = pl.col("t")
    counts = step.select(
        t.str.contains(SAYS_COMMA).sum().alias("comma"),
        t.str.contains(SAYS_POINT).sum().alias("point"),
    ).row(0, named=True)
    return step, counts


def _numbers(step: pl.DataFrame, scale: int, decision: str | None) -> pl.DataFrame:
    """One number column, typed exactly: ``value`` (Decimal of the scale), ``problem`` (why
    a cell cannot be read, "" when it can) and ``raw``. Ambiguous separators are reasons,
    never guesses."""
    t, raw = pl.col("t"), pl.col("raw")
    if decision == "comma":
        shape = r"^-?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$"
        plain = t.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
        contrary = t.str.contains(SAYS_POINT)
    else:
        shape = r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$"
        plain = t.str.replace_all(",", "", literal=True)
        contrary = t.str.contains(SAYS_COMMA) if decision else pl.lit(False)
    exponents = step.filter(t.str.contains(EXPONENT))["t"]
    readable = t.str.contains(shape)
    if exponents.len():
        plain = (
            pl.when(t.str.contains(EXPONENT))
            .then(t.replace_strict(_exponent_values(exponents), default=None))
            .otherwise(plain)
        )
        readable = readable | t.str.contains(EXPONENT)
    ambiguous = _(
        "“%(value)s” can be read two ways: no value in this column shows whether the point or "
        "the comma separates the decimals. Write the values with their decimals or without "
        "thousands separators"
    )
    other_way = _(
        "“%(value)s” writes its decimals unlike the other values of this column; write all "
        "values of a column alike"
    )
    flags = step.select(
        t.str.contains(EITHER).sum().alias("either") if decision is None else pl.lit(0),
        contrary.sum().alias("contrary"),
    ).row(0)
    # Only the branches some cell needs: a branch is computed for every row.
    problem: pl.Expr = pl.lit("")
    if flags[0]:
        either = t.str.contains(EITHER)
        problem = pl.when(either).then(_with_value(ambiguous, raw)).otherwise(problem)
    problem = pl.when(readable.not_()).then(pl.lit(_("not a number"))).otherwise(problem)
    if flags[1]:
        problem = pl.when(contrary).then(_with_value(other_way, raw)).otherwise(problem)
    problem = pl.when(raw == "").then(pl.lit("")).otherwise(problem)
    digits = plain.fill_null("")
    finer = digits.str.contains(rf"\.\d{{{scale + 1},}}$")
    if exponents.len() == 0 and not step.select(finer.any()).item():
        # No cell has more decimals than the scale: the cast is exact, no rounding.
        value = digits.cast(pl.Decimal(38, scale), strict=False)
    else:
        value = _rounded(digits, scale)
    step = step.select(raw, problem.alias("problem"), value.alias("value"), pl.col("currency"))
    value, problem = pl.col("value"), pl.col("problem")
    too_large = (
        (problem == "")
        & (raw != "")
        & (value.is_null() | (value.abs() >= pl.lit(MAX_AMOUNT, pl.Decimal(38, 0))))
    )
    return step.select(
        pl.when((problem == "") & too_large.not_()).then(value).otherwise(None).alias("value"),
        pl.when(too_large).then(pl.lit("too large")).otherwise(problem).alias("problem"),
        raw,
        pl.col("currency"),
    )


def _rounded(digits: pl.Expr, scale: int) -> pl.Expr:
    """Plain digits (-1234.56789) as a Decimal of the scale, rounded half-up (polars rounds
    half to even), through integer units; null when too long to hold."""
    parts = digits.str.strip_prefix("-").str.split_exact(".", 1)
    whole = parts.struct.field("field_0").fill_null("").str.strip_chars_start("0")
    fraction = (parts.struct.field("field_1").fill_null("") + pl.lit("0" * (scale + 1))).str.slice(
        0, scale + 1
    )
    units = pl.concat_str([pl.lit("0"), whole, fraction.str.slice(0, scale)]).cast(
        pl.Int128, strict=False
    ) + (fraction.str.slice(scale, 1) >= "5").cast(pl.Int128)
    units = pl.when(whole.str.len_bytes() > 30).then(None).otherwise(units)
    units = pl.when(digits.str.starts_with("-")).then(pl.lit(0, pl.Int128) - units).otherwise(units)
    return units.cast(pl.Decimal(38, 0)) * pl.lit(Decimal(1).scaleb(-scale), pl.Decimal(38, scale))


# --- Kinds of line ------------------------------------------------------------------------------


def _kind(asset_class: pl.Expr, name: pl.Expr) -> pl.Expr:
    """Position.Kind of each line: by its asset class where the file gives one, else by
    patterns in its name; a company otherwise."""
    klass = asset_class.str.to_uppercase().str.replace_all(".", "", literal=True)
    upper = name.str.to_uppercase().str.replace_all(".", "", literal=True)
    by_class: pl.Expr = pl.lit("company")
    for kind, pattern in reversed(KIND_BY_CLASS):
        by_class = pl.when(klass.str.contains(pattern)).then(pl.lit(kind)).otherwise(by_class)
    by_name: pl.Expr = pl.lit("company")
    for kind, pattern in reversed(KIND_BY_NAME):
        by_name = pl.when(upper.str.contains(pattern)).then(pl.lit(kind)).otherwise(by_name)
    company = upper.str.contains(LEGAL_FORM) & upper.str.contains(STRONG_FUND).not_()
    by_name = pl.when(company).then(pl.lit("company")).otherwise(by_name)
    return pl.when(klass != "").then(by_class).otherwise(by_name)


ANY_KIND = "(?i)" + "|".join(f"(?:{pattern})" for _kind, pattern in KIND_BY_NAME)


def _kinds(typed: pl.DataFrame) -> pl.Series:
    """The kind of every line, worked out only for the lines that have an asset class or a
    name that may not be a company's (a million names are not matched eight times over)."""
    kinds = pl.repeat("company", typed.height, dtype=pl.Utf8, eager=True).alias("kind")
    candidates = typed.select(
        ((pl.col("asset_class") != "") | pl.col("name").str.contains(ANY_KIND)).alias("c")
    )["c"].arg_true()
    if candidates.len():
        found = typed[candidates].select(_kind(pl.col("asset_class"), pl.col("name")))
        kinds = kinds.scatter(candidates, found.to_series())
    return kinds


def _currency_code(text: str) -> str:
    upper = text.strip().upper()
    return SIGN_CURRENCIES.get(upper, upper)


# --- Cleaning -----------------------------------------------------------------------------------


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
    frame = table.frame
    labelled = _strip_labels(frame, table.headings, mapping)
    if labelled:
        frame = frame.with_columns(labelled)
    frame = frame.with_columns(table.line_numbers().alias("line"))
    value_heading = heading["market_value"]
    # The value's heading says its currency (“Market Value(NOK)”): a currency column then
    # holds the security's trading currency and is not the value's.
    in_heading = heading_currency(value_heading)
    given = file_currency.strip().upper()

    columns = {}
    for name in TEXT_FIELDS:
        text = _text(by_field.get(name))
        if name in {"isin", "lei", "name", "country", "listing_country", "asset_class"}:
            text = pl.when(text.str.contains(MISSING)).then(pl.lit("")).otherwise(text)
        columns[name] = text.alias(name)
    columns["isin"] = columns["isin"].str.to_uppercase()
    columns["lei"] = columns["lei"].str.to_uppercase()
    if in_heading:
        columns["currency"] = pl.lit(in_heading).alias("currency")
    elif "currency" in by_field:
        column = _text(by_field["currency"])
        columns["currency"] = (
            pl.when(column == "").then(pl.lit(given)).otherwise(column).alias("currency")
        )
    else:
        columns["currency"] = pl.lit(given).alias("currency")
    base = frame.select(pl.col("line"), *columns.values())
    parts = [base]
    cells = {name: _cells(frame, by_field[name]) for name in NUMBER_FIELDS if name in by_field}
    decisions = {n: _decide(counts, decimal_comma_default) for n, (_s, counts) in cells.items()}
    # A file is written in one locale: a column its own cells leave open is decided by the
    # file's other number columns when they agree (“1,000” shares beside “1,234,567.89”).
    decided = {d for d in decisions.values() if d}
    for name in NUMBER_FIELDS:
        if name in by_field:
            decision = decisions[name] or (decided.pop() if len(decided) == 1 else None)
            decided = {d for d in decisions.values() if d}
            part = _numbers(cells[name][0], SCALE[name], decision)
        else:
            part = pl.DataFrame(
                {
                    "value": pl.Series([None] * frame.height, dtype=pl.Decimal(38, SCALE[name])),
                    "problem": pl.Series([""] * frame.height, dtype=pl.Utf8),
                    "raw": pl.Series([""] * frame.height, dtype=pl.Utf8),
                    "currency": pl.Series([None] * frame.height, dtype=pl.Utf8),
                }
            )
        parts.append(
            part.rename(
                {
                    "value": name,
                    "problem": f"{name}_problem",
                    "raw": f"{name}_raw",
                    "currency": f"{name}_currency",
                }
            )
        )
    typed = pl.concat(parts, how="horizontal")
    if not in_heading:
        # After the heading, a value's own currency (“EUR 1,250.50”) says the most.
        typed = typed.with_columns(
            pl.coalesce(pl.col("market_value_currency"), pl.col("currency")).alias("currency")
        )
    typed = typed.with_columns(
        pl.col("currency").replace_strict(
            {c: _currency_code(c) for c in typed["currency"].unique().to_list() if c},
            default=pl.col("currency"),
        ),
    )
    typed = typed.with_columns(_kinds(typed))

    # Totals and subtotals: kept apart, not imported and not errors; the grand total noted.
    # Only rows without identifiers, country or quantity can be one: their first text is
    # read (for all rows it would cost as much as the rest of the cleaning).
    bare = typed.select(
        (
            pl.col("isin").str.contains(r"^[A-Z]{2}[A-Z0-9]{9}\d$").not_()
            & pl.col("lei").str.contains(r"^[A-Z0-9]{18}\d{2}$").not_()
            & (pl.col("country") == "")
            & (pl.col("quantity_raw") == "")
        ).alias("b")
    )["b"].arg_true()
    first_text = pl.repeat("", typed.height, dtype=pl.Utf8, eager=True)
    if bare.len():
        texts = frame[bare].select(
            pl.concat_str(
                [pl.col(c).fill_null("").str.strip_chars() for c in table.frame.columns],
                separator="\x1f",
            )
            .str.replace(r"^\x1f+", "")
            .str.replace(r"\x1f.*$", "")
        )
        first_text = first_text.scatter(bare, texts.to_series())
    typed = typed.with_columns(first_text.alias("first_text"))
    is_total = (
        pl.col("first_text").str.contains(TOTAL)
        & pl.col("first_text").str.to_uppercase().str.contains(LEGAL_FORM).not_()
    )
    typed = typed.with_columns(is_total.alias("is_total"))
    totals = typed.filter(pl.col("is_total"))
    skipped = [(line, _("a total row, not imported")) for line in totals["line"].to_list()]
    grand = totals.filter(pl.col("first_text").str.contains(GRAND_TOTAL))
    if grand.height == 0 and totals.height == 1:
        grand = totals
    file_total = None
    if grand.height and grand["market_value"][-1] is not None:
        file_total = grand["market_value"][-1]
    typed = typed.filter(pl.col("is_total").not_())

    hits: list[pl.DataFrame] = []

    def flag(mask: pl.Expr, column: str, reason: str | pl.Expr) -> None:
        # Lazily, so that only the columns the mask and the reason need are read.
        hits.append(
            typed.lazy()
            .filter(mask)
            .select(
                pl.col("line"),
                pl.lit(column, dtype=pl.Utf8).alias("column"),
                (pl.lit(reason) if isinstance(reason, str) else reason)
                .cast(pl.Utf8)
                .alias("reason"),
            )
            .collect()
        )

    company = pl.col("kind") == "company"
    # Identity: a company needs an ISIN, LEI or name; identifiers must carry valid check
    # digits. Cash, forwards, futures and funds need none.
    flag(
        company & (pl.col("isin") == "") & (pl.col("lei") == "") & (pl.col("name") == ""),
        heading.get("name") or heading.get("isin") or heading.get("lei") or "",
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
    # Countries as ISO codes; an unknown country is an error naming the value, not a guess.
    replaced = []
    for name in ("country", "listing_country"):
        codes = {v: country_code(v) for v in typed[name].unique().to_list() if v}
        unknown = {
            v: _("country “%(value)s” not recognised") % {"value": v}
            for v, code in codes.items()
            if code is None
        }
        if unknown:
            flag(
                pl.col(name).is_in(list(unknown)),
                heading[name],
                pl.col(name).replace_strict(unknown, default=""),
            )
        replaced.append(
            pl.col(name).replace_strict({k: v or "" for k, v in codes.items()}, default="")
        )
    typed = typed.with_columns(replaced)
    # Numbers.
    limit = _("a value of %(limit)s or more") % {"limit": _grouped(MAX_AMOUNT)}
    for name in NUMBER_FIELDS:
        if name not in by_field:
            continue
        raw, value, why = pl.col(f"{name}_raw"), pl.col(name), pl.col(f"{name}_problem")
        if name == "market_value":
            flag(raw == "", heading[name], _("no market value"))
        flag((why != "") & (why != "too large"), heading[name], why)
        if name.endswith("_pct"):
            flag(why == "too large", heading[name], _("a percentage above 100"))
            flag(value > 100, heading[name], _("a percentage above 100"))
        else:
            flag(why == "too large", heading[name], limit)
        flag(value < 0, heading[name], _("negative value"))
    # Currency and its rate on the as-of date.
    currency_column = heading.get("currency", value_heading) if not in_heading else value_heading
    flag(
        pl.col("currency") == "",
        currency_column,
        _(
            "no currency: the file does not say it; give the currency of the file's values "
            "on the import page, in the API or with --currency"
        ),
    )
    present = [c for c in typed["currency"].unique().to_list() if c]
    no_rate = [c for c in present if c not in rates]
    if no_rate:
        flag(
            pl.col("currency").is_in(no_rate),
            currency_column,
            _("no exchange rate for this currency on or within %(days)s days before %(date)s")
            % {"days": settings.EXCHANGE_RATE_LOOKBACK_DAYS, "date": as_of.isoformat()},
        )
    # Duplicated rows: the same holding twice (the first one stays).
    key = ["isin", "lei", "name", "country", "currency", "market_value_raw", "quantity_raw"]
    flag(pl.struct(key).is_first_distinct().not_(), value_heading, _("duplicate of an earlier row"))

    found = (
        pl.concat(hits)
        if hits
        else pl.DataFrame(schema={"line": pl.Int64, "column": pl.Utf8, "reason": pl.Utf8})
    )
    found = found.sort("line", maintain_order=True)
    errors = list(found.head(MAX_REPORTED).iter_rows())
    joined = found.group_by("line", maintain_order=True).agg(
        pl.when(pl.col("column") != "")
        .then(pl.concat_str([pl.col("column"), pl.lit(": "), pl.col("reason")]))
        .otherwise(pl.col("reason"))
        .str.join("; ")
        .alias("why")
    )
    reasons = dict(zip(joined["line"].to_list(), joined["why"].to_list(), strict=True))
    bad = set(reasons)

    valid = typed.filter(~pl.col("line").is_in(found["line"].unique().implode()))
    valid = valid.with_columns(_in_euro(rates).alias("value_eur"))
    valid = valid.select(
        "line",
        *TEXT_FIELDS,
        "kind",
        *NUMBER_FIELDS,
        "value_eur",
        "market_value_raw",
        "quantity_raw",
    )
    total = valid["value_eur"].abs().sum() if valid.height else Decimal(0)
    if total is not None and total >= MAX_TOTAL:
        raise ActionError(
            _("The values add up to more than %(limit)s euro. Check their unit.")
            % {"limit": _grouped(MAX_TOTAL)},
            code="rows",
        )
    return Cleaned(
        rows=valid,
        errors=errors,
        rejected_lines=bad,
        reasons=reasons,
        skipped=sorted(skipped + list(table.skipped)),
        file_total=file_total,
    )


def _in_euro(rates: dict[str, Decimal]) -> pl.Expr:
    """market_value / units per euro, rounded half-up to the cent, in integer arithmetic:
    value_cents = (2·cents·10^8 + rate) // (2·rate), the rate in units of 10^-8."""
    per_euro = {
        currency: int(rate.scaleb(RATE_SCALE).to_integral_value())
        for currency, rate in rates.items()
        if rate > 0
    }
    rate = pl.col("currency").replace_strict(per_euro, default=None, return_dtype=pl.Int128)
    cents = (pl.col("market_value") * pl.lit(100, pl.Decimal(38, 0))).cast(pl.Int128)
    size = pl.when(cents < 0).then(pl.lit(0, pl.Int128) - cents).otherwise(cents)
    two = pl.lit(2, pl.Int128)
    euro_cents = (two * size * pl.lit(10**RATE_SCALE, pl.Int128) + rate) // (two * rate)
    euro_cents = pl.when(cents < 0).then(pl.lit(0, pl.Int128) - euro_cents).otherwise(euro_cents)
    return euro_cents.cast(pl.Decimal(38, 0)) * pl.lit(Decimal("0.01"), pl.Decimal(38, 2))
