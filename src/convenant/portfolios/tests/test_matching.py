"""The matcher, step by step, on a hand-built register."""

import pytest

from convenant.core.testing import World
from convenant.portfolios import actions
from convenant.portfolios.matching import Decision, Matcher, Method, Query
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
    )
    assert [(r.method, r.issuer_id) for r in results] == [
        (Method.ISIN, register["apple"].pk),
        (Method.LEI, register["ahold"].pk),
        (Method.ALIAS, register["ahold"].pk),
        (Method.NAME_COUNTRY, register["asml"].pk),
        (Method.FUZZY, register["minera"].pk),
        (Method.NONE, None),
        (Method.NONE, None),
    ]
    assert results[4].decision == Decision.MATCHED and results[4].confidence >= 92
    assert results[5].decision == Decision.NEW


def test_middling_similarity_goes_to_review(world: World, register: dict[str, Issuer]) -> None:
    [result] = match(world.fund, Query(1, name="Minera Andes Compania", country="PE"))
    assert result.decision == Decision.REVIEW
    assert 80 <= result.confidence < 92 and result.issuer_id == register["minera"].pk


def test_thresholds_are_settings(world: World, register: dict[str, Issuer], settings) -> None:
    settings.MATCH_AUTO_THRESHOLD = 70
    [result] = match(world.fund, Query(1, name="Minera Andes Compania", country="PE"))
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
