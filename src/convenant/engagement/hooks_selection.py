"""What the deep track's selection area adds to the rest of the product: the governance
effect ``select_cases`` (the steering group's adopted selection opens the cases), the audit
verbs, "Deep track" (the case board) and the nominations in the navigation and the "scores
due" panel on the dashboard."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch
from django.utils.translation import gettext_lazy as _

from convenant.core import navigation
from convenant.core.audit import register_verbs


def _case_board_link(effect_object: str) -> str | None:
    """A decided selection links to the case board (the nominations until it exists)."""
    if not effect_object.startswith("engagement."):
        return None
    from convenant.engagement.views.selection import board_url

    try:
        return board_url()
    except NoReverseMatch:  # pragma: no cover - the nominations always exist
        return None


def _check(params: dict[str, Any]) -> None:
    """Refuse, when the proposal is written, a selection that could not be applied."""
    from convenant.engagement.actions import selection

    selection.check_selection(params)


def register() -> None:
    from convenant.engagement.actions import selection
    from convenant.engagement.views.selection import dashboard_panel
    from convenant.governance.effects import register_effect

    register_effect(
        "select_cases",
        label=_("Select deep-track cases"),
        apply=selection.apply_selection,
        describe=selection.describe_selection,
        check=_check,
        link=_case_board_link,
    )
    register_verbs(
        {
            "engagement.nominate": _("Deep-track case nominated"),
            "engagement.withdraw_nomination": _("Deep-track nomination withdrawn"),
            "engagement.enter_round": _("Nomination entered in the selection round"),
            "engagement.open_selection_round": _("Selection round opened"),
            "engagement.close_selection_round": _("Selection round's scoring closed"),
            "engagement.score_nomination": _("Nomination scored"),
            "engagement.propose_selection": _("Selection of cases proposed to the steering group"),
            "engagement.decide_selection_round": _("Selection round decided"),
        }
    )
    navigation.register_nav_item(
        navigation.NavItem(
            _("Deep track"),
            "case_board",
            lambda a: a.is_covenant_member or a.is_secretariat,
            57,
        )
    )
    # The selection has no place on the case board itself: its own item, beside it.
    navigation.register_nav_item(
        navigation.NavItem(
            _("Nominations"),
            "nomination_list",
            lambda a: a.is_covenant_member or a.is_secretariat,
            58,
        )
    )
    navigation.register_dashboard_panel(
        "deep_track_scores",
        navigation.DashboardPanel("engagement/cases/selection/dashboard.html", dashboard_panel, 36),
    )
