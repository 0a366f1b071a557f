"""What outsourcing's monitoring area adds to the rest of the product: the outsourcing
dashboard in the navigation, the audit verbs of reporting requirements and provider reports
(a fund's confidential business), and the demo's reporting."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from convenant.core import access, navigation
from convenant.core.audit import register_confidential_verbs, register_verbs
from convenant.core.demo import register_demo_loader

VERBS: dict[str, str | Promise] = {
    "outsourcing.agree_reporting_requirement": _("Reporting requirement agreed with a provider"),
    "outsourcing.record_provider_report": _("Provider report recorded"),
}


def register() -> None:
    from convenant.outsourcing import demo_monitoring

    navigation.register_nav_item(
        navigation.NavItem(
            _("Outsourcing"),
            "outsourcing_dashboard",
            lambda a: bool(a.fund_ids) or access.can_see_covenant_aggregates(a),
            66,
        )
    )
    from convenant.outsourcing.views import monitoring as views

    navigation.register_dashboard_panel(
        "outsourcing_shares",
        navigation.DashboardPanel("outsourcing/monitoring/panel.html", views.dashboard_panel, 41),
    )
    register_verbs(VERBS)
    register_confidential_verbs(VERBS)
    # After the mandates (40): requirements and reports for the demo's mandates.
    register_demo_loader("outsourcing_monitoring", demo_monitoring.load, 42)
