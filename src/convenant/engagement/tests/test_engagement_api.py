"""The engagement API: a fund syncs an engagement from its stewardship system through the
same actions as the pages — start it, add an objective, reach a milestone, log an AGM vote,
correct it — and reads back only what it may read."""

import datetime
import json
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from convenant.core.testing import World
from convenant.engagement.ladder import load_ladder
from convenant.engagement.models import Activity, Engagement

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
API = "/api/v1"


def _client(world: World, actor: str) -> Client:
    client = Client()
    client.force_login(world.users[actor])
    return client


def _send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(
        API + url, data=json.dumps(body), content_type="application/json"
    )


def test_a_fund_syncs_an_engagement_through_the_api(world: World) -> None:
    load_ladder()
    editor = _client(world, "fund_editor")
    started = _send(
        editor,
        "post",
        "/engagements",
        {
            "title": "Platformwerk",
            "target": "issue",
            "issue": "Schijnzelfstandigheid",
            "lead_party": world.fund.code,
            "start_date": (TODAY - datetime.timedelta(days=30)).isoformat(),
            "themes": ["labour-rights"],
            "participants": [{"party": world.other_fund.code, "role": "supporting"}],
        },
    )
    assert started.status_code == 201, started.content
    pk = started.json()["id"]
    assert started.json()["next_step"] == "letter"

    objective = _send(
        editor,
        "post",
        f"/engagements/{pk}/objectives",
        {"title": "Werkenden in dienst", "targets": {"2": TODAY.isoformat()}},
    )
    assert objective.status_code == 201
    first = objective.json()["milestones"][0]
    assert [m["number"] for m in objective.json()["milestones"]] == [1, 2, 3, 4]

    reached = _send(
        editor, "patch", f"/milestones/{first['id']}", {"reached_on": TODAY.isoformat()}
    )
    assert reached.status_code == 400 and reached.json()["field"] == "evidence"
    reached = _send(
        editor,
        "patch",
        f"/milestones/{first['id']}",
        {"reached_on": TODAY.isoformat(), "evidence": "Brief van 3 maart"},
    )
    assert reached.status_code == 200 and reached.json()["reached_on"] == TODAY.isoformat()

    vote = {
        "step": "agm-vote",
        "occurred_on": TODAY.isoformat(),
        "party": world.fund.code,
        "summary": "Tegen de bezoldiging",
        "agm_item": "Punt 5",
        "vote": "against",
        "vote_rationale": "Geen sociale doelen",
    }
    logged = _send(editor, "post", f"/engagements/{pk}/activities", vote)
    assert logged.status_code == 201 and logged.json()["vote"] == "against"
    # Fund B takes part but may not cast fund A's vote.
    refused = _send(_client(world, "other_fund"), "post", f"/engagements/{pk}/activities", vote)
    assert refused.status_code == 400 and refused.json()["field"] == "party"

    activity = logged.json()["id"]
    fixed = _send(editor, "patch", f"/activities/{activity}", {"summary": "Tegen punt 5"})
    assert fixed.status_code == 200 and fixed.json()["summary"] == "Tegen punt 5"
    Activity.objects.filter(pk=activity).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    with override_settings(ENGAGEMENT_ACTIVITY_LOCK_DAYS=30):
        locked = _send(editor, "patch", f"/activities/{activity}", {"summary": "Later"})
    assert locked.status_code == 409

    listed = editor.get(f"{API}/engagements/{pk}/activities").json()
    assert [a["summary"] for a in listed] == ["Tegen punt 5"]


def test_a_restricted_engagement_stays_hidden_from_other_parties(world: World) -> None:
    engagement = Engagement.objects.create(
        title="Vertrouwelijk Korhoen",
        target="issue",
        issue="Ontheemding",
        lead_party=world.fund,
        start_date=TODAY,
        created_by=world.users["fund_editor"],
    )
    engagement.participants.create(party=world.fund, role="lead", start=TODAY)
    union = _client(world, "union")
    assert union.get(f"{API}/engagements/{engagement.pk}").status_code == 404
    assert "Korhoen" not in union.get(f"{API}/engagements").content.decode()
    viewer = _client(world, "fund_viewer")
    assert viewer.get(f"{API}/engagements/{engagement.pk}").status_code == 200
    denied = _send(viewer, "post", f"/engagements/{engagement.pk}/objectives", {"title": "X"})
    assert denied.status_code == 403
