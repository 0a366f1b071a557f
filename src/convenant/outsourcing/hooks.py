"""What outsourcing adds to the rest of the product (registrations in core's registries)."""

from __future__ import annotations


def register() -> None:
    from convenant.outsourcing import hooks_mandates, hooks_monitoring

    hooks_mandates.register()
    hooks_monitoring.register()
