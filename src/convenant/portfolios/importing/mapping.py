"""Deciding which column of a holdings file holds which field: the fund's remembered
headings, the usual names, then the person's choice; and asking when a field is missing."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from convenant.core.errors import ActionError
from convenant.parties.models import Party
from convenant.portfolios.importing.columns import FIELDS, missing_fields, recognise
from convenant.portfolios.importing.read import RawTable, read_table
from convenant.portfolios.models import ColumnMapping


class ColumnsNeeded(ActionError):
    """The file's columns are not all recognised: the person maps them (and we remember)."""

    def __init__(self, headings: list[str], mapping: dict[str, str], missing: list[str]) -> None:
        labels = ", ".join(str(FIELDS[f][0]) for f in missing)
        super().__init__(
            _("Some columns were not recognised. Say which column holds: %(fields)s.")
            % {"fields": labels},
            code="columns",
        )
        self.headings, self.mapping, self.missing = headings, mapping, missing


def read_and_map(
    path: Path, filename: str, fund: Party, overrides: dict[str, str] | None = None
) -> tuple[RawTable, dict[str, str]]:
    """Read the file and decide its columns: the fund's remembered headings, the usual
    names, then what the person chose (``overrides``: heading → field, "" to ignore)."""
    table = read_table(path, filename)
    remembered = dict(
        ColumnMapping.objects.unrestricted("the holdings import job")
        .filter(fund=fund)
        .values_list("heading", "field")
    )
    mapping = recognise(table.headings, remembered)
    for heading, chosen in (overrides or {}).items():
        if heading not in table.headings:
            raise ActionError(_("The file has no column “%(heading)s”.") % {"heading": heading})
        mapping = {h: f for h, f in mapping.items() if f != chosen and h != heading}
        if chosen:
            if chosen not in FIELDS:
                raise ActionError(
                    _("“%(field)s” is not a field of a holdings file.") % {"field": chosen}
                )
            mapping[heading] = chosen
    missing = missing_fields(mapping)
    if missing:
        raise ColumnsNeeded(table.headings, mapping, missing)
    return table, mapping
