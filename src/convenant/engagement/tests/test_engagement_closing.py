"""Finishing an engagement's life: correcting an objective, closing the engagement (never
with an objective left open: each open one gets its outcome in the same step), reopening it
with a reason, the parties' dated participation, the deep-track case it belongs to, and the
same through the API with a sync client's own keys."""

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convenant.core.audit import AuditEvent
from convenant.core.errors import ActionError
from convenant.core.testing import World
from convenant.engagement.actions import engagements as actions
from convenant.engagement.ladder import load_ladder
from convenant.engagement.models import Engagement, Milestone, Objective, Participant
from convenant.engagement.tests.cases import open_case
from convenant.portfolios.models import Issuer

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
START = TODAY - datetime.timedelta(days=100)
API = "/api/v1"


def _client(world: World, actor: str) -> Client:
    client = Client()
    client.force_login(world.users[actor])
    return client


def _send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(
        API + url, data=json.dumps(body), content_type="application/json"
    )


@pytest.fixture
def engagement(world: World) -> Engagement:
    load_ladder()
    issuer = Issuer.objects.create(
        legal_name="Palmolie Sawit Bhd", country_of_incorporation="MY", source=Issuer.Source.GLEIF
    )
    return actions.create_engagement(
        by=world.users["fund_editor"],
        title="Ontbossing voor palmolie",
        target="issuer",
        issuer=issuer,
        lead_party=world.fund,
        start_date=START,
        themes=["deforestation"],
        participants=[(world.other_fund, Participant.Role.SUPPORTING)],
    )


def _objective(world: World, engagement: Engagement, title: str = "Geen ontbossing") -> Objective:
    return actions.add_objective(
        by=world.users["fund_editor"],
        engagement=engagement,
        title=title,
        targets={1: START + datetime.timedelta(days=30), 2: TODAY + datetime.timedelta(days=30)},
    )


# --- Correcting an objective -------------------------------------------------------------


def test_an_objective_is_corrected_and_a_reached_milestone_keeps_its_dates(
    world: World, engagement: Engagement
) -> None:
    editor = world.users["fund_editor"]
    objective = _objective(world, engagement)
    first = Milestone.objects.get(objective=objective, number=1)
    actions.reach_milestone(by=editor, milestone=first, reached_on=TODAY, evidence="Brief")

    later = TODAY + datetime.timedelta(days=90)
    actions.update_objective(
        by=editor,
        objective=objective,
        title="Geen ontbossing na 2025",
        description="Met onafhankelijke verificatie",
        theme="deforestation",
        targets={1: later, 2: later, 3: None},
    )

    objective.refresh_from_db()
    targets = dict(Milestone.objects.filter(objective=objective).values_list("number", "target_on"))
    assert objective.title == "Geen ontbossing na 2025"
    assert objective.theme == "deforestation"
    assert targets[1] == START + datetime.timedelta(days=30)  # reached: kept
    assert targets[2] == later
    assert targets[3] is None
    event = AuditEvent.objects.get(verb="engagement.update_objective")
    assert event.before["title"] == "Geen ontbossing"
    assert "2" in event.after["targets"] and "1" not in event.after["targets"]


def test_a_correction_is_refused_without_a_title_on_a_closed_objective_or_for_a_viewer(
    world: World, engagement: Engagement
) -> None:
    editor = world.users["fund_editor"]
    objective = _objective(world, engagement)
    with pytest.raises(ActionError) as refused:
        actions.update_objective(by=editor, objective=objective, title="  ")
    assert refused.value.field == "title"
    with pytest.raises(ActionError) as refused:
        actions.update_objective(by=editor, objective=objective, title="x", targets={5: TODAY})
    assert refused.value.field == "targets"
    with pytest.raises(ActionError):
        actions.update_objective(by=world.users["fund_viewer"], objective=objective, title="x")
    actions.record_outcome(by=editor, objective=objective, outcome="met", rationale="Beleid")
    with pytest.raises(ActionError):
        actions.update_objective(by=editor, objective=objective, title="Anders")
    objective.refresh_from_db()
    assert objective.title == "Geen ontbossing"


# --- Closing and reopening ---------------------------------------------------------------


