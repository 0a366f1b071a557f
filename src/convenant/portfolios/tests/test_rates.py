"""The secretariat keeps the exchange-rate table, by hand or from files such as the ECB's
reference-rate history; bad lines and cells are named and nothing is saved."""

import datetime
import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from convenant.core.errors import ActionError
from convenant.core.models import AuditEvent
from convenant.core.testing import World
from convenant.portfolios.actions import set_exchange_rates
from convenant.portfolios.actions.rates import RatesRejected, load_exchange_rates, parse_rates
from convenant.portfolios.models import ExchangeRate


def test_rates_are_saved_and_corrected_with_an_audit_trail(world: World) -> None:
    by = world.users["secretariat"]
    set_exchange_rates(by=by, rates=parse_rates("date;currency;rate\n2024-12-31;USD;1,0389\n"))
    set_exchange_rates(by=by, rates=parse_rates("2024-12-31,USD,1.04\n2024-12-31,GBP,0.83\n"))
    assert ExchangeRate.objects.get(currency="USD").units_per_eur == Decimal("1.04")
    last = AuditEvent.objects.filter(verb="portfolios.set_exchange_rates").first()
    assert last is not None and last.after["corrected"][0]["before"] == "1.03890000"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-13-01,USD,1.0", "line 1, date"),
        ("2024-12-31,XYZ,1.0", "ISO 4217"),
        ("2024-12-31,USD,100000000000", "positive"),  # beyond what the table holds
        ("2024-12-31,USD,-1", "positive"),
        ("2024-12-31,USD,abc", "positive"),
        ("2024-12-31,USD", "expected date, currency and rate"),
        ("", "No rates"),
        (f"{datetime.date.today() + datetime.timedelta(days=2)},USD,1.1", "future"),
    ],
)
def test_bad_lines_are_named(text: str, message: str) -> None:
    with pytest.raises(ActionError, match=message):
        parse_rates(text)


def test_euro_needs_no_rate_and_only_the_secretariat_sets_rates(world: World) -> None:
    rates = [(datetime.date(2024, 12, 31), "USD", Decimal("1.04"))]
    with pytest.raises(ActionError, match="reference currency"):
        set_exchange_rates(
            by=world.users["secretariat"], rates=[(datetime.date(2024, 12, 31), "EUR", Decimal(1))]
        )
    for actor in ("fund_admin", "union"):
        with pytest.raises(PermissionDenied):
            set_exchange_rates(by=world.users[actor], rates=rates)
    assert not ExchangeRate.objects.exists()


def test_rates_page_shows_the_error_and_keeps_the_table(world: World) -> None:
    client = Client()
    client.cookies["convenant_language"] = "en"
    client.force_login(world.users["secretariat"])
    response = client.post("/exchange-rates/", {"rates": "2024-12-31,USD,1.04\nbad,USD,1"})
    assert response.status_code == 200 and "line 2, date" in response.content.decode()
    assert not ExchangeRate.objects.exists()


# --- Rate files: the ECB's history as published, and the long layout ---------------------

SAMPLE = Path(__file__).parent / "fixtures" / "eurofxref-hist-sample.csv"
# Cells with a value: 29 days × 41 columns less the N/A cells; 36 currencies have a rate.
SAMPLE_RATES = 986


