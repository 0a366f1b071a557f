"""The secretariat keeps the exchange-rate table; bad lines are named and nothing is saved."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from convenant.core.errors import ActionError
from convenant.core.models import AuditEvent
from convenant.core.testing import World
from convenant.portfolios.actions import set_exchange_rates
from convenant.portfolios.actions.rates import parse_rates
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
