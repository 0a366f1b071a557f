"""The directory and the dashboard count parties the same way, or say what they count: the
dashboard counts the parties in the covenant today, the directory lists those that left too."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from convenant.core.testing import World
from convenant.parties.models import Party

pytestmark = pytest.mark.django_db


def test_the_directory_says_how_many_of_its_parties_the_dashboard_counts(world: World) -> None:
    world.other_fund.left_on = timezone.localdate() - datetime.timedelta(days=10)
    world.other_fund.departure = "left"
    world.other_fund.save(update_fields=["left_on", "departure"])
    client = Client()
    client.cookies["convenant_language"] = "en"
    client.force_login(world.users["secretariat"])

    directory = client.get("/parties/")
    dashboard = client.get("/dashboard/")

    listed, today = directory.context["total"], directory.context["in_covenant"]
    # Both funds that left (this one and the world's "Pensioenfonds Oud") listed, not counted.
    assert (listed, today) == (Party.objects.count(), Party.objects.count() - 2)
    [figures] = [c for _t, c in dashboard.context["panels"] if "active_parties" in c]
    assert figures["active_parties"] == today
    html = directory.content.decode()
    assert f"{listed} parties ({today} in the covenant today)" in html
    assert "pension funds in the covenant today, with" in html
    assert "parties in the covenant today" in dashboard.content.decode()
    # Listing only the parties in the covenant, the two figures are the same and said once.
    active = client.get("/parties/", {"status": "active"})
    assert active.context["total"] == active.context["in_covenant"] == today
    assert "in the covenant today)" not in active.content.decode()
