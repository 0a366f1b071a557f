"""Issuer pages, API and search: a fund never learns of an issuer another fund's import
proposed; a merged duplicate redirects; only the secretariat merges."""

import pytest
from django.test import Client

from convenant.core.search import search
from convenant.core.testing import World
from convenant.portfolios.models import Issuer
from convenant.portfolios.tests.matrix import extend_world


@pytest.fixture
def issuers(world: World) -> World:
    extend_world(world)
    return world


def client_for(world: World, actor: str) -> Client:
    client = Client()
    client.force_login(world.users[actor])
    return client


@pytest.mark.parametrize(
    ("actor", "sees"),
    [("fund_admin", False), ("union", False), ("other_fund", True), ("secretariat", True)],
)
def test_proposed_issuer_is_only_visible_to_its_fund(
    issuers: World, actor: str, sees: bool
) -> None:
    client = client_for(issuers, actor)
    name = issuers.extra["proposed_issuer"].legal_name  # "Zilverreiger Beta Holding B.V."
    page = client.get("/issuers/?q=Beta+Holding").content.decode()
    api = client.get("/api/v1/issuers?q=Beta+Holding").json()
    found = [hit.title for g in search(issuers.users[actor], "Beta Holding") for hit in g.hits]
    assert (name in page) is sees
    assert (api["count"] == 1) is sees
    assert (name in found) is sees


def test_merged_duplicate_redirects_to_the_survivor(issuers: World) -> None:
    survivor = issuers.extra["issuer"]
    client = client_for(issuers, "secretariat")
    duplicate = Issuer.objects.create(
        legal_name="Referentie Oud", country_of_incorporation="NL", source=Issuer.Source.SECRETARIAT
    )
    response = client.post(f"/issuers/{survivor.pk}/merge/", {"duplicate": duplicate.pk})
    assert response.status_code == 302
    page = client.get(f"/issuers/{duplicate.pk}/")
    assert page.status_code == 302 and page["Location"] == f"/issuers/{survivor.pk}/"
    assert client.get(f"/api/v1/issuers/{duplicate.pk}").json()["id"] == survivor.pk
    again = client.post(f"/issuers/{survivor.pk}/merge/", {"duplicate": survivor.pk})
    assert (
        again.status_code == 200 and "cannot be merged into itself" in again.content.decode()
    ) or "niet met zichzelf" in again.content.decode()


def test_merging_an_unknown_number_says_so(issuers: World) -> None:
    client = client_for(issuers, "secretariat")
    response = client.post(f"/issuers/{issuers.extra['issuer'].pk}/merge/", {"duplicate": 999999})
    assert response.status_code == 200 and response.context["form"].errors["duplicate"]


def test_classifications_sit_side_by_side(issuers: World) -> None:
    from django.db import IntegrityError, transaction

    from convenant.portfolios.models import IssuerClassification

    issuer = issuers.extra["issuer"]
    IssuerClassification.objects.create(
        issuer=issuer, scheme="GICS", code="151040", name="Metals & Mining"
    )
    IssuerClassification.objects.create(
        issuer=issuer, scheme="NACE", code="B07", name="Mining of metal ores"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        IssuerClassification.objects.create(issuer=issuer, scheme="NACE", code="C24")
    client = client_for(issuers, "fund_viewer")
    assert client.get(f"/api/v1/issuers/{issuer.pk}").json()["classifications"] == {
        "GICS": "151040",
        "NACE": "B07",
    }
    page = client.get(f"/issuers/{issuer.pk}/").content.decode()
    assert "NACE B07 Mining of metal ores" in page and "GICS 151040" in page
