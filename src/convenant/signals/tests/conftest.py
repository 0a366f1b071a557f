"""Signals offer the themes of the taxonomy edition in force, read from the database: every
test with a database gets the shipped taxonomy loaded, as an installation does."""

from __future__ import annotations

import pytest

from convenant.signals.tests.helpers import load_themes


@pytest.fixture(autouse=True)
def themes_in_force(request: pytest.FixtureRequest) -> None:
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if not marker and not names & {"db", "transactional_db", "world", "live_server"}:
        return
    transactional = names & {"transactional_db", "live_server"} or (
        marker is not None and marker.kwargs.get("transaction")
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    load_themes()
