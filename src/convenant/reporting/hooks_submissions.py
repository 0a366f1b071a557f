"""What reporting's submissions area adds to the rest of the product."""

from __future__ import annotations


def register() -> None:
    pass
