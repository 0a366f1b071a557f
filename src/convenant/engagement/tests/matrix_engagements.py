"""Permission-matrix rows of engagement's engagements.

The world: fund A's restricted engagement (A and an extra fund C take part) with an
objective, its milestones, a restricted activity with a note and a document; and fund B's
covenant-level engagement, every party's to read, whose restricted activity stays with B
and the secretariat. Writes are for an editor of a party taking part and the secretariat;
a viewer gets 403; whoever may not read the engagement gets 404."""

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from convenant.core.testing import (
    ACTORS,
    CREATED,
    FORBIDDEN,
    HIDDEN,
    LOGIN,
    OK,
    REDIRECT,
    Row,
    World,
    members,
)

# Words found only in what must stay with the participants and the secretariat.
RESTRICTED_MARKER = "Gesprek Korhoen"  # fund A's restricted engagement's title
ACTIVITY_MARKER = "Brief Kwartel"  # its restricted activity
COVENANT_TITLE = "Mijnbouw Grauwe Gors"  # fund B's covenant-level engagement
B_ACTIVITY_MARKER = "Stemverklaring Patrijs"  # its restricted activity: B's alone

TODAY = datetime.date.today()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

READERS = members(HIDDEN, fund_viewer=OK, fund_editor=OK, fund_admin=OK, secretariat=OK)
FORMS = members(HIDDEN, fund_viewer=FORBIDDEN, fund_editor=OK, fund_admin=OK, secretariat=OK)
WRITES = members(
    HIDDEN,
    fund_viewer=FORBIDDEN,
    fund_editor=REDIRECT,
    fund_admin=REDIRECT,
    secretariat=REDIRECT,
)
NOT_B = tuple(a for a in ACTORS if a not in ("other_fund", "secretariat"))
NOT_A = tuple(
    a for a in ACTORS if a not in ("fund_viewer", "fund_editor", "fund_admin", "secretariat")
)


def extend_world(world: World) -> None:
    from convenant.engagement.actions.engagements import attachment_storage
    from convenant.engagement.ladder import load_ladder
    from convenant.engagement.models import (
        Activity,
        ActivityAttachment,
        ActivityNote,
        Engagement,
        Milestone,
        Objective,
        Participant,
    )
    from convenant.parties.models import Party
    from convenant.portfolios.models import Issuer

    load_ladder()
    issuer = Issuer.objects.create(
        legal_name="Engagement Mijnbouw N.V.",
        country_of_incorporation="NL",
        source=Issuer.Source.GLEIF,
    )
    extra = {}
    # Codes no other area's rows use (parties creates "FD" in its own row).
    for code in ("EC", "ED"):
        extra[code] = Party.objects.create(
            covenant=world.covenant,
            code=code,
            slug=code.lower(),
            name=f"Pensioenfonds {code}",
            type=Party.Type.PENSION_FUND,
            constituency=world.fund.constituency,
            joined_on=datetime.date(2019, 1, 1),
        )
    start = TODAY - datetime.timedelta(days=200)
    mine = Engagement.objects.create(
        title=RESTRICTED_MARKER,
        target="issuer",
        issuer=issuer,
        themes=["living-wage"],
        lead_party=world.fund,
        start_date=start,
        created_by=world.users["fund_editor"],
    )
    Participant.objects.create(engagement=mine, party=world.fund, role="lead", start=start)
    world.extra["eng_participant"] = Participant.objects.create(
        engagement=mine, party=extra["EC"], role="supporting", start=start
    )
    world.extra["eng_extra_party"] = extra["ED"]
    objective = Objective.objects.create(engagement=mine, title="Leefbaar loon Korhoen")
    for n in (1, 2, 3, 4):
        Milestone.objects.create(objective=objective, number=n)
    world.extra["eng_objective"] = objective
    world.extra["eng_milestone"] = Milestone.objects.get(objective=objective, number=1)
    activity = Activity.objects.create(
        engagement=mine,
        objective=objective,
        step="letter",
        ladder_edition="2026.1",
        occurred_on=TODAY,
        party=world.fund,
        summary=ACTIVITY_MARKER,
        recorded_by=world.users["fund_editor"],
    )
    ActivityNote.objects.create(
        activity=activity, text="Notitie Kwartel", written_by=world.users["fund_editor"]
    )
    storage = attachment_storage()
    path = storage.path("activities/matrix-engagement.pdf")
    import pathlib

    pathlib.Path(path).parent.mkdir(parents=True, exist_ok=True)
    world.keep_file(pathlib.Path(path), PDF.decode())
    world.extra["eng_document"] = ActivityAttachment.objects.create(
        activity=activity,
        title="Brief",
        file="activities/matrix-engagement.pdf",
        uploaded_by=world.users["fund_editor"],
    )
    world.extra["eng"] = mine
    world.extra["eng_activity"] = activity

    theirs = Engagement.objects.create(
        title=COVENANT_TITLE,
        target="issue",
        issue="Ontheemding",
        lead_party=world.other_fund,
        visibility="covenant",
        start_date=start,
        created_by=world.users["other_fund"],
    )
    Participant.objects.create(engagement=theirs, party=world.other_fund, role="lead", start=start)
    world.extra["eng_covenant_activity"] = Activity.objects.create(
        engagement=theirs,
        step="agm-vote",
        ladder_edition="2026.1",
        occurred_on=TODAY,
        party=world.other_fund,
        summary=B_ACTIVITY_MARKER,
        agm_item="Punt 4",
        vote="against",
        vote_rationale="Geen plan",
        recorded_by=world.users["other_fund"],
    )
    world.extra["eng_covenant"] = theirs

    # Fund A's closed engagement: reopened by the lead party's editors and the secretariat.
    closed = Engagement.objects.create(
        title="Afgesloten Korhoen",
        target="issue",
        issue="Kinderarbeid",
        lead_party=world.fund,
        start_date=start,
        status="closed",
        closed_on=TODAY,
        closing_note="Doel bereikt",
        created_by=world.users["fund_editor"],
    )
    Participant.objects.create(engagement=closed, party=world.fund, role="lead", start=start)
    world.extra["eng_closed"] = closed


