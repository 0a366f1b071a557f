"""Fixtures shared by every app's tests."""

from collections.abc import Iterator

import pytest
from django.utils import translation

from convenant.core.testing import World, build_world


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium, shared by the browser tests of every app."""
    from convenant.core.tests.browser import launch

    yield from launch()


@pytest.fixture
def page(browser):
    from convenant.core.tests.browser import new_page

    yield from new_page(browser)


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    """Actions called directly raise their messages in English; requests still follow the
    middleware (Dutch unless the language cookie says otherwise)."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(db: None) -> World:
    return build_world()
