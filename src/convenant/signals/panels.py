"""The signals panel on an issuer's page: the signals linked to the company (or to one of
its subsidiaries) that the reader may read, through ``SignalIssuer.visible_to`` — the same
policy as the signal list (DESIGN §5). A signal the reader may not read leaves no trace:
no row, no count, no hint that it exists. One query, whatever the number of signals."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from convenant.core import access
from convenant.core.panels import IssuerPanel
from convenant.portfolios.models import Issuer
from convenant.signals.models import SignalIssuer

LIMIT = 50  # the signal list has the rest, filtered by company


def issuer_signals(request: HttpRequest, issuer: Any) -> dict[str, Any] | None:
    if not access.actor_for(request.user).is_authenticated:
        return None
    subsidiaries = Issuer.objects.visible_to(request.user).filter(parent=issuer).values("pk")
    links = list(
        SignalIssuer.objects.visible_to(request.user)
        .filter(Q(issuer=issuer) | Q(issuer__in=subsidiaries), signal__merged_into__isnull=True)
        .select_related("signal", "issuer")
        .order_by("-signal__created_at", "-signal_id", "issuer_id")[: LIMIT * 2]
    )
    signals: dict[int, dict[str, Any]] = {}
    for link in links:  # a signal linked to the group and a subsidiary shows once
        row = signals.setdefault(link.signal_id, {"signal": link.signal, "about": []})
        if link.issuer_id != issuer.pk:
            row["about"].append(link.issuer.legal_name)
    return {"signals": list(signals.values())[:LIMIT], "limit": LIMIT}


PANEL = IssuerPanel(
    name="signals", order=30, context=issuer_signals, template="signals/panels/issuer_signals.html"
)
