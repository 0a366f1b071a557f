"""What the signals app plugs into core: navigation, dashboard panels, search, the demo
loader and audit verb names."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from convenant.core import navigation, search
from convenant.core.access import Actor
from convenant.core.audit import register_confidential_verbs, register_verbs
from convenant.core.demo import register_demo_loader


def _signals_panel(request: HttpRequest, actor: Actor) -> dict[str, Any] | None:
    """Signals this person may read, by state; the ones they handle that wait for them; the
    unread alerts of their funds. Every figure counts through visible_to."""
    from convenant.signals.models import Signal, SignalAlert, State

    if not actor.is_authenticated:
        return None
    visible = Signal.objects.visible_to(request.user)
    by_state = dict(visible.values_list("state").annotate(n=Count("pk")))
    from convenant.signals.views import WAITING_STATES

    # The same rows as the list behind the link (?waiting=1).
    waiting = (
        Signal.objects.visible_to(request.user)
        .handled_by(request.user)
        .filter(state__in=WAITING_STATES)
        .count()
    )
    unread = SignalAlert.objects.visible_to(request.user).filter(read_at__isnull=True).count()
    if not by_state and not unread and not actor.is_covenant_member:
        return None
    return {
        "total": sum(by_state.values()),
        "by_state": [(label, by_state.get(value, 0)) for value, label in State.choices],
        "waiting": waiting,
        "unread": unread,
        "has_funds": bool(actor.fund_ids),
    }


def _describe(signal: Any) -> str:
    return f"{signal.get_state_display()} · {signal.company_name}"


def register() -> None:
    from convenant.core.mail import register_email_purpose
    from convenant.signals import jobs as signal_jobs
    from convenant.signals.demo import load_demo_signals
    from convenant.signals.models import Signal

    signal_jobs.register()
    register_email_purpose("signals.alert", _("Signal alert to a fund holding the company"))
    register_demo_loader("signals", load_demo_signals, 50)
    navigation.register_nav_item(
        navigation.NavItem(_("Signals"), "signal_list", lambda a: a.is_authenticated, 50)
    )
    navigation.register_nav_item(
        navigation.NavItem(_("Signal alerts"), "signal_inbox", lambda a: bool(a.fund_ids), 51)
    )
    navigation.register_nav_item(
        navigation.NavItem(
            _("Report an abuse"), "signal_intake_start", lambda a: not a.is_authenticated, 52
        )
    )
    from convenant.core.panels import register_issuer_panel
    from convenant.signals.panels import PANEL as issuer_signals_panel

    register_issuer_panel(issuer_signals_panel)
    navigation.register_dashboard_panel(
        "signals", navigation.DashboardPanel("signals/panels/signals.html", _signals_panel, 30)
    )
    # Only the reference, title and company are searched: they are shown to everyone who
    # may read the signal, whereas a match in a redacted field would reveal its content.
    search.register_search(
        "signals",
        search.SearchTarget(
            model=Signal,
            label=_("Signals"),
            title_fields=("reference", "title", "company_name"),
            describe=_describe,
        ),
    )
    register_verbs(
        {
            "signals.submit_signal": _("Signal received"),
            "signals.change_state": _("Signal state changed"),
            "signals.assign_handler": _("Signal handler assigned"),
            "signals.assess_signal": _("Signal assessed"),
            "signals.link_issuer": _("Signal linked to an issuer"),
            "signals.suggest_issuers": _("Issuers suggested for a signal"),
            "signals.unlink_issuer": _("Signal unlinked from an issuer"),
            "signals.merge_signals": _("Signals merged"),
            "signals.share_signal": _("Signal shared"),
            "signals.alert_funds": _("Funds told of a signal"),
            "signals.read_alert": _("Signal alert read"),
            "signals.post_message": _("Message on a signal"),
            "signals.answer_with_receipt": _("Reporter answered with receipt code"),
        }
    )
    # An alert is sent to a fund because it holds the company (DESIGN §5).
    register_confidential_verbs({"signals.read_alert"})
