"""What outsourcing's mandates area adds to the rest of the product: the providers and
mandates in the navigation, the fund's outsourcing panel on the dashboard (renewal re-checks
due, mandates holding a superseded clause), its audit verbs and the demo's providers and
mandates."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from convenant.core import navigation
from convenant.core.audit import register_confidential_verbs, register_verbs
from convenant.core.demo import register_demo_loader


def register() -> None:
    from convenant.outsourcing import demo_mandates
    from convenant.outsourcing.views import mandates as views

    register_verbs(
        {
            "outsourcing.add_provider": _("Service provider added"),
            "outsourcing.merge_provider": _("Duplicate service provider merged"),
            "outsourcing.record_mandate": _("Mandate recorded"),
            "outsourcing.update_mandate": _("Mandate changed"),
            "outsourcing.end_mandate": _("Mandate ended"),
            "outsourcing.record_clause": _("Model clause in a mandate recorded"),
            "outsourcing.complete_renewal_task": _("Renewal re-check done"),
        }
    )
    # A fund's mandates are its own business (DESIGN §5): only its administrators read
    # the content of these events in the log.
    register_confidential_verbs(
        {
            "outsourcing.record_mandate",
            "outsourcing.update_mandate",
            "outsourcing.end_mandate",
            "outsourcing.record_clause",
            "outsourcing.complete_renewal_task",
        }
    )
    navigation.register_nav_item(
        navigation.NavItem(
            _("Mandates"),
            "outsourcing_mandates",
            # A fund reaches its mandates from its outsourcing dashboard; the secretariat,
            # which administers them, from the menu.
            lambda a: a.is_secretariat,
            64,
        )
    )
    navigation.register_nav_item(
        navigation.NavItem(
            _("Service providers"),
            "outsourcing_providers",
            lambda a: a.is_secretariat,
            65,
        )
    )
    navigation.register_dashboard_panel(
        "outsourcing_mandates",
        navigation.DashboardPanel("outsourcing/mandates/panel.html", views.dashboard_panel, 40),
    )
    # After the funds (10) and the toolkit's texts (24): mandates hold its contract clauses.
    register_demo_loader("outsourcing_mandates", demo_mandates.load_and_describe, 40)
