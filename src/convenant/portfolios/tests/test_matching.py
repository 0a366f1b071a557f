"""The matcher, step by step, on a hand-built register."""

import pytest

from convenant.core.testing import World
from convenant.portfolios import actions
from convenant.portfolios.matching import Decision, Matcher, Method, Query, register_index
from convenant.portfolios.models import Issuer, IssuerAlias, IssuerIdentifier


@pytest.fixture
def register(world: World) -> dict[str, Issuer]:
    def issuer(name: str, country: str, lei: str | None = None, **kw: object) -> Issuer:
        return Issuer.objects.create(
            legal_name=name,
            country_of_incorporation=country,
            lei=lei,
            source=Issuer.Source.GLEIF,
            **kw,
        )

    made = {
        "apple": issuer("Apple Inc.", "US", "HWUPKR0MPOU8FGXBT394"),
        "ahold": issuer("Koninklijke Ahold Delhaize N.V.", "NL", "724500VKKSH9QOLTFR81"),
        "asml": issuer("ASML Holding N.V.", "NL"),
        "minera": issuer("Compañía Minera Andina S.A.", "PE"),
        "proposed": Issuer.objects.create(
            legal_name="Stille Vennoot B.V.",
            country_of_incorporation="NL",
            source=Issuer.Source.HOLDINGS,
            proposed_by_party=world.other_fund,
        ),
    }
    IssuerIdentifier.objects.create(issuer=made["apple"], scheme="isin", value="US0378331005")
    IssuerAlias.objects.create(
        issuer=made["ahold"], name="Ahold", country="NL", source=IssuerAlias.Source.MANUAL
    )
    return made


def match(fund: object, *queries: Query) -> list:
    """What that fund's import would match."""
    return Matcher.for_fund(fund).match(list(queries))


def test_each_step_in_order(world: World, register: dict[str, Issuer]) -> None:
    results = match(
        world.fund,
        Query(1, name="Something Else", isin="us0378331005"),
        Query(2, lei="724500VKKSH9QOLTFR81"),
        Query(3, name="AHOLD", country="NL"),
        Query(4, name="ASML HOLDING NV", country="NL"),
        Query(5, name="COMPANIA MINERA ANDIN", country="PE"),  # upper-case and cut short
        Query(6, name="Unknown Widgets Ltd", country="PE"),
        Query(7, name="", country="NL"),
        Query(8, name=" - ", country="NL"),
    )
    assert [(r.method, r.issuer_id) for r in results] == [
        (Method.ISIN, register["apple"].pk),
        (Method.LEI, register["ahold"].pk),
        (Method.ALIAS, register["ahold"].pk),
        (Method.NAME_COUNTRY, register["asml"].pk),
        (Method.FUZZY, register["minera"].pk),
        (Method.NONE, None),
        (Method.NONE, None),
        (Method.NONE, None),
    ]
    assert results[4].decision == Decision.MATCHED and results[4].confidence >= 92
    assert results[5].decision == Decision.NEW


def test_middling_similarity_goes_to_review(world: World, register: dict[str, Issuer]) -> None:
    [result] = match(world.fund, Query(1, name="Minera Andino", country="PE"))  # a letter off
    assert result.decision == Decision.REVIEW
    assert 80 <= result.confidence < 92 and result.issuer_id == register["minera"].pk


def test_thresholds_are_settings(world: World, register: dict[str, Issuer], settings) -> None:
    settings.MATCH_AUTO_THRESHOLD = 70
    [result] = match(world.fund, Query(1, name="Minera Andino", country="PE"))
    assert result.decision == Decision.MATCHED


def test_another_funds_proposed_issuer_is_never_matched(
    world: World, register: dict[str, Issuer]
) -> None:
    query = Query(1, name="STILLE VENNOOT BV", country="NL")
    [mine] = match(world.other_fund, query)
    [theirs] = match(world.fund, query)
    assert mine.issuer_id == register["proposed"].pk
    assert theirs.issuer_id is None and theirs.decision == Decision.NEW


def test_merged_duplicate_redirects_identifiers_and_names(
    world: World, register: dict[str, Issuer]
) -> None:
    duplicate = Issuer.objects.create(
        legal_name="Apple Computer Inc",
        country_of_incorporation="US",
        source=Issuer.Source.SECRETARIAT,
    )
    IssuerIdentifier.objects.create(issuer=duplicate, scheme="isin", value="US0378331013")
    actions.merge_issuers(
        by=world.users["secretariat"], duplicate=duplicate, into=register["apple"]
    )
    results = match(
        world.fund,
        Query(1, isin="US0378331013"),
        Query(2, name="APPLE COMPUTER INC", country="US"),
    )
    assert [r.issuer_id for r in results] == [register["apple"].pk] * 2
    assert [r.method for r in results] == [Method.ISIN, Method.ALIAS]


