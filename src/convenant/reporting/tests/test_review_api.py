"""The committee's review through the API: the same actions as the pages, refusals in the
documented shapes (400 with the field, 403, 404, 409 saying what blocks)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from convenant.core.testing import World
from convenant.reporting.models import Score, Submission
from convenant.reporting.tests import review_example as ex

pytestmark = pytest.mark.django_db

WHY = "test"
API = "/api/v1/reporting/review"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def example(world: World) -> dict[str, Any]:
    made = ex.framework("a")
    made["cycle"] = ex.cycle(world, made["framework"], "rv-a")
    made["submission"] = ex.submission(made, made["cycle"], world.fund, world.users["fund_editor"])
    return made


def test_the_review_through_the_api(world: World, example: dict[str, Any]) -> None:
    sub = example["submission"]
    committee = _client(world.users["monitoring"])
    party = _client(world.users["fund_editor"])
    listed = committee.get(f"{API}/cycles/rv-a/submissions").json()
    assert [row["party"] for row in listed["items"]] == [world.fund.name]
    assert listed["items"][0]["scores_to_confirm"] == 2
    assert _post(committee, f"{API}/submissions/{sub.pk}/start").json()["state"] == "under_review"
    # A question about a code that is not in the questionnaire: 400 on the field
    wrong = _post(committee, f"{API}/submissions/{sub.pk}/threads", {"question": "X9", "text": "?"})
    assert wrong.status_code == 400 and wrong.json()["field"] == "question"
    thread = _post(
        committee, f"{API}/submissions/{sub.pk}/threads", {"question": "P2", "text": "Waar?"}
    ).json()
    assert thread["question"] == "P2" and thread["messages"][0]["from_committee"]
    # Accepting now: 409, saying what blocks
    blocked = _post(committee, f"{API}/submissions/{sub.pk}/accept")
    assert blocked.status_code == 409 and "open" in blocked.json()["detail"]
    assert _post(committee, f"{API}/submissions/{sub.pk}/send").json()["state"] == (
        "questions_raised"
    )
    answered = _post(party, f"{API}/threads/{thread['id']}/messages", {"text": "Op de site."})
    assert answered.status_code == 201
    assert [m["from_committee"] for m in answered.json()["messages"]] == [True, False]
    Submission.objects.unrestricted(WHY).filter(pk=sub.pk).update(state="resubmitted")
    _post(committee, f"{API}/submissions/{sub.pk}/start")
    assert _post(committee, f"{API}/threads/{thread['id']}/resolve").json()["resolved"]
    # A corrected score without a reason: 400 on the reason, nothing changed
    negative = Score.objects.unrestricted(WHY).get(submission=sub, computed="negative")
    refused = _post(committee, f"{API}/scores/{negative.pk}", {"outcome": "positive"})
    assert refused.status_code == 400 and refused.json()["field"] == "reason"
    negative.refresh_from_db()
    assert negative.confirmed == ""
    corrected = _post(
        committee, f"{API}/scores/{negative.pk}", {"outcome": "positive", "reason": "Gevonden."}
    )
    assert corrected.json()["outcome"] == "positive"
    positive = Score.objects.unrestricted(WHY).get(submission=sub, computed="positive")
    _post(committee, f"{API}/scores/{positive.pk}")
    read = committee.get(f"{API}/submissions/{sub.pk}").json()
    assert read["blockers"] == [] and read["indicators"][0]["outcome"] == "positive"
    assert _post(committee, f"{API}/submissions/{sub.pk}/accept").json()["state"] == "accepted"
    # The party corrects within the window: a new version in progress
    correction = _post(party, f"{API}/submissions/{sub.pk}/corrections")
    assert correction.status_code == 201 and correction.json()["version"] == 2


def test_refusals_by_role(world: World, example: dict[str, Any]) -> None:
    sub = example["submission"]
    party = _client(world.users["fund_editor"])
    assert _post(party, f"{API}/submissions/{sub.pk}/start").status_code == 403
    other = _client(world.users["other_fund"])
    assert _post(other, f"{API}/submissions/{sub.pk}/start").status_code == 404
    assert other.get(f"{API}/submissions/{sub.pk}/threads").status_code == 404
    secretariat = _client(world.users["secretariat"])
    excluded = _post(secretariat, f"{API}/submissions/{sub.pk}/exclusion", {"reason": "Laat."})
    assert excluded.json()["excluded"] is True
    assert secretariat.delete(f"{API}/submissions/{sub.pk}/exclusion").json()["excluded"] is False
    finding = _post(
        secretariat,
        f"{API}/cycles/rv-a/findings",
        {"kind": "finding", "title": "X", "text": "Y"},
    )
    assert finding.status_code == 403
