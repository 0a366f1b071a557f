"""What the deep track's communication area adds to the rest of the product."""

from __future__ import annotations


def register() -> None:
    pass