def _upload(text: str, name: str = "eurofxref-hist.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_the_ecb_history_loads_as_published(world: World) -> None:
    # Given the ECB's layout: a trailing empty column, N/A cells, CYP until the euro came
    text = SAMPLE.read_text()
    assert text.splitlines()[0].endswith(",") and "N/A" in text
    # When the secretariat loads it
    report = load_exchange_rates(
        by=world.users["secretariat"], data=text.encode(), filename=SAMPLE.name
    )
    # Then every rate with a value is in the table, and N/A is no rate
    assert (report.layout, report.read, report.added) == ("ecb", SAMPLE_RATES, SAMPLE_RATES)
    assert ExchangeRate.objects.count() == SAMPLE_RATES
    assert len(report.currencies) == 36 and "CYP" in report.currencies
    assert (report.first_date, report.last_date) == (date(2007, 12, 13), date(2008, 1, 25))
    cyp = ExchangeRate.objects.filter(currency="CYP")
    assert cyp.filter(date=date(2007, 12, 31)).exists()
    assert not cyp.filter(date__gte=date(2008, 1, 1)).exists()
    usd = ExchangeRate.objects.get(currency="USD", date=date(2008, 1, 25))
    assert usd.units_per_eur == Decimal("1.1151")
    event = AuditEvent.objects.get(verb="portfolios.load_exchange_rates")
    assert event.actor == world.users["secretariat"] and event.after["added"] == SAMPLE_RATES


def test_loading_again_changes_nothing_and_a_changed_value_is_corrected(world: World) -> None:
    by = world.users["secretariat"]
    text = SAMPLE.read_text()
    load_exchange_rates(by=by, data=text.encode(), filename=SAMPLE.name)
    # When the same file comes again
    again = load_exchange_rates(by=by, data=text.encode(), filename=SAMPLE.name)
    assert (again.added, again.corrected, again.unchanged) == (0, 0, SAMPLE_RATES)
    # When the ECB corrects one value (USD of the newest day)
    corrected = text.replace("2008-01-25,1.1151,", "2008-01-25,1.1160,", 1)
    report = load_exchange_rates(by=by, data=corrected.encode(), filename=SAMPLE.name)
    # Then that one is corrected, with its old value in the audit trail
    assert (report.added, report.corrected) == (0, 1)
    usd = ExchangeRate.objects.get(currency="USD", date=date(2008, 1, 25))
    assert usd.units_per_eur == Decimal("1.1160")
    event = AuditEvent.objects.filter(verb="portfolios.load_exchange_rates").first()
    assert event is not None and event.after["corrections"] == [
        {"currency": "USD", "date": "2008-01-25", "before": "1.11510000", "after": "1.11600000"}
    ]


def _broken(old: str, new: str) -> str:
    text = SAMPLE.read_text()
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_broken("2008-01-25,1.1151,", "2008-01-25,abc,"), "line 2, column USD: “abc” is not"),
        (_broken("2008-01-24,1.1141,132.75", "2008-01-24,1.1141,-1"), "line 3, column JPY: “-1”"),
        (_broken("2008-01-23,", "2008-13-23,"), "line 4, column Date: “2008-13-23” is not a date"),
        (_broken("2008-01-23,", "2008-01-24,"), "line 4, column Date: 2008-01-24 is already on"),
        (_broken("2008-01-23,", "2999-01-23,"), "line 4, column Date: 2999-01-23 lies in the"),
        (_broken("Date,USD,JPY", "Date,USX,JPY"), "line 1, column 2: “USX” is not an ISO 4217"),
        (_broken("Date,USD,JPY", "Date,USD,USD"), "line 1, column 3: “USD” comes twice"),
        (_broken("Date,USD,JPY", "Date,EUR,JPY"), "the euro is the reference currency"),
        (
            _broken("12.298,\n", "12.298,1.5\n"),
            "line 2, column 43: “1.5” is under no currency heading",
        ),
    ],
)
def test_a_bad_cell_is_named_with_line_column_and_value_and_nothing_is_written(
    world: World, text: str, message: str
) -> None:
    with pytest.raises(RatesRejected, match=message):
        load_exchange_rates(by=world.users["secretariat"], data=text.encode(), filename="x.csv")
    assert not ExchangeRate.objects.exists()
    assert not AuditEvent.objects.filter(verb="portfolios.load_exchange_rates").exists()


def test_the_long_layout_and_withdrawn_currencies_load_from_a_file(world: World) -> None:
    text = "date,currency,rate\n2007-12-31,CYP,0.5853\n2024-12-31,BGN,1.9558\n2024-12-31,USD,1.04\n"
    # A heading with a trailing comma is still the long layout, not the ECB's
    text = text.replace("rate\n", "rate,\n", 1)
    report = load_exchange_rates(by=world.users["secretariat"], data=text.encode(), filename="r")
    assert (report.layout, report.added) == ("long", 3)
    with pytest.raises(RatesRejected, match="line 3: USD on 2024-12-31 is already on line 2"):
        parse_rates("date,currency,rate\n2024-12-31,USD,1.04\n2024-12-31,USD,1.05\n")


