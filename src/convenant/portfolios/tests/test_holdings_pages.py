"""The holdings pages through the test client: upload as a background job (run eagerly
here), naming columns, rows in error, the rejected rows download, and that no other fund
(nor the secretariat) reaches a fund's imports."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from convenant.core.testing import World
from convenant.portfolios.models import (
    ExchangeRate,
    ImportJob,
    Issuer,
    IssuerIdentifier,
    Snapshot,
)

AS_OF = datetime.date(2024, 12, 31)


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks: Any) -> Any:
    """Jobs start on commit; the test's transaction never commits, so run them as queued."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def editor(world: World) -> Client:
    ExchangeRate.objects.create(currency="USD", date=AS_OF, units_per_eur=Decimal("1.04"))
    issuer = Issuer.objects.create(
        legal_name="Apple Inc.", country_of_incorporation="US", source=Issuer.Source.GLEIF
    )
    IssuerIdentifier.objects.create(issuer=issuer, scheme="isin", value="US0378331005")
    client = Client()
    client.cookies["convenant_language"] = "en"
    client.force_login(world.users["fund_editor"])
    return client


@pytest.fixture
def upload(run_jobs: Any) -> Any:
    def post(client: Client, content: str, name: str = "posities.csv", **extra: Any) -> Any:
        with run_jobs():
            return client.post(
                "/holdings/import/",
                {
                    "fund": extra.pop("fund"),
                    "as_of": AS_OF.isoformat(),
                    "file": SimpleUploadedFile(name, content.encode()),
                    **extra,
                },
            )

    return post


def job_page(client: Client, response: Any) -> Any:
    assert response.status_code == 302 and response["Location"].startswith("/holdings/jobs/")
    return client.get(response["Location"])


def test_upload_then_name_an_unknown_column(
    world: World, editor: Client, upload: Any, run_jobs: Any
) -> None:
    response = upload(
        editor, "Code;Omschr;Waarde x1;Valuta\nUS0378331005;Apple;104;USD\n", fund=world.fund.pk
    )
    page = job_page(editor, response)
    job = page.context["job"]
    assert job.status == ImportJob.Status.COLUMNS and "Market value" in job.message
    chosen = {name: field.initial for name, field in page.context["form"].fields.items()}
    chosen.update({"column_0": "isin", "column_2": "market_value"})
    with run_jobs():
        editor.post(f"/holdings/jobs/{job.pk}/", chosen)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.snapshot is not None
    assert job.snapshot.total_value_eur == Decimal("100.00")
    assert "Apple Inc." in editor.get(f"/holdings/{job.snapshot_id}/").content.decode()


def test_rows_in_error_are_listed_and_nothing_imported(
    world: World, editor: Client, upload: Any
) -> None:
    response = upload(
        editor, "ISIN;Naam;Marktwaarde;Valuta\nUS0378331006;Apple;104;USD\n", fund=world.fund.pk
    )
    page = job_page(editor, response)
    assert page.context["job"].status == ImportJob.Status.REJECTED
    assert page.context["errors"][0][:2] == [2, "ISIN"]
    assert not Snapshot.objects.exists()