def test_an_engagement_closes_only_with_an_outcome_for_each_open_objective(
    world: World, engagement: Engagement
) -> None:
    editor = world.users["fund_editor"]
    open_one = _objective(world, engagement)
    done = _objective(world, engagement, "Transparantie over leveranciers")
    actions.record_outcome(by=editor, objective=done, outcome="met", rationale="Lijst gepubliceerd")
    closed_on = TODAY - datetime.timedelta(days=2)

    with pytest.raises(ActionError) as refused:
        actions.close_engagement(
            by=editor, engagement=engagement, closed_on=closed_on, note="Klaar"
        )
    assert refused.value.field == f"outcome_{open_one.pk}"
    with pytest.raises(ActionError) as refused:
        actions.close_engagement(
            by=editor,
            engagement=engagement,
            closed_on=closed_on,
            note="Klaar",
            outcomes={open_one.pk: ("not_met", "")},
        )
    assert refused.value.field == f"rationale_{open_one.pk}"
    engagement.refresh_from_db()
    assert engagement.status == "active"  # nothing changed

    actions.close_engagement(
        by=editor,
        engagement=engagement,
        closed_on=closed_on,
        note="Het bedrijf wil niet verder",
        outcomes={open_one.pk: ("divested", "Belegging verkocht")},
    )
    engagement.refresh_from_db()
    open_one.refresh_from_db()
    assert (engagement.status, engagement.closed_on) == ("closed", closed_on)
    assert (open_one.outcome, open_one.closed_on) == ("divested", closed_on)
    assert AuditEvent.objects.get(verb="engagement.close").after["objectives_closed"] == [
        open_one.pk
    ]
    # A closed engagement takes no new records.
    with pytest.raises(ActionError):
        actions.add_objective(by=editor, engagement=engagement, title="Nog één")


def test_closing_and_reopening_are_the_lead_partys_and_reopening_needs_a_reason(
    world: World, engagement: Engagement
) -> None:
    editor = world.users["fund_editor"]
    supporting = world.users["other_fund"]  # an editor of a supporting party
    assert actions.can_edit(supporting, engagement)
    with pytest.raises(ActionError):
        actions.close_engagement(by=supporting, engagement=engagement, note="Klaar")
    with pytest.raises(ActionError):
        actions.close_engagement(
            by=editor,
            engagement=engagement,
            note="Klaar",
            closed_on=START - datetime.timedelta(days=1),
        )
    actions.close_engagement(by=editor, engagement=engagement, note="Klaar")
    with pytest.raises(ActionError):
        actions.close_engagement(by=editor, engagement=engagement, note="Nog eens")
    with pytest.raises(ActionError):
        actions.reopen_engagement(by=supporting, engagement=engagement, reason="Nieuw incident")
    with pytest.raises(ActionError) as refused:
        actions.reopen_engagement(by=editor, engagement=engagement, reason=" ")
    assert refused.value.field == "reason"

    actions.reopen_engagement(
        by=world.users["secretariat"], engagement=engagement, reason="Nieuw incident"
    )
    engagement.refresh_from_db()
    assert (engagement.status, engagement.closed_on, engagement.closing_note) == (
        "active",
        None,
        "",
    )
    event = AuditEvent.objects.get(verb="engagement.reopen")
    assert event.before["closing_note"] == "Klaar" and event.after["reason"] == "Nieuw incident"


# --- The pages ---------------------------------------------------------------------------


def test_the_close_page_asks_an_outcome_per_open_objective_and_the_page_shows_it_closed(
    world: World, engagement: Engagement
) -> None:
    objective = _objective(world, engagement)
    editor = _client(world, "fund_editor")
    url = reverse("engagement_close", args=[engagement.pk])
    page = editor.get(url)
    assert f'name="outcome_{objective.pk}"' in page.content.decode()

    refused = editor.post(url, {"closed_on": TODAY.isoformat(), "note": "Klaar"})
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    assert Engagement.objects.get(pk=engagement.pk).status == "active"

    done = editor.post(
        url,
        {
            "closed_on": TODAY.isoformat(),
            "note": "Doel bereikt",
            f"outcome_{objective.pk}": "met",
            f"rationale_{objective.pk}": "Beleid ingevoerd",
        },
    )
    assert done.status_code == 302
    shown = editor.get(reverse("engagement_detail", args=[engagement.pk])).content.decode()
    assert "Doel bereikt" in shown and reverse("engagement_reopen", args=[engagement.pk]) in shown
    assert reverse("activity_add", args=[engagement.pk]) not in shown
    # A supporting party reads it but neither closes nor reopens it.
    other = _client(world, "other_fund")
    assert other.get(reverse("engagement_reopen", args=[engagement.pk])).status_code == 403

    reopened = editor.post(
        reverse("engagement_reopen", args=[engagement.pk]), {"reason": "Terugval"}
    )
    assert reopened.status_code == 302
    assert Engagement.objects.get(pk=engagement.pk).status == "active"


