"""The signal list, its export and the API ask the database a fixed number of times, however
many signals a page holds — the per-field confidentiality check included."""

from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from convenant.core.testing import World
from convenant.signals.models import SignalAlert
from convenant.signals.tests.helpers import CHILD_ISIN, fund_holds, issuers, shared_signal


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_the_number_of_signals(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    issuers(world)  # the register first, so the holding matches the company
    fund_holds(world, "fund_editor", CHILD_ISIN, tmp_path)
    with django_capture_on_commit_callbacks(execute=True):  # alerts go out on commit
        shared_signal(world, level="restricted", named=[world.fund], title="Melding A")
    reader = Client()  # a named party, outside the handling team: the share check runs
    reader.force_login(world.users["fund_viewer"])
    urls = ["/signals/", "/signals/export.csv", "/api/v1/signals", "/api/v1/signal-alerts"]
    few = {url: _queries(reader, url) for url in urls}
    for number in range(6):
        with django_capture_on_commit_callbacks(execute=True):
            shared_signal(world, level="restricted", named=[world.fund], title=f"Melding {number}")
    many = {url: _queries(reader, url) for url in urls}
    assert SignalAlert.objects.filter(fund=world.fund).count() == 7  # the alerts are listed too
    assert many == few
