"""The page that shows a fund what changed in its ranking from one methodology edition to
the next."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from convenant.core import access
from convenant.portfolios.models import Issuer, Snapshot
from convenant.risk.editions import compare, loaded_editions
from convenant.risk.models import RiskResult, Theme
from convenant.risk.reasons import describe

MOVED_SHOWN = 100


@login_required
def snapshot_editions(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = access.get_visible_or_404(
        Snapshot.objects.select_related("fund"), request.user, pk=pk
    )
    editions = loaded_editions()
    newer = request.GET.get("to", "")
    newer = newer if newer in editions else (editions[0] if editions else "")
    older_choices = [e for e in editions if e < newer]
    older = request.GET.get("from", "")
    older = older if older in older_choices else (older_choices[0] if older_choices else "")
    comparison = compare(snapshot.pk, older, newer) if older and newer else None
    labels = dict(RiskResult.Priority.choices)
    names = {t.key: str(t) for t in Theme.objects.in_force()}
    moved = []
    if comparison is not None:
        shown = comparison.moved()[:MOVED_SHOWN]
        issuers = Issuer.objects.visible_to(request.user).in_bulk([i for i, _o, _n in shown])
        for issuer_id, old, new in shown:
            moved.append(
                {
                    "issuer": issuers.get(issuer_id),
                    "old": old,
                    "new": new,
                    "old_label": labels[_level(old.rank)] if old else "—",
                    "new_label": labels[_level(new.rank)] if new else "—",
                    "old_theme": names.get(old.theme, old.theme) if old else "",
                    "new_theme": names.get(new.theme, new.theme) if new else "",
                    "old_reasons": [describe(r) for r in old.reasons] if old else [],
                    "new_reasons": [describe(r) for r in new.reasons] if new else [],
                    "up": (new.rank if new else 0) > (old.rank if old else 0),
                }
            )
    return render(
        request,
        "risk/snapshot_editions.html",
        {
            "snapshot": snapshot,
            "editions": editions,
            "older": older,
            "newer": newer,
            "older_choices": older_choices,
            "comparison": comparison,
            "levels": [labels[level] for level in reversed(RiskResult.Priority.values)],
            "matrix": [(labels[level], cells, total) for level, cells, total in comparison.matrix]
            if comparison
            else [],
            "totals": list(
                zip(
                    [labels[level] for level, _n in comparison.totals(0)],
                    [n for _l, n in comparison.totals(0)],
                    [n for _l, n in comparison.totals(1)],
                    strict=True,
                )
            )
            if comparison
            else [],
            "moved": moved,
            "moved_count": len(comparison.moved()) if comparison else 0,
            "shown": MOVED_SHOWN,
        },
    )


def _level(rank: int) -> str:
    return ("low", "medium", "high", "very-high")[rank - 1]
