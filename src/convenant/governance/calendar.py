"""A person's calendar (iCalendar, RFC 5545): the meetings of the bodies they sit in, and
whatever other apps add through the registry — a proposal's closing date (decisions), later
reporting deadlines. A source is ``fn(user) -> iterable of CalendarEvent`` and reads only
what the person may see (``visible_to``)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from convenant.core import access


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable across feeds, e.g. "meeting-12@convenant"
    title: str
    start: datetime.datetime | datetime.date
    end: datetime.datetime | datetime.date | None = None
    description: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False


CalendarSource = Callable[[Any], Iterable[CalendarEvent]]
_sources: dict[str, CalendarSource] = {}


def register_calendar_source(name: str, source: CalendarSource) -> None:
    _sources[name] = source


def events_for(user: Any) -> list[CalendarEvent]:
    events: list[CalendarEvent] = []
    for name in sorted(_sources):
        events.extend(_sources[name](user))
    return sorted(events, key=lambda e: (_as_datetime(e.start), e.uid))


def _as_datetime(value: datetime.datetime | datetime.date) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.combine(value, datetime.time.min, tzinfo=datetime.UTC)


def meetings_source(user: Any) -> Iterable[CalendarEvent]:
    """The meetings of the person's bodies from a year ago on (the secretariat: every
    body's). Drafts are left out until their agenda is published."""
    from django.urls import reverse

    from convenant.governance.models import Meeting

    actor = access.actor_for(user)
    if not actor.is_authenticated:
        return []
    since = timezone.now() - datetime.timedelta(days=365)
    meetings = (
        Meeting.objects.visible_to(user)
        .filter(starts_at__gte=since)
        .exclude(state=Meeting.State.DRAFT)
        .select_related("body")
        .order_by("starts_at")
    )
    return [
        CalendarEvent(
            uid=f"meeting-{m.pk}@convenant",
            title=f"{m.body}: {m.title}",
            start=m.starts_at,
            end=m.ends_at,
            location=m.location,
            url=settings.BASE_URL + reverse("meeting_detail", args=[m.pk]),
        )
        for m in meetings
    ]


def render_ical(events: Iterable[CalendarEvent], name: str) -> bytes:
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//convenant//governance//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for event in events:
        entry = Event()
        entry.add("uid", event.uid)
        entry.add("dtstamp", stamp)
        entry.add("summary", event.title)
        entry.add("dtstart", event.start)
        if event.end is not None:
            entry.add("dtend", event.end)
        if event.description:
            entry.add("description", event.description)
        if event.location:
            entry.add("location", event.location)
        if event.url:
            entry.add("url", event.url)
        if event.cancelled:
            entry.add("status", "CANCELLED")
        calendar.add_component(entry)
    return bytes(calendar.to_ical())


def register() -> None:
    register_calendar_source("meetings", meetings_source)
