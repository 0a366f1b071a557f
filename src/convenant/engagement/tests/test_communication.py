"""Step E of a deep-track case: a public text is generated from the publishable fields only,
names the company only when chosen, is approved once by every party of the group (a change
voids the approvals) and then published; a confidential one stops at approved. Every refusal
is clear and changes nothing."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from convenant.core.errors import ActionError
from convenant.core.models import AuditEvent
from convenant.core.testing import World
from convenant.engagement.actions import cases as case_actions
from convenant.engagement.actions import communication as actions
from convenant.engagement.models import (
    Case,
    CaseMember,
    CaseMilestone,
    Communication,
    CommunicationApproval,
)
from convenant.engagement.tests.cases import open_case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
WHY = "test"


@pytest.fixture
def case(world: World) -> Case:
    case = open_case(world, "Mijnbouw Kwak")
    case.plan_objectives = "Herstel voor de gemeenschap Kwak (fictief)."
    case.plan_questions = "Geheime vraag Lepelaar aan het bedrijf"
    case.themes = ["land-rights"]
    case.save()
    CaseMilestone.objects.create(
        case=case,
        title="Bedrijf erkent de klacht",
        reached_on=TODAY - datetime.timedelta(days=3),
        evidence="Brief van het bedrijf",
    )
    return case


def _publishable(case: Case, *fields: str) -> Case:
    case.publishable = list(fields)
    case.save(update_fields=["publishable"])
    return case


def _count() -> int:
    return Communication.objects.unrestricted(WHY).count()


# --- Generating ----------------------------------------------------------------------------


def test_nothing_publishable_gives_a_text_that_says_only_that_the_parties_work_on_it(
    case: Case,
) -> None:
    generated = actions.generate(case, language="nl")
    assert generated.fields == []
    assert generated.title == f"Casus diep spoor {case.reference}"
    assert "Kwak" not in generated.text and "Kwak" not in generated.title
    assert case.issuer is not None and case.issuer.legal_name not in generated.text
    assert "Lepelaar" not in generated.text


def test_the_text_reads_each_publishable_field_and_keeps_which(case: Case) -> None:
    _publishable(case, "title", "themes", "plan_objectives", "milestones", "step")
    generated = actions.generate(case, language="en")
    assert generated.title == "Mijnbouw Kwak"
    assert generated.fields == ["title", "themes", "step", "plan_objectives", "milestones"]
    assert "Herstel voor de gemeenschap Kwak" in generated.text
    assert "Bedrijf erkent de klacht" in generated.text
    assert "The case stands at step" in generated.text
    # Never a field that is not marked, whatever the case holds.
    assert "Lepelaar" not in generated.text
    dutch = actions.generate(case, language="nl")
    assert "De casus staat in stap" in dutch.text and dutch.fields == generated.fields


def test_the_company_is_named_only_when_chosen(world: World, case: Case) -> None:
    _publishable(case, "target")
    assert case.issuer is not None
    name = case.issuer.legal_name
    unnamed = actions.draft_communication(by=world.users["fund_editor"], case=case, kind="public")
    assert (
        name not in unnamed.text
        and "its name is not made public" in actions.generate(case, language="en").text
    )
    named = actions.draft_communication(
        by=world.users["fund_editor"], case=case, kind="public", names_company=True
    )
    assert name in named.text and named.names_company
    assert named.generated_from == ["target"]


def test_a_publishable_field_that_names_the_company_is_left_out_unless_chosen(
    case: Case,
) -> None:
    assert case.issuer is not None
    case.plan_objectives = f"{case.issuer.legal_name} stopt met gedwongen verhuizing."
    case.save()
    _publishable(case, "plan_objectives", "target")
    generated = actions.generate(case)
    assert case.issuer.legal_name not in generated.text
    assert generated.withheld == ["plan_objectives"] and generated.fields == ["target"]
    named = actions.generate(case, names_company=True)
    assert "plan_objectives" in named.fields and case.issuer.legal_name in named.text


def test_naming_the_company_needs_the_target_publishable(world: World, case: Case) -> None:
    _publishable(case, "title")
    before = _count()
    with pytest.raises(ActionError) as refused:
        actions.draft_communication(
            by=world.users["fund_editor"], case=case, kind="public", names_company=True
        )
    assert refused.value.field == "names_company"
    assert _count() == before


# --- The flow ------------------------------------------------------------------------------


def test_every_party_approves_once_then_it_is_approved_and_published(
    world: World, case: Case
) -> None:
    editor, union = world.users["fund_editor"], world.users["union"]
    _publishable(case, "title", "plan_objectives")
    draft = actions.draft_communication(by=editor, case=case, kind="public")
    assert draft.status == "draft" and draft.generated_from == ["title", "plan_objectives"]
    proposed = actions.propose_communication(by=editor, communication=draft)
    assert proposed.status == "proposed"
    half = actions.approve_communication(by=editor, communication=proposed)
    assert half.status == "proposed"  # the union has not approved yet
    assert actions.approving_parties(case) == {world.fund.pk, world.union.pk}
    full = actions.approve_communication(by=union, communication=half)
    assert full.status == "approved"
    published = actions.publish_communication(by=editor, communication=full)
    assert published.status == "published" and published.published_on == TODAY
    verbs = set(
        AuditEvent.objects.unrestricted(WHY)
        .filter(verb__startswith="engagement.")
        .filter(verb__contains="communication")
        .values_list("verb", flat=True)
    )
    assert verbs == {
        "engagement.draft_communication",
        "engagement.propose_communication",
        "engagement.approve_communication",
        "engagement.publish_communication",
    }


def test_a_party_approves_once(world: World, case: Case) -> None:
    editor = world.users["fund_editor"]
    c = actions.draft_communication(by=editor, case=case, kind="public")
    actions.propose_communication(by=editor, communication=c)
    actions.approve_communication(by=editor, communication=c)
    with pytest.raises(ActionError) as refused:
        actions.approve_communication(by=editor, communication=c)
    assert refused.value.code == "conflict" and "already" in str(refused.value)
    assert CommunicationApproval.objects.unrestricted(WHY).filter(communication=c).count() == 1


def test_a_change_after_an_approval_voids_the_approvals(world: World, case: Case) -> None:
    editor, union = world.users["fund_editor"], world.users["union"]
    c = actions.draft_communication(by=editor, case=case, kind="public")
    actions.propose_communication(by=editor, communication=c)
    actions.approve_communication(by=editor, communication=c)
    c = actions.approve_communication(by=union, communication=c)
    assert c.status == "approved"
    # The group then marks more publishable and the text is generated again.
    _publishable(case, "plan_objectives")
    c = actions.update_communication(by=editor, communication=c)
    assert c.status == "proposed"
    assert "Herstel voor de gemeenschap Kwak" in c.text
    assert not CommunicationApproval.objects.unrestricted(WHY).filter(communication=c).exists()
    event = (
        AuditEvent.objects.unrestricted(WHY).filter(verb="engagement.update_communication").get()
    )
    assert event.after["approvals_voided"] == 2
    with pytest.raises(ActionError):
        actions.publish_communication(by=editor, communication=c)


def test_a_confidential_letter_stops_at_approved(world: World, case: Case) -> None:
    editor, union = world.users["fund_editor"], world.users["union"]
    letter = actions.draft_communication(
        by=editor, case=case, kind="confidential", title="Brief", text="Beste directie, …"
    )
    assert letter.text == "Beste directie, …" and letter.generated_from == []
    actions.propose_communication(by=editor, communication=letter)
    actions.approve_communication(by=editor, communication=letter)
    letter = actions.approve_communication(by=union, communication=letter)
    assert letter.status == "approved"
    with pytest.raises(ActionError) as refused:
        actions.publish_communication(by=editor, communication=letter)
    assert "outside the platform" in str(refused.value)
    letter.refresh_from_db()
    assert letter.status == "approved" and letter.published_on is None


def test_a_party_that_left_the_group_is_no_longer_awaited(world: World, case: Case) -> None:
    editor = world.users["fund_editor"]
    c = actions.draft_communication(by=editor, case=case, kind="public")
    actions.propose_communication(by=editor, communication=c)
    union_member = CaseMember.objects.unrestricted(WHY).get(case=case, role="union_expert")
    case_actions.end_case_member(by=world.users["secretariat"], member=union_member, end=TODAY)
    assert actions.approving_parties(case) == {world.fund.pk}
    assert actions.approve_communication(by=editor, communication=c).status == "approved"


def test_who_may_take_each_step(world: World, case: Case) -> None:
    editor, union = world.users["fund_editor"], world.users["union"]
    before = _count()
    for outsider in (union, world.users["secretariat"], world.users["other_fund"]):
        with pytest.raises(PermissionDenied):
            actions.draft_communication(by=outsider, case=case, kind="public")
    assert _count() == before
    c = actions.draft_communication(by=editor, case=case, kind="public")
    actions.propose_communication(by=editor, communication=c)
    # The secretariat runs the process but does not approve for a party.
    with pytest.raises(PermissionDenied):
        actions.approve_communication(by=world.users["secretariat"], communication=c)
    actions.approve_communication(by=editor, communication=c)
    c = actions.approve_communication(by=union, communication=c)
    with pytest.raises(PermissionDenied):
        actions.publish_communication(by=union, communication=c)
    with pytest.raises(PermissionDenied):
        actions.withdraw_communication(by=union, communication=c)


def test_the_flow_refuses_steps_out_of_order(world: World, case: Case) -> None:
    editor = world.users["fund_editor"]
    c = actions.draft_communication(by=editor, case=case, kind="public")
    with pytest.raises(ActionError, match="put to the group"):
        actions.approve_communication(by=editor, communication=c)
    with pytest.raises(ActionError, match="whole group approved"):
        actions.publish_communication(by=editor, communication=c)
    actions.propose_communication(by=editor, communication=c)
    with pytest.raises(ActionError, match="Only a draft"):
        actions.propose_communication(by=editor, communication=c)
    c = actions.withdraw_communication(by=editor, communication=c)
    assert c.status == "withdrawn"
    with pytest.raises(ActionError, match="withdrawn already"):
        actions.withdraw_communication(by=editor, communication=c)
    with pytest.raises(ActionError):
        actions.update_communication(by=editor, communication=c, language="en")


def test_bad_input_is_refused_with_the_field_named(world: World, case: Case) -> None:
    editor = world.users["fund_editor"]
    before = _count()
    cases = [
        ({"kind": "open"}, "kind"),
        ({"kind": "public", "language": "fr"}, "language"),
        ({"kind": "confidential", "title": "Brief", "text": "  "}, "text"),
        ({"kind": "confidential", "title": "", "text": "Tekst"}, "title"),
        ({"kind": "confidential", "title": "x" * 301, "text": "Tekst"}, "title"),
        (
            {"kind": "confidential", "names_company": True, "title": "B", "text": "T"},
            "names_company",
        ),
    ]
    for kwargs, field in cases:
        with pytest.raises(ActionError) as refused:
            actions.draft_communication(by=editor, case=case, **kwargs)
        if field:
            assert refused.value.field == field
    assert _count() == before


def test_the_demo_publishes_an_approved_text_and_approves_the_big_tech_letter(
    world: World, case: Case
) -> None:
    from convenant.engagement.demo_case_plan import CASES
    from convenant.engagement.demo_communication import communicate

    big_tech = next(spec for spec in CASES if spec.key == "big_tech")
    public, letter = communicate(case, big_tech, publish=True)
    case.refresh_from_db()
    assert "plan_objectives" in case.publishable  # the group chose, through its action
    assert public.status == "published" and public.names_company
    assert case.issuer is not None and case.issuer.legal_name in public.text
    assert letter.kind == "confidential" and letter.status == "approved"
    assert "(fictief)" in letter.title
    approvals = CommunicationApproval.objects.unrestricted(WHY).filter(communication=public)
    assert {a.party_id for a in approvals} == {world.fund.pk, world.union.pk}
    mining = next(spec for spec in CASES if spec.key == "mining")
    (unpublished,) = communicate(case, mining, publish=False)
    assert unpublished.status == "approved" and not unpublished.names_company


def test_putting_a_text_to_the_group_asks_each_approver_by_mail(
    world: World, case: Case, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    editor = world.users["fund_editor"]
    c = actions.draft_communication(by=editor, case=case, kind="public")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.propose_communication(by=editor, communication=c)
    # The union expert is asked; the lead fund, who put it to the group, is not.
    assert [m.to for m in mail.outbox] == [[world.users["union"].email]]
    assert case.reference in mail.outbox[0].subject
    assert f"/cases/{case.reference}/communication/" in mail.outbox[0].body


def test_a_name_ending_in_a_full_stop_ends_the_sentence_once(world: World, case: Case) -> None:
    assert case.issuer is not None
    case.issuer.legal_name = "Kwak Holdings Inc."
    case.issuer.save()
    _publishable(case, "target")
    text = actions.generate(case, names_company=True, language="en").text
    assert "the company Kwak Holdings Inc." in text and "Inc.." not in text
