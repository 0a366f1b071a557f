"""Writes of holdings: importing a fund's file as a snapshot, and reviewing its matches."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from convenant.core import access
from convenant.core.access import Role
from convenant.core.audit import record_event
from convenant.core.errors import ActionError
from convenant.core.models import User
from convenant.parties.models import Party
from convenant.portfolios import events
from convenant.portfolios.importing.clean import clean_rows
from convenant.portfolios.importing.mapping import read_and_map
from convenant.portfolios.importing.report import ImportReport, RowsRejected, rejected_file
from convenant.portfolios.importing.request import Progress, check_request, rates_on
from convenant.portfolios.importing.write import (
    build_partition,
    check_size,
    delete_snapshot_row,
    exact_amounts,
    lock_snapshots_for_writing,
    match_rows,
    swap_partitions,
    totals,
)
from convenant.portfolios.models import (
    IN_REGISTER,
    ColumnMapping,
    Issuer,
    IssuerAlias,
    Position,
    Snapshot,
)
from convenant.portfolios.names import normalize_name


def import_holdings(
    *,
    by: User,
    fund: Party,
    as_of: datetime.date,
    path: Path,
    filename: str,
    columns: dict[str, str] | None = None,
    import_valid_rows: bool = False,
    currency: str = "",
    size_confirmed: bool = False,
    partial: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a fund's holdings for a date. With errors in some rows nothing is imported
    (RowsRejected) unless ``import_valid_rows``; then the report carries the rejected rows as
    a CSV with an error column. Importing the same (fund, date) again replaces the snapshot."""
    tick = progress or (lambda stage, share: None)
    check_request(by, fund, as_of)
    tick("read", 0.0)
    table, mapping = read_and_map(path, filename, fund, columns)
    tick("check", 0.2)
    rates, rate_date = rates_on(as_of)
    cleaned = clean_rows(
        table,
        mapping,
        rates=rates,
        as_of=as_of,
        decimal_comma_default=table.decimal_comma_default,
        file_currency=currency,
    )
    report = ImportReport(
        rows_read=table.frame.height,
        rejected=len(cleaned.rejected_lines),
        errors=cleaned.errors,
        mapping=mapping,
        skipped=cleaned.skipped,
        file_total=cleaned.file_total,
    )
    if report.rejected and not import_valid_rows:
        raise RowsRejected(report)
    if report.rejected:
        report.rejected_csv = rejected_file(
            table, cleaned.errors, cleaned.rejected_lines, cleaned.reasons
        )
    if cleaned.rows.height == 0:
        raise ActionError(_("No row of the file can be imported."), code="rows")
    cleaned_rows = exact_amounts(cleaned.rows)
    check_size(fund, as_of, totals(cleaned_rows), size_confirmed=size_confirmed, partial=partial)
    # The rate date only when some value was converted.
    used_rates = cleaned_rows["currency"].unique().to_list() != ["EUR"]
    with transaction.atomic(durable=True):
        tick("match", 0.4)
        rows = match_rows(cleaned_rows, by, fund)
        tick("write", 0.7)
        old = (
            Snapshot.objects.unrestricted("import holdings: the action decides access")
            .select_for_update()
            .filter(fund=fund, as_of=as_of)
            .first()
        )
        old_id = old.pk if old is not None else None
        if old is not None:
            # Only the row (and what cascades from it) now; its partition goes at the swap,
            # so other funds' positions stay readable throughout.
            delete_snapshot_row(old)
        figures = totals(rows)
        snapshot = Snapshot.objects.create(
            fund=fund,
            as_of=as_of,
            source_name=filename[:255],
            imported_by=by,
            positions_count=figures.count,
            total_value_eur=figures.total,
            matched_value_eur=figures.matched,
            other_value_eur=figures.other,
            partial=partial,
            rate_date=rate_date if used_rates else None,
        )
        build_partition(snapshot.pk, rows)
        for heading, chosen in mapping.items():
            ColumnMapping.objects.unrestricted(
                "import holdings: the action decides access"
            ).update_or_create(fund=fund, heading=heading, defaults={"field": chosen})
        counts = dict(rows.group_by("status").len().iter_rows())
        report.imported = rows.height
        report.matched = counts.get(str(Position.Status.MATCHED), 0)
        report.review = counts.get(str(Position.Status.REVIEW), 0)
        report.new = counts.get(str(Position.Status.NEW), 0)
        report.other = counts.get(str(Position.Status.NOT_A_COMPANY), 0)
        report.snapshot_id = snapshot.pk
        report.rate_date = snapshot.rate_date
        report.partial = partial
        events.snapshot_imported(snapshot.pk)
        record_event(
            actor=by,
            verb="portfolios.import_holdings",
            obj=snapshot,
            party_id=fund.pk,
            before={"replaced": old_id is not None},
            after={
                "file": filename,
                "rows": report.rows_read,
                "imported": report.imported,
                "rejected": report.rejected,
                "matched": report.matched,
                "review": report.review,
                "new": report.new,
                "other": report.other,
                "partial": partial,
                "rate_date": snapshot.rate_date.isoformat() if snapshot.rate_date else None,
            },
        )
        # Last, so its locks are held only until the commit that follows at once.
        swap_partitions(snapshot.pk, old_id)
    tick("done", 1.0)
    return report


