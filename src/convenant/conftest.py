"""Fixtures shared by every app's tests."""

from collections.abc import Iterator

import pytest
from django.utils import translation

from convenant.core.testing import World, build_world


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    """Actions called directly raise their messages in English; requests still follow the
    middleware (Dutch unless the language cookie says otherwise)."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(db: None) -> World:
    return build_world()
