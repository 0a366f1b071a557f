"""Identifier check digits against real identifiers, country names to ISO codes, and name
normalisation."""

import pytest

from convenant.portfolios.identifiers import (
    country_code,
    is_valid_isin,
    is_valid_lei,
    isin_check_digit,
    isin_problem,
    lei_check_digits,
    lei_problem,
)
from convenant.portfolios.names import normalize_name

REAL_ISINS = ["US0378331005", "NL0010273215", "NL0011794037", "GB0002634946", "DE0007164600"]
REAL_LEIS = [
    "506700GE1G29325QX363",
    "5493001KJTIIGC8Y1R12",
    "529900T8BM49AURSDO55",
    "724500VKKSH9QOLTFR81",
    "HWUPKR0MPOU8FGXBT394",
]


@pytest.mark.parametrize("isin", REAL_ISINS)
def test_real_isins_are_valid_and_their_check_digit_is_recomputed(isin: str) -> None:
    assert is_valid_isin(isin)
    assert isin_check_digit(isin[:11]) == int(isin[11])
    assert isin_problem(isin) is None


@pytest.mark.parametrize("lei", REAL_LEIS)
def test_real_leis_are_valid_and_their_check_digits_are_recomputed(lei: str) -> None:
    assert is_valid_lei(lei)
    assert lei_check_digits(lei[:18]) == lei[18:]
    assert lei_problem(lei) is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("US0378331006", "check digit"),
        ("US037833100", "12 characters"),
        ("0S0378331005", "two letters"),
        ("", "12 characters"),
    ],
)
def test_bad_isins_say_what_is_wrong(value: str, problem: str) -> None:
    assert not is_valid_isin(value)
    assert problem in (isin_problem(value) or "")


def test_isin_prefix_rule_follows_iso_6166_as_stdnum_checks_it() -> None:
    # Given ISINs whose check digit is right: issuer-country and agency prefixes are ISINs,
    # two letters that are neither are not (stdnum's rule, adopted: a typo in the country
    # part is caught before matching).
    for prefix in ("XS", "EU", "NL", "KY"):
        body = f"{prefix}000000001"
        assert is_valid_isin(body + str(isin_check_digit(body))), prefix
    made_up = "AA000000001"
    made_up += str(isin_check_digit(made_up))
    assert not is_valid_isin(made_up)
    assert "“AA” does not begin an ISIN" in (isin_problem(made_up) or "")


def test_identifiers_are_read_in_any_case_and_with_spaces_around() -> None:
    assert is_valid_isin(" us0378331005 ") and isin_problem(" us0378331005 ") is None
    assert is_valid_lei(" 506700ge1g29325qx363") and lei_problem("506700ge1g29325qx363 ") is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("506700GE1G29325QX364", "check digits"),
        ("506700GE1G29325QX36", "20 characters"),
        ("506700GE1G29325QX3AB", "two check digits"),
    ],
)
def test_bad_leis_say_what_is_wrong(value: str, problem: str) -> None:
    assert not is_valid_lei(value)
    assert problem in (lei_problem(value) or "")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("NL", "NL"),
        ("NLD", "NL"),
        ("Netherlands", "NL"),
        ("Nederland", "NL"),
        ("Burma", "MM"),
        ("Myanmar", "MM"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Kyrgyz Republic", "KG"),
        ("Korea, Republic of", "KR"),
        ("South Korea", "KR"),
        ("united states", "US"),
        ("Verenigd Koninkrijk", "GB"),
        ("Atlantis", None),
        ("XX", None),
        ("", None),
    ],
)
def test_country_names_and_codes(name: str, code: str | None) -> None:
    assert country_code(name) == code


@pytest.mark.parametrize(
    ("name", "normalized"),
    [
        ("Koninklijke Ahold Delhaize N.V.", "KONINKLIJKE AHOLD DELHAIZE"),
        ("KONINKLIJKE AHOLD DELHAIZE NV", "KONINKLIJKE AHOLD DELHAIZE"),
        ("Nestlé S.A.", "NESTLE"),
        ("Procter & Gamble Co", "PROCTER AND GAMBLE"),
        ("  apple   inc. ", "APPLE"),
        ("N.V.", "NV"),
    ],
)
def test_normalized_names(name: str, normalized: str) -> None:
    assert normalize_name(name) == normalized
