"""The annual covenant meeting: its invitation and its pack, generated from live data as HTML
and as PDF (WeasyPrint, from the same template).

The pack is made of sections in a registry (DESIGN §4 hook pattern): governance adds the
decisions of the year, the open action items and the state of the working groups; apps
above governance (monitoring, engagement) add theirs with ``register_pack_section``. A
section that is expected but not registered yet (the monitoring summary, the case statuses)
shows as a marked place, so the pack says what is still to come.

Who reads which copy: every member of the covenant's parties reads the invitation and the
pack; each section reads through ``visible_to(user)``, so the confidential decisions are
only in the copy of the body that took them (and the secretariat's)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from convenant.core import access


@dataclass(frozen=True)
class PackSection:
    """``build(user, meeting)`` returns the template context of the section, or None to
    leave it out of this reader's pack."""

    name: str
    order: int
    title: str | Promise
    template: str
    build: Callable[[Any, Any], dict[str, Any] | None]


_sections: dict[str, PackSection] = {}

# Sections the pack expects from apps that do not exist yet: shown as marked places.
EXPECTED = {
    "monitoring_summary": (40, _("Monitoring summary"), _("the monitoring reports")),
    "case_statuses": (50, _("Deep-track cases"), _("the deep-track cases")),
}


def register_pack_section(
    name: str,
    order: int,
    build: Callable[[Any, Any], dict[str, Any] | None],
    *,
    title: str | Promise,
    template: str,
) -> None:
    _sections[name] = PackSection(name, order, title, template, build)


def can_read(actor: access.Actor) -> bool:
    """The annual meeting is the covenant's: every member of a party in it is invited."""
    return actor.is_covenant_member


def annual_meetings() -> Any:
    """The annual covenant meetings: their date, place and published agenda are every
    party's (the rest of the meeting, its minutes above all, stays with its body)."""
    from convenant.governance.models import Meeting

    return Meeting.objects.unrestricted(
        "the annual covenant meeting is open to every party"
    ).filter(annual=True)


def meeting_of(year: int) -> Any:
    """The annual covenant meeting of a year (404 without one)."""
    if not 1900 <= year <= 2999:  # a year a meeting can have (and a date can hold)
        raise Http404
    meeting = (
        annual_meetings()
        .filter(starts_at__year=year)
        .select_related("body")
        .order_by("starts_at")
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def annual_years() -> list[int]:
    return [d.year for d in annual_meetings().dates("starts_at", "year", order="DESC")]


def build_pack(user: Any, meeting: Any) -> dict[str, Any]:
    sections: list[dict[str, Any]] = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.name)):
        context = section.build(user, meeting)
        if context is not None:
            sections.append({"section": section, "context": context})
    for name, (order, title, source) in EXPECTED.items():
        if name not in _sections:
            sections.append({"section": None, "order": order, "title": title, "source": source})
    sections.sort(key=lambda s: s["section"].order if s["section"] else s["order"])
    return {
        "meeting": meeting,
        "year": meeting.starts_at.year,
        "sections": sections,
        "generated_at": timezone.now(),
    }


def _period(meeting: Any) -> tuple[datetime.date, datetime.date]:
    """The year the meeting looks back on: the twelve months up to the meeting."""
    end = timezone.localtime(meeting.starts_at).date()
    return end - datetime.timedelta(days=365), end


# --- Governance's own sections ---------------------------------------------------------------


def _decisions(user: Any, meeting: Any) -> dict[str, Any]:
    from convenant.governance.models import Decision

    start, end = _period(meeting)
    decisions = list(
        Decision.objects.visible_to(user)
        .filter(decided_on__gte=start, decided_on__lte=end)
        .select_related("body")
        .order_by("number")
    )
    return {
        "decisions": decisions,
        "start": start,
        "end": end,
        "confidential": any(d.confidential for d in decisions),
    }


def _actions(user: Any, meeting: Any) -> dict[str, Any]:
    from convenant.governance.models import ActionItem, Body

    items = list(
        ActionItem.objects.visible_to(user)
        .filter(status=ActionItem.Status.OPEN)
        .select_related("body", "owner_user", "owner_party")
        .order_by("due_on", "pk")
    )
    # How many are open per body is part of the covenant's report to its parties; what they
    # are stays with the body (the list above is the reader's own).
    names = {b.pk: b for b in Body.objects.visible_to(user)}
    per_body = [
        {"body": names[body_id], "open": n, "overdue": late}
        for body_id, (n, late) in open_actions_per_body().items()
        if body_id in names
    ]
    per_body.sort(key=lambda r: str(r["body"]))
    return {"items": items, "per_body": per_body, "today": timezone.localdate()}


