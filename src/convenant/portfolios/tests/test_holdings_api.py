"""Uploading and reading holdings through the API, as a script with a personal token: the
upload answers 202 with its job, the import's outcome is read where the answer says."""

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from convenant.core.actions import create_api_token
from convenant.core.testing import World
from convenant.portfolios.models import ExchangeRate, ImportJob, Snapshot

GOOD = (
    "ISIN;Naam;Land;Marktwaarde;Valuta\n"
    ";Voorbeeld Staal BV;NL;1.000,00;EUR\n;Ander BV;NL;5,00;USD\n"
)


@pytest.fixture
def script(world: World) -> Client:
    ExchangeRate.objects.create(
        currency="USD", date=datetime.date(2024, 12, 31), units_per_eur=Decimal("1.25")
    )
    _token, plaintext = create_api_token(
        by=world.users["fund_editor"], name="nightly upload", access="write"
    )
    return Client(headers={"Authorization": f"Bearer {plaintext}"})


def post(client: Client, content: str, **fields: str):
    data = {
        "fund": "FA",
        "as_of": "2024-12-31",
        "file": SimpleUploadedFile("holdings.csv", content.encode()),
        **fields,
    }
    return client.post("/api/v1/snapshots", data)


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks: Any) -> Any:
    """Jobs start on commit; the test's transaction never commits, so run them as queued."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def imported(client: Client, run_jobs: Any, content: str, **fields: str) -> dict[str, Any]:
    """Upload, let the queued job run, and read the import's outcome where the 202 says."""
    with run_jobs():
        response = post(client, content, **fields)
    assert response.status_code == 202, response.content
    queued = response.json()
    assert response["Location"] == queued["job_url"] == f"/api/v1/jobs/{queued['job_id']}"
    assert queued["import_url"] == f"/api/v1/holdings-imports/{queued['import_id']}"
    return client.get(queued["import_url"]).json()


def test_upload_answers_202_with_the_job_then_the_outcome_is_read(
    world: World, script: Client, run_jobs: Any
) -> None:
    body = imported(script, run_jobs, GOOD)
    assert body["status"] == "done"
    assert (body["imported"], body["new"], body["rejected"]) == (2, 2, 0)
    job = script.get(f"/api/v1/jobs/{body['job_id']}").json()
    assert (job["state"], job["kind"], job["progress"]) == (
        "succeeded",
        "portfolios.import_holdings",
        1.0,
    )
    snapshot = script.get(f"/api/v1/snapshots/{body['snapshot_id']}").json()
    assert snapshot["fund"] == "FA" and Decimal(snapshot["total_value_eur"]) == Decimal("1004")
    positions = script.get(f"/api/v1/snapshots/{body['snapshot_id']}/positions?status=new").json()
    assert positions["count"] == 2


def test_the_request_only_queues_the_import(world: World, script: Client) -> None:
    """Without a worker (the test's transaction never commits) the answer still comes at
    once: the import waits for its job, nothing is imported in the request."""
    response = post(script, GOOD)
    assert response.status_code == 202
    body = script.get(response.json()["import_url"]).json()
    assert (body["status"], body["snapshot_id"]) == ("queued", None)
    assert script.get(response["Location"]).json()["state"] == "queued"
    assert not Snapshot.objects.exists()


def test_unknown_columns_give_the_headings_then_map_them(
    world: World, script: Client, run_jobs: Any
) -> None:
    content = "Omschr;Bedrag;Valuta\nVoorbeeld Staal BV;1;EUR\n"
    asked = imported(script, run_jobs, content)
    assert asked["status"] == "columns" and asked["snapshot_id"] is None
    assert asked["headings"] == ["Omschr", "Bedrag", "Valuta"]
    assert asked["missing"] == ["name"] and "kolom" in asked["message"]  # in Dutch, as asked
    done = imported(
        script,
        run_jobs,
        content,
        columns=json.dumps({"Omschr": "name", "Bedrag": "market_value"}),
    )
    assert done["status"] == "done" and done["imported"] == 1


def test_bad_rows_give_every_problem_and_import_nothing(
    world: World, script: Client, run_jobs: Any
) -> None:
    body = imported(script, run_jobs, "ISIN;Marktwaarde;Valuta\nUS0378331006;1;EUR\n;-3;EUR\n")
    assert body["status"] == "rejected" and body["rejected"] == 2
    assert [(p["line"], p["column"]) for p in body["problems"]] == [
        (2, "ISIN"),
        (3, "ISIN"),
        (3, "Marktwaarde"),
    ]
    assert not Snapshot.objects.exists()


def test_an_unreadable_file_ends_as_a_failed_job_with_its_reason(
    world: World, script: Client, run_jobs: Any
) -> None:
    body = imported(script, run_jobs, "ISIN;Marktwaarde;Valuta\n")
    assert body["status"] == "failed" and "geen rijen" in body["message"]  # Dutch, as asked
    job = script.get(body["job_url"]).json()
    assert job["state"] == "failed" and job["message"] == body["message"]


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"fund": "NOPE"}, 404),
        ({"columns": "[1, 2]"}, 409),
        ({"columns": json.dumps({"Omschr": "price"})}, 409),
        ({"as_of": "2999-01-01"}, 409),
        ({"as_of": "gisteren"}, 422),
    ],
)
def test_bad_requests_are_answered_at_once(
    world: World, script: Client, fields: dict[str, str], status: int
) -> None:
    assert post(script, GOOD, **fields).status_code == status
    assert not Snapshot.objects.exists() and not ImportJob.objects.exists()