def eng(key: str = "eng") -> Any:
    return lambda w: [w.extra[key].pk]


def _activity_form(world: World) -> dict[str, Any]:
    return {
        "step": "meeting-management",
        "occurred_on": TODAY.isoformat(),
        "party": world.fund.pk,
        "summary": "Gesprek met het management",
        "confidentiality": "restricted",
    }


def _edit_form(world: World) -> dict[str, Any]:
    return {**_activity_form(world), "step": "letter", "summary": "Brief, gecorrigeerd"}


def _attachment(world: World) -> dict[str, Any]:
    return {"title": "Verslag", "file": SimpleUploadedFile("verslag.pdf", PDF)}


ROWS: list[Row] = [
    Row(
        "engagement_list",
        members(OK),
        query="mine=0",
        absent=lambda w: [RESTRICTED_MARKER, ACTIVITY_MARKER],
        absent_for=NOT_A,
    ),
    Row(
        "engagement_list",
        members(OK),
        query="mine=0&status=all&due=1",
        absent=lambda w: [B_ACTIVITY_MARKER],
        absent_for=NOT_B,
    ),
    Row(
        "engagement_add",
        members(
            FORBIDDEN,
            fund_editor=OK,
            fund_admin=OK,
            other_fund=OK,
            union=OK,
            secretariat=OK,
            monitoring=OK,
        ),
    ),
    Row(
        "engagement_add",
        members(
            FORBIDDEN,
            fund_editor=REDIRECT,
            fund_admin=REDIRECT,
            secretariat=REDIRECT,
            other_fund="form error",
            union="form error",
            monitoring="form error",
        ),
        method="post",
        data=lambda w: {
            "title": "Nieuw",
            "target": "issue",
            "issue": "Kinderarbeid",
            "lead_party": w.fund.pk,
            "start_date": TODAY.isoformat(),
            "visibility": "restricted",
        },
    ),
    Row(
        "engagement_detail",
        READERS,
        args=eng(),
        present=lambda w: [RESTRICTED_MARKER, ACTIVITY_MARKER],
    ),
    Row(
        "engagement_detail",
        members(OK, former=HIDDEN),
        args=eng("eng_covenant"),
        present=lambda w: [COVENANT_TITLE],
        absent=lambda w: [B_ACTIVITY_MARKER],
        absent_for=NOT_B,
    ),
    Row("engagement_detail", members(HIDDEN), args=lambda w: [999999], missing=True),
    Row("objective_add", FORMS, args=eng()),
    Row(
        "objective_add",
        WRITES,
        args=eng(),
        method="post",
        data=lambda w: {"title": "Vakbondsvrijheid", "target_2": TODAY.isoformat()},
    ),
    Row("activity_add", FORMS, args=eng()),
    Row("activity_add", WRITES, args=eng(), method="post", data=_activity_form),
    Row("activity_edit", FORMS, args=eng("eng_activity")),
    Row("activity_edit", WRITES, args=eng("eng_activity"), method="post", data=_edit_form),
    Row(
        "activity_note",
        WRITES,
        args=eng("eng_activity"),
        method="post",
        data=lambda w: {"text": "Het bedrijf belde terug"},
    ),
    Row("activity_attach", WRITES, args=eng("eng_activity"), method="post", data=_attachment),
    Row("activity_attachment", READERS, args=eng("eng_document")),
    Row("milestone_target", FORMS, args=eng("eng_milestone")),
    Row(
        "milestone_target",
        WRITES,
        args=eng("eng_milestone"),
        method="post",
        data=lambda w: {"target_on": TODAY.isoformat()},
    ),
    Row("milestone_reach", FORMS, args=eng("eng_milestone")),
    Row(
        "milestone_reach",
        WRITES,
        args=eng("eng_milestone"),
        method="post",
        data=lambda w: {"reached_on": TODAY.isoformat(), "evidence": "Brief verstuurd"},
    ),
    Row("objective_outcome", FORMS, args=eng("eng_objective")),
    Row(
        "objective_outcome",
        WRITES,
        args=eng("eng_objective"),
        method="post",
        data=lambda w: {
            "outcome": "partly_met",
            "rationale": "Beleid, nog geen uitvoering",
            "closed_on": TODAY.isoformat(),
        },
    ),
    Row(
        "participant_add",
        WRITES,
        args=eng(),
        method="post",
        data=lambda w: {
            "party": w.extra["eng_extra_party"].pk,
            "role": "supporting",
            "start": TODAY.isoformat(),
        },
    ),
    Row("participant_end", WRITES, args=eng("eng_participant"), method="post"),
    Row(
        "engagement_risk_link",
        WRITES,
        args=eng(),
        method="post",
        data=lambda w: {"theme": "living-wage"},
    ),
    Row(
        "engagement_signal_link",
        WRITES,
        args=eng(),
        method="post",
        data=lambda w: {"signal": w.extra["sig_public"].reference},
    ),
]


