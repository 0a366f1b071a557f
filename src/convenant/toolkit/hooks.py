"""What toolkit adds to the rest of the product (registrations in core's registries)."""

from __future__ import annotations


def register() -> None:
    from convenant.toolkit import hooks_assessment, hooks_texts

    hooks_texts.register()
    hooks_assessment.register()
