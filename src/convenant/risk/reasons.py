"""A result's reasons in the reader's language. The methodology records each reason with a
key and its parameters (and an English text, kept for reproducibility); pages and exports
say it with these wordings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from convenant.portfolios.identifiers import country_name


def _wordings() -> dict[str, str]:
    return {
        "sector": _("inherent severity %(severity)s in the sector"),
        "no_indicator": _("no country indicator for this theme; default likelihood"),
        "ituc_rating": _("ITUC rating %(rating)s"),
        "ituc_not_rated": _(
            "%(country)s is not rated by the ITUC Global Rights Index: not rated is not low risk"
        ),
        "gsi_prevalence": _("modern slavery %(prevalence)s per 1,000 inhabitants"),
        "gsi_not_rated": _("no Global Slavery Index estimate for %(country)s"),
        "goods_child_labour": _("%(goods)s listed for child labour in %(country)s"),
        "goods_forced_labour": _("%(goods)s listed for forced labour in %(country)s"),
        "not_ratified": _("ILO convention %(convention)s not ratified"),
        "signal": _("verified signal %(reference)s"),
        "signal_actual": _("verified signal %(reference)s (actual impact)"),
        "compounding": _("several dimensions are high at once"),
    }


def describe(reason: dict[str, Any]) -> str:
    """One reason as a sentence; a reason from an older edition without a key keeps its
    recorded English text."""
    wording = _wordings().get(reason.get("key", ""))
    if wording is None:
        return str(reason.get("text", ""))
    params = dict(reason.get("params") or {})
    try:
        if "country" in params:
            params["country"] = country_name(params["country"]) or params["country"]
        if "prevalence" in params:
            params["prevalence"] = number_format(Decimal(params["prevalence"]), 2)
        return wording % params
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return str(reason.get("text", ""))
