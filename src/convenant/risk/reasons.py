"""A result's reasons in the reader's language. The methodology records each reason with a
key and its parameters (and an English text, kept for reproducibility); pages and exports
say it with these wordings. Edition 2026.2 names the country with the indicator's value and
meaning, the sector guidance that applies to the company's industry, the goods that connect
it to child or forced labour, and what drives the likelihood."""

from __future__ import annotations

import datetime
import functools
import json
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from convenant.portfolios.identifiers import country_name


def _wordings() -> dict[str, str]:
    return {
        "sector": _("inherent severity %(severity)s in the sector"),
        "sector_guidance": _(
            "%(sector)s — %(guidance)s: %(why)s Inherent severity %(severity)s of 4."
        ),
        "no_indicator": _(
            "Likelihood %(value)s of 4 (%(word)s): no country indicator speaks to this theme, "
            "so the methodology's default applies."
        ),
        "ituc_rating": _("ITUC rating %(rating)s"),
        "ituc": _("%(country)s — %(source)s: %(rating)s, %(meaning)s"),
        "ituc_not_rated": _(
            "%(country)s is not rated by the ITUC Global Rights Index: not rated is not low risk"
        ),
        "gsi_prevalence": _("modern slavery %(prevalence)s per 1,000 inhabitants"),
        "gsi": _(
            "%(country)s — %(source)s: %(prevalence)s people in modern slavery per 1,000 "
            "inhabitants"
        ),
        "gsi_not_rated": _("no Global Slavery Index estimate for %(country)s"),
        "goods_child_labour": _("%(goods)s listed for child labour in %(country)s"),
        "goods_forced_labour": _("%(goods)s listed for forced labour in %(country)s"),
        "goods_child_labour_sector": _(
            "%(goods)s: listed for child labour in %(country)s (%(source)s) — goods this "
            "sector produces or sources"
        ),
        "goods_forced_labour_sector": _(
            "%(goods)s: listed for forced labour in %(country)s (%(source)s) — goods this "
            "sector produces or sources"
        ),
        "not_ratified": _("ILO convention %(convention)s not ratified"),
        "not_ratified_country": _("%(country)s has not ratified ILO %(convention)s (%(title)s)"),
        "likelihood_context": _(
            "Potential impact: likelihood %(value)s of 4 (%(word)s) from the country and "
            "sector context, driven by %(driver)s. No company-specific evidence."
        ),
        "likelihood_evidence": _(
            "Likelihood %(value)s of 4: company-specific evidence, so this ranks above risks "
            "that come from the context alone."
        ),
        "likelihood_actual": _("Likelihood %(value)s of 4: an actual impact."),
        "signal": _("verified signal %(reference)s"),
        "signal_actual": _("verified signal %(reference)s (actual impact)"),
        "conduct_violation": _(
            "Conduct record (%(source)s, %(as_of)s): involved in a violation of the UN Global "
            "Compact or the OECD Guidelines on this theme — an actual impact."
        ),
        "conduct_violation_company": _(
            "Conduct record (%(source)s, %(as_of)s): involved in a violation of the UN Global "
            "Compact or the OECD Guidelines; the record names no theme, so it counts as "
            "evidence for each of the company's themes."
        ),
        "judged_actual": _("Your fund judged this an actual impact."),
        "compounding": _("several dimensions are high at once"),
    }


def ituc_meanings() -> dict[str, str]:
    """What each rating of the ITUC Global Rights Index stands for, as ITUC words it."""
    return {
        "1": _("sporadic violations of rights"),
        "2": _("repeated violations of rights"),
        "3": _("regular violations of rights"),
        "4": _("systematic violations of rights"),
        "5": _("no guarantee of rights"),
        "5+": _("no guarantee of rights due to the breakdown of the rule of law"),
    }


