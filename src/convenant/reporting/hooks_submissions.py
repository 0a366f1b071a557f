"""What reporting's submissions area adds to the rest of the product: "Reporting" in the menu
and a dashboard panel of what is due, the audit verbs (a party's submission is its
confidential business until it is submitted), the reminder job, and a submission for a party
that joins while a cycle is open."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from convenant.core import navigation
from convenant.core.audit import register_confidential_verbs, register_verbs

CYCLE_VERBS: dict[str, str | Promise] = {
    "reporting.create_cycle": _("Reporting cycle prepared"),
    "reporting.update_cycle": _("Reporting cycle changed"),
    "reporting.open_cycle": _("Reporting cycle opened"),
    "reporting.close_cycle": _("Reporting cycle closed"),
    "reporting.remind": _("Reporting reminder sent"),
}
SUBMISSION_VERBS: dict[str, str | Promise] = {
    "reporting.add_joiner": _("Submission added for a party that joined"),
    "reporting.start_submission": _("Submission started"),
    "reporting.save_answers": _("Submission answers saved"),
    "reporting.confirm_answer": _("Pre-filled answer confirmed"),
    "reporting.set_public_indicators": _("Publication of own results chosen"),
    "reporting.upload_evidence": _("Submission evidence uploaded"),
    "reporting.submit": _("Submission submitted"),
}


def register() -> None:
    from convenant.parties.hooks import register_on_party_joined
    from convenant.reporting import jobs
    from convenant.reporting.actions.cycles import add_joiner
    from convenant.reporting.views import submissions as views

    register_verbs({**CYCLE_VERBS, **SUBMISSION_VERBS})
    register_confidential_verbs(SUBMISSION_VERBS)
    jobs.register()
    register_on_party_joined(add_joiner)
    navigation.register_nav_item(
        navigation.NavItem(
            _("Reporting"),
            "reporting_home",
            lambda a: a.is_covenant_member or a.is_secretariat or a.is_monitoring_committee,
            81,
        )
    )
    navigation.register_dashboard_panel(
        "submission_due",
        navigation.DashboardPanel("reporting/submissions/panel.html", views.dashboard_panel, 30),
    )
