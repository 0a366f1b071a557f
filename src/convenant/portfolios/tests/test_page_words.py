"""The holdings pages speak the reader's language: how a line was matched in words, not the
stored code ("fuzzy 95,0"), and countries by name, not ISO code."""

import datetime

import pytest
from django.test import Client

from convenant.core.testing import World
from convenant.portfolios.models import Issuer, Position, Snapshot
from convenant.portfolios.templatetags.holdings_words import country, match_words
from convenant.portfolios.tests.matrix import positions

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshot(world: World) -> Snapshot:
    snapshot = Snapshot.objects.create(
        fund=world.fund,
        as_of=datetime.date(2024, 12, 31),
        source_name="lijst.csv",
        total_value_eur=3_000_000,
    )
    issuer = Issuer.objects.create(
        legal_name="Voorbeeld Staal B.V.", country_of_incorporation="NL", source=Issuer.Source.GLEIF
    )
    positions(
        snapshot,
        (1, issuer, "Voorbeeld Staal B.V.", "matched"),
        (2, issuer, "Voorbeld Staal", "review"),
        (3, None, "Onbekend Bedrijf", "new"),
    )
    Position.objects.filter(snapshot=snapshot, row=1).update(
        match_method="isin", match_confidence=100
    )
    Position.objects.filter(snapshot=snapshot, row=2).update(
        match_method="fuzzy", match_confidence=95, country="DE"
    )
    Position.objects.filter(snapshot=snapshot, row=3).update(
        match_method="none", match_confidence=0
    )
    return snapshot


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["by ISIN", "by name, 95 % alike", "no match", "(Netherlands)", "(Germany)"]),
        (
            "nl",
            ["op ISIN", "op naam, 95 % gelijk", "geen overeenkomst", "(Nederland)", "(Duitsland)"],
        ),
    ],
)
def test_the_positions_list_says_how_each_line_was_matched_in_words(
    world: World, snapshot: Snapshot, language: str, words: list[str]
) -> None:
    client = Client()
    client.cookies["convenant_language"] = language
    client.force_login(world.users["fund_viewer"])
    html = client.get(f"/holdings/{snapshot.pk}/positions/").content.decode()
    for word in words:
        assert word in html
    for code in ("isin 100", "fuzzy 95", "none 0", "(NL)", "(DE)"):
        assert code not in html


def test_every_stored_method_has_words_and_unknown_codes_stay_readable() -> None:
    from django.utils import translation

    with translation.override("en"):
        assert match_words("name_country", 100) == "by name and country"
        assert match_words("confirmed", 100) == "confirmed by hand"
        assert match_words("fuzzy", 87.6) == "by name, 88 % alike"
        assert country("XK") == "Kosovo" and country("") == ""


@pytest.mark.parametrize(
    ("language", "shown"), [("en", "1,234 positions"), ("nl", "1.234 posities")]
)
def test_counts_of_positions_have_thousands_separators(
    world: World, snapshot: Snapshot, language: str, shown: str
) -> None:
    Position.objects.bulk_create(
        Position(
            snapshot=snapshot,
            row=row,
            name=f"Bedrijf {row}",
            currency="EUR",
            market_value=1_000,
            value_eur=1_000,
            status="new",
            match_method="none",
            match_confidence=0,
        )
        for row in range(4, 1235)
    )
    client = Client()
    client.cookies["convenant_language"] = language
    client.force_login(world.users["fund_viewer"])
    assert shown in client.get(f"/holdings/{snapshot.pk}/positions/").content.decode()