def issuers(*names_and_countries: tuple[str, str]) -> dict[str, Issuer]:
    return {
        name: Issuer.objects.create(
            legal_name=name, country_of_incorporation=country, source=Issuer.Source.GLEIF
        )
        for name, country in names_and_countries
    }


def test_the_country_is_evidence_not_a_wall(world: World) -> None:
    # Given a company incorporated in Ireland and listed in the US,
    made = issuers(("Medvale Devices plc", "IE"), ("Orlanto Foods N.V.", "NL"))
    medvale = made["Medvale Devices plc"].pk
    results = match(
        world.fund,
        # its exact name, unique in the register, matches whatever country the file gives;
        Query(1, name="MEDVALE DEVICES PLC", country="US"),
        # the listing country is understood as such;
        Query(2, name="MEDVALE DEVICES PLC", country="IE", listing_country="US"),
        # and a row without any country still matches.
        Query(3, name="Medvale Devices"),
        Query(4, name="ORLANTO FOODS NV-CL A"),
    )
    assert [(r.issuer_id, r.method, r.decision) for r in results] == [
        (medvale, Method.NAME, Decision.MATCHED),
        (medvale, Method.NAME_COUNTRY, Decision.MATCHED),
        (medvale, Method.NAME, Decision.MATCHED),
        (made["Orlanto Foods N.V."].pk, Method.NAME, Decision.MATCHED),
    ]


def test_one_name_in_two_countries_goes_to_the_rows_country_else_to_review(world: World) -> None:
    made = issuers(("Corvina Energy S.A.", "ES"), ("Corvina Energy Inc.", "US"))
    results = match(
        world.fund,
        Query(1, name="CORVINA ENERGY", country="ES"),
        Query(2, name="CORVINA ENERGY", listing_country="US"),
        Query(3, name="CORVINA ENERGY", country="BR"),
        Query(4, name="CORVINA ENERGY"),
    )
    assert [(r.issuer_id, r.decision) for r in results[:2]] == [
        (made["Corvina Energy S.A."].pk, Decision.MATCHED),
        (made["Corvina Energy Inc."].pk, Decision.MATCHED),
    ]
    assert [r.decision for r in results[2:]] == [Decision.REVIEW, Decision.REVIEW]


def test_a_fuzzy_candidate_in_another_country_is_suggested_not_accepted(world: World) -> None:
    made = issuers(("Kalmarvik Shipholding Technologies AB", "SE"))
    query = Query(1, name="KALMARVIK SHIPHOLDNG TECHNOLOGIES", country="NO")  # a typo
    [result] = match(world.fund, query)
    assert result.decision == Decision.REVIEW
    [candidate] = Matcher.for_fund(world.fund).candidates([query])[1]
    assert candidate.issuer_id == made["Kalmarvik Shipholding Technologies AB"].pk
    assert candidate.country == "SE" and candidate.country_differs
    # in its own country, the same typo is accepted
    [same] = match(world.fund, Query(1, name=query.name, country="SE"))
    assert same.decision == Decision.MATCHED


@pytest.mark.parametrize(
    ("held", "register_names"),
    [
        ("ANGLO AMERICAN PLC", ["Anglo American Platinum Limited"]),
        ("ANGLO AMERICAN PLATINUM LTD", ["Anglo American plc"]),
        ("MAHINDRA & MAHINDRA LTD", ["Mahindra & Mahindra Financial Services Limited"]),
        ("MAHINDRA & MAHINDRA FIN SVCS", ["Mahindra & Mahindra Limited"]),
        ("BANK OF INDIA", ["State Bank of India"]),
        ("STATE BANK OF INDIA", ["Bank of India"]),
        ("DEUTSCHE BAHN AG", ["Deutsche Bank AG"]),
        ("TOYOTA MOTOR CREDIT CORP", ["Toyota Motor Corporation"]),
        ("TOYOTA MOTOR CORP", ["Toyota Motor Credit Corporation"]),
        ("APPLE FINANCE LTD", ["Apple Inc."]),
    ],
)
def test_different_companies_stay_different(
    world: World, held: str, register_names: list[str]
) -> None:
    """The company held is not in the register, only a namesake: never matched to it."""
    issuers(*((name, "IN") for name in register_names))
    [result] = match(world.fund, Query(1, name=held, country="IN"))
    assert result.decision != Decision.MATCHED, result


