"""Words for the codes the holdings pages would otherwise print raw: how a position was
matched to an issuer, and a country's name instead of its ISO code."""

import datetime
from decimal import Decimal

from django import template
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from convenant.portfolios.countries import country_name

register = template.Library()


def _methods() -> dict[str, str]:
    # Built per call so the words follow the reader's language.
    return {
        "isin": _("by ISIN"),
        "lei": _("by LEI"),
        "alias": _("by a known alias"),
        "name_country": _("by name and country"),
        "name": _("by name"),
        "none": _("no match"),
        "confirmed": _("confirmed by hand"),
        "rejected": _("rejected by hand"),
    }


@register.simple_tag
def match_words(method: str, confidence: Decimal | float | None = None) -> str:
    """“by ISIN”, “by name, 95 % alike”, “no match” — never the stored code."""
    if method == "fuzzy":
        alike = number_format(round(Decimal(str(confidence or 0))))
        return _("by name, %(alike)s %% alike") % {"alike": alike}
    return _methods().get(method, method)


@register.filter
def country(code: str | None) -> str:
    """The country's name in the reader's language; an unknown code stays as it is."""
    return country_name(code) if code else ""


@register.filter
def iso_day(value: str | datetime.date | None) -> str:
    """A day kept as YYYY-MM-DD in an import's report, written as the reader's dates are."""
    if not value:
        return ""
    try:
        day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
    except ValueError:
        return str(value)
    return date_format(day)
