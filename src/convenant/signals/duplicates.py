"""Possible duplicates of a signal: the same company (a linked issuer or the same name) and
at least one theme in common, with a similar account (rapidfuzz). Only among the signals
the handler may read, so the list never reveals another signal's existence."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from rapidfuzz import fuzz

from convenant.portfolios.names import normalize_name
from convenant.signals.models import Signal, State

MIN_SIMILARITY = 60.0


def similarity(a: Signal, b: Signal) -> float:
    text_a = f"{a.title} {a.description}"
    text_b = f"{b.title} {b.description}"
    return float(fuzz.token_set_ratio(text_a, text_b))


def possible_duplicates(signal: Signal, user: Any, limit: int = 10) -> list[tuple[Signal, float]]:
    issuers = list(signal.issuer_links.values_list("issuer_id", flat=True))
    name = normalize_name(signal.company_name)
    same_company = Q(issuer_links__issuer_id__in=issuers) if issuers else Q(pk__in=[])
    candidates = (
        Signal.objects.visible_to(user)
        .current()
        .exclude(pk=signal.pk)
        .exclude(state=State.DUPLICATE)
        .filter(themes__overlap=signal.themes)
        .filter(same_company | Q(company_name__iexact=signal.company_name))
        .distinct()[:200]
    )
    found = []
    for other in candidates:
        if not issuers and normalize_name(other.company_name) != name:
            continue
        score = similarity(signal, other)
        if score >= MIN_SIMILARITY:
            found.append((other, score))
    return sorted(found, key=lambda pair: -pair[1])[:limit]
