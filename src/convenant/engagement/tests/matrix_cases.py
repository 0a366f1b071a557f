"""Permission-matrix rows of the deep track: the deep-track case board by step, a case's overview
with its collaboration plan, its group's people and roles, the steps and their exit criteria,
the leverage (step B: linked engagements and the leverage map) and the timeline.

The world: a case whose sub-working group holds the fund editor (lead fund) and the union
officer (union expert), standing at step B, with a plan (objectives, one milestone) not yet
agreed and an engagement of fund A on its company, not yet linked. The secretariat reads it
and manages its people without sitting in it; the fund's viewer, the other fund, the former
party and the monitoring committee stay outside and must not learn it exists."""

import datetime
from typing import Any

from convenant.core.testing import (
    CREATED,
    FORBIDDEN,
    HIDDEN,
    OK,
    REDIRECT,
    Row,
    World,
    members,
)

CASE_TITLE = "Casus Roerdomp"  # only the case's readers may see it
OUTSIDE = ("fund_viewer", "other_fund", "former", "monitoring")
TODAY = datetime.date.today()

READERS = members(HIDDEN, fund_editor=OK, union=OK, secretariat=OK)
# Those with edit_plan / move_step / link_engagement: the lead fund only.
LEAD_PAGE = members(HIDDEN, fund_editor=OK, union=FORBIDDEN, secretariat=FORBIDDEN)
LEAD_WRITE = members(HIDDEN, fund_editor=REDIRECT, union=FORBIDDEN, secretariat=FORBIDDEN)
# manage_members: the lead fund and the secretariat.
PEOPLE_WRITE = members(HIDDEN, fund_editor=REDIRECT, union=FORBIDDEN, secretariat=REDIRECT)


def extend_world(world: World) -> None:
    from convenant.engagement.models import (
        CaseMember,
        CaseMilestone,
        Engagement,
        Participant,
    )
    from convenant.engagement.tests.cases import open_case

    case = open_case(world, CASE_TITLE)
    case.step = "B"
    case.plan_objectives = "Herstel voor de gemeenschap Roerdomp"
    case.save(update_fields=["step", "plan_objectives"])
    world.extra["cases_case"] = case
    world.extra["cases_milestone"] = CaseMilestone.objects.create(
        case=case, title="Erkenning Roerdomp", order=1
    )
    world.extra["cases_member"] = CaseMember.objects.unrestricted("matrix set-up").get(
        case=case, role="union_expert"
    )
    engagement = Engagement.objects.create(
        title="Dialoog Roerdomp",
        target="issuer",
        issuer=case.issuer,
        lead_party=world.fund,
        start_date=TODAY,
        created_by=world.users["fund_editor"],
    )
    Participant.objects.create(engagement=engagement, party=world.fund, role="lead", start=TODAY)
    world.extra["cases_engagement"] = engagement


def ref(w: World) -> list[Any]:
    return [w.extra["cases_case"].reference]


def _member(w: World, actor: str) -> dict[str, Any]:
    """The lead fund adds a colleague of its own party; the secretariat anyone."""
    if actor == "secretariat":
        person, party = w.users["other_fund"], w.other_fund
    else:
        person, party = w.users["fund_viewer"], w.fund
    return {"person": f"{party.pk}:{person.pk}", "role": "supporting_fund", "start": TODAY}


def _api_member(w: World, actor: str) -> dict[str, Any]:
    data = _member(w, actor)
    party = w.other_fund if actor == "secretariat" else w.fund
    return {"user": int(data["person"].split(":")[1]), "party": party.code, "role": data["role"]}