def _close_form(world: World) -> dict[str, Any]:
    objective = world.extra["eng_objective"].pk
    return {
        "closed_on": TODAY.isoformat(),
        "note": "Doel deels bereikt",
        f"outcome_{objective}": "partly_met",
        f"rationale_{objective}": "Beleid, nog geen uitvoering",
    }


ROWS += [
    Row("objective_edit", FORMS, args=eng("eng_objective")),
    Row(
        "objective_edit",
        WRITES,
        args=eng("eng_objective"),
        method="post",
        data=lambda w: {"title": "Leefbaar loon Korhoen, herzien", "target_3": TODAY.isoformat()},
    ),
    # Closing and reopening are the lead party's (its editors) and the secretariat's.
    Row("engagement_close", FORMS, args=eng()),
    Row("engagement_close", WRITES, args=eng(), method="post", data=_close_form),
    Row("engagement_reopen", FORMS, args=eng("eng_closed")),
    Row(
        "engagement_reopen",
        WRITES,
        args=eng("eng_closed"),
        method="post",
        data=lambda w: {"reason": "Nieuwe berichten over kinderarbeid"},
    ),
]


# The API: the same reads and the same actions (201 for a write that creates).
API_WRITES = members(
    HIDDEN, fund_viewer=FORBIDDEN, fund_editor=CREATED, fund_admin=CREATED, secretariat=CREATED
)
API_CHANGES = members(HIDDEN, fund_viewer=FORBIDDEN, fund_editor=OK, fund_admin=OK, secretariat=OK)
ROWS += [
    Row(
        "api:list_engagements",
        members(OK),
        absent=lambda w: [RESTRICTED_MARKER],
        absent_for=NOT_A,
    ),
    Row(
        "api:create_engagement",
        members(
            FORBIDDEN,
            fund_editor=CREATED,
            fund_admin=CREATED,
            secretariat=CREATED,
        ),
        method="post",
        as_json=True,
        data=lambda w: {
            "title": "Via de API",
            "target": "issue",
            "issue": "Leefbaar loon",
            "lead_party": w.fund.code,
            "start_date": TODAY.isoformat(),
        },
    ),
    Row("api:get_engagement", READERS, args=eng(), present=lambda w: [RESTRICTED_MARKER]),
    Row("api:get_engagement", members(OK, former=HIDDEN), args=eng("eng_covenant")),
    Row(
        "api:add_objective",
        API_WRITES,
        args=eng(),
        method="post",
        as_json=True,
        data=lambda w: {"title": "Via de API", "targets": {"1": TODAY.isoformat()}},
    ),
    Row("api:get_objective", READERS, args=eng("eng_objective")),
    Row(
        "api:record_objective_outcome",
        API_CHANGES,
        args=eng("eng_objective"),
        method="post",
        as_json=True,
        data=lambda w: {"outcome": "met", "rationale": "Beleid uitgevoerd"},
    ),
    Row(
        "api:update_milestone",
        API_CHANGES,
        args=eng("eng_milestone"),
        method="patch",
        as_json=True,
        data=lambda w: {"reached_on": TODAY.isoformat(), "evidence": "Brief verstuurd"},
    ),
    Row(
        "api:list_activities",
        READERS,
        args=eng(),
        present=lambda w: [ACTIVITY_MARKER],
    ),
    Row(
        "api:list_activities",
        members(OK, former=HIDDEN),
        args=eng("eng_covenant"),
        absent=lambda w: [B_ACTIVITY_MARKER],
        absent_for=NOT_B,
    ),
    Row(
        "api:log_activity",
        API_WRITES,
        args=eng(),
        method="post",
        as_json=True,
        data=lambda w: {**_activity_form(w), "party": w.fund.code},
    ),
    Row(
        "api:update_activity",
        API_CHANGES,
        args=eng("eng_activity"),
        method="patch",
        as_json=True,
        data=lambda w: {"summary": "Brief, gecorrigeerd via de API"},
    ),
]

