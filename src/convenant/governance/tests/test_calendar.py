"""The calendar feed: a secret address per person, only its digest kept, the meetings of
their bodies, events that other apps add, and an old address dead after renewal."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from convenant.core.models import hash_token
from convenant.core.testing import World
from convenant.governance import calendar
from convenant.governance.actions import bodies as actions
from convenant.governance.models import CalendarFeed, Meeting
from convenant.governance.testing import governance_of

pytestmark = pytest.mark.django_db


def _meeting(body, title: str, days: int, state: str = "agenda_published") -> Meeting:
    start = timezone.now() + datetime.timedelta(days=days)
    return Meeting.objects.unrestricted("test").create(
        body=body,
        title=title,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        state=state,
        location="Den Haag",
    )


def _events(token: str) -> dict[str, object]:
    response = Client().get(reverse("calendar_feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    parsed = Calendar.from_ical(response.content)
    return {str(e["SUMMARY"]): e for e in parsed.walk("VEVENT")}


def test_the_feed_holds_the_meetings_of_the_persons_bodies_only(world: World) -> None:
    gov = governance_of(world)
    _meeting(gov.working_group, "Werkgroep toolkit", 7)
    _meeting(gov.steering_group, "Stuurgroep geheim", 8)
    _meeting(gov.working_group, "Nog een concept", 9, state="draft")
    member = world.users["fund_editor"]  # sits in the working group only

    token = actions.renew_calendar_feed(by=member)

    events = _events(token)
    # In the person's language (Dutch here): the body's Dutch name.
    assert list(events) == ["Werkgroep Toolkit: Werkgroep toolkit"]
    event = events["Werkgroep Toolkit: Werkgroep toolkit"]
    assert str(event["LOCATION"]) == "Den Haag"
    assert event["DTEND"].dt - event["DTSTART"].dt == datetime.timedelta(hours=2)
    feed = CalendarFeed.objects.get(user=member)
    assert feed.token_hash == hash_token(token) and token not in feed.token_hash


def test_renewing_kills_the_old_address(world: World) -> None:
    user = world.users["secretariat"]
    old = actions.renew_calendar_feed(by=user)
    new = actions.renew_calendar_feed(by=user)
    assert old != new
    assert Client().get(reverse("calendar_feed", args=[old])).status_code == 404
    assert Client().get(reverse("calendar_feed", args=[new])).status_code == 200
    assert CalendarFeed.objects.filter(user=user).count() == 1


def test_the_page_shows_the_new_address_once(world: World) -> None:
    client = Client()
    client.force_login(world.users["union"])
    page = client.post(reverse("calendar_settings")).content.decode()
    token = page.split(".ics")[0].rsplit("/", 1)[1]
    assert Client().get(reverse("calendar_feed", args=[token])).status_code == 200
    assert token not in client.get(reverse("calendar_settings")).content.decode()


def test_other_apps_add_events_through_the_registry(world: World) -> None:
    def deadlines(user):
        yield calendar.CalendarEvent(
            uid="report-2026@convenant",
            title="Rapportage inleveren",
            start=datetime.date(2026, 3, 1),
        )

    calendar.register_calendar_source("test-deadlines", deadlines)
    try:
        token = actions.renew_calendar_feed(by=world.users["fund_viewer"])
        event = _events(token)["Rapportage inleveren"]
        assert event["DTSTART"].dt == datetime.date(2026, 3, 1)
        assert str(event["UID"]) == "report-2026@convenant"
    finally:
        calendar._sources.pop("test-deadlines")
