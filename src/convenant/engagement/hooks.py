"""What engagement adds to the rest of the product (registrations in core's registries)."""

from __future__ import annotations


def register() -> None:
    """Each area adds its registrations here."""
