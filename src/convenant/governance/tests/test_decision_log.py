"""The decision log: public, numbered, corrections linked both ways, confidential entries
only for the body and the secretariat — on the page, in the CSV and PDF exports and in the
API; and the API casts a vote through the same action as the page."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convenant.core.testing import World
from convenant.governance.actions import decisions as act
from convenant.governance.models import Decision, Proposal, Vote
from convenant.governance.testing import Governance, governance_of

pytestmark = pytest.mark.django_db

SECRET = "Grauwe Gors"


def _decide(world: World, gov: Governance, title: str, confidential: bool = False) -> Decision:
    proposal = act.create_proposal(
        by=world.users["secretariat"],
        body=gov.steering_group,
        kind=Proposal.Kind.RECOMMENDATION,
        title=title,
        text=f"Tekst van {title}",
        closes_at=timezone.now() + datetime.timedelta(days=3),
        confidential=confidential,
    )
    for code, seat in gov.seats.items():
        act.cast_vote(by=gov.holders[code], proposal=proposal, seat=seat, choice="consent")
    act.close_proposal(by=world.users["secretariat"], proposal=proposal)
    return Decision.objects.get(proposal=proposal)


@pytest.fixture
def log(world: World) -> dict[str, Decision]:
    gov = governance_of(world)
    public = _decide(world, gov, "Openbare aanbeveling")
    secret = _decide(world, gov, f"Besluit {SECRET}", confidential=True)
    fixed = act.correct_decision(
        by=world.users["secretariat"], decision=public, title="Verbeterde aanbeveling", text="x"
    )
    return {"public": public, "secret": secret, "fixed": fixed}


def _client(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def test_the_page_and_its_exports_keep_a_confidential_decision_to_its_body(
    world: World, log: dict[str, Decision]
) -> None:
    gov = governance_of(world)
    anonymous, union = Client(), _client(world, "union")
    holder = Client()
    holder.force_login(gov.holders["ngos"])
    for client, sees in ((anonymous, False), (union, False), (holder, True)):
        page = client.get(reverse("decision_log")).content.decode()
        assert "Openbare aanbeveling" in page
        assert (SECRET in page) is sees
        rows = list(
            csv.reader(io.StringIO(client.get(reverse("decision_log_csv")).content.decode()))
        )
        titles = [row[3] for row in rows[1:]]
        assert "Openbare aanbeveling" in titles
        assert any(SECRET in t for t in titles) is sees
        api = client.get("/api/v1/decisions").json()
        assert any(SECRET in d["title"] for d in api["items"]) is sees
    assert anonymous.get(reverse("decision_detail", args=[log["secret"].number])).status_code == 404


def test_a_correction_is_linked_both_ways(world: World, log: dict[str, Decision]) -> None:
    page = Client().get(reverse("decision_log")).content.decode()
    assert f"Gecorrigeerd door besluit {log['fixed'].number}" in page
    assert f"Corrigeert besluit {log['public'].number}" in page
    detail = Client().get(reverse("decision_detail", args=[log["public"].number])).content.decode()
    assert reverse("decision_detail", args=[log["fixed"].number]) in detail


def test_the_pdf_is_a_pdf(world: World, log: dict[str, Decision]) -> None:
    response = Client().get(reverse("decision_log_pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_api_casts_a_vote_through_the_same_action(world: World) -> None:
    gov = governance_of(world)
    proposal = act.create_proposal(
        by=world.users["secretariat"],
        body=gov.steering_group,
        kind="other",
        title="Via de API",
        text="Tekst",
        closes_at=timezone.now() + datetime.timedelta(days=3),
    )
    client = Client()
    client.force_login(gov.holders["unions"])
    url = f"/api/v1/proposals/{proposal.number}/votes"
    refused = client.post(url, {"seat": "Vakbonden", "choice": "objection"}, "application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "reason"
    not_theirs = client.post(url, {"seat": "Ngo's", "choice": "consent"}, "application/json")
    assert not_theirs.status_code == 403
    done = client.post(url, {"seat": "Vakbonden", "choice": "consent"}, "application/json")
    assert done.status_code == 201 and done.json()["version"] == 1
    assert Vote.objects.get(proposal=proposal, current=True).cast_by == gov.holders["unions"]
    detail = client.get(f"/api/v1/proposals/{proposal.number}").json()
    assert set(detail["not_voted"]) == {"Fondsen", "Overheid", "Ngo's"}
    # Someone outside the body learns nothing of it.
    outsider = _client(world, "fund_admin")
    assert outsider.get(f"/api/v1/proposals/{proposal.number}").status_code == 404