ROWS += [
    Row(
        "api:update_objective",
        API_CHANGES,
        args=eng("eng_objective"),
        method="patch",
        as_json=True,
        data=lambda w: {"description": "Via de API", "targets": {"2": TODAY.isoformat()}},
    ),
    Row(
        "api:close_engagement",
        API_CHANGES,
        args=eng(),
        method="post",
        as_json=True,
        data=lambda w: {
            "note": "Afgerond via de API",
            "outcomes": [
                {"objective": w.extra["eng_objective"].pk, "outcome": "met", "rationale": "Klaar"}
            ],
        },
    ),
    Row(
        "api:reopen_engagement",
        API_CHANGES,
        args=eng("eng_closed"),
        method="post",
        as_json=True,
        data=lambda w: {"reason": "Nieuwe berichten"},
    ),
    Row(
        "api:add_participant",
        API_WRITES,
        args=eng(),
        method="post",
        as_json=True,
        data=lambda w: {"party": w.extra["eng_extra_party"].code, "role": "supporting"},
    ),
    Row(
        "api:end_participation",
        API_CHANGES,
        args=eng("eng_participant"),
        method="post",
        as_json=True,
        data=lambda w: {},
    ),
    Row("api:get_activity", READERS, args=eng("eng_activity"), present=lambda w: [ACTIVITY_MARKER]),
    # Fund B's restricted AGM vote in its covenant-level engagement: B's and the secretariat's.
    Row(
        "api:get_activity",
        members(HIDDEN, other_fund=OK, secretariat=OK),
        args=eng("eng_covenant_activity"),
    ),
    Row(
        "api:annotate_activity",
        API_WRITES,
        args=eng("eng_activity"),
        method="post",
        as_json=True,
        data=lambda w: {"text": "Het bedrijf belde terug"},
    ),
]

# Anonymous visitors are sent to log in everywhere above (``members``).
assert all(row.outcome_for("anonymous") == LOGIN for row in ROWS)
