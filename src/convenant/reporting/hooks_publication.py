"""What reporting's publication area adds to the rest of the product: the governance effects
``approve_report`` and ``approve_summary`` (the steering group's decisions approve a signed-off
report and its public summary, which publishes it), the audit verbs, the annual meeting
pack's section ``monitoring_summary``, and the public monitoring reports and the trend in the
navigation."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from convenant.core import navigation
from convenant.core.audit import register_verbs


def _check_report(params: dict[str, Any]) -> None:
    """Refuse, when the proposal is written, an approval that could not be applied."""
    from convenant.reporting.actions import publication

    publication.check_approval(params, kind=publication.REPORT)


def _check_summary(params: dict[str, Any]) -> None:
    from convenant.reporting.actions import publication

    publication.check_approval(params, kind=publication.SUMMARY)


def _link(effect_object: str) -> str | None:
    from convenant.reporting.actions.publication import report_link

    return report_link(effect_object)


def register() -> None:
    from convenant.governance import annual
    from convenant.governance.effects import register_effect
    from convenant.reporting.actions import publication
    from convenant.reporting.views.publication import pack_section, trend_readers

    register_effect(
        publication.REPORT,
        label=_("Approve a monitoring report"),
        apply=publication.apply_report_approval,
        describe=publication.describe_report_approval,
        check=_check_report,
        link=_link,
    )
    register_effect(
        publication.SUMMARY,
        label=_("Approve a monitoring report's public summary"),
        apply=publication.apply_summary_approval,
        describe=publication.describe_summary_approval,
        check=_check_summary,
        link=_link,
    )
    register_verbs(
        {
            "reporting.propose_report_approval": _(
                "Monitoring report put to the steering group for approval"
            ),
            "reporting.propose_summary_approval": _(
                "Public summary of a monitoring report put to the steering group"
            ),
            "reporting.approve_report": _("Monitoring report approved by the steering group"),
            "reporting.approve_summary": _("Public summary approved by the steering group"),
            "reporting.publish_report": _("Monitoring report published"),
        }
    )
    annual.register_pack_section(
        "monitoring_summary",
        40,
        pack_section,
        title=_("Monitoring summary"),
        template="reporting/publication/pack_section.html",
    )
    navigation.register_nav_item(
        navigation.NavItem(_("Monitoring reports"), "monitoring_index", lambda a: True, 84)
    )
    navigation.register_nav_item(
        navigation.NavItem(_("Monitoring trend"), "reporting_trend", trend_readers, 85)
    )
