"""What engagement adds to the rest of the product (registrations in core's registries)."""

from __future__ import annotations


def register() -> None:
    """Each area adds its registrations here."""
    from convenant.engagement import hooks_engagements

    hooks_engagements.register()
    from convenant.engagement import hooks_overviews

    hooks_overviews.register()
    from convenant.engagement import (
        hooks_cases,
        hooks_closure,
        hooks_communication,
        hooks_fieldwork,
        hooks_selection,
    )

    for area in (hooks_selection, hooks_cases, hooks_fieldwork, hooks_communication, hooks_closure):
        area.register()

    from convenant.core.demo import register_demo_loader
    from convenant.engagement import demo_deep_track

    # After the engagements (60): the cases' step B links engagements of their own.
    register_demo_loader("deep_track", demo_deep_track.load_and_describe, 62)
