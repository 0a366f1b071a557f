"""What the decisions part of governance plugs into the rest: its audit verbs, its own
effect types (admitting and expelling a party), the reminder jobs, the decision panel on a
party's page and the demo."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from convenant.core import navigation
from convenant.core.audit import register_verbs
from convenant.core.demo import register_demo_loader


def register() -> None:
    from convenant.governance import demo_decisions, effects, jobs

    register_verbs(
        {
            "governance.create_proposal": _("Proposal made"),
            "governance.open_proposal": _("Proposal opened for votes"),
            "governance.amend_proposal": _("Proposal amended"),
            "governance.add_proposal_attachment": _("Document attached to a proposal"),
            "governance.withdraw_proposal": _("Proposal withdrawn"),
            "governance.cast_vote": _("Vote cast"),
            "governance.grant_proxy": _("Proxy given"),
            "governance.revoke_proxy": _("Proxy revoked"),
            "governance.close_proposal": _("Proposal closed"),
            "governance.record_outcome": _("Outcome statement recorded"),
            "governance.record_decision": _("Decision recorded"),
            "governance.correct_decision": _("Decision corrected"),
            "governance.apply_decision": _("Decision's effect applied"),
            "governance.remind_seats": _("Seats reminded to vote"),
            "governance.remind_review": _("Body reminded of a review date"),
            "governance.load_demo_decisions": _("Demo decisions loaded"),
        }
    )
    effects.register_own()
    jobs.register()
    register_demo_loader("governance_decisions", demo_decisions.load_and_describe, 22)
    navigation.register_nav_item(
        navigation.NavItem(_("Decision log"), "decision_log", lambda a: True, 72)
    )

    from convenant.core import panels
    from convenant.governance.views import decisions as views

    panels.register_party_panel(
        panels.IssuerPanel(
            name="governance.decisions",
            order=50,
            context=views.party_decisions_panel,
            template="governance/decision_party_panel.html",
        )
    )