ROWS: list[Row] = [
    Row(
        "case_board",
        members(OK),
        present=lambda w: [CASE_TITLE],
        present_for=("fund_editor", "union", "secretariat"),
        absent=lambda w: [CASE_TITLE],
        absent_for=OUTSIDE,
    ),
    Row("case_detail", READERS, args=ref, present=lambda w: [CASE_TITLE, "Erkenning Roerdomp"]),
    Row("case_detail", members(HIDDEN), args=lambda w: ["ds-1999-99"], missing=True),
    Row("case_member_add", PEOPLE_WRITE, args=ref, method="post", data_for=_member),
    Row(
        "case_member_end",
        PEOPLE_WRITE,
        args=lambda w: [*ref(w), w.extra["cases_member"].pk],
        method="post",
    ),
    Row("case_plan", LEAD_PAGE, args=ref),
    Row(
        "case_plan",
        LEAD_WRITE,
        args=ref,
        method="post",
        data=lambda w: {"objectives": "Herstel en erkenning", "questions": "Welk plan?"},
    ),
    Row(
        "case_plan_agree",
        LEAD_WRITE,
        args=ref,
        method="post",
        data=lambda w: {"on": TODAY.isoformat()},
    ),
    Row(
        "case_milestone_add",
        LEAD_WRITE,
        args=ref,
        method="post",
        data=lambda w: {"title": "Herstelplan", "target_on": TODAY.isoformat()},
    ),
    Row(
        "case_milestone_edit",
        LEAD_PAGE,
        args=lambda w: [*ref(w), w.extra["cases_milestone"].pk],
    ),
    Row(
        "case_milestone_edit",
        LEAD_WRITE,
        args=lambda w: [*ref(w), w.extra["cases_milestone"].pk],
        method="post",
        data=lambda w: {
            "title": "Erkenning",
            "reached_on": TODAY.isoformat(),
            "evidence": "Brief van de directie",
        },
    ),
    Row(
        "case_publishable",
        LEAD_WRITE,
        args=ref,
        method="post",
        data=lambda w: {"publish": ["title", "themes"]},
    ),
    Row(
        "case_move",
        LEAD_WRITE,
        args=ref,
        method="post",
        data=lambda w: {"to_step": "A", "reason": "Nieuwe feiten uit het veld"},
    ),
    Row("case_leverage", READERS, args=ref, present=lambda w: [CASE_TITLE]),
    Row(
        "case_link_engagement",
        LEAD_WRITE,
        args=ref,
        method="post",
        data=lambda w: {"engagement": w.extra["cases_engagement"].pk},
    ),
    Row("case_start_engagement", LEAD_PAGE, args=ref),
    Row(
        "case_start_engagement",
        LEAD_WRITE,
        args=ref,
        method="post",
        data=lambda w: {
            "title": "Casusdialoog",
            "lead_party": w.fund.pk,
            "start_date": TODAY.isoformat(),
            "visibility": "restricted",
        },
    ),
    Row("case_timeline", READERS, args=ref, present=lambda w: [CASE_TITLE]),
]

# The API: the same reads and the same actions.
API_LEAD = members(HIDDEN, fund_editor=OK, union=FORBIDDEN, secretariat=FORBIDDEN)
API_LEAD_CREATES = members(HIDDEN, fund_editor=CREATED, union=FORBIDDEN, secretariat=FORBIDDEN)
ROWS += [
    Row(
        "api:list_cases",
        members(OK),
        present=lambda w: [CASE_TITLE],
        present_for=("fund_editor", "union", "secretariat"),
        absent=lambda w: [CASE_TITLE],
        absent_for=OUTSIDE,
    ),
    Row("api:get_case", READERS, args=ref, present=lambda w: [CASE_TITLE]),
    Row("api:get_case_plan", READERS, args=ref),
    Row(
        "api:update_case_plan",
        API_LEAD,
        args=ref,
        method="patch",
        as_json=True,
        data=lambda w: {"questions": "Welk plan?", "publishable": ["title"]},
    ),
    Row("api:list_case_milestones", READERS, args=ref),
    Row(
        "api:add_case_milestone",
        API_LEAD_CREATES,
        args=ref,
        method="post",
        as_json=True,
        data=lambda w: {"title": "Herstelplan", "target_on": TODAY.isoformat()},
    ),
    Row(
        "api:update_case_milestone",
        API_LEAD,
        args=lambda w: [w.extra["cases_milestone"].pk],
        method="patch",
        as_json=True,
        data=lambda w: {"reached_on": TODAY.isoformat(), "evidence": "Brief"},
    ),
    Row("api:list_case_members", READERS, args=ref),
    Row(
        "api:add_case_member",
        members(HIDDEN, fund_editor=CREATED, union=FORBIDDEN, secretariat=CREATED),
        args=ref,
        method="post",
        as_json=True,
        data_for=_api_member,
    ),
    Row(
        "api:end_case_member",
        members(HIDDEN, fund_editor=OK, union=FORBIDDEN, secretariat=OK),
        args=lambda w: [w.extra["cases_member"].pk],
        method="post",
    ),
    Row(
        "api:move_case_step",
        API_LEAD_CREATES,
        args=ref,
        method="post",
        as_json=True,
        data=lambda w: {"to_step": "A", "reason": "Nieuwe feiten"},
    ),
]
