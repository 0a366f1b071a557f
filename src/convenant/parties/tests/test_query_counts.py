"""List pages and endpoints do not grow their number of queries with the number of rows."""

import datetime

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from convenant.core.testing import World
from convenant.parties.models import Party


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def add_funds(world: World, n: int) -> None:
    broad = world.covenant.tracks.get(code="broad")
    for i in range(n):
        party = Party.objects.create(
            covenant=world.covenant,
            constituency=world.fund.constituency,
            type=Party.Type.PENSION_FUND,
            name=f"Fonds {i}",
            slug=f"fonds-{i}",
            code=f"F{i}",
            joined_on=datetime.date(2019, 1, 1),
            invested_assets_eur=1_000_000,
        )
        party.tracks.set([broad])


def test_directory_dashboard_and_api_have_constant_query_counts(world: World) -> None:
    client = Client()
    client.force_login(world.users["secretariat"])
    urls = ["/parties/", "/api/v1/parties?limit=100", "/api/v1/people?limit=100", "/dashboard/"]
    before = [queries(client, url) for url in urls]
    add_funds(world, 30)
    after = [queries(client, url) for url in urls]
    assert before == after
