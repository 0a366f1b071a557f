"""What engagement's overviews add to the product: the engagement overview in the navigation,
the fund's engagement panel on the dashboard, the engagement history on an issuer's page, the
audit verb of the bulk update and the demo's engagements."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from convenant.core import navigation
from convenant.core.audit import register_verbs
from convenant.core.demo import register_demo_loader
from convenant.core.panels import IssuerPanel, register_issuer_panel


def register() -> None:
    from convenant.engagement import demo
    from convenant.engagement.views import overviews

    navigation.register_nav_item(
        navigation.NavItem(
            _("Engagement overview"),
            "engagement_overview",
            lambda a: bool(a.fund_ids) or a.is_secretariat or a.is_steering_group,
            56,
        )
    )
    navigation.register_dashboard_panel(
        "engagement",
        navigation.DashboardPanel(
            "engagement/panels/dashboard.html", overviews.dashboard_panel, 35
        ),
    )
    register_issuer_panel(
        IssuerPanel(
            name="engagement",
            order=40,
            context=overviews.issuer_panel,
            template="engagement/panels/issuer.html",
        )
    )
    register_verbs({"engagement.import_updates": _("Engagements updated from a file")})
    # After the signals (50): the demo's engagements follow up its signals and risks.
    register_demo_loader("engagements", demo.load_and_describe, 60)
