from typing import Any

from django import template

from convenant.risk.reasons import describe

register = template.Library()


@register.filter
def reason_text(reason: dict[str, Any]) -> str:
    return describe(reason)