def test_another_fund_reads_nothing(world: World, script: Client, run_jobs: Any) -> None:
    body = imported(script, run_jobs, GOOD)
    snapshot_id = body["snapshot_id"]
    _token, plaintext = create_api_token(by=world.users["other_fund"], name="s")
    other = Client(headers={"Authorization": f"Bearer {plaintext}"})
    assert other.get(f"/api/v1/holdings-imports/{body['id']}").status_code == 404
    assert other.get(f"/api/v1/jobs/{body['job_id']}").status_code == 404
    assert other.get("/api/v1/snapshots").json()["count"] == 0
    assert other.get(f"/api/v1/snapshots/{snapshot_id}").status_code == 404
    assert other.get(f"/api/v1/snapshots/{snapshot_id}/positions").status_code == 404


def test_the_files_currency_is_given_with_the_upload(
    world: World, script: Client, run_jobs: Any
) -> None:
    """Given a file whose values carry no currency, ``currency`` says it: 125 USD = 100 EUR."""
    body = imported(script, run_jobs, "Naam;Marktwaarde\nVoorbeeld Staal BV;125\n", currency="usd")
    assert (body["status"], body["currency"]) == ("done", "USD")
    assert body["rate_date"] == "2024-12-31"
    snapshot = script.get(f"/api/v1/snapshots/{body['snapshot_id']}").json()
    assert Decimal(snapshot["total_value_eur"]) == Decimal("100")
    assert snapshot["partial"] is False and "rate_date" in snapshot


@pytest.mark.parametrize(("currency", "status"), [("XYZ", 409), ("US", 422), ("EURO", 422)])
def test_a_currency_that_is_no_iso_code_is_refused_at_once(
    world: World, script: Client, currency: str, status: int
) -> None:
    response = post(script, GOOD, currency=currency)
    assert response.status_code == status
    if status == 409:
        assert "ISO 4217" in response.json()["detail"] or "valutacode" in response.json()["detail"]
    assert not ImportJob.objects.exists()


def test_columns_are_named_by_the_fields_labels_and_the_answer_gives_candidates(
    world: World, script: Client, run_jobs: Any
) -> None:
    content = "Omschrijving;Waarde x1;Valuta\nVoorbeeld Staal BV;1;EUR\n"
    asked = imported(script, run_jobs, content)
    assert asked["status"] == "columns" and asked["missing"] == ["market_value"]
    assert asked["likely"] == {"market_value": ["Waarde x1"]}
    assert asked["fields"]["market_value"] == "Marktwaarde"  # as the person reads them
    done = imported(script, run_jobs, content, columns=json.dumps({"Waarde x1": "Marktwaarde"}))
    assert done["status"] == "done" and done["imported"] == 1


def test_a_much_smaller_file_waits_for_the_answer_complete_or_partial(
    world: World, script: Client, run_jobs: Any
) -> None:
    """Given a fund's complete snapshot of three positions, a later file of one position
    stops as ``smaller`` with both sides; ``POST …/size`` with ``partial`` imports it as a
    partial snapshot; the answer is taken once."""
    three = "Naam;Land;Marktwaarde;Valuta\nA BV;NL;100;EUR\nB BV;NL;100;EUR\nC BV;NL;100;EUR\n"
    assert imported(script, run_jobs, three, as_of="2024-11-30")["status"] == "done"
    asked = imported(script, run_jobs, "Naam;Land;Marktwaarde;Valuta\nA BV;NL;100;EUR\n")
    assert asked["status"] == "smaller" and asked["snapshot_id"] is None
    assert asked["smaller"] == {
        "previous_as_of": "2024-11-30",
        "previous_count": 3,
        "previous_value": "300.00",
        "count": 1,
        "value": "100.00",
    }
    viewer = Client()
    viewer.force_login(world.users["fund_viewer"])
    url = f"/api/v1/holdings-imports/{asked['id']}/size"
    assert viewer.post(url, {"partial": True}, content_type="application/json").status_code == 403
    with run_jobs():
        answered = script.post(url, {"partial": True}, content_type="application/json")
    assert answered.status_code == 202
    done = script.get(answered.json()["import_url"]).json()
    assert (done["status"], done["partial"]) == ("done", True)
    assert script.get(f"/api/v1/snapshots/{done['snapshot_id']}").json()["partial"] is True
    again = script.post(url, {"partial": False}, content_type="application/json")
    assert again.status_code == 409


def test_the_outcome_counts_lines_that_are_not_companies_and_says_what_was_left_out(
    world: World, script: Client, run_jobs: Any
) -> None:
    content = "Naam;Marktwaarde\nVoorbeeld Staal BV;100\nUSD CASH;10\nTotaal;110\n"
    body = imported(script, run_jobs, content, currency="EUR")
    assert (body["status"], body["imported"], body["other"]) == ("done", 2, 1)
    assert [line["line"] for line in body["skipped"]] == [4]
    assert body["rate_date"] is None  # every value was in euro
    kinds = script.get(f"/api/v1/snapshots/{body['snapshot_id']}/positions?kind=cash").json()
    assert [p["name"] for p in kinds["items"]] == ["USD CASH"]


def test_a_currency_that_no_longer_exists_is_taken_where_it_has_rates(
    world: World, script: Client, run_jobs: Any
) -> None:
    """ISO 4217 no longer lists the Cypriot pound, but the ECB's history has its rates: an old
    file in CYP imports."""
    ExchangeRate.objects.create(
        currency="CYP", date=datetime.date(2007, 12, 31), units_per_eur=Decimal("0.585274")
    )
    body = imported(
        script,
        run_jobs,
        "Naam;Marktwaarde\nVoorbeeld BV;58.527,40\n",
        as_of="2007-12-31",
        currency="CYP",
    )
    assert (body["status"], body["currency"]) == ("done", "CYP")
    assert (
        Decimal(script.get(f"/api/v1/snapshots/{body['snapshot_id']}").json()["total_value_eur"])
        == 100_000
    )