def _editable_snapshot(by: User, snapshot: Snapshot) -> Snapshot:
    actor = access.actor_for(by, fresh=True)
    access.require(actor.has_role(snapshot.fund_id, Role.EDITOR))
    snapshot = (
        Snapshot.objects.unrestricted("editable snapshot: the action decides access")
        .select_for_update()
        .get(pk=snapshot.pk)
    )
    # The snapshot table's write lock before any read of positions: the order in which an
    # import swaps its partition in (snapshots, then positions), so the two never deadlock.
    lock_snapshots_for_writing()
    return snapshot


def _refresh_totals(snapshot: Snapshot) -> None:
    matched = (
        Position.objects.unrestricted("refresh totals: the action decides access")
        .filter(snapshot=snapshot, status=Position.Status.MATCHED)
        .aggregate(v=Sum("value_eur"))["v"]
    )
    snapshot.matched_value_eur = matched or Decimal(0)
    snapshot.save(update_fields=["matched_value_eur", "updated_at"])


def _position(snapshot: Snapshot, row: int) -> Position:
    position = (
        Position.objects.unrestricted("position: the action decides access")
        .filter(snapshot=snapshot, row=row)
        .first()
    )
    if position is None:
        raise ActionError(_("Row %(row)s is not in this snapshot.") % {"row": row})
    if position.kind != Position.Kind.COMPANY:
        # Cash, FX forwards, derivatives and funds are kept apart, never given an issuer.
        raise ActionError(
            _("Row %(row)s is not a company, so it has no issuer.") % {"row": row}, code="kind"
        )
    return position


def confirm_match(*, by: User, snapshot: Snapshot, row: int, issuer: Issuer) -> int:
    """A fund editor confirms which issuer a position is. Every position of the snapshot with
    the same name and country follows, and the name is remembered for the fund as an alias
    that later imports use. Returns how many positions were confirmed."""
    with transaction.atomic(durable=True):
        snapshot = _editable_snapshot(by, snapshot)
        position = _position(snapshot, row)
        # The register or this fund's own proposals: never another fund's, even for a person
        # who belongs to both.
        choosable = Issuer.objects.visible_to(by).filter(
            IN_REGISTER | Q(proposed_by_party_id=snapshot.fund_id)
        )
        if not choosable.filter(pk=issuer.pk).exists():
            raise ActionError(_("There is no issuer with this number."), field="issuer")
        issuer = issuer.resolved()
        same = Position.objects.unrestricted("confirm match: the action decides access").filter(
            snapshot=snapshot, name=position.name, country=position.country, isin=position.isin
        )
        before = {"issuer": position.issuer_id, "status": position.status}
        count = same.update(
            issuer=issuer,
            status=Position.Status.MATCHED,
            match_method="confirmed",
            match_confidence=100,
        )
        if position.name:
            # The fund's own alias: its latest choice for the name, whatever another fund
            # chose for it (which this fund never learns of).
            IssuerAlias.objects.unrestricted(
                "confirm match: the action decides access"
            ).update_or_create(
                normalized_name=normalize_name(position.name[:300]),
                country=position.country,
                learned_from_party_id=snapshot.fund_id,
                defaults={
                    "issuer": issuer,
                    "name": position.name[:300],
                    "source": IssuerAlias.Source.CONFIRMED_MATCH,
                },
            )
        _refresh_totals(snapshot)
        record_event(
            actor=by,
            verb="portfolios.confirm_match",
            obj=snapshot,
            party_id=snapshot.fund_id,
            before=before,
            after={"row": row, "issuer": issuer.pk, "positions": count},
        )
        changed = {i for i in (issuer.pk, position.issuer_id) if i is not None}
        events.issuers_changed(changed)
    return count


def reject_match(*, by: User, snapshot: Snapshot, row: int) -> Issuer | None:
    """The proposed issuer is not the right one: the position (and its twins) get a new
    issuer proposed under the name in the file, for the secretariat to adopt or merge."""
    with transaction.atomic(durable=True):
        snapshot = _editable_snapshot(by, snapshot)
        position = _position(snapshot, row)
        if not position.name:
            raise ActionError(
                _(
                    "This row has no name to propose a new issuer under; choose the "
                    "issuer by its number instead."
                ),
                code="no_name",
            )
        proposal = Issuer.objects.unrestricted("reject match: the action decides access").filter(
            proposed_by_party_id=snapshot.fund_id,
            normalized_name=normalize_name(position.name),
            country_of_incorporation=position.country,
        ).first() or Issuer.objects.create(
            legal_name=position.name[:300],
            country_of_incorporation=position.country,
            source=Issuer.Source.HOLDINGS,
            proposed_by_party_id=snapshot.fund_id,
        )
        before = {"issuer": position.issuer_id, "status": position.status}
        Position.objects.unrestricted("reject match: the action decides access").filter(
            snapshot=snapshot, name=position.name, country=position.country, isin=position.isin
        ).update(
            issuer=proposal,
            status=Position.Status.NEW,
            match_method="rejected",
            match_confidence=0,
        )
        _refresh_totals(snapshot)
        record_event(
            actor=by,
            verb="portfolios.reject_match",
            obj=snapshot,
            party_id=snapshot.fund_id,
            before=before,
            after={"row": row, "issuer": proposal.pk},
        )
        changed = {i for i in (proposal.pk, position.issuer_id) if i is not None}
        events.issuers_changed(changed)
    return proposal