def test_the_correct_page_changes_an_objective_and_leaves_reached_milestones(
    world: World, engagement: Engagement
) -> None:
    objective = _objective(world, engagement)
    first = Milestone.objects.get(objective=objective, number=1)
    actions.reach_milestone(
        by=world.users["fund_editor"], milestone=first, reached_on=TODAY, evidence="Brief"
    )
    editor = _client(world, "fund_editor")
    url = reverse("objective_edit", args=[objective.pk])
    assert "disabled" in editor.get(url).content.decode()
    moved = TODAY + datetime.timedelta(days=10)
    answer = editor.post(
        url,
        {
            "title": "Geen ontbossing, geverifieerd",
            "theme": "deforestation",
            "target_1": moved.isoformat(),  # disabled: ignored
            "target_4": moved.isoformat(),
        },
    )
    assert answer.status_code == 302
    targets = dict(Milestone.objects.filter(objective=objective).values_list("number", "target_on"))
    assert targets[1] == START + datetime.timedelta(days=30)
    assert targets[2] is None  # left empty on the form: cleared
    assert targets[4] == moved
    assert Objective.objects.get(pk=objective.pk).title == "Geen ontbossing, geverifieerd"
    bad = editor.post(url, {"title": "", "theme": "geen spaties"})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()


def test_an_engagement_of_a_case_names_it_only_to_those_who_read_the_case(
    world: World, engagement: Engagement
) -> None:
    case = open_case(world, "Palmolie en ontbossing")
    Engagement.objects.filter(pk=engagement.pk).update(case=case)
    page = reverse("engagement_detail", args=[engagement.pk])
    listing = reverse("engagement_list") + f"?mine=0&case={case.reference}"
    inside = _client(world, "fund_editor")
    assert case.title in inside.get(page).content.decode()
    assert engagement.title in inside.get(listing).content.decode()
    assert (
        engagement.title
        not in inside.get(reverse("engagement_list") + "?case=none").content.decode()
    )
    # The other fund takes part in the engagement but sits outside the case.
    outside = _client(world, "other_fund")
    assert outside.get(page).status_code == 200
    assert case.title not in outside.get(page).content.decode()
    assert engagement.title not in outside.get(listing).content.decode()
    api = outside.get(f"{API}/engagements/{engagement.pk}").json()
    assert api["case"] is None
    assert inside.get(f"{API}/engagements/{engagement.pk}").json()["case"] == case.reference


# --- The API -----------------------------------------------------------------------------


def test_a_sync_client_corrects_closes_and_reopens_through_the_api(
    world: World, engagement: Engagement
) -> None:
    editor = _client(world, "fund_editor")
    objective = _objective(world, engagement)
    patched = _send(
        editor,
        "patch",
        f"/objectives/{objective.pk}",
        {"description": "Met satellietbeelden", "targets": {"2": None, "3": TODAY.isoformat()}},
    )
    assert patched.status_code == 200, patched.content
    body = patched.json()
    assert body["title"] == "Geen ontbossing" and body["description"] == "Met satellietbeelden"
    assert [m["target_on"] for m in body["milestones"]][1:3] == [None, TODAY.isoformat()]
    assert _send(editor, "patch", f"/objectives/{objective.pk}", {"title": None}).status_code == 400

    url = f"/engagements/{engagement.pk}"
    refused = _send(editor, "post", f"{url}/close", {"note": "Klaar"})
    assert refused.status_code == 400 and refused.json()["field"] == f"outcome_{objective.pk}"
    supporting = _send(_client(world, "other_fund"), "post", f"{url}/close", {"note": "Klaar"})
    assert supporting.status_code == 403
    closed = _send(
        editor,
        "post",
        f"{url}/close",
        {
            "note": "Afgerond",
            "outcomes": [
                {"objective": objective.pk, "outcome": "partly_met", "rationale": "Deels"}
            ],
        },
    )
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed" and closed.json()["closed_on"] == TODAY.isoformat()
    assert Objective.objects.get(pk=objective.pk).outcome == "partly_met"
    again = _send(editor, "post", f"{url}/reopen", {"reason": "Nieuwe berichten"})
    assert again.status_code == 200 and again.json()["status"] == "active"


