"""Template context shared by every page."""

from typing import Any

from django.http import HttpRequest

from convenant.core import access
from convenant.core.navigation import nav_groups_for, nav_items_for


def limits(request: HttpRequest) -> dict[str, Any]:
    """Text limits for fields written by hand in a template (``maxlength`` and the hint)."""
    from convenant.core import limits as text_limits

    sizes = {name: getattr(text_limits, name) for name in ("LINE", "MESSAGE", "TEXT")}
    hints = {f"{name}_HINT": text_limits.hint(size) for name, size in sizes.items()}
    return {"limits": sizes | hints}


def navigation(request: HttpRequest) -> dict[str, Any]:
    actor = access.actor_for(getattr(request, "user", None))
    if getattr(request, "two_factor_pending", False):  # set by the two-factor middleware
        return {"actor": actor, "nav_items": [], "nav_groups": [], "two_factor_pending": True}
    return {
        "actor": actor,
        "nav_items": nav_items_for(actor),
        "nav_groups": nav_groups_for(actor),
    }
