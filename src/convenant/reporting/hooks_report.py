"""What reporting's report area adds to the rest of the product: the audit verbs of the
committee's report (its summary and its sign-off), and the reports in the menu of those
who read them before publication."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from convenant.core import navigation
from convenant.core.audit import register_verbs

VERBS: dict[str, str | Promise] = {
    "reporting.write_report_summary": _("Public summary of the monitoring report written"),
    "reporting.sign_off_report": _("Monitoring report signed off by the committee"),
}


def register() -> None:
    from convenant.reporting.views.report import reads_reports

    register_verbs(VERBS)
    navigation.register_nav_item(
        navigation.NavItem(_("Committee's report"), "reporting_reports", reads_reports, 83)
    )
