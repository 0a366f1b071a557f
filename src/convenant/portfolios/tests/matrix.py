"""Permission-matrix rows for the issuer register."""

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from convenant.core.testing import (
    FORBIDDEN,
    HIDDEN,
    OK,
    OTHER_FUND_MARKER,
    REDIRECT,
    Row,
    World,
    members,
    other_funds_data,
    party_of,
)

ACCEPTED = 202  # queued (API): the answer says where to follow the job


def extend_world(world: World) -> None:
    """A reference issuer everyone signed in may see, and one proposed by another fund's
    import, which only that fund and the secretariat may see."""
    from convenant.portfolios.models import Issuer

    world.extra["issuer"] = Issuer.objects.create(
        legal_name="Referentie N.V.", country_of_incorporation="NL", source=Issuer.Source.GLEIF
    )
    from convenant.portfolios.models import Snapshot

    world.extra["snapshot"] = Snapshot.objects.create(
        fund=world.fund, as_of=datetime.date(2024, 12, 31), source_name="test.csv"
    )
    from convenant.portfolios.actions.imports import rejected_path, stored_path
    from convenant.portfolios.models import ImportJob

    world.extra["job"] = job = ImportJob.objects.create(
        fund=world.fund,
        as_of=datetime.date(2024, 12, 31),
        filename="test.csv",
        stored_name="matrix.csv",
        created_by=world.users["fund_editor"],
        outcome=ImportJob.Outcome.DONE,
        report={"imported": 0, "rejected": 1},
    )
    world.keep_file(rejected_path(job), "line,error\n2,bad\n")
    world.extra["refused_job"] = refused = ImportJob.objects.create(
        fund=world.fund,
        as_of=datetime.date(2024, 12, 31),
        filename="refused.csv",
        stored_name="matrix-refused.csv",
        created_by=world.users["fund_editor"],
        outcome=ImportJob.Outcome.REJECTED,
        report={"rows_read": 2, "rejected": 1, "errors": [[3, "Marktwaarde", "negative value"]]},
    )
    world.keep_file(
        stored_path(refused), "Naam;Land;Marktwaarde;Valuta\nX BV;NL;1;EUR\nY BV;NL;-1;EUR\n"
    )
    # Imports whose run waits for a worker (to cancel) and whose run failed (to retry).
    from django.contrib.contenttypes.models import ContentType

    from convenant.core.models import Job

    # Named apart from core's own "queued_job"/"failed_job" (plain jobs), which they overwrote.
    for name, state in (("queued_import", Job.State.QUEUED), ("failed_import", Job.State.FAILED)):
        world.extra[name] = run = ImportJob.objects.create(
            fund=world.fund,
            as_of=datetime.date(2024, 12, 31),
            filename=f"{name}.csv",
            stored_name=f"matrix-{name}.csv",
            created_by=world.users["fund_editor"],
        )
        run.job = Job.objects.create(
            kind="portfolios.import_holdings",
            party_id=world.fund.pk,
            created_by=world.users["fund_editor"],
            state=state,
            subject_type=ContentType.objects.get_for_model(ImportJob),
            subject_id=str(run.pk),
        )
        run.save(update_fields=["job"])
        world.keep_file(stored_path(run), "Naam;Land;Marktwaarde;Valuta\nX BV;NL;1;EUR\n")
    # An import that asks whether a much smaller file is complete or partial.
    world.extra["smaller_job"] = smaller = ImportJob.objects.create(
        fund=world.fund,
        as_of=datetime.date(2024, 12, 31),
        filename="smaller.csv",
        stored_name="matrix-smaller.csv",
        created_by=world.users["fund_editor"],
        outcome=ImportJob.Outcome.SMALLER,
        report={
            "previous_as_of": "2024-11-30",
            "previous_count": 40,
            "previous_value": "40000000.00",
            "count": 1,
            "value": "1.00",
        },
    )
    world.keep_file(stored_path(smaller), "Naam;Land;Marktwaarde;Valuta\nX BV;NL;1;EUR\n")
    world.extra["proposed_issuer"] = Issuer.objects.create(
        legal_name=f"{OTHER_FUND_MARKER} Beta Holding B.V.",
        country_of_incorporation="NL",
        source=Issuer.Source.HOLDINGS,
        proposed_by_party=world.other_fund,
    )
    # A duplicate in the register, for the secretariat to merge.
    world.extra["duplicate_issuer"] = Issuer.objects.create(
        legal_name="Referentie Dubbel N.V.",
        country_of_incorporation="NL",
        source=Issuer.Source.GLEIF,
    )
    # Fund A's snapshot holds a position awaiting review (row 1) and a matched one (row 2).
    positions(
        world.extra["snapshot"],
        (1, None, "Twijfelgeval Alfa B.V.", "review"),
        (2, world.extra["issuer"], "Referentie N.V.", "matched"),
    )
    # The other fund's confidential data: a snapshot, its position and an import, each
    # named with the marker that must never show outside that fund.
    other = Snapshot.objects.create(
        fund=world.other_fund,
        as_of=datetime.date(2024, 12, 31),
        source_name=f"{OTHER_FUND_MARKER.lower()}-bron.csv",
    )
    world.extra["other_snapshot"] = other
    positions(
        other,
        (1, world.extra["proposed_issuer"], f"{OTHER_FUND_MARKER} Beta Holding", "new"),
        (2, None, f"{OTHER_FUND_MARKER} Twijfel N.V.", "review"),  # counted for it alone
    )
    world.extra["other_import"] = other_import = ImportJob.objects.create(
        fund=world.other_fund,
        as_of=datetime.date(2024, 12, 31),
        filename=f"{OTHER_FUND_MARKER.lower()}.csv",
        stored_name="matrix-other.csv",
        created_by=world.users["other_fund"],
        outcome=ImportJob.Outcome.DONE,
        report={"imported": 1, "rejected": 0},
    )
    other_import.job = Job.objects.create(
        kind="portfolios.import_holdings",
        party_id=world.other_fund.pk,
        created_by=world.users["other_fund"],
        state=Job.State.FAILED,
        message=f"{OTHER_FUND_MARKER}: het bestand is onleesbaar",
        subject_type=ContentType.objects.get_for_model(ImportJob),
        subject_id=str(other_import.pk),
    )
    other_import.save(update_fields=["job"])


