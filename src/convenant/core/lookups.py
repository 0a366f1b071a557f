"""Lookups the ORM lacks."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler


@models.Field.register_lookup
class AnyOf(models.Lookup):
    """``field__any_of=values``: ``field = ANY(%s)`` with the values as one array parameter.

    ``__in`` writes one placeholder per value; for the tens of thousands of names and
    identifiers an import matches at once, building and parsing that statement costs more
    than running it."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[Any]:
        field = self.lhs.output_field
        return [field.get_prep_value(value) for value in self.rhs]

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]