def _working_groups(user: Any, meeting: Any) -> dict[str, Any]:
    from convenant.governance.models import Body, BodyMembership

    start, end = _period(meeting)
    groups = list(
        Body.objects.visible_to(user)
        .filter(kind__in=[Body.Kind.WORKING_GROUP, Body.Kind.SUB_WORKING_GROUP])
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=start))
        .order_by("parent_id", "name")
    )
    ids = [g.pk for g in groups]
    members: dict[int, list[Any]] = {}
    for m in (
        BodyMembership.objects.visible_to(user)
        .current(end)
        .filter(body_id__in=ids)
        .select_related("user", "party")
        .order_by("role", "user__full_name")
    ):
        members.setdefault(m.body_id, []).append(m)
    # Counts of meetings held and of open actions: the state of the group, not its business.
    held = meetings_held_per_body(ids, start, end)
    open_actions = {k: n for k, (n, _late) in open_actions_per_body(ids).items()}
    return {
        "groups": [
            {
                "body": g,
                "members": members.get(g.pk, []),
                "meetings_held": held.get(g.pk, 0),
                "open_actions": open_actions.get(g.pk, 0),
            }
            for g in groups
        ],
        "start": start,
        "end": end,
    }


# How many actions are open and how many meetings were held, per body, is part of the
# covenant's report to its parties (the state of a group, not its business): counts only.


def open_actions_per_body(body_ids: list[int] | None = None) -> dict[int, tuple[int, int]]:
    """Per body: its open action items and how many of those are overdue."""
    from convenant.governance.models import ActionItem

    rows = ActionItem.objects.unrestricted("counts per body for the annual pack").filter(
        status=ActionItem.Status.OPEN
    )
    if body_ids is not None:
        rows = rows.filter(body_id__in=body_ids)
    counts = rows.values_list("body_id").annotate(
        n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=timezone.localdate()))
    )
    return {body_id: (n, late) for body_id, n, late in counts}


def meetings_held_per_body(
    body_ids: list[int], start: datetime.date, end: datetime.date
) -> dict[int, int]:
    from convenant.governance.models import Meeting

    counts = (
        Meeting.objects.unrestricted("counts per body for the annual pack")
        .filter(body_id__in=body_ids, starts_at__date__gte=start, starts_at__date__lte=end)
        .exclude(state=Meeting.State.DRAFT)
        .values_list("body_id")
        .annotate(n=Count("pk"))
    )
    return dict(counts)


def register_governance_sections() -> None:
    register_pack_section(
        "decisions",
        10,
        _decisions,
        title=_("Decisions of the year"),
        template="governance/annual_pack_decisions.html",
    )
    register_pack_section(
        "action_items",
        20,
        _actions,
        title=_("Open action items"),
        template="governance/annual_pack_actions.html",
    )
    register_pack_section(
        "working_groups",
        30,
        _working_groups,
        title=_("The working groups"),
        template="governance/annual_pack_working_groups.html",
    )


# --- PDF ---------------------------------------------------------------------------------------


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> Any:
    """The pack is self-contained; WeasyPrint fetches nothing (no file, no network)."""
    raise ValueError(f"not fetched: {url}")


def as_pdf(request: HttpRequest, pack: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("governance/annual_pack_print.html", {"pack": pack}, request=request)
    pdf: bytes = HTML(string=html, url_fetcher=_no_fetching).write_pdf()
    return pdf


def agenda_of(meeting: Any) -> list[Any]:
    """The annual meeting's agenda, once published: it goes out with the invitation to every
    party (a draft agenda stays with the body)."""
    from convenant.governance.models import AgendaItem, Meeting

    if meeting.state == Meeting.State.DRAFT:
        return []
    return list(
        AgendaItem.objects.unrestricted("the annual meeting's agenda goes to every party")
        .filter(meeting=meeting, parent__isnull=True)
        .order_by("order", "pk")
    )
