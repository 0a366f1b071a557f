"""Uploading and reading holdings through the API, as a script with a personal token."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from convenant.core.actions import create_api_token
from convenant.core.testing import World
from convenant.portfolios.models import ExchangeRate, Snapshot

GOOD = (
    "ISIN;Naam;Land;Marktwaarde;Valuta\n"
    ";Voorbeeld Staal BV;NL;1.000,00;EUR\n;Ander BV;NL;5,00;USD\n"
)


@pytest.fixture
def script(world: World) -> Client:
    ExchangeRate.objects.create(
        currency="USD", date=datetime.date(2024, 12, 31), units_per_eur=Decimal("1.25")
    )
    _token, plaintext = create_api_token(by=world.users["fund_editor"], name="nightly upload")
    return Client(headers={"Authorization": f"Bearer {plaintext}"})


def post(client: Client, content: str, **fields: str):
    data = {
        "fund": "FA",
        "as_of": "2024-12-31",
        "file": SimpleUploadedFile("holdings.csv", content.encode()),
        **fields,
    }
    return client.post("/api/v1/snapshots", data)


def test_upload_then_read_snapshot_and_positions(world: World, script: Client) -> None:
    response = post(script, GOOD)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["imported"], body["new"], body["rejected"]) == (2, 2, 0)
    snapshot = script.get(f"/api/v1/snapshots/{body['snapshot_id']}").json()
    assert snapshot["fund"] == "FA" and Decimal(snapshot["total_value_eur"]) == Decimal("1004")
    positions = script.get(f"/api/v1/snapshots/{body['snapshot_id']}/positions?status=new").json()
    assert positions["count"] == 2


def test_unknown_columns_answer_400_with_the_headings_then_map_them(
    world: World, script: Client
) -> None:
    content = "Omschr;Bedrag;Valuta\nVoorbeeld Staal BV;1;EUR\n"
    asked = post(script, content)
    assert asked.status_code == 400
    assert asked.json()["headings"] == ["Omschr", "Bedrag", "Valuta"]
    done = post(script, content, columns=json.dumps({"Omschr": "name", "Bedrag": "market_value"}))
    assert done.status_code == 201


def test_bad_rows_answer_422_with_every_problem(world: World, script: Client) -> None:
    response = post(script, "ISIN;Marktwaarde;Valuta\nUS0378331006;1;EUR\n;-3;EUR\n")
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert [(p["line"], p["column"]) for p in problems] == [
        (2, "ISIN"),
        (3, "ISIN"),
        (3, "Marktwaarde"),
    ]
    assert not Snapshot.objects.exists()


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"fund": "NOPE"}, 404),
        ({"columns": "[1, 2]"}, 409),
        ({"as_of": "2999-01-01"}, 409),
        ({"as_of": "gisteren"}, 422),
    ],
)
def test_bad_requests(world: World, script: Client, fields: dict[str, str], status: int) -> None:
    assert post(script, GOOD, **fields).status_code == status
    assert not Snapshot.objects.exists()


def test_another_fund_reads_nothing(world: World, script: Client) -> None:
    snapshot_id = post(script, GOOD).json()["snapshot_id"]
    _token, plaintext = create_api_token(by=world.users["other_fund"], name="s")
    other = Client(headers={"Authorization": f"Bearer {plaintext}"})
    assert other.get("/api/v1/snapshots").json()["count"] == 0
    assert other.get(f"/api/v1/snapshots/{snapshot_id}").status_code == 404
    assert other.get(f"/api/v1/snapshots/{snapshot_id}/positions").status_code == 404
