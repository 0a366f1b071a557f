"""Template tags of two-factor authentication: the account page's section, and the
secretariat's reset link on a person's page (pages of other apps include them)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from convenant.core import access, two_factor

register = template.Library()


@register.inclusion_tag("core/two_factor/_account_section.html", takes_context=True)
def two_factor_section(context: Any) -> dict[str, Any]:
    user = context["request"].user
    recovery = two_factor.recovery_device(user)
    return {
        "enrolled": two_factor.app_device(user) is not None,
        "codes_left": recovery.token_set.count() if recovery is not None else 0,
        "required": two_factor.is_enforced() and two_factor.is_required(user),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def two_factor_reset_link(context: Any, person: Any) -> SafeString | str:
    """For the secretariat, on someone else's page: the way to reset their two-factor."""
    user = context["request"].user
    if person.pk == user.pk or not access.actor_for(user).is_secretariat:
        return ""
    return format_html(
        '<p><a href="{}">{}</a></p>',
        reverse("two_factor_reset", args=[person.pk]),
        _("Reset two-factor authentication"),
    )
