"""Registries that let higher apps add to shared pages without core importing them
(DESIGN §4 hook pattern): navigation items and dashboard panels."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from convenant.core import access
from convenant.core.access import Actor


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    shown_to: Callable[[Actor], bool]
    order: int = 100


@dataclass(frozen=True)
class DashboardPanel:
    """A block on the dashboard. ``context`` returns the template context, or None to hide
    the panel for this person."""

    template: str
    context: Callable[[HttpRequest, Actor], dict[str, Any] | None]
    order: int = 100


_nav_items: dict[str, NavItem] = {}
_panels: dict[str, DashboardPanel] = {}


def register_nav_item(item: NavItem) -> None:
    _nav_items[item.url_name] = item


def register_dashboard_panel(name: str, panel: DashboardPanel) -> None:
    _panels[name] = panel


def nav_items_for(actor: Actor) -> list[NavItem]:
    return sorted((i for i in _nav_items.values() if i.shown_to(actor)), key=lambda i: i.order)


# The menu's groups, by the items' order: each app places its items in the band of the work
# they belong to, so the menu reads as the covenant's parts, not as a list of apps.
NAV_GROUPS: tuple[tuple[int, str | Promise], ...] = (
    (20, _("Covenant and holdings")),
    (50, _("Due diligence")),
    (60, _("Broad track")),
    (70, _("Governance")),
    (80, _("Reporting and monitoring")),
    (90, _("Administration")),
)


@dataclass(frozen=True)
class NavGroup:
    label: str | Promise  # "" for the items before the first group (the dashboard)
    items: list[NavItem]


def nav_groups_for(actor: Actor) -> list[NavGroup]:
    groups: list[NavGroup] = []
    for item in nav_items_for(actor):
        label: str | Promise = ""
        for start, name in NAV_GROUPS:
            if item.order >= start:
                label = name
        if not groups or groups[-1].label != label:
            groups.append(NavGroup(label, []))
        groups[-1].items.append(item)
    return groups


def panels_for(request: HttpRequest, actor: Actor) -> list[tuple[str, dict[str, Any]]]:
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: p.order):
        context = panel.context(request, actor)
        if context is not None:
            shown.append((panel.template, context))
    return shown


def register_core_items() -> None:
    from convenant.core.audit import register_verbs

    register_verbs(
        {
            "core.update_profile": _("Profile changed"),
            "core.export_personal_data": _("Personal data exported"),
            "core.erase_person": _("Person erased on request"),
            "core.export_audit_log": _("Audit log exported"),
            "core.create_api_token": _("API token created"),
            "core.revoke_api_token": _("API token revoked"),
            "core.create_person": _("Account created"),
            "core.change_password": _("Password changed"),
            "core.reset_password": _("Password set through a reset link"),
            "core.cancel_job": _("Background job cancelled"),
            "core.retry_job": _("Background job tried again"),
        }
    )
    register_nav_item(NavItem(_("Dashboard"), "dashboard", lambda a: a.is_authenticated, 10))
    register_nav_item(NavItem(_("Audit log"), "audit_log", access.can_read_audit_log, 90))
    register_nav_item(NavItem(_("Jobs"), "job_list", access.can_administer_covenant, 92))
    register_dashboard_panel("jobs", DashboardPanel("core/panels/jobs.html", _jobs_panel, 95))


def _jobs_panel(request: HttpRequest, actor: Actor) -> dict[str, Any] | None:
    """Failed, running and waiting jobs the person follows: always for the secretariat
    (failed e-mails are theirs to see), for others only when one of theirs failed."""
    from django.db.models import Count

    from convenant.core.models import Job

    if not actor.is_authenticated:
        return None
    counts = dict(
        Job.objects.visible_to(request.user)
        .filter(state__in=[Job.State.FAILED, Job.State.RUNNING, Job.State.QUEUED])
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    if not actor.is_secretariat and not counts.get(Job.State.FAILED):
        return None
    return {state: counts.get(state, 0) for state in ("failed", "running", "queued")}