def ilo_titles() -> dict[str, str]:
    """The ILO fundamental instruments the methodology reads, by their titles."""
    return {
        "C029": _("Forced Labour Convention, 1930"),
        "C087": _(
            "Freedom of Association and Protection of the Right to Organise Convention, 1948"
        ),
        "C098": _("Right to Organise and Collective Bargaining Convention, 1949"),
        "C100": _("Equal Remuneration Convention, 1951"),
        "C105": _("Abolition of Forced Labour Convention, 1957"),
        "C111": _("Discrimination (Employment and Occupation) Convention, 1958"),
        "C138": _("Minimum Age Convention, 1973"),
        "C182": _("Worst Forms of Child Labour Convention, 1999"),
        "C155": _("Occupational Safety and Health Convention, 1981"),
        "C187": _("Promotional Framework for Occupational Safety and Health Convention, 2006"),
    }


def likelihood_words() -> dict[str, str]:
    return {
        "evidenced": _("evidenced"),
        "likely": _("likely"),
        "possible": _("possible"),
        "unlikely": _("unlikely"),
    }


def _drivers() -> dict[str, str]:
    return {
        "ituc": _("the ITUC rating"),
        "gsi": _("the prevalence of modern slavery"),
        "goods_child_labour": _("goods listed for child labour"),
        "goods_forced_labour": _("goods listed for forced labour"),
        "ituc_not_rated": _("a country the index does not rate"),
        "gsi_not_rated": _("a country the index does not rate"),
        "base": _("the methodology's base for this theme"),
        "default": _("the methodology's default"),
        "not_ratified": _("missing ILO ratifications"),
    }


def _driver(code: str) -> str:
    names = _drivers()
    parts = [names.get(part, part) for part in code.split("+") if part]
    return _(" and ").join(parts)


def _number(value: str) -> str:
    number = Decimal(value)
    places = 0 if number == number.to_integral_value() else 2
    return number_format(number, places)


def describe(reason: dict[str, Any]) -> str:
    """One reason as a sentence; a reason from an older edition without a key keeps its
    recorded English text."""
    return _described(get_language() or "", json.dumps(reason, sort_keys=True, default=str))


# The wording depends only on the reason and the language (the translations and number and
# date formats are fixed for a process), and a fund's risks page words the same few hundred
# reasons, of a few dozen kinds, on every visit: each is worded once per process.
@functools.lru_cache(maxsize=50_000)
def _described(language: str, reason_json: str) -> str:
    from convenant.risk.methodology import likelihood_word

    reason = json.loads(reason_json)
    key = reason.get("key", "")
    params = dict(reason.get("params") or {})
    # 2026.2's richer reasons keep their 2026.1 keys; they say more when they carry more.
    if key == "not_ratified" and "country" in params:
        key = "not_ratified_country"
    if key.startswith("goods_") and "source" in params:
        key = f"{key}_sector"
    wording = _wordings().get(key)
    if wording is None:
        return str(reason.get("text", ""))
    dutch = language != "en"
    try:
        if "country" in params:
            params["country"] = country_name(params["country"]) or params["country"]
        if "prevalence" in params:
            params["prevalence"] = number_format(Decimal(params["prevalence"]), 2)
        if key == "ituc":
            params["meaning"] = ituc_meanings().get(params["rating"], "")
        if key == "not_ratified_country":
            params["title"] = ilo_titles().get(params["convention"], params["convention"])
        if "value" in params:
            params["word"] = likelihood_words()[likelihood_word(Decimal(params["value"]))]
            params["value"] = _number(params["value"])
        if "driver" in params:
            params["driver"] = _driver(params["driver"])
        if "as_of" in params:
            params["as_of"] = date_format(datetime.date.fromisoformat(params["as_of"]))
        if key == "sector_guidance" and dutch:
            params.update(
                sector=params["sector_nl"], guidance=params["guidance_nl"], why=params["why_nl"]
            )
        return wording % params
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return str(reason.get("text", ""))
