"""Meetings: states only forward, the agenda with nested items and documents, outcomes,
items carried to the next meeting, and minutes with amendments, fixed once approved."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convenant.core.errors import ActionError
from convenant.core.testing import World, last_event_id
from convenant.governance.actions import bodies as actions
from convenant.governance.models import ActionItem, AgendaItem, Meeting, MinutesAmendment
from convenant.governance.testing import Governance, governance_of

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def gov(world: World, settings: Any, tmp_path: Any) -> Governance:
    settings.GOVERNANCE_UPLOAD_DIR = tmp_path / "governance"
    return governance_of(world)


def _meeting(world: World, gov: Governance, days: int, title: str = "Vergadering") -> Meeting:
    start = timezone.now() + datetime.timedelta(days=days)
    return actions.create_meeting(
        by=world.users["secretariat"],
        body=gov.working_group,
        title=title,
        starts_at=start,
        ends_at=start + 2 * HOUR,
    )


def _advance(world: World, meeting: Meeting, *states: str) -> Meeting:
    for state in states:
        meeting = actions.advance_meeting(
            by=world.users["secretariat"], meeting=meeting, to_state=state
        )
    return meeting


def test_a_meeting_moves_only_forward_one_step_at_a_time(world: World, gov: Governance) -> None:
    meeting = _meeting(world, gov, -1)
    before = last_event_id()
    for wrong in ("in_progress", "closed", "draft", "nonsense"):
        with pytest.raises(ActionError, match="one step forward"):
            actions.advance_meeting(by=world.users["secretariat"], meeting=meeting, to_state=wrong)
    assert last_event_id() == before
    meeting = _advance(world, meeting, "agenda_published", "in_progress")
    with pytest.raises(ActionError):
        actions.advance_meeting(
            by=world.users["secretariat"], meeting=meeting, to_state="agenda_published"
        )
    with pytest.raises(PermissionDenied):
        actions.advance_meeting(by=world.users["fund_editor"], meeting=meeting, to_state="closed")
    assert Meeting.objects.unrestricted("test").get(pk=meeting.pk).state == "in_progress"


def test_an_unhandled_item_moves_to_the_next_meeting_with_its_nested_items(
    world: World, gov: Governance
) -> None:
    secretariat = world.users["secretariat"]
    first = _meeting(world, gov, -7, "Eerste")
    second = _meeting(world, gov, 7, "Tweede")
    done = actions.add_agenda_item(by=secretariat, meeting=first, title="Opening")
    open_ = actions.add_agenda_item(
        by=secretariat, meeting=first, title="Toolkit", presenter=gov.chair, duration_minutes=30
    )
    actions.add_agenda_item(by=secretariat, meeting=first, title="Hoofdstuk 2", parent=open_)
    first = _advance(world, first, "agenda_published", "in_progress")
    with pytest.raises(ActionError, match="fixed"):
        actions.add_agenda_item(by=secretariat, meeting=first, title="Te laat")
    actions.record_outcome(by=secretariat, item=done, outcome="information", text="Geopend.")
    _advance(world, first, "closed")

    moved = list(
        AgendaItem.objects.unrestricted("test").filter(meeting=second).select_related("parent")
    )
    assert sorted(i.title for i in moved) == ["Hoofdstuk 2", "Toolkit"]
    toolkit = next(i for i in moved if i.title == "Toolkit")
    assert toolkit.carried_from == open_
    assert toolkit.presenter == gov.chair and toolkit.duration_minutes == 30
    assert next(i for i in moved if i.title == "Hoofdstuk 2").parent == toolkit
    # Moving happens once: creating another meeting does not copy them again.
    _meeting(world, gov, 14, "Derde")
    assert AgendaItem.objects.unrestricted("test").filter(carried_from=open_).count() == 1


def test_without_a_next_meeting_the_item_moves_when_one_is_created(
    world: World, gov: Governance
) -> None:
    secretariat = world.users["secretariat"]
    meeting = _meeting(world, gov, -7)
    item = actions.add_agenda_item(by=secretariat, meeting=meeting, title="Begroting")
    _advance(world, meeting, "agenda_published", "in_progress", "closed")
    assert not AgendaItem.objects.unrestricted("test").filter(carried_from=item).exists()

    later = _meeting(world, gov, 21, "Volgende")
    assert AgendaItem.objects.unrestricted("test").get(carried_from=item).meeting == later
    page = _client(world, "fund_editor").get(reverse("meeting_detail", args=[meeting.pk]))
    assert reverse("meeting_detail", args=[later.pk]) in page.content.decode()


def test_an_action_outcome_creates_an_action_item_and_a_decision_needs_a_proposal(
    world: World, gov: Governance
) -> None:
    secretariat = world.users["secretariat"]
    meeting = _meeting(world, gov, 0)
    item = actions.add_agenda_item(by=secretariat, meeting=meeting, title="Casus")
    other = actions.add_agenda_item(by=secretariat, meeting=meeting, title="Besluit")
    _advance(world, meeting, "agenda_published", "in_progress")
    with pytest.raises(ActionError, match="proposal"):
        actions.record_outcome(by=secretariat, item=other, outcome="decision")
    with pytest.raises(ActionError, match="due date"):
        actions.record_outcome(
            by=secretariat,
            item=item,
            outcome="action",
            action_title="Bellen",
            owner_party=world.fund,
        )
    actions.record_outcome(
        by=secretariat,
        item=item,
        outcome="action",
        action_title="Bedrijf benaderen",
        owner_party=world.fund,
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    action = ActionItem.objects.unrestricted("test").get(item=item)
    assert (action.owner_party, action.meeting, action.body) == (world.fund, meeting, meeting.body)
    assert AgendaItem.objects.unrestricted("test").get(pk=item.pk).handled


def _client(world: World, actor: str) -> Client:
    client = Client()
    client.force_login(world.users[actor])
    return client


def _closed_with_minutes(world: World, gov: Governance) -> Meeting:
    meeting = _advance(world, _meeting(world, gov, -2), "agenda_published", "in_progress", "closed")
    actions.save_minutes(by=world.users["secretariat"], meeting=meeting, minutes="Notulen.")
    return actions.send_minutes(by=world.users["secretariat"], meeting=meeting)


def test_members_amend_draft_minutes_within_the_window_then_they_are_fixed(
    world: World, gov: Governance
) -> None:
    secretariat, member = world.users["secretariat"], world.users["fund_editor"]
    meeting = _closed_with_minutes(world, gov)
    with pytest.raises(PermissionDenied):  # not in the working group
        actions.propose_amendment(by=world.users["fund_admin"], meeting=meeting, text="Nee")
    amendment = actions.propose_amendment(by=member, meeting=meeting, text="Voeg toe: X.")
    with pytest.raises(ActionError, match="amendment"):
        _advance(world, meeting, "minutes_approved")
    actions.answer_amendment(by=secretariat, amendment=amendment, accept=True, answer="Ja.")
    actions.save_minutes(by=secretariat, meeting=meeting, minutes="Notulen. X.")
    meeting = _advance(world, meeting, "minutes_approved")
    assert meeting.minutes_approved_at is not None

    before = last_event_id()
    with pytest.raises(ActionError, match="approved"):
        actions.save_minutes(by=secretariat, meeting=meeting, minutes="Anders.")
    with pytest.raises(ActionError, match="approved"):
        actions.propose_amendment(by=member, meeting=meeting, text="Toch nog.")
    with pytest.raises(ActionError, match="approved"):
        actions.send_minutes(by=secretariat, meeting=meeting)
    response = _client(world, "secretariat").post(
        reverse("minutes_save", args=[meeting.pk]), {"minutes": "Via de pagina."}
    )
    assert response.status_code == 302
    assert last_event_id() == before
    assert Meeting.objects.unrestricted("test").get(pk=meeting.pk).minutes == "Notulen. X."
    assert MinutesAmendment.objects.unrestricted("test").get().state == "accepted"


def test_an_amendment_after_the_window_is_refused(world: World, gov: Governance) -> None:
    meeting = _closed_with_minutes(world, gov)
    Meeting.objects.unrestricted("test").filter(pk=meeting.pk).update(
        minutes_sent_at=timezone.now() - datetime.timedelta(days=8)
    )
    meeting.refresh_from_db()
    with pytest.raises(ActionError, match="until"):
        actions.propose_amendment(by=world.users["fund_editor"], meeting=meeting, text="Laat.")


def test_draft_minutes_reach_only_the_body_and_the_secretariat(
    world: World, gov: Governance
) -> None:
    meeting = _closed_with_minutes(world, gov)
    url = reverse("meeting_detail", args=[meeting.pk])
    assert "Notulen." in _client(world, "fund_editor").get(url).content.decode()
    assert "Notulen." in _client(world, "secretariat").get(url).content.decode()
    for actor in ("fund_admin", "union", "monitoring"):
        assert _client(world, actor).get(url).status_code == 404
    api = _client(world, "union").get(f"/api/v1/meetings/{meeting.pk}")
    assert api.status_code == 404


def test_documents_are_checked_stored_privately_and_served_to_the_body(
    world: World, gov: Governance
) -> None:
    secretariat = world.users["secretariat"]
    meeting = _meeting(world, gov, 5)
    item = actions.add_agenda_item(by=secretariat, meeting=meeting, title="Stukken")
    for name, data, problem in [
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 100, "Upload a PDF"),
        ("leeg.pdf", b"", "Choose a file"),
        ("groot.pdf", PDF + b"0" * (21 * 2**20), "at most"),
    ]:
        with pytest.raises(ActionError, match=problem):
            actions.add_agenda_document(
                by=secretariat, item=item, title="", filename=name, data=data
            )
    response = _client(world, "secretariat").post(
        reverse("agenda_document_add", args=[item.pk]),
        {"title": "Notitie", "file": SimpleUploadedFile("notitie.pdf", PDF)},
    )
    assert response.status_code == 302
    document = item.documents.unrestricted("test").get()
    assert document.file.name.startswith("agenda/") and "notitie" not in document.file.name
    url = reverse("agenda_document", args=[document.pk])
    got = _client(world, "fund_editor").get(url)
    assert got.status_code == 200
    assert got.getvalue() == PDF
    assert got["Content-Disposition"].startswith("attachment")
    assert _client(world, "fund_admin").get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to log in


def test_attendance_is_recorded_for_the_bodys_people(world: World, gov: Governance) -> None:
    meeting = _advance(world, _meeting(world, gov, 0), "agenda_published", "in_progress")
    client = _client(world, "secretariat")
    url = reverse("attendance_record", args=[meeting.pk])
    before = last_event_id()
    client.post(url, {"user": world.users["union"].pk, "presence": "present"})  # not a member
    assert last_event_id() == before
    client.post(url, {"user": world.users["fund_editor"].pk, "presence": "excused"})
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "Fund Editor" in page and "Afgemeld" in page
