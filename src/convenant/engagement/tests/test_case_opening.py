"""Opening a case: the sub-working group is made with it, at most the maximum run at once,
its people come with roles, and only the group, the steering group and the secretariat read
it."""

import datetime

import pytest
from django.test import override_settings

from convenant.core.errors import ActionError
from convenant.core.testing import World
from convenant.engagement import case_rules
from convenant.engagement.actions import cases as case_actions
from convenant.engagement.models import Case, CaseMember, Nomination
from convenant.engagement.tests.cases import SELECTED_ON, nominate, open_case
from convenant.governance.models import Body, BodyMembership

pytestmark = pytest.mark.django_db


def test_a_case_opens_in_step_a_with_its_own_sub_working_group(world: World) -> None:
    case = open_case(world)
    assert case.step == "A" and case.status == Case.Status.ACTIVE
    assert case.body.kind == Body.Kind.SUB_WORKING_GROUP
    assert case.body.case_reference == case.reference
    assert case.body.parent is not None and case.body.parent.slug == "werkgroep-diep-spoor"
    assert Nomination.objects.unrestricted("test").get(pk=case.nomination_id).state == "selected"
    members = CaseMember.objects.unrestricted("test").filter(case=case)
    assert {m.role for m in members} == {"lead_fund", "union_expert"}
    # The group's people are the body's members: one row each, never two lists.
    assert BodyMembership.objects.filter(body=case.body).count() == 2


@override_settings(ENGAGEMENT_MAX_CASES=2)
def test_no_more_cases_run_than_the_maximum(world: World) -> None:
    open_case(world, "Eerste")
    open_case(world, "Tweede")
    with pytest.raises(ActionError) as refused:
        case_actions.open_case(
            by=world.users["secretariat"],
            nomination=nominate(world, "Derde"),
            selected_on=SELECTED_ON,
        )
    assert "at most 2" in str(refused.value)
    assert Case.objects.unrestricted("test").count() == 2


def test_only_the_secretariat_opens_a_case(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    open_case(world)
    with pytest.raises(PermissionDenied):
        case_actions.open_case(
            by=world.users["fund_editor"],
            nomination=nominate(world, "Ander"),
            selected_on=SELECTED_ON,
        )


def test_a_nomination_becomes_one_case_only(world: World) -> None:
    case = open_case(world)
    with pytest.raises(ActionError):
        case_actions.open_case(
            by=world.users["secretariat"], nomination=case.nomination, selected_on=SELECTED_ON
        )


def test_the_group_and_the_steering_group_read_the_case_others_do_not(world: World) -> None:
    case = open_case(world)
    readers = {
        key
        for key, user in world.users.items()
        if Case.objects.visible_to(user).filter(pk=case.pk).exists()
    }
    assert readers == {"fund_editor", "union", "secretariat"}


def test_a_person_who_left_the_group_no_longer_reads_it_and_the_rights_follow_the_role(
    world: World,
) -> None:
    case = open_case(world)
    from convenant.core import access

    lead = access.actor_for(world.users["fund_editor"], fresh=True)
    assert "move_step" in case_rules.actor_rights(lead, case)
    union = access.actor_for(world.users["union"], fresh=True)
    assert "move_step" not in case_rules.actor_rights(union, case)
    assert "record" in case_rules.actor_rights(union, case)
    member = CaseMember.objects.unrestricted("test").get(case=case, role="union_expert")
    case_actions.end_case_member(
        by=world.users["secretariat"], member=member, end=SELECTED_ON + datetime.timedelta(days=1)
    )
    from convenant.core.models import User

    fresh = User.objects.unrestricted("test").get(pk=world.users["union"].pk)
    assert not Case.objects.visible_to(fresh).filter(pk=case.pk).exists()


def test_someone_must_work_for_the_party_they_sit_for(world: World) -> None:
    case = open_case(world)
    with pytest.raises(ActionError) as refused:
        case_actions.add_case_member(
            by=world.users["secretariat"],
            case=case,
            user=world.users["other_fund"],
            party=world.fund,
            role="supporting_fund",
        )
    assert refused.value.field == "user"
