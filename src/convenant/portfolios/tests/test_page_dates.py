"""A holdings page writes its date in the reader's format (convenant.formats), never
Django's American "Dec. 31, 2024" or a bare "2024-12-31"."""

import datetime

import pytest
from django.test import Client

from convenant.core.testing import World
from convenant.portfolios.models import Snapshot

DAY = datetime.date(2024, 12, 31)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown"), [("nl", "31 december 2024"), ("en", "31 December 2024")]
)
def test_a_holdings_page_shows_its_date_in_the_readers_format(
    world: World, language: str, shown: str
) -> None:
    snapshot = Snapshot.objects.create(
        fund=world.fund, as_of=DAY, source_name="lijst.csv", total_value_eur=1_000_000
    )
    client = Client()
    client.cookies["convenant_language"] = language
    client.force_login(world.users["fund_viewer"])
    html = client.get(f"/holdings/{snapshot.pk}/").content.decode()
    assert shown in html
    assert "Dec. 31, 2024" not in html and "2024-12-31" not in html
