"""What people see of step E: the group walks a public text from draft to published on the
case's communication page; the public case pages (no log-in) show the published text and
nothing else of the case; the case report shows each record at the reader's level, as HTML
and as PDF; the API takes the same steps."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convenant.core.testing import World
from convenant.engagement.actions import communication as actions
from convenant.engagement.models import Case, Communication, Consultation, Remedy
from convenant.engagement.tests.cases import open_case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
WHY = "test"

# Words of the case that must never reach the public.
SECRETS = {
    "letter": "Brief Grutto aan het bestuur",
    "group consultation": "Bevinding Kievit",
    "case consultation": "Bevinding Tureluur",
    "hidden people": "Naam Scholekster",
    "questions": "Vraag Wulp",
    "remedy": "Herstel Zwarte Stern",
}


def _client(world: World, actor: str | None = None) -> Client:
    client = Client()
    if actor:
        client.force_login(world.users[actor])
    return client


@pytest.fixture
def case(world: World) -> Case:
    case = open_case(world, "Palmolie Kwartelkoning")
    case.plan_objectives = "Leefbaar loon voor plantagewerkers (fictief)."
    case.plan_questions = SECRETS["questions"]
    case.publishable = ["plan_objectives", "step"]  # not the title, not the target
    case.save()
    editor = world.users["fund_editor"]
    Consultation.objects.create(
        case=case,
        held_on=TODAY - datetime.timedelta(days=10),
        kind="affected_group",
        with_whom="Plantagewerkers",
        findings=SECRETS["group consultation"],
        people_at_risk=True,
        level="group",
        recorded_by=editor,
    )
    Consultation.objects.create(
        case=case,
        held_on=TODAY - datetime.timedelta(days=5),
        kind="local_partner",
        with_whom="Lokale partner",
        people=SECRETS["hidden people"],
        findings=SECRETS["case consultation"],
        level="case",
        redactions={"findings": "case"},  # the names stay with the group
        recorded_by=editor,
    )
    Remedy.objects.create(
        case=case,
        kind="remedy",
        what=SECRETS["remedy"],
        for_whom="Ontslagen werkers",
        status_on=TODAY,
        recorded_by=editor,
    )
    letter = actions.draft_communication(
        by=editor,
        case=case,
        kind="confidential",
        title="Brief",
        text=SECRETS["letter"],
    )
    actions.propose_communication(by=editor, communication=letter)
    actions.approve_communication(by=editor, communication=letter)
    actions.approve_communication(by=world.users["union"], communication=letter)
    return case


def _publish(world: World, case: Case) -> Communication:
    editor = world.users["fund_editor"]
    c = actions.draft_communication(by=editor, case=case, kind="public")
    actions.propose_communication(by=editor, communication=c)
    actions.approve_communication(by=editor, communication=c)
    c = actions.approve_communication(by=world.users["union"], communication=c)
    return actions.publish_communication(by=editor, communication=c)


# --- The group's page ----------------------------------------------------------------------


def test_the_group_walks_a_public_text_from_draft_to_the_public_page(
    world: World, case: Case
) -> None:
    editor, union = _client(world, "fund_editor"), _client(world, "union")
    page = reverse("case_communication", args=[case.reference])
    shown = editor.get(page).content.decode()
    assert "Leefbaar loon voor plantagewerkers" in shown  # the preview of a public text
    response = editor.post(
        reverse("communication_add", args=[case.reference]), {"kind": "public", "language": "nl"}
    )
    assert response.status_code == 302
    c = Communication.objects.unrestricted(WHY).get(case=case, kind="public")
    assert c.generated_from == ["step", "plan_objectives"]
    editor.post(reverse("communication_propose", args=[case.reference, c.pk]))
    editor.post(reverse("communication_approve", args=[case.reference, c.pk]))
    shown = union.get(page).content.decode()
    assert "Goedkeuren namens mijn partij" in shown and "Vakbond Gamma" in shown  # awaited
    union.post(reverse("communication_approve", args=[case.reference, c.pk]))
    editor.post(reverse("communication_publish", args=[case.reference, c.pk]))
    c.refresh_from_db()
    assert c.status == "published" and c.published_on == TODAY
    public = _client(world).get(reverse("case_public", args=[case.reference]))
    assert public.status_code == 200 and "Leefbaar loon" in public.content.decode()


def test_a_refused_draft_says_why_and_changes_nothing(world: World, case: Case) -> None:
    editor = _client(world, "fund_editor")
    before = Communication.objects.unrestricted(WHY).count()
    response = editor.post(
        reverse("communication_add", args=[case.reference]),
        {"kind": "confidential", "language": "nl", "title": "Brief", "text": ""},
        follow=True,
    )
    assert "Schrijf de tekst van de communicatie." in response.content.decode()
    assert Communication.objects.unrestricted(WHY).count() == before


def test_the_union_expert_approves_but_does_not_draft(world: World, case: Case) -> None:
    response = _client(world, "union").post(
        reverse("communication_add", args=[case.reference]), {"kind": "public", "language": "nl"}
    )
    assert response.status_code == 403


# --- The public pages ----------------------------------------------------------------------


def test_a_case_with_nothing_published_does_not_exist_publicly(world: World, case: Case) -> None:
    # An approved confidential letter is there, and an approved public text not yet published.
    editor = world.users["fund_editor"]
    c = actions.draft_communication(by=editor, case=case, kind="public")
    actions.propose_communication(by=editor, communication=c)
    actions.approve_communication(by=editor, communication=c)
    actions.approve_communication(by=world.users["union"], communication=c)
    for actor in (None, "other_fund", "fund_editor"):
        client = _client(world, actor)
        assert client.get(reverse("case_public", args=[case.reference])).status_code == 404
        assert case.reference not in client.get(reverse("case_public_list")).content.decode()


def test_the_public_page_shows_the_published_text_and_nothing_else(
    world: World, case: Case
) -> None:
    _publish(world, case)
    anonymous = _client(world)
    pages = [
        anonymous.get(reverse("case_public", args=[case.reference])).content.decode(),
        anonymous.get(reverse("case_public_list")).content.decode(),
        anonymous.get("/api/v1/deep-track/publications").content.decode(),
    ]
    assert "Leefbaar loon voor plantagewerkers" in pages[0]
    assert case.reference in pages[1]
    assert case.issuer is not None
    for page in pages:
        for what, words in SECRETS.items():
            assert words not in page, what
        # Neither the title nor the company: the group did not mark them publishable.
        assert "Kwartelkoning" not in page
        assert case.issuer.legal_name not in page


def test_a_withdrawn_publication_leaves_the_public_page(world: World, case: Case) -> None:
    published = _publish(world, case)
    actions.withdraw_communication(by=world.users["fund_editor"], communication=published)
    assert _client(world).get(reverse("case_public", args=[case.reference])).status_code == 404


def test_the_public_list_is_in_the_navigation_for_everyone(world: World) -> None:
    home = _client(world).get(reverse("home"))
    assert reverse("case_public_list") in home.content.decode()


# --- The case report -----------------------------------------------------------------------


def test_the_report_shows_each_record_at_the_readers_level(world: World, case: Case) -> None:
    url = reverse("case_report", args=[case.reference])
    group = _client(world, "union").get(url).content.decode()
    for words in SECRETS.values():
        assert words in group
    outside = _client(world, "secretariat").get(url).content.decode()
    assert SECRETS["case consultation"] in outside  # opened to the case's readers
    assert SECRETS["group consultation"] not in outside  # the group's own
    assert SECRETS["hidden people"] not in outside and "afgeschermd" in outside
    assert SECRETS["letter"] in outside  # the case's readers read its communications
    for actor in ("other_fund", "fund_admin", "monitoring"):
        assert _client(world, actor).get(url).status_code == 404


def test_the_report_as_pdf_for_the_steering_group(world: World, case: Case) -> None:
    response = _client(world, "secretariat").get(reverse("case_report_pdf", args=[case.reference]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"case-{case.reference}.pdf" in response["Content-Disposition"]


# --- The API -------------------------------------------------------------------------------


def test_the_api_takes_the_same_steps(world: World, case: Case) -> None:
    editor, union = _client(world, "fund_editor"), _client(world, "union")
    made = editor.post(
        f"/api/v1/cases/{case.reference}/communications",
        {"kind": "public", "language": "en"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["generated_from"] == ["step", "plan_objectives"]
    early = editor.post(f"/api/v1/communications/{pk}/publish")
    assert early.status_code == 409 and "goedgekeurd" in early.json()["detail"]
    assert editor.post(f"/api/v1/communications/{pk}/propose").status_code == 200
    waiting = editor.post(f"/api/v1/communications/{pk}/approve").json()
    assert waiting["status"] == "proposed" and waiting["awaiting"] == [world.union.code]
    assert union.post(f"/api/v1/communications/{pk}/approve").json()["status"] == "approved"
    done = editor.post(f"/api/v1/communications/{pk}/publish").json()
    assert done["status"] == "published"
    listed = union.get(f"/api/v1/cases/{case.reference}/communications").json()["items"]
    assert {c["kind"] for c in listed} == {"public", "confidential"}
    public = _client(world).get("/api/v1/deep-track/publications").json()["items"]
    assert [p["case"] for p in public] == [case.reference]
    # Outside the case: its communications are not found, the published one is.
    other = _client(world, "other_fund")
    assert other.get(f"/api/v1/cases/{case.reference}/communications").status_code == 404
    assert other.get(f"/api/v1/communications/{pk}").status_code == 200
