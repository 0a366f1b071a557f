"""The issuer page's panels: higher apps (risk, signals) add what they know about a company
to the page of the issuer register without portfolios importing them (DESIGN §4 hook
pattern, like the dashboard panels in ``navigation``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class IssuerPanel:
    """A block on an issuer's page. ``context(request, issuer)`` returns the template
    context, or None to hide the panel from this reader. The provider reads everything
    through ``visible_to(request.user)``; the page adds nothing to what it returns."""

    name: str
    order: int
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]
    template: str


_issuer_panels: dict[str, IssuerPanel] = {}


def register_issuer_panel(panel: IssuerPanel) -> None:
    _issuer_panels[panel.name] = panel


def issuer_panels(request: HttpRequest, issuer: Any) -> list[tuple[str, dict[str, Any]]]:
    """The panels shown to this reader, in order, as (template, context)."""
    shown = []
    for panel in sorted(_issuer_panels.values(), key=lambda p: (p.order, p.name)):
        context = panel.context(request, issuer)
        if context is not None:
            shown.append((panel.template, context))
    return shown


# A party's page: apps above parties (governance: the decisions that admitted or expelled it)
# add what they know about a party without parties importing them.
_party_panels: dict[str, IssuerPanel] = {}


def register_party_panel(panel: IssuerPanel) -> None:
    _party_panels[panel.name] = panel


def party_panels(request: HttpRequest, party: Any) -> list[tuple[str, dict[str, Any]]]:
    """The panels shown to this reader on a party's page, in order, as (template, context)."""
    shown = []
    for panel in sorted(_party_panels.values(), key=lambda p: (p.order, p.name)):
        context = panel.context(request, party)
        if context is not None:
            shown.append((panel.template, context))
    return shown