def test_namesakes_side_by_side_each_find_their_own(world: World) -> None:
    made = issuers(
        ("Anglo American plc", "GB"),
        ("Anglo American Platinum Limited", "ZA"),
        ("Bank of India", "IN"),
        ("State Bank of India", "IN"),
        ("Toyota Motor Corporation", "JP"),
        ("Toyota Motor Credit Corporation", "US"),
    )
    results = match(
        world.fund,
        Query(1, name="ANGLO AMERICAN PLC", country="GB"),
        Query(2, name="ANGLO AMERICAN PLATINUM LTD", country="ZA"),
        Query(3, name="BANK OF INDIA", country="IN"),
        Query(4, name="STATE BANK OF INDIA", country="IN"),
        Query(5, name="TOYOTA MOTOR CORP", country="JP"),
        Query(6, name="TOYOTA MOTOR CREDIT CORP", country="US"),
    )
    assert [r.issuer_id for r in results] == [issuer.pk for issuer in made.values()]
    assert {r.decision for r in results} == {Decision.MATCHED}


def test_one_shared_ordinary_word_is_not_review_material(world: World) -> None:
    issuers(*((f"{word} Mining Ltd", "ZA") for word in ("Belcor", "Torvan", "Quilmar", "Ostra")))
    query = Query(1, name="ZANDERVELD MINING", country="ZA")
    [result] = match(world.fund, query)
    assert result.decision == Decision.NEW
    assert Matcher.for_fund(world.fund).candidates([query]) == {1: []}


def test_a_cut_name_that_starts_two_issuers_names_goes_to_review(world: World) -> None:
    made = issuers(
        ("Vanlorbeyor Wesvin Textiles N.V.", "NL"),
        ("Vanlorbeyor Wesvin Textiles Finance B.V.", "NL"),
    )
    # 28 characters, as custodians cut them: it may be either.
    [cut] = match(world.fund, Query(1, name="VANLORBEYOR WESVIN TEXTILES", country="NL"))
    assert cut.decision == Decision.REVIEW
    candidates = Matcher.for_fund(world.fund).candidates(
        [Query(1, name="VANLORBEYOR WESVIN TEXTILES", country="NL")]
    )[1]
    assert {c.issuer_id for c in candidates} == {i.pk for i in made.values()}
    # Written with its legal form it was not cut: the parent.
    [whole] = match(world.fund, Query(1, name="VANLORBEYOR WESVIN TEXTILES NV", country="NL"))
    assert (whole.issuer_id, whole.decision) == (
        made["Vanlorbeyor Wesvin Textiles N.V."].pk,
        Decision.MATCHED,
    )


def test_a_name_cut_inside_its_last_word_matches_the_one_it_starts(world: World) -> None:
    made = issuers(("Koninklijke Zandvoort Delfstoffen N.V.", "NL"), ("Zandvoort Bank N.V.", "NL"))
    [result] = match(world.fund, Query(1, name="KONINKLIJKE ZANDVOORT DELFST"))
    assert result.issuer_id == made["Koninklijke Zandvoort Delfstoffen N.V."].pk
    assert result.decision == Decision.MATCHED


def test_names_in_other_scripts_match_their_transliteration(world: World) -> None:
    made = issuers(("ПАО «Газпром»", "RU"), ("Εθνική Τράπεζα της Ελλάδος Α.Ε.", "GR"))
    results = match(
        world.fund,
        Query(1, name="GAZPROM PJSC", country="RU"),
        Query(2, name="ETHNIKI TRAPEZA TIS ELLADOS SA", country="GR"),
    )
    assert [r.issuer_id for r in results] == [i.pk for i in made.values()]


