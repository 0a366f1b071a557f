"""Holdings lists as funds really publish them: headings that carry their currency, columns
known by other names, and the helpers the person uses to say which column holds what."""

import pytest

from convenant.portfolios.importing.columns import (
    field_named,
    heading_currency,
    likely_columns,
    recognise,
)

# --- Headings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "currency"),
    [
        ("Market Value(NOK)", "NOK"),
        ("Marktwaarde EUR", "EUR"),
        ("Bedrag in €", "EUR"),
        ("BelangEur", "EUR"),
        ("Value (USD)", "USD"),
        ("MV USD", "USD"),
        ("Waarde in euro", "EUR"),
        ("Fleur", None),  # “eur” inside a word is no currency
        ("Market value", None),
        ("Value EUR / USD", None),  # two currencies: the heading does not decide
    ],
)
def test_a_value_heading_says_its_currency(heading: str, currency: str | None) -> None:
    assert heading_currency(heading) == currency


@pytest.mark.parametrize(
    "heading", ["Market Value(NOK)", "Bedrag in €", "BelangEur", "Value (USD)", "MV USD"]
)
def test_a_value_heading_with_its_currency_is_the_market_value(heading: str) -> None:
    assert recognise(["Naam", heading]) == {"Naam": "name", heading: "market_value"}


def test_location_and_incorporation_country_are_the_country_and_listing_is_apart() -> None:
    assert recognise(["Name", "Location", "Value"])["Location"] == "country"
    assert recognise(["Name", "Incorporation Country", "Value"])["Incorporation Country"] == (
        "country"
    )
    found = recognise(["Name", "Exchange Country", "Value"])
    assert found["Exchange Country"] == "listing_country" and "country" not in found.values()
    assert recognise(["Naam", "Beurs land", "Waarde"])["Beurs land"] == "listing_country"


def test_of_several_value_columns_the_one_in_euro_is_chosen_else_none() -> None:
    found = recognise(["Name", "Market Value Local", "Market Value EUR"])
    assert found["Market Value EUR"] == "market_value" and "Market Value Local" not in found
    # Two plain value columns: nothing is guessed, the person is asked.
    assert "market_value" not in recognise(["Name", "Value", "Amount"]).values()


def test_a_market_currency_column_is_kept_as_the_currency_column() -> None:
    found = recognise(["Name", "Market Value(NOK)", "Market Currency"])
    assert found == {
        "Name": "name",
        "Market Value(NOK)": "market_value",
        "Market Currency": "currency",
    }


# --- Helpers for mapping -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("market_value", "market_value"),
        ("Market value", "market_value"),
        ("Marktwaarde", "market_value"),
        ("  MARKTWAARDE ", "market_value"),
        ("Valeur de marché", "market_value"),
        ("Valor de mercado", "market_value"),
        ("Land", "country"),
        ("Pays", "country"),
        ("Listing country", "listing_country"),
        ("Issuer or security name", "name"),
        ("Naam", "name"),
        ("asset class", "asset_class"),
        ("Aandelen", None),
        ("", None),
    ],
)
def test_a_field_is_found_by_its_key_or_its_label_in_the_persons_language(
    text: str, field: str | None
) -> None:
    assert field_named(text) == field


def test_likely_columns_name_the_candidates_for_a_missing_field_best_first() -> None:
    headings = ["Naam", "ISIN", "Incorporation Ctry", "Location", "Listing Country", "Value"]
    country = likely_columns(headings, "country")
    assert country[0] == "Location" and "Incorporation Ctry" in country
    assert country.index("Incorporation Ctry") < country.index("Listing Country")
    assert likely_columns(headings, "market_value")[0] == "Value"
    assert likely_columns(["Omschrijving", "Bedrag (x 1000)"], "market_value") == [
        "Bedrag (x 1000)"
    ]
    assert likely_columns(["Foo", "Bar"], "country") == []
