"""What the budget, communication and annual-meeting part of governance plugs into the rest:
its audit verbs, navigation, the governance panel on the dashboard, the annual pack's own
sections and the demo."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from convenant.core import navigation
from convenant.core.audit import register_verbs
from convenant.core.demo import register_demo_loader


def register() -> None:
    from convenant.governance import annual, dashboard, demo_budget
    from convenant.governance.views.budget import can_see_budget

    register_verbs(
        {
            "governance.save_budget_line": _("Budget line saved"),
            "governance.save_contribution": _("Contribution saved"),
            "governance.record_spending": _("Expense booked"),
            "governance.save_agreement": _("Communication agreement saved"),
            "governance.save_statement": _("Press statement saved"),
            "governance.publish_statement": _("Press statement published"),
        }
    )
    navigation.register_nav_item(navigation.NavItem(_("Budget"), "budget", can_see_budget, 72))
    navigation.register_nav_item(
        navigation.NavItem(_("Communication"), "communication", lambda a: True, 73)
    )
    navigation.register_nav_item(
        navigation.NavItem(_("Annual meeting"), "annual_index", annual.can_read, 74)
    )
    navigation.register_dashboard_panel(
        "governance",
        navigation.DashboardPanel(
            "governance/panels/governance.html", dashboard.governance_panel, 15
        ),
    )
    annual.register_governance_sections()
    register_demo_loader("governance_budget", demo_budget.load_and_describe, 24)
