"""A signal as one reader may see it: every redactable field passes ``Signal.shows``, so
pages, the export and the API show the same thing to the same person."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.utils.translation import gettext as _

from convenant.core.access import Actor
from convenant.signals.models import AffectedGroup, Channel, Signal
from convenant.signals.themes import theme_names


def reporter_label(signal: Signal) -> str:
    if signal.channel == Channel.ANONYMOUS:
        return _("Anonymous (public intake)")
    party = signal.reporting_party.name if signal.reporting_party else ""
    person = signal.reported_by.full_name if signal.reported_by else ""
    return f"{person} ({party})" if person else party


def readable(signal: Signal, actor: Actor, names: dict[str, str] | None = None) -> dict[str, Any]:
    """The fields this reader may see; a hidden one is None (shown as withheld). A list
    passes the theme names once (``theme_names()``), read from the database."""
    names = theme_names() if names is None else names
    shows = {
        field: signal.shows(field, actor)
        for field in ("reporter", "site", "people", "description", "sources", "attachments")
    }
    return {
        "signal": signal,
        "themes": [names.get(t, t) for t in signal.themes],
        "affected": [
            str(AffectedGroup(g).label) for g in signal.affected_groups if g in AffectedGroup.values
        ],
        "handler_name": signal.handler.full_name if signal.handler else "",
        "handling_party": signal.handling_party.name if signal.handling_party else "",
        "reporter": reporter_label(signal) if shows["reporter"] else None,
        "site": signal.site if shows["site"] else None,
        "people": signal.people if shows["people"] else None,
        "description": signal.description if shows["description"] else None,
        "account": signal.description if shows["description"] else signal.shared_summary,
        "sources": signal.sources if shows["sources"] else None,
        "attachments": list(signal.attachments.all()) if shows["attachments"] else None,
        "shows": shows,
    }


def fold(text: str) -> str:
    """Text for comparing and sorting whatever the accents and case: "Émile" sorts and
    matches as "emile" (no locale needed: NFKD, then the combining marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
