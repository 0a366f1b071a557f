"""Permission-matrix rows of the deep track's step E, the public case pages and the case report.

The world: a case whose group holds the fund editor (lead fund: drafts, approves, publishes)
and the union officer (union expert: approves); the secretariat reads it without sitting in
it; everyone else reads only what the group published. The case has a published public
communication, a confidential letter the group approved, a draft, a proposed and an approved
public text, and two consultations (one kept for the group). The public pages and the public
API show the published text only: none of the letter's or the consultations' words."""

from typing import Any

from convenant.core.testing import (
    ACTORS,
    CREATED,
    FORBIDDEN,
    HIDDEN,
    OK,
    REDIRECT,
    Row,
    World,
    everyone,
    members,
)

CASE_TITLE = "Casus Roerdomp"
PUBLIC_MARKER = "Herstel voor gemeenschappen Roerdomp"  # publishable plan objectives
LETTER_MARKER = "Woudaap"  # the confidential letter
GROUP_MARKER = "Waterral"  # a consultation kept for the group
CASE_MARKER = "Porseleinhoen"  # a consultation the case's readers read
SECRET_WORDS = [LETTER_MARKER, GROUP_MARKER, CASE_MARKER]

READERS = members(HIDDEN, fund_editor=OK, union=OK, secretariat=OK)
DRAFTERS = members(HIDDEN, fund_editor=REDIRECT, union=FORBIDDEN, secretariat=FORBIDDEN)
APPROVERS = members(HIDDEN, fund_editor=REDIRECT, union=REDIRECT, secretariat=FORBIDDEN)
API_DRAFTERS = members(HIDDEN, fund_editor=OK, union=FORBIDDEN, secretariat=FORBIDDEN)
NOT_GROUP = tuple(a for a in ACTORS if a not in ("fund_editor", "union"))


def extend_world(world: World) -> None:
    import datetime

    from convenant.engagement.actions import communication as actions
    from convenant.engagement.models import Consultation
    from convenant.engagement.tests.cases import open_case

    case = open_case(world, CASE_TITLE)
    case.publishable = ["title", "themes", "target", "plan_objectives", "step"]
    case.plan_objectives = f"{PUBLIC_MARKER} (fictief)."
    case.save()
    editor, union = world.users["fund_editor"], world.users["union"]
    for level, findings in (("group", GROUP_MARKER), ("case", CASE_MARKER)):
        Consultation.objects.create(
            case=case,
            held_on=datetime.date(2026, 3, 1),
            kind="affected_group",
            with_whom=f"Gemeenschap {findings}",
            findings=f"Bevinding {findings} (fictief)",
            level=level,
            recorded_by=editor,
        )

    def public(*, to: str) -> Any:
        c = actions.draft_communication(by=editor, case=case, kind="public")
        if to == "draft":
            return c
        c = actions.propose_communication(by=editor, communication=c)
        if to == "proposed":
            return c
        actions.approve_communication(by=editor, communication=c)
        c = actions.approve_communication(by=union, communication=c)
        if to == "approved":
            return c
        return actions.publish_communication(by=editor, communication=c)

    world.extra["comm_case"] = case
    world.extra["comm_published"] = public(to="published")
    world.extra["comm_draft"] = public(to="draft")
    world.extra["comm_proposed"] = public(to="proposed")
    world.extra["comm_approved"] = public(to="approved")
    letter = actions.draft_communication(
        by=editor,
        case=case,
        kind="confidential",
        title=f"Brief {LETTER_MARKER}",
        text=f"Vertrouwelijke brief {LETTER_MARKER} aan het bedrijf (fictief).",
    )
    actions.propose_communication(by=editor, communication=letter)
    actions.approve_communication(by=editor, communication=letter)
    world.extra["comm_letter"] = actions.approve_communication(by=union, communication=letter)


def ref(w: World) -> list[Any]:
    return [w.extra["comm_case"].reference]


def comm(key: str) -> Any:
    return lambda w: [w.extra["comm_case"].reference, w.extra[key].pk]


def pk(key: str) -> Any:
    return lambda w: [w.extra[key].pk]


def _secret(w: World) -> list[str]:
    return SECRET_WORDS


ROWS: list[Row] = [
    # Step E: the case's readers only; the letter is the group's and the case's readers'.
    Row(
        "case_communication",
        READERS,
        args=ref,
        present=lambda w: [LETTER_MARKER, PUBLIC_MARKER],
    ),
    Row(
        "communication_add",
        DRAFTERS,
        args=ref,
        method="post",
        data=lambda w: {"kind": "public", "language": "nl"},
    ),
    Row(
        "communication_update",
        DRAFTERS,
        args=comm("comm_draft"),
        method="post",
        data=lambda w: {"language": "en"},
    ),
    Row("communication_propose", DRAFTERS, args=comm("comm_draft"), method="post"),
    Row("communication_approve", APPROVERS, args=comm("comm_proposed"), method="post"),
    Row("communication_publish", DRAFTERS, args=comm("comm_approved"), method="post"),
    Row("communication_withdraw", DRAFTERS, args=comm("comm_published"), method="post"),
    # The report: the case's readers, group-level records only for the group.
    Row(
        "case_report",
        READERS,
        args=ref,
        present=lambda w: [CASE_TITLE, CASE_MARKER, LETTER_MARKER],
        absent=lambda w: [GROUP_MARKER],
        absent_for=NOT_GROUP,
    ),
    Row("case_report", READERS, args=ref, present=lambda w: [GROUP_MARKER], present_for=("union",)),
    Row("case_report_pdf", READERS, args=ref),
    # The public pages: no log-in, the published text and nothing else of the case.
    Row(
        "case_public_list",
        everyone(OK),
        present=lambda w: [CASE_TITLE],
        absent=_secret,
        absent_for=ACTORS,
    ),
    Row(
        "case_public",
        everyone(OK),
        args=ref,
        present=lambda w: [PUBLIC_MARKER],
        absent=_secret,
        absent_for=ACTORS,
    ),
    Row("case_public", everyone(HIDDEN), args=lambda w: ["ds-1999-99"], missing=True),
]

# The API: the same reads and the same actions.
ROWS += [
    Row(
        "api:list_case_communications",
        members(HIDDEN, fund_editor=OK, union=OK, secretariat=OK),
        args=ref,
        present=lambda w: [LETTER_MARKER],
    ),
    Row(
        "api:draft_case_communication",
        members(HIDDEN, fund_editor=CREATED, union=FORBIDDEN, secretariat=FORBIDDEN),
        args=ref,
        method="post",
        as_json=True,
        data=lambda w: {"kind": "public", "language": "en"},
    ),
    Row(
        "api:get_communication",
        members(HIDDEN, fund_editor=OK, union=OK, secretariat=OK),
        args=pk("comm_letter"),
        present=lambda w: [LETTER_MARKER],
    ),
    Row("api:get_communication", members(OK), args=pk("comm_published")),
    Row("api:propose_communication", API_DRAFTERS, args=pk("comm_draft"), method="post"),
    Row(
        "api:approve_communication",
        members(HIDDEN, fund_editor=OK, union=OK, secretariat=FORBIDDEN),
        args=pk("comm_proposed"),
        method="post",
    ),
    Row("api:publish_communication", API_DRAFTERS, args=pk("comm_approved"), method="post"),
    Row("api:withdraw_communication", API_DRAFTERS, args=pk("comm_letter"), method="post"),
    Row(
        "api:list_publications",
        everyone(OK),
        present=lambda w: [PUBLIC_MARKER],
        absent=_secret,
        absent_for=ACTORS,
    ),
]
