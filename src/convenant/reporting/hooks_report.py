"""What reporting's report area adds to the rest of the product: the audit verbs of the
committee's report (its summary and its sign-off)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from convenant.core.audit import register_verbs

VERBS: dict[str, str | Promise] = {
    "reporting.write_report_summary": _("Public summary of the monitoring report written"),
    "reporting.sign_off_report": _("Monitoring report signed off by the committee"),
}


def register() -> None:
    register_verbs(VERBS)