def positions(snapshot: Any, *rows: tuple[int, Any, str, str]) -> None:
    """Positions of a snapshot, in a partition of its own as an import makes it."""
    from django.db import connection

    from convenant.portfolios.importing.write import partition_name
    from convenant.portfolios.models import Position

    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE TABLE IF NOT EXISTS "{partition_name(snapshot.pk)}" '
            f"PARTITION OF portfolios_position FOR VALUES IN ({snapshot.pk})"
        )
    for row, issuer, name, status in rows:
        Position.objects.create(
            snapshot=snapshot,
            row=row,
            issuer=issuer,
            name=name,
            country="NL",
            currency="EUR",
            market_value=1_000_000,
            value_eur=1_000_000,
            status=status,
            match_method="name" if issuer else "",
            match_confidence=90 if issuer else 0,
        )


def other_funds_snapshot(world: World) -> list[str]:
    return [world.other_fund.name]


def other_funds_snapshot_json(world: World) -> list[str]:
    return [f'"{world.other_fund.code}"']


def rate_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("eurofxref-hist.csv", b"Date,USD,CYP,\n2024-12-31,1.04,N/A,\n")


PROPOSED_BY_OTHER_FUND = members(HIDDEN, other_fund=OK, secretariat=OK)
# Who must not learn of the other fund's proposed issuer (the secretariat keeps the register).
NOT_PROPOSER = tuple(a for a in PROPOSED_BY_OTHER_FUND if PROPOSED_BY_OTHER_FUND[a] != OK)
# A fund's holdings: its own people, nobody else — not even the secretariat.
FUND_A_ONLY = members(HIDDEN, fund_viewer=OK, fund_editor=OK, fund_admin=OK)