def test_candidates_best_first_with_their_countries(world: World) -> None:
    made = issuers(
        ("Oskvale Pharmaceuticals AG", "CH"),
        ("Oskvale Pharmaceuticals Holding AG", "CH"),
        ("Oskvale Foods AG", "CH"),
    )
    query = Query(1, name="OSKVALE PHARMACEUTICLS", country="CH")
    found = Matcher.for_fund(world.fund).candidates([query], limit=2)[1]
    assert len(found) == 2
    assert found[0].issuer_id == made["Oskvale Pharmaceuticals AG"].pk
    assert found[0].score >= found[1].score and found[0].country == "CH"
    # an identifier settles it, and says so
    IssuerIdentifier.objects.create(
        issuer=made["Oskvale Foods AG"], scheme="isin", value="CH0012005267"
    )
    [by_isin] = Matcher.for_fund(world.fund).candidates([Query(1, name="x", isin="CH0012005267")])[
        1
    ]
    assert (by_isin.issuer_id, by_isin.method, by_isin.country) == (
        made["Oskvale Foods AG"].pk,
        "isin",
        "CH",
    )


def test_the_register_index_is_kept_until_the_register_changes(world: World) -> None:
    issuers(("Brelmoor Cement plc", "GB"))
    register = Issuer.objects.unrestricted("test").in_register().current()
    first = register_index(register)
    assert register_index(register) is first  # kept between matchers
    issuers(("Brelmoor Cement Finance plc", "GB"))
    second = register_index(register)
    assert second is not first and second.size == first.size + 1
    [result] = match(world.fund, Query(1, name="BRELMOOR CEMENT FINANCE PLC", country="GB"))
    assert result.decision == Decision.MATCHED


def test_a_long_file_is_matched_in_chunks(world: World, monkeypatch) -> None:
    from convenant.portfolios import matching

    monkeypatch.setattr(matching, "CHUNK", 2)
    made = issuers(*((f"Ferrolux {word} Steel AG", "DE") for word in ("Nord", "Sud", "Ost")))
    results = match(
        world.fund,
        *(
            Query(i, name=f"FERROLUX {w} STEEL", country="DE")
            for i, w in enumerate(("NORD", "SUD", "OST"))
        ),
        Query(9, name="FERROLUX NORD STEL", country="DE"),
    )
    assert [r.decision for r in results] == [Decision.MATCHED] * 3 + [Decision.MATCHED]
    assert results[3].issuer_id == made["Ferrolux Nord Steel AG"].pk


def test_every_funds_matcher_shares_the_one_index_of_the_register(world: World) -> None:
    issuers(("Brelmoor Cement plc", "GB"))
    mine = Matcher.for_fund(world.fund).indexes()[0]
    assert Matcher.for_fund(world.other_fund).indexes()[0] is mine
    assert Matcher.for_register().indexes()[0] is mine


def test_a_short_name_cut_inside_a_word_and_a_typo_in_the_first_letters(world: World) -> None:
    made = issuers(
        ("Zanjor Rosis Textiles S.p.A.", "IT"),
        ("Zanjor Bank S.p.A.", "IT"),
        ("Fikeltor Retail Corp.", "JP"),
    )
    results = match(
        world.fund,
        Query(1, name="ZANJOR ROSIS T", country="IT"),  # 14 characters, cut inside a word
        Query(2, name="Fakeltor Retail Corp.", country="JP"),
    )
    assert [(r.issuer_id, r.decision) for r in results] == [
        (made["Zanjor Rosis Textiles S.p.A."].pk, Decision.MATCHED),
        (made["Fikeltor Retail Corp."].pk, Decision.MATCHED),
    ]
    # Cut at a word's end, a short name may be the whole name of another company.
    [whole] = match(world.fund, Query(1, name="ZANJOR ROSIS", country="IT"))
    assert whole.decision != Decision.MATCHED


def test_a_lei_record_gleif_annulled_or_marked_duplicate_is_no_candidate(
    world: World, register: dict[str, Issuer]
) -> None:
    # Given a record GLEIF annulled and one it marked a duplicate
    Issuer.objects.unrestricted("the test's register").create(
        legal_name="Vossenberg Mining N.V.",
        country_of_incorporation="NL",
        source=Issuer.Source.GLEIF,
        registration_status="ANNULLED",
    )
    Issuer.objects.unrestricted("the test's register").create(
        legal_name="Haverkamp Foods B.V.",
        country_of_incorporation="NL",
        source=Issuer.Source.GLEIF,
        registration_status="DUPLICATE",
    )
    # When a fund's file names them
    results = match(
        world.fund,
        Query(1, name="VOSSENBERG MINING NV", country="NL"),
        Query(2, name="Haverkamp Foods", country="NL"),
    )
    # Then neither record is matched or offered: new issuers are proposed instead
    assert [r.issuer_id for r in results] == [None, None]
