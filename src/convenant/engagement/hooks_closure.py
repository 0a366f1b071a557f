"""What the deep track's closure area adds to the rest of the product: its audit verbs, the
e-mail that reports a closure, and the dashboard's reminder of a case's yearly lessons."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from convenant.core import navigation
    from convenant.core.audit import register_verbs
    from convenant.core.mail import register_email_purpose
    from convenant.engagement.actions.closure import CLOSED_MAIL
    from convenant.engagement.views.closure import lessons_due_panel

    register_verbs(
        {
            "engagement.record_lesson": _("Lesson of a deep-track case recorded"),
            "engagement.recommend_lesson": _(
                "Lesson put to the steering group as a recommendation"
            ),
            "engagement.close_case": _("Deep-track case closed"),
        }
    )
    register_email_purpose(CLOSED_MAIL, _("A deep-track case closed"))
    navigation.register_dashboard_panel(
        "case_lessons_due",
        navigation.DashboardPanel(
            "engagement/cases/closure/panel_lessons_due.html", lessons_due_panel, 36
        ),
    )
