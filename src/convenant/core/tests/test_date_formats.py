"""One date format per language (convenant.formats): day before month in English too, never
Django's American "Dec. 31, 2024" or a bare "2024-12-31" on a page."""

import datetime

import pytest
from django.test import Client
from django.utils import formats, translation

from convenant.core.testing import World

DAY = datetime.date(2024, 12, 31)
MOMENT = datetime.datetime(2024, 12, 31, 14, 5, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("language", "long", "short", "moment"),
    [
        ("nl", "31 december 2024", "31-12-2024", "31-12-2024 14:05"),
        ("en", "31 December 2024", "31/12/2024", "31/12/2024 14:05"),
    ],
)
def test_each_language_writes_dates_one_way(
    language: str, long: str, short: str, moment: str
) -> None:
    with translation.override(language):
        assert formats.date_format(DAY) == long
        assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == short
        assert formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT") == moment


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown"), [("nl", "31 december 2024"), ("en", "31 December 2024")]
)
def test_a_holdings_page_shows_its_date_in_the_readers_format(
    world: World, language: str, shown: str
) -> None:
    from convenant.portfolios.models import Snapshot

    snapshot = Snapshot.objects.create(
        fund=world.fund, as_of=DAY, source_name="lijst.csv", total_value_eur=1_000_000
    )
    client = Client()
    client.cookies["convenant_language"] = language
    client.force_login(world.users["fund_viewer"])
    html = client.get(f"/holdings/{snapshot.pk}/").content.decode()
    assert shown in html
    assert "Dec. 31, 2024" not in html and "2024-12-31" not in html
