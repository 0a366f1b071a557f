"""Writes of the issuer register's reference data: GLEIF loads, sectors and parents. Each is
one transaction with its audit event; the bulk work stays bulk (COPY, one UPDATE per call)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import gettext as _

from convenant.core import access
from convenant.core.audit import record_event
from convenant.core.errors import ActionError
from convenant.core.models import User
from convenant.portfolios import events, gleif
from convenant.portfolios.models import Issuer


def _require_register_keeper(by: User | None) -> None:
    """The register is the secretariat's. ``by=None`` is convenant itself (a management
    command, the demo), recorded as "system"."""
    if by is not None:
        access.require(access.can_administer_covenant(access.actor_for(by, fresh=True)))


def load_lei_records(
    path: Path,
    *,
    by: User | None = None,
    batch_size: int = 20_000,
    progress: gleif.Progress | None = None,
    delta: bool = False,
) -> gleif.LoadReport:
    """Load or refresh issuers from a LEI-CDF golden copy, or apply one of GLEIF's delta
    files (``delta=True``: the same layout, only the records that changed in its period).
    Only records that differ from the register are written; issuers some snapshot holds and
    whose data changed are passed on, so what is derived from them is redone."""
    _require_register_keeper(by)
    report = gleif.LoadReport()
    with transaction.atomic(durable=True):
        gleif.write_lei_records(path, report, batch_size=batch_size, progress=progress)
        record_event(
            actor=by,
            verb="portfolios.load_lei_records",
            after=report.audited(path) | {"kind": "delta" if delta else "golden copy"},
        )
        events.issuers_changed(report.changed_issuers)
    return report


def load_isin_mapping(
    path: Path,
    *,
    by: User | None = None,
    batch_size: int = 50_000,
    progress: gleif.Progress | None = None,
) -> gleif.LoadReport:
    """Attach ISINs to issuers from GLEIF's ISIN-to-LEI relationship file."""
    _require_register_keeper(by)
    report = gleif.LoadReport()
    with transaction.atomic(durable=True):
        gleif.write_isin_mapping(path, report, batch_size=batch_size, progress=progress)
        record_event(actor=by, verb="portfolios.load_isin_mapping", after=report.audited(path))
    return report


SectorRow = tuple[int, str, str, str, str]  # issuer id, scheme, code, sector, industry


def set_sectors(*, by: User | None, rows: Iterable[SectorRow]) -> int:
    """Set the sector the covenant aggregates by for many issuers at once (one UPDATE for all
    of them). Returns how many issuers changed."""
    _require_register_keeper(by)
    rows = list(rows)
    if not rows:
        return 0
    columns = list(zip(*rows, strict=True))
    with transaction.atomic(durable=True), connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE portfolios_issuer AS i SET sector_scheme = s.scheme, sector_code = s.code,
                sector_name = s.sector, industry_name = s.industry, updated_at = now()
            FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[])
                AS s (id, scheme, code, sector, industry)
            WHERE i.id = s.id AND (i.sector_scheme, i.sector_code, i.sector_name,
                i.industry_name) IS DISTINCT FROM (s.scheme, s.code, s.sector, s.industry)
            RETURNING i.id
            """,
            [list(column) for column in columns],
        )
        changed = {pk for (pk,) in cursor.fetchall()}
        record_event(
            actor=by,
            verb="portfolios.set_sectors",
            after={"issuers": len(changed), "schemes": sorted(set(columns[1]))},
        )
        events.issuers_changed(changed)
    return len(changed)


def set_parent(*, by: User | None, issuer: Issuer, parent: Issuer | None) -> Issuer:
    """Record which group an issuer belongs to, so exposure rolls up to it."""
    _require_register_keeper(by)
    with transaction.atomic(durable=True):
        issuer = (
            Issuer.objects.unrestricted("the register's keeper")
            .select_for_update()
            .get(pk=issuer.pk)
        )
        if parent is not None:
            parent = Issuer.objects.unrestricted("the register's keeper").get(pk=parent.pk)
            ancestor: Issuer | None = parent
            while ancestor is not None:  # no issuer may end up its own ancestor
                if ancestor.pk == issuer.pk:
                    raise ActionError(
                        _("%(issuer)s cannot belong to its own subsidiary.") % {"issuer": issuer},
                        field="parent",
                        code="conflict",
                    )
                ancestor = ancestor.parent
        before = {"parent": issuer.parent_id}
        issuer.parent = parent
        issuer.save(update_fields=["parent", "updated_at"])
        record_event(
            actor=by,
            verb="portfolios.set_parent",
            obj=issuer,
            before=before,
            after={"parent": parent.pk if parent else None},
        )
        events.issuers_changed({issuer.pk})
    return issuer