def test_progress_part_for_htmx_and_partial_import_download(
    world: World, editor: Client, upload: Any
) -> None:
    content = "ISIN;Naam;Marktwaarde;Valuta\nUS0378331005;Apple;104;USD\nXX;Bad;1;EUR\n"
    response = upload(editor, content, fund=world.fund.pk, import_valid_rows="on")
    job = job_page(editor, response).context["job"]
    partial = editor.get(f"/holdings/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    assert (
        "<html" not in partial.content.decode()
        and "1 positions imported" in partial.content.decode()
    )
    download = editor.get(f"/holdings/jobs/{job.pk}/rejected/")
    body = b"".join(download.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert "XX" in body and "error" in body.splitlines()[0]
    stranger = Client()
    stranger.force_login(world.users["other_fund"])
    assert stranger.get(f"/holdings/jobs/{job.pk}/rejected/").status_code == 404
    assert stranger.get(f"/holdings/jobs/{job.pk}/").status_code == 404


def test_a_fund_cannot_import_for_another_fund(
    world: World, editor: Client, upload: Any, run_jobs: Any
) -> None:
    response = upload(
        editor, "ISIN;Marktwaarde;Valuta\nUS0378331005;104;USD\n", fund=world.other_fund.pk
    )
    assert response.status_code == 200 and response.context["form"].errors["fund"]
    assert not ImportJob.objects.exists()


def test_oversize_upload_is_refused_before_reading(
    world: World, editor: Client, upload: Any, settings: Any
) -> None:
    settings.HOLDINGS_MAX_BYTES = 10
    response = upload(
        editor,
        "ISIN;Marktwaarde;Valuta\nUS0378331005;104;USD\n",
        fund=world.fund.pk,
        capture=run_jobs,
    )
    assert response.status_code == 200 and "limit" in str(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


def test_naming_columns_refuses_unknown_fields_and_jobs_not_waiting(
    world: World, editor: Client, upload: Any
) -> None:
    from convenant.core.errors import ActionError
    from convenant.portfolios.actions import name_columns

    response = upload(
        editor, "Code;Omschr;Waarde x1;Valuta\nUS0378331005;Apple;104;USD\n", fund=world.fund.pk
    )
    job = job_page(editor, response).context["job"]
    with pytest.raises(ActionError, match="Unknown field: price"):
        name_columns(by=world.users["fund_editor"], job=job, columns={"Code": "price"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COLUMNS and job.columns is None
    ImportJob.objects.filter(pk=job.pk).update(outcome=ImportJob.Outcome.DONE)
    job.refresh_from_db()
    with pytest.raises(ActionError, match="not waiting for its columns"):
        name_columns(by=world.users["fund_editor"], job=job, columns={"Code": "isin"})


REJECTED_FILE = "ISIN;Naam;Marktwaarde;Valuta\nUS0378331005;Apple;104;USD\nXX;Bad;1;EUR\n"


def test_a_refused_file_imports_its_valid_rows_without_a_new_upload(
    world: World, editor: Client, upload: Any, run_jobs: Any
) -> None:
    page = job_page(editor, upload(editor, REJECTED_FILE, fund=world.fund.pk))
    job = page.context["job"]
    assert job.status == ImportJob.Status.REJECTED and not Snapshot.objects.exists()
    assert "Import the 1 valid row" in page.content.decode()
    viewer = Client()
    viewer.force_login(world.users["fund_viewer"])
    assert "Import the 1 valid row" not in viewer.get(f"/holdings/jobs/{job.pk}/").content.decode()
    assert viewer.post(f"/holdings/jobs/{job.pk}/", {"valid_rows": "1"}).status_code == 403
    with run_jobs():
        response = editor.post(f"/holdings/jobs/{job.pk}/", {"valid_rows": "1"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.import_valid_rows
    assert job.snapshot is not None and job.snapshot.positions_count == 1
    download = editor.get(f"/holdings/jobs/{job.pk}/rejected/")
    assert "XX" in b"".join(download.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    # Done once: a second request changes nothing and says why.
    again = editor.post(f"/holdings/jobs/{job.pk}/", {"valid_rows": "1"}, follow=True)
    assert "not refused for its rows" in again.content.decode()
    assert Snapshot.objects.count() == 1


def test_uploads_are_purged_after_their_retention(
    world: World, editor: Client, upload: Any, settings: Any
) -> None:
    from django.core.management import call_command

    from convenant.core.errors import ActionError
    from convenant.portfolios.actions import import_valid_rows, name_columns, purge_uploads
    from convenant.portfolios.actions.imports import rejected_path, stored_path

    settings.HOLDINGS_UPLOAD_RETENTION_DAYS = 7
    refused = job_page(editor, upload(editor, REJECTED_FILE, fund=world.fund.pk)).context["job"]
    partial = job_page(
        editor, upload(editor, REJECTED_FILE, fund=world.fund.pk, import_valid_rows="on")
    ).context["job"]
    waiting = job_page(
        editor, upload(editor, "Code;Omschr\nUS0378331005;Apple\n", fund=world.fund.pk)
    ).context["job"]
    files = [stored_path(refused), rejected_path(partial), stored_path(waiting)]
    assert all(path.exists() for path in files)
    six_days_on = refused.created_at + datetime.timedelta(days=6)
    assert purge_uploads(now=six_days_on) == 0
    assert all(path.exists() for path in files)
    ImportJob.objects.update(created_at=refused.created_at - datetime.timedelta(days=8))
    call_command("purge_uploads", stdout=(out := __import__("io").StringIO()))
    assert out.getvalue().startswith("3 file(s) older than 7 days deleted")
    assert not any(path.exists() for path in files)
    page = editor.get(f"/holdings/jobs/{refused.pk}/").content.decode()
    assert "Import the 1 valid row" not in page and "Upload a corrected file" in page
    with pytest.raises(ActionError, match="no longer kept"):
        import_valid_rows(by=world.users["fund_editor"], job=refused)
    with pytest.raises(ActionError, match="no longer kept"):
        name_columns(by=world.users["fund_editor"], job=waiting, columns={"Code": "isin"})
    refused.refresh_from_db()
    assert refused.status == ImportJob.Status.REJECTED


def test_a_queued_import_can_be_cancelled_from_its_page(world: World, editor: Client) -> None:
    """Given an upload whose job has not started (the worker has not picked it up), when the
    editor cancels it, then its run is cancelled and the page says so."""
    response = editor.post(
        "/holdings/import/",
        {
            "fund": world.fund.pk,
            "as_of": AS_OF.isoformat(),
            "file": SimpleUploadedFile("posities.csv", REJECTED_FILE.encode()),
        },
    )
    page = job_page(editor, response)
    job = page.context["job"]
    assert job.status == ImportJob.Status.QUEUED and "Cancel this import" in page.content.decode()
    viewer = Client()
    viewer.force_login(world.users["fund_viewer"])
    assert "Cancel this import" not in viewer.get(f"/holdings/jobs/{job.pk}/").content.decode()
    assert viewer.post(f"/holdings/jobs/{job.pk}/", {"cancel": "1"}).status_code == 403
    page = editor.post(f"/holdings/jobs/{job.pk}/", {"cancel": "1"}, follow=True)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED and job.job.state == "cancelled"
    assert "Cancelled by" in page.content.decode()
    again = editor.post(f"/holdings/jobs/{job.pk}/", {"cancel": "1"}, follow=True)
    assert "Only a job that has not started yet can be cancelled" in again.content.decode()


def test_a_failed_import_says_why_and_can_be_retried_while_its_file_is_kept(
    world: World, editor: Client, upload: Any, run_jobs: Any
) -> None:
    """Given a file whose import fails (a header without rows), the page shows the reason
    and a retry; once the file is corrected on disk the retry imports it; once the file is
    gone, the page and the action say it must be uploaded again."""
    from convenant.core.errors import ActionError
    from convenant.portfolios.actions import purge_uploads, retry_import
    from convenant.portfolios.actions.imports import stored_path

    page = job_page(editor, upload(editor, "ISIN;Naam;Marktwaarde;Valuta\n", fund=world.fund.pk))
    job = page.context["job"]
    assert job.status == ImportJob.Status.FAILED and job.job.state == "failed"
    assert "header but no rows" in job.status_message
    assert "header but no rows" in page.content.decode()
    assert "Try this import again" in page.content.decode()
    stored_path(job).write_text("ISIN;Naam;Marktwaarde;Valuta\nUS0378331005;Apple;104;USD\n")
    with run_jobs():
        editor.post(f"/holdings/jobs/{job.pk}/", {"retry": "1"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.snapshot is not None
    assert job.job.state == "succeeded" and job.job.attempts == 1

    failed = job_page(
        editor, upload(editor, "ISIN;Naam;Marktwaarde;Valuta\n", fund=world.fund.pk)
    ).context["job"]
    ImportJob.objects.filter(pk=failed.pk).update(
        created_at=failed.created_at - datetime.timedelta(days=30)
    )
    assert purge_uploads() == 1 and not stored_path(failed).exists()
    page = editor.get(f"/holdings/jobs/{failed.pk}/").content.decode()
    assert "Try this import again" not in page and "no longer kept" in page
    with pytest.raises(ActionError, match="no longer kept"):
        retry_import(by=world.users["fund_editor"], job=failed)
    assert ImportJob.objects.get(pk=failed.pk).status == ImportJob.Status.FAILED


def test_the_purge_keeps_files_of_queued_runs_and_deletes_cancelled_ones(
    world: World, editor: Client
) -> None:
    from convenant.portfolios.actions import cancel_import, purge_uploads
    from convenant.portfolios.actions.imports import stored_path

    def queued() -> ImportJob:
        response = editor.post(
            "/holdings/import/",
            {
                "fund": world.fund.pk,
                "as_of": AS_OF.isoformat(),
                "file": SimpleUploadedFile("posities.csv", REJECTED_FILE.encode()),
            },
        )
        return job_page(editor, response).context["job"]

    waiting, cancelled = queued(), queued()
    cancel_import(by=world.users["fund_editor"], job=cancelled)
    ImportJob.objects.update(created_at=waiting.created_at - datetime.timedelta(days=30))
    assert purge_uploads() == 1
    assert stored_path(waiting).exists() and not stored_path(cancelled).exists()


def test_an_import_whose_worker_died_out_of_attempts_ends_failed_and_can_be_retried(
    world: World, editor: Client, run_jobs: Any
) -> None:
    """Given an import whose run was claimed by a worker that then died on its last
    attempt, when the sweep finds its heartbeat silent, then the import is failed with a
    message (never left running), and the editor can try it again from its page."""
    from convenant.core.jobs import sweep_jobs
    from convenant.core.models import Job

    response = editor.post(
        "/holdings/import/",
        {
            "fund": world.fund.pk,
            "as_of": AS_OF.isoformat(),
            "file": SimpleUploadedFile("posities.csv", b"ISIN;Naam;Marktwaarde;Valuta\n"),
        },
    )
    job = job_page(editor, response).context["job"]
    long_ago = job.created_at - datetime.timedelta(hours=1)
    Job.objects.filter(pk=job.job_id).update(state="running", attempts=3, heartbeat_at=long_ago)
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.RUNNING
    assert sweep_jobs()["failed"] == 1
    page = editor.get(f"/holdings/jobs/{job.pk}/")
    job = page.context["job"]
    assert job.status == ImportJob.Status.FAILED and "stopped" in job.status_message
    assert "Try this import again" in page.content.decode()
    stored = job.job
    with run_jobs():
        editor.post(f"/holdings/jobs/{job.pk}/", {"retry": "1"})
    stored.refresh_from_db()
    # The file has a header but no rows: the retry runs and fails for that, with its reason.
    assert (stored.state, stored.attempts) == ("failed", 1) and "no rows" in stored.message


def test_the_currency_of_a_file_that_does_not_say_it_is_given_on_the_page(
    world: World, editor: Client, upload: Any
) -> None:
    """Given a file whose values carry no currency, when the editor gives USD on the upload
    page, then the values are converted from USD; a currency without rates is no choice."""
    page = editor.get("/holdings/import/")
    choices = [value for value, _label in page.context["form"].fields["currency"].choices]
    assert choices == ["", "EUR", "USD"]
    assert "Only when the file does not say it" in page.content.decode()
    job = job_page(
        editor,
        upload(editor, "Naam;Marktwaarde\nVoorbeeld BV;104\n", fund=world.fund.pk, currency="USD"),
    ).context["job"]
    assert (job.status, job.currency) == (ImportJob.Status.DONE, "USD")
    assert job.snapshot.total_value_eur == Decimal("100.00")
    done = editor.get(f"/holdings/jobs/{job.pk}/").content.decode()
    assert "converted at the exchange rates of 31 December 2024" in done
    refused = upload(editor, "Naam;Marktwaarde\nX BV;1\n", fund=world.fund.pk, currency="XYZ")
    assert refused.status_code == 200 and refused.context["form"].errors["currency"]
    assert ImportJob.objects.count() == 1


def test_columns_to_name_show_the_likely_candidates(
    world: World, editor: Client, upload: Any
) -> None:
    """Given a file without a recognised value column, the page asks for it and names the
    file's column that probably holds it, on the message and beside that column."""
    page = job_page(
        editor, upload(editor, "Omschr;Waarde x1;Valuta\nApple;104;USD\n", fund=world.fund.pk)
    )
    job = page.context["job"]
    assert job.status == ImportJob.Status.COLUMNS
    assert "Market value (perhaps “Waarde x1”)" in job.message
    assert job.report["likely"]["market_value"][0] == "Waarde x1"
    assert page.context["form"].fields["column_1"].help_text == "Perhaps: Market value"


def snapshot_with_lines(world: World, **fields: Any) -> Snapshot:
    """A snapshot with a company, a cash line and an FX forward, as an import writes them."""
    from convenant.portfolios.models import Position
    from convenant.portfolios.tests.matrix import positions

    snapshot = Snapshot.objects.create(
        fund=world.fund, as_of=AS_OF, source_name="lijst.csv", total_value_eur=3_000_000, **fields
    )
    positions(
        snapshot,
        (1, None, "Voorbeeld Staal B.V.", "new"),
        (2, None, "USD CASH", "other"),
        (3, None, "FX FWD EUR/USD", "other"),
    )
    Position.objects.filter(snapshot=snapshot, row=2).update(kind="cash", country="")
    Position.objects.filter(snapshot=snapshot, row=3).update(kind="fx", country="")
    return snapshot


def test_a_snapshot_shows_its_lines_that_are_not_companies_apart_and_its_rate_date(
    world: World, editor: Client
) -> None:
    snapshot = snapshot_with_lines(world, rate_date=datetime.date(2024, 12, 30))
    page = editor.get(f"/holdings/{snapshot.pk}/")
    assert [(kind, n) for kind, _label, n, _value in page.context["other_lines"]] == [
        ("cash", 1),
        ("fx", 1),
    ]
    assert [name for name, *_ in page.context["by_country"]] == ["Netherlands"]
    html = page.content.decode()
    assert "Cash and deposits" in html and "Currency forward" in html
    assert "converted at the exchange rates of 30 December 2024" in html
    assert "Partial" not in html
    cash = editor.get(f"/holdings/{snapshot.pk}/positions/", {"kind": "cash"})
    assert [p.row for p in cash.context["page"]] == [2]


def test_a_partial_snapshot_says_so_wherever_it_is_shown(world: World, editor: Client) -> None:
    snapshot = snapshot_with_lines(world, partial=True)
    for url in ("/holdings/", f"/holdings/{snapshot.pk}/", f"/holdings/{snapshot.pk}/positions/"):
        assert "Partial" in editor.get(url).content.decode(), url
    assert (
        "not the fund's current holdings"
        in editor.get(f"/holdings/{snapshot.pk}/").content.decode()
    )


def smaller_import(world: World) -> ImportJob:
    """An import that stopped because its file is much smaller than the previous snapshot."""
    from convenant.portfolios.actions.imports import stored_path

    job = ImportJob.objects.create(
        fund=world.fund,
        as_of=AS_OF,
        filename="deel.csv",
        stored_name="smaller-test.csv",
        created_by=world.users["fund_editor"],
        outcome=ImportJob.Outcome.SMALLER,
        message="This file holds 1 positions, much less than before.",
        report={
            "previous_as_of": "2024-11-30",
            "previous_count": 40,
            "previous_value": "4000000.00",
            "count": 1,
            "value": "100.00",
        },
    )
    stored_path(job).write_text("ISIN;Naam;Marktwaarde;Valuta\nUS0378331005;Apple;104;USD\n")
    return job


@pytest.mark.parametrize("button", ["complete", "partial"])
def test_a_much_smaller_file_is_imported_once_the_person_says_what_it_is(
    world: World, editor: Client, run_jobs: Any, button: str
) -> None:
    """Given an import stopped for its size, the page compares it with the previous snapshot
    and offers both answers (to editors only); the answer imports the file, as the fund's
    complete holdings or as a partial snapshot, and is asked only once."""
    job = smaller_import(world)
    page = editor.get(f"/holdings/jobs/{job.pk}/").content.decode()
    for shown in (
        "It is complete: import",
        "It is part of the holdings: import as partial",
        "Previous snapshot (30 November 2024)",
        "4,000,000.00",
    ):
        assert shown in page, shown
    viewer = Client()
    viewer.force_login(world.users["fund_viewer"])
    assert "It is complete" not in viewer.get(f"/holdings/jobs/{job.pk}/").content.decode()
    assert viewer.post(f"/holdings/jobs/{job.pk}/", {button: "1"}).status_code == 403
    with run_jobs():
        editor.post(f"/holdings/jobs/{job.pk}/", {button: "1"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.partial, job.size_confirmed) == (button == "partial", button == "complete")
    assert job.snapshot.partial == (button == "partial")
    done = editor.get(f"/holdings/jobs/{job.pk}/").content.decode()
    assert ("Kept as a partial snapshot" in done) == (button == "partial")
    again = editor.post(f"/holdings/jobs/{job.pk}/", {button: "1"}, follow=True)
    assert "not waiting for a decision on its size" in again.content.decode()
