"""The selection through the API, by the same actions as the pages: a party nominates into
the open round, constituencies score it (a new score replaces the old), the ranking answers,
a score after the round closed is a 409, and a former party reads nothing."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from convenant.core.testing import World
from convenant.engagement.actions import selection as act

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _client(world: World, actor: str) -> Client:
    client = Client()
    client.force_login(world.users[actor])
    return client


def test_nominate_score_and_rank_through_the_api(world: World) -> None:
    selection_round = act.open_selection_round(
        by=world.users["secretariat"],
        title="Ronde via de API",
        opens_on=TODAY,
        closes_on=TODAY + datetime.timedelta(days=30),
    )
    union = _client(world, "union")
    made = union.post(
        "/api/v1/nominations",
        {
            "party": world.union.code,
            "title": "Leefbaar loon",
            "target": "issue",
            "issue": "Lonen onder het bestaansminimum",
            "rationale": "Werkenden kunnen niet rondkomen (fictief).",
            "evidence": {"severity": "Tienduizenden werkenden (fictief)."},
            "into_round": True,
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    reference = made.json()["reference"]
    assert made.json()["round"] == selection_round.pk
    assert made.json()["evidence"]["severity"].startswith("Tienduizenden")

    bad = union.post(
        "/api/v1/nominations",
        {
            "party": world.union.code,
            "title": "X",
            "target": "issue",
            "issue": "Y",
            "rationale": "Z",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "evidence_severity"

    editor = _client(world, "fund_editor")
    url = f"/api/v1/nominations/{reference}/scores"
    for value in (2, 4):
        scored = editor.put(
            url,
            {"constituency": "funds", "scores": [{"criterion": "severity", "score": value}]},
            content_type="application/json",
        )
        assert scored.status_code == 200, scored.content
    assert scored.json() == [
        {"constituency": "funds", "criterion": "severity", "score": 4, "comment": ""}
    ]
    other = editor.put(
        url,
        {"constituency": "unions", "scores": [{"criterion": "severity", "score": 3}]},
        content_type="application/json",
    )
    assert other.status_code == 400 and other.json()["field"] == "constituency"

    ranking = union.get(f"/api/v1/selection-rounds/{selection_round.pk}/ranking").json()
    assert ranking[0]["nomination"] == reference
    assert ranking[0]["total"] == 4 and ranking[0]["constituencies"] == 1
    assert not ranking[0]["complete"]

    act.close_selection_round(by=world.users["secretariat"], selection_round=selection_round)
    late = editor.put(
        url,
        {"constituency": "funds", "scores": [{"criterion": "severity", "score": 5}]},
        content_type="application/json",
    )
    assert late.status_code == 409

    former = _client(world, "former")
    assert former.get("/api/v1/nominations").json()["items"] == []
    assert former.get(f"/api/v1/nominations/{reference}").status_code == 404
    assert former.get("/api/v1/selection-rounds").status_code == 403

    withdrawn = union.post(
        f"/api/v1/nominations/{reference}/withdraw", {}, content_type="application/json"
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
