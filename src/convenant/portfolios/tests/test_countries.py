"""Countries as holdings lists write them: every ISO 3166 country in five languages, the
shipped common forms, codes, and forms that name two countries (left out, never guessed)."""

import time

import pycountry
import pytest
from anyascii import anyascii

from convenant.portfolios import countries
from convenant.portfolios.countries import (
    LANGUAGES,
    build_lookup,
    common_forms,
    country_code,
    country_name,
    fold,
    pycountry_names,
)
from convenant.portfolios.identifiers import country_code as country_code_from_identifiers


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_country_comes_back_from_its_name_in_each_language(language: str) -> None:
    # Given every name, official and common name pycountry has for the language
    wrong = []
    for name, code in pycountry_names(language):
        # When it is written as is, without diacritics, and in upper case
        for form in (name, anyascii(name), name.upper(), f"  {anyascii(name).upper()} "):
            expected = None if fold(form) in countries.ambiguous() else code
            if country_code(form) != expected:
                wrong.append((form, code, country_code(form)))
    # Then each comes back to its code (or to nothing when the form is ambiguous)
    assert not wrong, wrong[:20]


def test_every_country_by_its_alpha2_and_alpha3_code_in_any_case() -> None:
    for country in pycountry.countries:
        for form in (country.alpha_2, country.alpha_3, country.alpha_3.lower()):
            assert country_code(form) == country.alpha_2, form


def test_every_common_form_in_the_shipped_list_comes_back_to_its_code() -> None:
    forms = common_forms()
    assert len(forms) > 150 and {language for *_x, language in forms} == set(LANGUAGES)
    for form, code, _language in forms:
        if fold(form) in countries.ambiguous():
            continue
        assert country_code(form) == code, form
        assert country_code(anyascii(form).upper()) == code, form


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Verenigde Staten", "US"),
        ("VS", "US"),
        ("U.S.A.", "US"),
        ("Zuid-Korea", "KR"),
        ("zuid korea", "KR"),
        ("Korea", "KR"),  # the conventional choice: the Republic of Korea
        ("South Korea", "KR"),
        ("Noord-Korea", "KP"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Turkije", "TR"),
        ("Türkei", "TR"),
        ("Ivory Coast", "CI"),
        ("Côte d’Ivoire", "CI"),
        ("COTE D IVOIRE", "CI"),
        ("Ivoorkust", "CI"),
        ("Hong Kong", "HK"),
        ("Hongkong", "HK"),
        ("Taiwan", "TW"),
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("Engeland", "GB"),
        ("Holland", "NL"),
        ("Russia", "RU"),
        ("Rusland", "RU"),
        ("Czech Republic", "CZ"),
        ("Tsjechië", "CZ"),
        ("Tsjechie", "CZ"),
        ("Macau", "MO"),
        ("Kaaimaneilanden", "KY"),
        ("Cayman Islands", "KY"),
        ("Australie", "AU"),
        ("Brazilië", "BR"),
        ("EE. UU.", "US"),
        ("Myanmar (Burma)", "MM"),
        ("Kosovo", "XK"),
        ("XK", "XK"),
        ("nld", "NL"),
        ("Congo, Dem. Rep.", "CD"),
        ("Congo-Brazzaville", "CG"),
    ],
)
def test_forms_seen_in_real_files(text: str, code: str) -> None:
    assert country_code(text) == code


@pytest.mark.parametrize(
    "text", ["Atlantis", "XX", "ZZZ", "", "  ", "-", "n/a", "N.A.", "#N/A", "Europe"]
)
def test_unknown_text_gives_none(text: str) -> None:
    assert country_code(text) is None


def test_a_form_that_names_two_countries_is_left_out() -> None:
    # Given "Congo": ISO's English name of the Republic (CG), the Democratic Republic in Dutch
    assert countries.ambiguous()["congo"] == {"CG", "CD"}
    # Then it is not guessed; the unambiguous forms of both still work
    assert country_code("Congo") is None
    assert country_code("Democratische Republiek Congo") == "CD"
    assert country_code("Republic of the Congo") == "CG"
    # And the rule holds for any two sources that disagree, whatever their order
    for entries in ([("Georgië", "GE"), ("Georgie", "US")], [("Georgie", "US"), ("Georgië", "GE")]):
        lookup = build_lookup([*entries, ("Georgia", "GE")])
        assert "georgie" not in lookup.codes and lookup.ambiguous["georgie"] == {"GE", "US"}
        assert lookup.codes["georgia"] == "GE"


def test_no_shipped_common_form_contradicts_pycountry_except_the_documented_ones() -> None:
    # A contradiction drops the form: only those documented in the list may do so.
    documented = {fold(form) for form, *_rest in common_forms() if form == "Congo"}
    assert set(countries.ambiguous()) == documented


def test_identifiers_module_delegates_to_countries() -> None:
    assert country_code_from_identifiers("Zuid-Korea") == "KR"


def test_the_lookup_is_fast_for_many_distinct_values() -> None:
    values = [f"{name} {i}" for i in range(20) for name, _code in pycountry_names("nl")]
    started = time.perf_counter()
    for value in values:
        country_code(value)
    assert time.perf_counter() - started < 1.0, len(values)


@pytest.mark.parametrize(
    ("code", "language", "name"),
    [
        ("KR", "nl", "Zuid-Korea"),
        ("DE", "fr", "Allemagne"),
        ("NL", "en", "Netherlands"),
        ("CI", "de", "Côte d'Ivoire"),
        ("XK", "nl", "Kosovo"),
    ],
)
def test_country_names_for_pages(code: str, language: str, name: str) -> None:
    assert country_name(code, language) == name
