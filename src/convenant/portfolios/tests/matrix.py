"""Permission-matrix rows for the issuer register."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from convenant.core.testing import FORBIDDEN, HIDDEN, OK, REDIRECT, Row, World, members

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
    from convenant.portfolios.actions.jobs import rejected_path, stored_path
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
    rejected_path(job).write_text("line,error\n2,bad\n")
    world.extra["refused_job"] = refused = ImportJob.objects.create(
        fund=world.fund,
        as_of=datetime.date(2024, 12, 31),
        filename="refused.csv",
        stored_name="matrix-refused.csv",
        created_by=world.users["fund_editor"],
        outcome=ImportJob.Outcome.REJECTED,
        report={"rows_read": 2, "rejected": 1, "errors": [[3, "Marktwaarde", "negative value"]]},
    )
    stored_path(refused).write_text("Naam;Land;Marktwaarde;Valuta\nX BV;NL;1;EUR\nY BV;NL;-1;EUR\n")
    # Imports whose run waits for a worker (to cancel) and whose run failed (to retry).
    from convenant.core.models import Job

    for name, state in (("queued_job", Job.State.QUEUED), ("failed_job", Job.State.FAILED)):
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
        )
        run.save(update_fields=["job"])
        stored_path(run).write_text("Naam;Land;Marktwaarde;Valuta\nX BV;NL;1;EUR\n")
    world.extra["proposed_issuer"] = Issuer.objects.create(
        legal_name="Voorgesteld B.V.",
        country_of_incorporation="NL",
        source=Issuer.Source.HOLDINGS,
        proposed_by_party=world.other_fund,
    )


PROPOSED_BY_OTHER_FUND = members(HIDDEN, other_fund=OK, secretariat=OK)
# A fund's holdings: its own people, nobody else — not even the secretariat.
FUND_A_ONLY = members(HIDDEN, fund_viewer=OK, fund_editor=OK, fund_admin=OK)

ROWS = [
    Row("issuer_list", members(OK)),
    Row("issuer_list", members(OK), query="q=Voorgesteld&country=NL"),
    Row("issuer_detail", members(OK), args=lambda w: [w.extra["issuer"].pk]),
    Row("issuer_detail", PROPOSED_BY_OTHER_FUND, args=lambda w: [w.extra["proposed_issuer"].pk]),
    Row("issuer_merge", members(FORBIDDEN, secretariat=OK), args=lambda w: [w.extra["issuer"].pk]),
    Row("exchange_rates", members(OK)),
    Row(
        "exchange_rates",
        members(FORBIDDEN, secretariat=REDIRECT),
        method="post",
        data=lambda w: {"rates": "2024-12-31,USD,1.04"},
    ),
    Row("snapshot_list", members(OK)),
    Row("snapshot_detail", FUND_A_ONLY, args=lambda w: [w.extra["snapshot"].pk]),
    Row("snapshot_positions", FUND_A_ONLY, args=lambda w: [w.extra["snapshot"].pk]),
    Row(
        "snapshot_positions",
        FUND_A_ONLY,
        args=lambda w: [w.extra["snapshot"].pk],
        query="status=review",
    ),
    Row("snapshot_compare", FUND_A_ONLY, args=lambda w: [w.extra["snapshot"].pk]),
    Row(
        "snapshot_compare",
        members(HIDDEN),
        args=lambda w: [w.extra["snapshot"].pk],
        query="with=999999",
    ),
    Row("snapshot_review", FUND_A_ONLY, args=lambda w: [w.extra["snapshot"].pk]),
    Row(
        "review_decide",
        {**FUND_A_ONLY, "fund_viewer": FORBIDDEN, "fund_editor": REDIRECT, "fund_admin": REDIRECT},
        method="post",
        args=lambda w: [w.extra["snapshot"].pk, 1],
        data=lambda w: {"decision": "confirm", "issuer": w.extra["issuer"].pk},
    ),
    Row("holdings_import", members(FORBIDDEN, fund_editor=OK, fund_admin=OK, other_fund=OK)),
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
        args=lambda w: [w.extra["queued_job"].pk],
        data=lambda w: {"cancel": "1"},
    ),
    Row(
        "import_job_detail",
        {**FUND_A_ONLY, "fund_viewer": FORBIDDEN, "fund_editor": REDIRECT, "fund_admin": REDIRECT},
        method="post",
        args=lambda w: [w.extra["failed_job"].pk],
        data=lambda w: {"retry": "1"},
    ),
    Row("api:list_snapshots", members(OK)),
    Row("api:get_snapshot", FUND_A_ONLY, args=lambda w: [w.extra["snapshot"].pk]),
    Row("api:list_positions", FUND_A_ONLY, args=lambda w: [w.extra["snapshot"].pk]),
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
    Row("api:list_issuers", members(OK)),
    Row("api:get_issuer", members(OK), args=lambda w: [w.extra["issuer"].pk]),
    Row("api:get_issuer", PROPOSED_BY_OTHER_FUND, args=lambda w: [w.extra["proposed_issuer"].pk]),
]
