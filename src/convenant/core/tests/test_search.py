"""Global search finds by full text (Dutch and English) and by name fragments, and only
ever among what the person may see."""

from django.test import Client

from convenant.core.search import search
from convenant.core.testing import World


def titles(groups: list) -> set[str]:
    return {hit.title for group in groups for hit in group.hits}


def test_finds_parties_by_compound_fragment_and_by_stemmed_words(world: World) -> None:
    world.other_fund.description = "We protect the rights of workers in supply chains."
    world.other_fund.save()
    world.union.description = "Wij beschermen de rechten van werknemers in toeleveringsketens."
    world.union.save()
    assert "Pensioenfonds Alfa" in titles(search(None, "pensioen"))
    assert "Vakbond Gamma" in titles(search(None, "werknemer"))  # Dutch stemming
    assert "Pensioenfonds Beta" in titles(search(None, "worker right"))  # English stemming


def test_people_are_found_only_where_the_policy_allows(world: World) -> None:
    assert "Target Person" not in titles(search(None, "Target"))
    assert "Target Person" not in titles(search(world.users["other_fund"], "Target"))
    assert "Target Person" not in titles(search(world.users["union"], "target@example.org"))
    assert "Target Person" in titles(search(world.users["fund_viewer"], "Target"))
    assert "Target Person" in titles(search(world.users["secretariat"], "Target"))


def test_counts_do_not_leak_hidden_rows(world: World) -> None:
    groups = search(world.users["other_fund"], "example.org")
    people = [g for g in groups if str(g.label) in {"People", "Personen"}]
    assert people and people[0].total == 1  # only themselves


def test_search_page_and_htmx_partial(world: World) -> None:
    client = Client()
    page = client.get("/search/?q=Alfa")
    assert page.status_code == 200 and "Pensioenfonds Alfa" in page.content.decode()
    partial = client.get("/search/?q=Alfa", HTTP_HX_REQUEST="true")
    assert (
        "<html" not in partial.content.decode() and "Pensioenfonds Alfa" in partial.content.decode()
    )
    assert client.get("/search/?q=" + "x" * 5000).status_code == 200