def test_the_ecb_zip_loads_and_only_the_secretariat_loads_files(world: World) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(SAMPLE, "eurofxref-hist.csv")
    for actor in ("fund_admin", "union"):
        with pytest.raises(PermissionDenied):
            load_exchange_rates(by=world.users[actor], data=buffer.getvalue(), filename="h.zip")
    report = load_exchange_rates(
        by=world.users["secretariat"], data=buffer.getvalue(), filename="eurofxref-hist.zip"
    )
    assert report.read == SAMPLE_RATES
    with pytest.raises(ActionError, match="cannot be opened"):
        load_exchange_rates(by=None, data=b"PK\x03\x04broken", filename="h.zip")


def test_load_rates_command_runs_as_convenant_or_as_a_named_person(
    world: World, tmp_path: Path
) -> None:
    # As convenant itself (recorded as system)
    out = io.StringIO()
    call_command("load_rates", str(SAMPLE), stdout=out)
    assert f"{SAMPLE_RATES:,} rates of 36 currencies" in out.getvalue()
    event = AuditEvent.objects.get(verb="portfolios.load_exchange_rates")
    assert event.actor is None
    # On behalf of the secretariat, not of a fund
    call_command("load_rates", str(SAMPLE), "--by", world.users["secretariat"].email, stdout=out)
    assert AuditEvent.objects.filter(actor=world.users["secretariat"]).exists()
    with pytest.raises(CommandError, match="may not keep the exchange rates"):
        call_command("load_rates", str(SAMPLE), "--by", world.users["fund_admin"].email)
    # A bad cell: named on stderr, nothing loaded
    bad = tmp_path / "bad.csv"
    bad.write_text(_broken("2008-01-25,1.1151,", "2008-01-25,x,"))
    err = io.StringIO()
    ExchangeRate.objects.all().delete()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_rates", str(bad), stderr=err)
    assert "line 2, column USD: “x”" in err.getvalue() and not ExchangeRate.objects.exists()


def test_the_api_loads_a_file_for_the_secretariat(world: World) -> None:
    client = Client()
    client.cookies["convenant_language"] = "en"
    client.force_login(world.users["secretariat"])
    response = client.post("/api/v1/exchange-rates", {"file": _upload(SAMPLE.read_text())})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["layout"], body["rates"], body["added"]) == ("ecb", SAMPLE_RATES, SAMPLE_RATES)
    assert body["first_date"] == "2007-12-13" and "CYP" in body["currencies"]
    bad = _broken("2008-01-25,1.1151,", "2008-01-25,abc,")
    response = client.post("/api/v1/exchange-rates", {"file": _upload(bad)})
    assert response.status_code == 400
    assert any("line 2, column USD" in p for p in response.json()["problems"])
    client.force_login(world.users["fund_admin"])
    response = client.post("/api/v1/exchange-rates", {"file": _upload(SAMPLE.read_text())})
    assert response.status_code == 403
    assert ExchangeRate.objects.count() == SAMPLE_RATES


def test_the_rates_page_loads_a_file_and_shows_its_errors(world: World) -> None:
    client = Client()
    client.cookies["convenant_language"] = "en"
    client.force_login(world.users["secretariat"])
    bad = _broken("2008-01-24,1.1141,", "2008-01-24,1.1141.5,")
    response = client.post("/exchange-rates/", {"file": _upload(bad), "upload": "1"})
    assert response.status_code == 200
    assert "line 3, column JPY" not in response.content.decode()
    assert "line 3, column USD: “1.1141.5”" in response.content.decode()
    assert not ExchangeRate.objects.exists()
    response = client.post("/exchange-rates/", {"file": _upload(SAMPLE.read_text())}, follow=True)
    assert f"{SAMPLE_RATES} rates of 36 currencies loaded" in response.content.decode()
    assert ExchangeRate.objects.count() == SAMPLE_RATES
    # A Dutch reader is told in Dutch
    client.cookies["convenant_language"] = "nl"
    response = client.post("/exchange-rates/", {"file": _upload(bad), "upload": "1"})
    assert "regel 3, kolom USD: “1.1141.5” is geen positief getal" in response.content.decode()
    client.cookies["convenant_language"] = "en"
    # Without a file, the upload form says so (the paste form is left alone)
    response = client.post("/exchange-rates/", {"upload": "1"})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
