"""The holdings pages through the test client: upload, column mapping, rejected rows, and
that no other fund (nor the secretariat) reaches a fund's positions."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from convenant.core.testing import World
from convenant.portfolios.models import ExchangeRate, Issuer, IssuerIdentifier, Snapshot

AS_OF = datetime.date(2024, 12, 31)


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


def upload(client: Client, content: str, name: str = "posities.csv", **extra: object):
    return client.post(
        "/holdings/import/",
        {
            "upload": "1",
            "fund": extra.pop("fund"),
            "as_of": AS_OF.isoformat(),
            "file": SimpleUploadedFile(name, content.encode()),
            **extra,
        },
    )


def test_upload_then_map_an_unknown_column(world: World, editor: Client) -> None:
    response = upload(
        editor, "Code;Omschr;Bedrag;Valuta\nUS0378331005;Apple;104;USD\n", fund=world.fund.pk
    )
    assert response.status_code == 200 and b"map_columns" in response.content
    form = response.context["form"]
    chosen = {name: field.initial for name, field in form.fields.items()}
    chosen.update({"column_0": "isin", "column_2": "market_value"})
    done = editor.post("/holdings/import/", {"map_columns": "1", **chosen})
    snapshot = Snapshot.objects.get(fund=world.fund)
    assert done.status_code == 302 and done["Location"] == f"/holdings/{snapshot.pk}/"
    assert snapshot.total_value_eur == Decimal("100.00")
    page = editor.get(done["Location"]).content.decode()
    assert "Apple Inc." in page


def test_rows_in_error_are_listed_and_nothing_imported(world: World, editor: Client) -> None:
    response = upload(
        editor, "ISIN;Naam;Marktwaarde;Valuta\nUS0378331006;Apple;104;USD\n", fund=world.fund.pk
    )
    assert response.status_code == 200
    assert response.context["report"].errors[0][:2] == (2, "ISIN")
    assert not Snapshot.objects.exists()


def test_partial_import_offers_the_rejected_rows(world: World, editor: Client) -> None:
    content = "ISIN;Naam;Marktwaarde;Valuta\nUS0378331005;Apple;104;USD\nXX;Bad;1;EUR\n"
    response = upload(editor, content, fund=world.fund.pk, import_valid_rows="on")
    assert response.status_code == 302
    download = editor.get("/holdings/import/rejected-rows/")
    body = b"".join(download.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert "XX" in body and "error" in body.splitlines()[0]
    stranger = Client()
    stranger.force_login(world.users["other_fund"])
    assert stranger.get("/holdings/import/rejected-rows/").status_code == 404


def test_a_fund_cannot_import_for_another_fund(world: World, editor: Client) -> None:
    response = upload(
        editor, "ISIN;Marktwaarde;Valuta\nUS0378331005;104;USD\n", fund=world.other_fund.pk
    )
    assert response.status_code == 200 and response.context["form"].errors["fund"]
    assert not Snapshot.objects.exists()


def test_oversize_upload_is_refused_before_reading(world: World, editor: Client, settings) -> None:
    settings.HOLDINGS_MAX_BYTES = 10
    response = upload(editor, "ISIN;Marktwaarde;Valuta\nUS0378331005;104;USD\n", fund=world.fund.pk)
    assert response.status_code == 200 and "limit" in str(response.context["form"].errors["file"])
