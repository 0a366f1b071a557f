"""Deciding which column of a holdings file holds which field: the fund's remembered
headings, the usual names, then the person's choice; and asking when a field is missing,
with the file's likely columns for it."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from convenant.core.errors import ActionError
from convenant.parties.models import Party
from convenant.portfolios.importing.columns import (
    FIELDS,
    field_named,
    likely_columns,
    missing_fields,
    recognise,
)
from convenant.portfolios.importing.read import RawTable, read_table
from convenant.portfolios.models import ColumnMapping


def field_label(field: str) -> str:
    """A field as people see it, in the active language (“Market value”, “Marktwaarde”)."""
    return str(FIELDS[field][0]) if field in FIELDS else field


def fields_help() -> str:
    """Every field a column can hold, by the name people see and its key: for ``--help``
    and every "columns needed" message."""
    return "; ".join(f"{field_label(key)} ({key})" for key in FIELDS)


def missing_with_candidates(missing: list[str], likely: dict[str, list[str]]) -> str:
    """“the country: perhaps “Location” or “Incorporation Country”” for each missing field."""
    parts = []
    for field in missing:
        candidates = likely.get(field, [])
        if candidates:
            parts.append(
                _("%(field)s (perhaps %(columns)s)")
                % {
                    "field": field_label(field),
                    "columns": _(" or ").join(f"“{c}”" for c in candidates[:3]),
                }
            )
        else:
            parts.append(field_label(field))
    return "; ".join(parts)


class ColumnsNeeded(ActionError):
    """The file's columns are not all recognised: the person maps them (and we remember).
    ``likely`` gives, for each missing field, the file's headings that probably hold it."""

    def __init__(self, headings: list[str], mapping: dict[str, str], missing: list[str]) -> None:
        taken = set(mapping)
        likely = {
            field: [h for h in likely_columns(headings, field) if h not in taken]
            for field in missing
        }
        super().__init__(
            _("Some columns were not recognised. Say which column holds: %(fields)s.")
            % {"fields": missing_with_candidates(missing, likely)},
            code="columns",
        )
        self.headings, self.mapping, self.missing, self.likely = headings, mapping, missing, likely


def check_columns(columns: dict[str, str] | None) -> dict[str, str] | None:
    """Refuse at once a person's column choices that name no field. A choice is heading →
    field, the field written as people see it (“Marktwaarde”, “Market value”) or as its key
    (``market_value``), "" to leave a column unused; field → heading (``--map
    "Marktwaarde=Waarde in EUR"``) is understood too. Only the file can tell which side is
    its heading, so the pairs are kept as given and ``read_and_map`` resolves them."""
    if columns is None:
        return None
    unknown = sorted(
        right
        for left, right in columns.items()
        if right and field_named(right) is None and field_named(left) is None
    )
    if unknown:
        raise ActionError(
            _("Unknown field: %(fields)s. The fields are: %(all)s.")
            % {"fields": ", ".join(unknown), "all": fields_help()},
            field="columns",
        )
    return dict(columns)


def _pairs_for(table: RawTable, overrides: dict[str, str]) -> dict[str, str]:
    """The person's choices as heading → field key, turning field → heading pairs round."""
    pairs: dict[str, str] = {}
    for left, right in overrides.items():
        if left in table.headings and (not right or field_named(right)):
            heading, field = left, field_named(right) if right else ""
        elif right in table.headings and field_named(left):
            heading, field = right, field_named(left)
        elif left in table.headings:
            raise ActionError(
                _("“%(field)s” is not a field of a holdings file. The fields are: %(all)s.")
                % {"field": right, "all": fields_help()}
            )
        else:
            raise ActionError(
                _("The file has no column “%(heading)s”. Its columns are: %(headings)s.")
                % {
                    "heading": right if field_named(left) else left,
                    "headings": ", ".join(f"“{h}”" for h in table.headings),
                }
            )
        pairs[heading] = field or ""
    return pairs


def read_and_map(
    path: Path, filename: str, fund: Party, overrides: dict[str, str] | None = None
) -> tuple[RawTable, dict[str, str]]:
    """Read the file and decide its columns: the fund's remembered headings, the usual
    names, then what the person chose (``overrides``: heading → field, "" to ignore; the
    field by its key or its label, and field → heading is understood too)."""
    table = read_table(path, filename)
    remembered = dict(
        ColumnMapping.objects.unrestricted("the holdings import job")
        .filter(fund=fund)
        .values_list("heading", "field")
    )
    mapping = recognise(table.headings, remembered)
    for heading, chosen in _pairs_for(table, overrides or {}).items():
        mapping = {h: f for h, f in mapping.items() if f != chosen and h != heading}
        if chosen:
            mapping[heading] = chosen
    missing = missing_fields(mapping)
    if missing:
        raise ColumnsNeeded(table.headings, mapping, missing)
    return table, mapping
