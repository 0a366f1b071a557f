"""Template context shared by every page."""

from typing import Any

from django.http import HttpRequest

from convenant.core import access
from convenant.core.navigation import nav_items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    actor = access.actor_for(getattr(request, "user", None))
    return {"actor": actor, "nav_items": nav_items_for(actor)}
