"""Permission-matrix rows of governance's bodies, meetings, action items and calendar.

Who sits where is public. A body's meetings, agenda documents, draft minutes and amendments
reach only its members and the secretariat: the steering group's business carries the word
``SG_MARKER``, which no actor but the secretariat may read anywhere (none of the matrix
actors sits in it); the working group's carries ``WG_MARKER``, for the fund editor (a member)
and the secretariat only.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from convenant.core.testing import (
    ACTORS,
    FORBIDDEN,
    HIDDEN,
    LOGIN,
    OK,
    REDIRECT,
    Row,
    World,
    everyone,
    members,
)

SG_MARKER = "Lepelaar"
WG_MARKER = "Kievit"
FUND_ACTION = "Grutto-actie"
CALENDAR_TOKEN = "matrix-calendar-token"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

SECRETARIAT_ONLY = everyone(FORBIDDEN, anonymous=LOGIN, secretariat=REDIRECT)
# Writes on the steering group's meetings: the rest may not know they exist.
SG_WRITE = everyone(HIDDEN, anonymous=LOGIN, secretariat=REDIRECT)
SG_READ = everyone(HIDDEN, anonymous=LOGIN, secretariat=OK)
WG_READ = everyone(HIDDEN, anonymous=LOGIN, fund_editor=OK, secretariat=OK)
NOT_SECRETARIAT = tuple(a for a in ACTORS if a != "secretariat")
NOT_WG = tuple(a for a in ACTORS if a not in ("secretariat", "fund_editor"))
API = {"anonymous": LOGIN}


def _x(key: str) -> Any:
    return lambda w: [w.extra["bodies"][key].pk]


def extend_world(world: World) -> None:
    from convenant.core.models import hash_token
    from convenant.governance.actions.bodies import document_storage
    from convenant.governance.models import (
        ActionItem,
        AgendaDocument,
        AgendaItem,
        CalendarFeed,
        Meeting,
        MinutesAmendment,
    )
    from convenant.governance.testing import governance_of

    gov = governance_of(world)
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    sg, wg = gov.steering_group, gov.working_group
    meetings = Meeting.objects.unrestricted("matrix world")
    upcoming = meetings.create(
        body=sg,
        title=f"Vergadering {SG_MARKER}",
        starts_at=now + datetime.timedelta(days=10),
        ends_at=now + datetime.timedelta(days=10) + hour,
    )
    closed = meetings.create(
        body=sg,
        title=f"Vorige vergadering {SG_MARKER}",
        starts_at=now - datetime.timedelta(days=10),
        ends_at=now - datetime.timedelta(days=10) + hour,
        state=Meeting.State.CLOSED,
        minutes=f"Concept-notulen {SG_MARKER}",
        minutes_sent_at=now,
    )
    wg_now = meetings.create(
        body=wg,
        title=f"Werkgroep nu {WG_MARKER}",
        starts_at=now - hour,
        ends_at=now + hour,
        state=Meeting.State.IN_PROGRESS,
    )
    wg_closed = meetings.create(
        body=wg,
        title=f"Werkgroep eerder {WG_MARKER}",
        starts_at=now - datetime.timedelta(days=3),
        ends_at=now - datetime.timedelta(days=3) + hour,
        state=Meeting.State.CLOSED,
        minutes=f"Concept {WG_MARKER}",
        minutes_sent_at=now,
    )
    items = AgendaItem.objects.unrestricted("matrix world")
    sg_item = items.create(meeting=upcoming, title=f"Agendapunt {SG_MARKER}", order=1)
    wg_item = items.create(meeting=wg_now, title=f"Punt {WG_MARKER}", order=1)
    name = f"agenda/matrix-{SG_MARKER}.pdf"
    document = AgendaDocument.objects.unrestricted("matrix world").create(
        item=sg_item, title=f"Stuk {SG_MARKER}", file=name, uploaded_by=world.users["secretariat"]
    )
    path = document_storage().path(name)
    import pathlib

    pathlib.Path(path).parent.mkdir(parents=True, exist_ok=True)
    world.keep_file(pathlib.Path(path), "%PDF-1.4 matrix")
    amendment = MinutesAmendment.objects.unrestricted("matrix world").create(
        meeting=wg_closed, proposed_by=world.users["fund_editor"], text=f"Wijziging {WG_MARKER}"
    )
    actions = ActionItem.objects.unrestricted("matrix world")
    fund_action = actions.create(
        body=sg, title=FUND_ACTION, owner_party=world.fund, due_on=now.date()
    )
    actions.create(
        body=sg,
        title=f"Actie {SG_MARKER}",
        owner_user=gov.holders["government"],
        due_on=now.date() - datetime.timedelta(days=5),
    )
    CalendarFeed.objects.create(
        user=world.users["secretariat"], token_hash=hash_token(CALENDAR_TOKEN), renewed_at=now
    )
    world.extra["bodies"] = {
        "gov": gov,
        "upcoming": upcoming,
        "closed": closed,
        "wg_now": wg_now,
        "wg_closed": wg_closed,
        "sg_item": sg_item,
        "wg_item": wg_item,
        "document": document,
        "amendment": amendment,
        "fund_action": fund_action,
        "assignment": gov.steering_group.seats.get(label="Vakbonden").assignments.get(
            role="deputy"
        ),
        "membership": gov.monitoring_committee.memberships.get(),
    }


def _gov(w: World) -> Any:
    return w.extra["bodies"]["gov"]


def _slug(key: str) -> Any:
    return lambda w: [getattr(_gov(w), key).slug]


def _sg(w: World) -> list[str]:
    return [SG_MARKER]


def _today(w: World) -> str:
    return timezone.localdate().isoformat()


ROWS: list[Row] = [
    # Bodies: public, their business is not.
    Row(
        "body_list",
        everyone(OK),
        present=lambda w: ["Stuurgroep", "Werkgroep Toolkit", "Monitoringcommissie"],
        absent=_sg,
        absent_for=ACTORS,
    ),
    Row(
        "body_detail",
        everyone(OK),
        args=_slug("steering_group"),
        present=lambda w: ["Holder Overheid", "Deputy Vakbonden", "Independent Chair"],
        absent=_sg,
        absent_for=NOT_SECRETARIAT,
    ),
    Row(
        "body_detail",
        everyone(OK),
        args=_slug("working_group"),
        absent=lambda w: [WG_MARKER],
        absent_for=NOT_WG,
    ),
    Row("body_detail", everyone(HIDDEN), args=lambda w: ["geen-orgaan"], missing=True),
    Row("body_create", everyone(FORBIDDEN, anonymous=LOGIN, secretariat=OK)),
    Row(
        "body_create",
        SECRETARIAT_ONLY,
        method="post",
        data=lambda w: {
            "kind": "working_group",
            "name": "Werkgroep Nieuw",
            "slug": "werkgroep-nieuw",
            "parent": _gov(w).steering_group.pk,
            "established_on": "2024-01-01",
        },
    ),
    Row(
        "body_seat_add",
        SECRETARIAT_ONLY,
        method="post",
        args=_slug("working_group"),
        data=lambda w: {"label": "Extra", "has_vote": "on"},
    ),
    Row(
        "body_membership_add",
        SECRETARIAT_ONLY,
        method="post",
        args=_slug("working_group"),
        data=lambda w: {
            "user": w.users["union"].pk,
            "party": w.union.pk,
            "role": "member",
            "start": _today(w),
        },
    ),
    Row(
        "seat_assign",
        SECRETARIAT_ONLY,
        method="post",
        args=lambda w: [_gov(w).seats["unions"].pk],
        data=lambda w: {
            "user": w.users["union"].pk,
            "party": w.union.pk,
            "role": "deputy",
            "start": _today(w),
        },
    ),
    Row(
        "seat_assignment_end",
        SECRETARIAT_ONLY,
        method="post",
        args=_x("assignment"),
        data=lambda w: {"end": _today(w)},
    ),
    Row(
        "body_membership_end",
        SECRETARIAT_ONLY,
        method="post",
        args=_x("membership"),
        data=lambda w: {"end": _today(w)},
    ),
    Row(
        "meeting_create",
        SECRETARIAT_ONLY,
        method="post",
        args=_slug("steering_group"),
        data=lambda w: {
            "title": "Nieuwe vergadering",
            "starts_at": "2030-01-10T10:00",
            "ends_at": "2030-01-10T12:00",
        },
    ),
    Row(
        "action_create",
        SECRETARIAT_ONLY,
        method="post",
        args=_slug("steering_group"),
        data=lambda w: {"title": "Nieuwe actie", "owner_party": w.union.pk, "due_on": "2030-01-01"},
    ),
    # Meetings: the body's members and the secretariat.
    Row("meeting_detail", SG_READ, args=_x("upcoming")),
    Row("meeting_detail", SG_READ, args=_x("closed"), present=lambda w: ["Concept-notulen"]),
    Row("meeting_detail", WG_READ, args=_x("wg_closed"), present=lambda w: [WG_MARKER]),
    Row("meeting_detail", everyone(HIDDEN, anonymous=LOGIN), args=lambda w: [0], missing=True),
    Row(
        "meeting_advance",
        SG_WRITE,
        method="post",
        args=_x("upcoming"),
        data=lambda w: {"state": "agenda_published"},
    ),
    Row(
        "agenda_item_add",
        SG_WRITE,
        method="post",
        args=_x("upcoming"),
        data=lambda w: {"title": "Nieuw punt", "duration_minutes": 20},
    ),
    Row(
        "attendance_record",
        SG_WRITE,
        method="post",
        args=_x("closed"),
        data=lambda w: {"user": _gov(w).holders["funds"].pk, "presence": "present"},
    ),
    Row(
        "minutes_save",
        SG_WRITE,
        method="post",
        args=_x("closed"),
        data=lambda w: {"minutes": "Bijgewerkte notulen"},
    ),
    Row("minutes_send", SG_WRITE, method="post", args=_x("closed")),
    Row(
        "amendment_propose",
        everyone(HIDDEN, anonymous=LOGIN, fund_editor=REDIRECT, secretariat=FORBIDDEN),
        method="post",
        args=_x("wg_closed"),
        data=lambda w: {"text": "Graag toevoegen: ..."},
    ),
    Row(
        "amendment_answer",
        everyone(HIDDEN, anonymous=LOGIN, fund_editor=FORBIDDEN, secretariat=REDIRECT),
        method="post",
        args=_x("amendment"),
        data=lambda w: {"accept": "1", "answer": "Verwerkt."},
    ),
    Row(
        "agenda_document_add",
        SG_WRITE,
        method="post",
        args=_x("sg_item"),
        data=lambda w: {"title": "Notitie", "file": SimpleUploadedFile("notitie.pdf", PDF)},
    ),
    Row(
        "agenda_outcome",
        everyone(HIDDEN, anonymous=LOGIN, fund_editor=FORBIDDEN, secretariat=REDIRECT),
        method="post",
        args=_x("wg_item"),
        data=lambda w: {"outcome": "information", "text": "Besproken."},
    ),
    Row("agenda_document", SG_READ, args=_x("document")),
    # Action items: the owner (a person, the members of a party) and the body.
    Row(
        "action_list",
        members(OK),
        present=lambda w: [FUND_ACTION],
        present_for=("fund_viewer", "fund_editor", "fund_admin", "secretariat"),
        absent=_sg,
        absent_for=NOT_SECRETARIAT,
    ),
    Row(
        "action_list",
        members(OK),
        query="show=all",
        absent=lambda w: [FUND_ACTION],
        absent_for=("other_fund", "union", "former", "monitoring"),
    ),
    Row(
        "action_done",
        everyone(
            HIDDEN,
            anonymous=LOGIN,
            fund_viewer=FORBIDDEN,
            fund_editor=REDIRECT,
            fund_admin=REDIRECT,
            secretariat=REDIRECT,
        ),
        method="post",
        args=_x("fund_action"),
    ),
    # The calendar: the person's own; the feed by its secret token only.
    Row("calendar_settings", members(OK)),
    Row("calendar_settings", members(OK), method="post"),
    Row(
        "calendar_feed",
        everyone(OK),
        args=lambda w: [CALENDAR_TOKEN],
        present=lambda w: ["BEGIN:VCALENDAR", SG_MARKER],
    ),
    Row("calendar_feed", everyone(HIDDEN), args=lambda w: ["not-a-token"], missing=True),
    # API: the same rules.
    Row(
        "api:list_bodies",
        members(OK, **API),
        present=lambda w: ["stuurgroep"],
        absent=_sg,
        absent_for=ACTORS,
    ),
    Row(
        "api:get_body",
        members(OK, **API),
        args=_slug("steering_group"),
        present=lambda w: ["Holder Overheid"],
    ),
    Row("api:list_meetings", members(OK, **API), absent=_sg, absent_for=NOT_SECRETARIAT),
    Row("api:get_meeting", {**SG_READ, **API}, args=_x("closed")),
    Row("api:get_meeting", {**WG_READ, **API}, args=_x("wg_now")),
    Row(
        "api:list_action_items",
        members(OK, **API),
        present=lambda w: [FUND_ACTION],
        present_for=("fund_viewer", "fund_editor", "fund_admin", "secretariat"),
        absent=_sg,
        absent_for=NOT_SECRETARIAT,
    ),
]
