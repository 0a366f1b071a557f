"""The demo's bodies and meetings: loaded on the demo covenant, the officers hold seats and
find work, and loading again changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from convenant.core import access
from convenant.core.models import User
from convenant.governance import demo_bodies
from convenant.governance.models import ActionItem, Body, Meeting
from convenant.parties.demo import demo_email, load_demo_covenant

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_officers_seats_and_work_and_loads_twice_alike() -> None:
    load_demo_covenant()
    first = demo_bodies.load()
    again = demo_bodies.load()
    assert first == again
    assert first["bodies"] == 5

    for key in ("overheid", "vakbond", "ngo"):
        officer = User.objects.unrestricted("test").get(email=demo_email(key))
        assert access.actor_for(officer).is_steering_group, key
    government = User.objects.unrestricted("test").get(email=demo_email("overheid"))
    monitoring = User.objects.unrestricted("test").get(email=demo_email("monitoring"))
    committee = Body.objects.get(kind=Body.Kind.MONITORING_COMMITTEE)
    assert committee.pk in access.actor_for(monitoring).body_ids

    actions = ActionItem.objects.visible_to(government).filter(status="open")
    assert [a for a in actions if a.overdue]
    steering = Body.objects.get(kind=Body.Kind.STEERING_GROUP)
    meetings = Meeting.objects.unrestricted("test").filter(body=steering)
    assert meetings.filter(state="minutes_approved", starts_at__year=2019).count() == 4
    assert meetings.filter(state="agenda_published").exists()

    client = Client()
    client.force_login(government)
    page = client.get(reverse("body_detail", args=[steering.slug])).content.decode()
    assert "Hanna de Boer" in page and 'id="overdue"' in page