ROWS = [
    Row("issuer_list", members(OK), absent=other_funds_data, absent_for=NOT_PROPOSER),
    Row(
        "issuer_list",
        members(OK),
        query="q=Beta+Holding&country=NL",  # finds the proposal, by words the page repeats
        absent=other_funds_data,
        absent_for=NOT_PROPOSER,
    ),
    Row("issuer_detail", members(OK), args=lambda w: [w.extra["issuer"].pk]),
    Row("issuer_detail", PROPOSED_BY_OTHER_FUND, args=lambda w: [w.extra["proposed_issuer"].pk]),
    Row("issuer_merge", members(FORBIDDEN, secretariat=OK), args=lambda w: [w.extra["issuer"].pk]),
    Row(
        "issuer_merge",
        members(FORBIDDEN, secretariat=REDIRECT),
        method="post",
        args=lambda w: [w.extra["issuer"].pk],
        data=lambda w: {"duplicate": w.extra["duplicate_issuer"].pk},
    ),
    Row("exchange_rates", members(OK)),
    Row(
        "exchange_rates",
        members(FORBIDDEN, secretariat=REDIRECT),
        method="post",
        data=lambda w: {"rates": "2024-12-31,USD,1.04"},
    ),
    # A rate file (the ECB's history or date,currency,rate lines), on the page and the API.
    Row(
        "exchange_rates",
        members(FORBIDDEN, secretariat=REDIRECT),
        method="post",
        data=lambda w: {"upload": "1", "file": rate_file()},
    ),
    Row(
        "api:load_rates",
        members(FORBIDDEN, secretariat=OK),
        method="post",
        data=lambda w: {"file": rate_file()},
    ),
    # Lists show a snapshot by its fund and date: the other fund's name must not appear.
    Row(
        "snapshot_list",
        members(OK),
        absent=other_funds_snapshot,
        present=other_funds_snapshot,
        present_for=("other_fund",),
    ),
    Row("snapshot_detail", FUND_A_ONLY, args=lambda w: [w.extra["snapshot"].pk]),
    Row(
        "snapshot_positions",
        FUND_A_ONLY,
        args=lambda w: [w.extra["snapshot"].pk],
        absent=other_funds_data,
        present=lambda w: ["Twijfelgeval Alfa", "Referentie N.V."],
    ),
    Row(
        "snapshot_positions",
        FUND_A_ONLY,
        args=lambda w: [w.extra["snapshot"].pk],
        query="status=review",
        absent=other_funds_data,
        present=lambda w: ["Twijfelgeval Alfa"],
    ),
    Row("snapshot_compare", FUND_A_ONLY, args=lambda w: [w.extra["snapshot"].pk]),
    Row(
        "snapshot_compare",
        members(HIDDEN),
        args=lambda w: [w.extra["snapshot"].pk],
        query="with=999999",
        missing=True,  # no snapshot to compare with
    ),
    Row(
        "snapshot_review",
        FUND_A_ONLY,
        args=lambda w: [w.extra["snapshot"].pk],
        absent=other_funds_data,
        present=lambda w: ["Twijfelgeval Alfa"],
    ),
    Row(
        "review_decide",
        {**FUND_A_ONLY, "fund_viewer": FORBIDDEN, "fund_editor": REDIRECT, "fund_admin": REDIRECT},
        method="post",
        args=lambda w: [w.extra["snapshot"].pk, 1],  # the position awaiting review
        data=lambda w: {"decision": "confirm", "issuer": w.extra["issuer"].pk},
    ),
    # "Choose another issuer": the register and the fund's own proposals, never another
    # fund's, even when the words match it.
    Row(
        "review_search",
        FUND_A_ONLY,
        args=lambda w: [w.extra["snapshot"].pk, 1],
        query="q=Referentie",
        absent=other_funds_data,
        present=lambda w: ["Referentie N.V."],
    ),
    Row(
        "review_search",
        FUND_A_ONLY,
        args=lambda w: [w.extra["snapshot"].pk, 1],
        query="q=Beta+Holding",
        absent=other_funds_data,
    ),
    Row(
        "import_job_detail",
        {**FUND_A_ONLY, "fund_viewer": FORBIDDEN, "fund_editor": REDIRECT, "fund_admin": REDIRECT},
        method="post",
        args=lambda w: [w.extra["smaller_job"].pk],
        data=lambda w: {"partial": "1"},
    ),
    Row(
        "api:confirm_holdings_import_size",
        {**FUND_A_ONLY, "fund_viewer": FORBIDDEN, "fund_editor": ACCEPTED, "fund_admin": ACCEPTED},
        method="post",
        args=lambda w: [w.extra["smaller_job"].pk],
        data=lambda w: {"partial": False},
        as_json=True,
    ),
    Row("holdings_import", members(FORBIDDEN, fund_editor=OK, fund_admin=OK, other_fund=OK)),
    # Each editor imports for their own fund.
    Row(
        "holdings_import",
        members(FORBIDDEN, fund_editor=REDIRECT, fund_admin=REDIRECT, other_fund=REDIRECT),
        method="post",
        data_for=lambda w, actor: {
            "fund": party_of(w, actor).pk,
            "as_of": "2025-06-30",
            "file": SimpleUploadedFile("h.csv", b"Naam;Land;Marktwaarde;Valuta\nX BV;NL;1;EUR\n"),
        },
    ),
    Row("import_job_detail", FUND_A_ONLY, args=lambda w: [w.extra["job"].pk]),
    Row("import_job_detail", FUND_A_ONLY, args=lambda w: [w.extra["job"].pk], query="x=htmx"),
    Row("import_job_rejected", FUND_A_ONLY, args=lambda w: [w.extra["job"].pk]),
    Row(
        "import_job_detail",
        {**FUND_A_ONLY, "fund_viewer": FORBIDDEN, "fund_editor": REDIRECT, "fund_admin": REDIRECT},
        method="post",
        args=lambda w: [w.extra["refused_job"].pk],
        data=lambda w: {"valid_rows": "1"},
    ),
    Row(
        "import_job_detail",
        {**FUND_A_ONLY, "fund_viewer": FORBIDDEN, "fund_editor": REDIRECT, "fund_admin": REDIRECT},
        method="post",
        args=lambda w: [w.extra["queued_import"].pk],
        data=lambda w: {"cancel": "1"},
    ),
    Row(
        "import_job_detail",
        {**FUND_A_ONLY, "fund_viewer": FORBIDDEN, "fund_editor": REDIRECT, "fund_admin": REDIRECT},
        method="post",
        args=lambda w: [w.extra["failed_import"].pk],
        data=lambda w: {"retry": "1"},
    ),
    Row(
        "api:list_snapshots",
        members(OK),
        absent=other_funds_snapshot_json,
        present=other_funds_snapshot_json,
        present_for=("other_fund",),
    ),
    Row("api:get_snapshot", FUND_A_ONLY, args=lambda w: [w.extra["snapshot"].pk]),
    Row(
        "api:list_positions",
        FUND_A_ONLY,
        args=lambda w: [w.extra["snapshot"].pk],
        absent=other_funds_data,
        present=lambda w: ["Twijfelgeval Alfa"],
    ),
    Row(
        "api:upload_snapshot",
        members(FORBIDDEN, fund_editor=ACCEPTED, fund_admin=ACCEPTED),
        method="post",
        data=lambda w: {
            "fund": w.fund.code,
            "as_of": "2024-12-31",
            "file": SimpleUploadedFile("h.csv", b"Naam;Land;Marktwaarde;Valuta\nX BV;NL;1;EUR\n"),
        },
    ),
    Row("api:get_holdings_import", FUND_A_ONLY, args=lambda w: [w.extra["job"].pk]),
    Row(
        "api:list_issuers",
        members(OK),
        absent=other_funds_data,
        absent_for=NOT_PROPOSER,
        present=other_funds_data,
        present_for=("other_fund", "secretariat"),
    ),
    Row("api:get_issuer", members(OK), args=lambda w: [w.extra["issuer"].pk]),
    Row("api:get_issuer", PROPOSED_BY_OTHER_FUND, args=lambda w: [w.extra["proposed_issuer"].pk]),
]
