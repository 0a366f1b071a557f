"""One date format per language (convenant.formats): day before month in English too, never
Django's American "Dec. 31, 2024" or a bare "2024-12-31" on a page."""

import datetime

import pytest
from django.utils import formats, translation

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
