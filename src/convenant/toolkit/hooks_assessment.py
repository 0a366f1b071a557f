"""What toolkit's assessment area adds to the rest of the product: the self-assessment in the
navigation (a fund's members; the secretariat's overview of the round), its audit verbs (a
fund's confidential business) and the demo's assessments over three years."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from convenant.core import navigation
from convenant.core.audit import register_confidential_verbs, register_verbs
from convenant.core.demo import register_demo_loader

VERBS: dict[str, str | Promise] = {
    "toolkit.start_self_assessment": _("Self-assessment started"),
    "toolkit.answer_requirement": _("Self-assessment requirement answered"),
    "toolkit.confirm_answer": _("Self-assessment answer confirmed"),
    "toolkit.complete_self_assessment": _("Self-assessment completed"),
    "toolkit.upload_evidence": _("Self-assessment evidence uploaded"),
}


def register() -> None:
    from convenant.toolkit import demo_assessment
    from convenant.toolkit.views import assessment as views_assessment

    navigation.register_nav_item(
        navigation.NavItem(
            _("Self-assessment"),
            "self_assessment_home",
            lambda a: bool(a.fund_ids) or a.is_secretariat,
            65,
        )
    )
    navigation.register_dashboard_panel(
        "self_assessment",
        navigation.DashboardPanel(
            "toolkit/assessment/panel.html", views_assessment.dashboard_panel, 66
        ),
    )
    register_verbs(VERBS)
    register_confidential_verbs(VERBS)
    # After governance's decisions (22) and the toolkit's texts (24).
    register_demo_loader("toolkit_assessment", demo_assessment.load_and_describe, 26)