def test_parties_and_notes_through_the_api_with_history_kept(
    world: World, engagement: Engagement
) -> None:
    editor = _client(world, "fund_editor")
    added = _send(
        editor,
        "post",
        f"/engagements/{engagement.pk}/participants",
        {"party": world.union.code, "role": "co_lead", "start": TODAY.isoformat()},
    )
    assert added.status_code == 201, added.content
    twice = _send(
        editor, "post", f"/engagements/{engagement.pk}/participants", {"party": world.union.code}
    )
    assert twice.status_code == 400 and twice.json()["field"] == "party"
    ended = _send(editor, "post", f"/participants/{added.json()['id']}/end", {})
    assert ended.status_code == 200 and ended.json()["end"] == TODAY.isoformat()
    assert Participant.objects.filter(engagement=engagement, party=world.union).count() == 1
    lead = Participant.objects.get(engagement=engagement, role="lead")
    assert _send(editor, "post", f"/participants/{lead.pk}/end", {}).status_code == 400

    activity = _send(
        editor,
        "post",
        f"/engagements/{engagement.pk}/activities",
        {
            "step": "letter",
            "occurred_on": TODAY.isoformat(),
            "party": world.fund.code,
            "summary": "Brief aan de raad van bestuur",
            "external_id": "STW-4711",
        },
    )
    assert activity.status_code == 201
    note = _send(editor, "post", f"/activities/{activity.json()['id']}/notes", {"text": "Gebeld"})
    assert note.status_code == 201 and note.json()["notes"] == ["Gebeld"]
    read = editor.get(f"{API}/activities/{activity.json()['id']}")
    assert read.status_code == 200 and read.json()["external_id"] == "STW-4711"
    viewer = _client(world, "fund_viewer")
    assert (
        _send(
            viewer, "post", f"/activities/{activity.json()['id']}/notes", {"text": "x"}
        ).status_code
        == 403
    )


def test_a_retried_sync_never_makes_a_copy(world: World, engagement: Engagement) -> None:
    editor = _client(world, "fund_editor")
    start = {
        "title": "Platformwerk",
        "target": "issue",
        "issue": "Schijnzelfstandigheid",
        "lead_party": world.fund.code,
        "start_date": START.isoformat(),
        "external_id": "STW-E-12",
    }
    first = _send(editor, "post", "/engagements", start)
    assert first.status_code == 201 and first.json()["external_id"] == "STW-E-12"
    retried = _send(editor, "post", "/engagements", start)
    assert retried.status_code == 409 and str(first.json()["id"]) in retried.json()["detail"]
    found = editor.get(f"{API}/engagements?external_id=STW-E-12").json()
    assert [e["id"] for e in found["items"]] == [first.json()["id"]]

    pk = first.json()["id"]
    vote = {
        "step": "letter",
        "occurred_on": TODAY.isoformat(),
        "party": world.fund.code,
        "summary": "Brief",
        "external_id": "STW-A-1",
    }
    assert _send(editor, "post", f"/engagements/{pk}/activities", vote).status_code == 201
    assert _send(editor, "post", f"/engagements/{pk}/activities", vote).status_code == 409
    listed = editor.get(f"{API}/engagements/{pk}/activities?external_id=STW-A-1").json()
    assert len(listed) == 1


def test_a_participation_ends_on_the_date_given_and_stays_listed(
    world: World, engagement: Engagement
) -> None:
    supporting = Participant.objects.get(engagement=engagement, party=world.other_fund)
    editor = _client(world, "fund_editor")
    url = reverse("participant_end", args=[supporting.pk])
    editor.post(url, {"end": (START - datetime.timedelta(days=1)).isoformat()})
    assert Participant.objects.get(pk=supporting.pk).end is None  # before its start: refused
    ended_on = TODAY - datetime.timedelta(days=5)
    assert editor.post(url, {"end": ended_on.isoformat()}).status_code == 302
    assert Participant.objects.get(pk=supporting.pk).end == ended_on
    page = editor.get(reverse("engagement_detail", args=[engagement.pk])).content.decode()
    assert world.other_fund.display_name in page  # history kept
