"""Permission-matrix rows of governance's decisions: proposals, votes, proxies and the
decision log.

A body's proposals, votes and their reasons reach only its members and the secretariat: the
steering group's proposal and its votes carry ``PROPOSAL_MARKER`` (none of the matrix actors
sits in the steering group, so only the secretariat reads it); the working group's proposal
carries ``WG_PROPOSAL_MARKER``, for the fund editor (a member) and the secretariat. The
decision log is public, but a confidential decision (``CONFIDENTIAL_MARKER``) stays with the
steering group and the secretariat.
"""

from __future__ import annotations

import datetime
import pathlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

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
    everyone,
    members,
)

PROPOSAL_MARKER = "Roerdomp"
WG_PROPOSAL_MARKER = "Wulp"
CONFIDENTIAL_MARKER = "Purperreiger"
PUBLIC_DECISION = "Besluit Tureluur"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
NOT_SECRETARIAT = tuple(a for a in ACTORS if a != "secretariat")
NOT_WG = tuple(a for a in ACTORS if a not in ("secretariat", "fund_editor"))

SG_READ = everyone(HIDDEN, anonymous=LOGIN, secretariat=OK)
SG_WRITE = everyone(HIDDEN, anonymous=LOGIN, secretariat=REDIRECT)
WG_READ = everyone(HIDDEN, anonymous=LOGIN, fund_editor=OK, secretariat=OK)
API = {"anonymous": LOGIN}


def _d(key: str) -> Any:
    return lambda w: [w.extra["decisions"][key]]


def extend_world(world: World) -> None:
    from convenant.governance.actions.bodies import document_storage
    from convenant.governance.models import (
        Decision,
        Proposal,
        ProposalAttachment,
        ProposalVersion,
        Proxy,
        Seat,
        SeatAssignment,
        Vote,
    )
    from convenant.governance.testing import governance_of

    gov = governance_of(world)
    sg, wg = gov.steering_group, gov.working_group
    sec = world.users["secretariat"]
    proposals = Proposal.objects.unrestricted("matrix world")
    week = timezone.now() + datetime.timedelta(days=7)

    def proposal(number: int, body: Any, title: str, text: str) -> Any:
        p = proposals.create(
            body=body,
            number=number,
            kind=Proposal.Kind.RECOMMENDATION,
            title=title,
            closes_at=week,
            state=Proposal.State.OPEN,
            proposed_by=sec,
        )
        version = ProposalVersion.objects.create(proposal=p, number=1, text=text, written_by=sec)
        return p, version

    sg_open, v1 = proposal(901, sg, f"Voorstel {PROPOSAL_MARKER}", "Tekst")
    Vote.objects.create(
        proposal=sg_open,
        seat=gov.seats["ngos"],
        version=v1,
        choice="objection",
        reason=f"Bezwaar {PROPOSAL_MARKER}",
        cast_by=gov.holders["ngos"],
    )
    name = f"proposals/matrix-{PROPOSAL_MARKER}.pdf"
    attachment = ProposalAttachment.objects.create(
        version=v1, title=f"Bijlage {PROPOSAL_MARKER}", file=name
    )
    path = pathlib.Path(document_storage().path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    world.keep_file(path, "%PDF-1.4 matrix")
    proxy = Proxy.objects.create(
        seat=gov.seats["funds"],
        proposal=sg_open,
        grantee=gov.holders["unions"],
        granted_by=gov.holders["funds"],
    )
    sg_voted, v2 = proposal(902, sg, f"Gestemd {PROPOSAL_MARKER}", "Tekst")
    for code, seat in gov.seats.items():
        Vote.objects.create(
            proposal=sg_voted, seat=seat, version=v2, choice="consent", cast_by=gov.holders[code]
        )
    proposal(903, wg, f"Werkgroepvoorstel {WG_PROPOSAL_MARKER}", "Tekst")
    # The working group decides by vote too: the fund editor, already a member, holds its
    # seat for fund A, so the vote and proxy rows have someone who may.
    wg_seat = Seat.objects.create(body=wg, label="Werkgroepzetel", order=0)
    SeatAssignment.objects.create(
        seat=wg_seat,
        user=world.users["fund_editor"],
        party=world.fund,
        role="holder",
        start=datetime.date(2019, 1, 1),
    )

    decisions = Decision.objects.unrestricted("matrix world")
    today = timezone.localdate()
    public = decisions.create(
        number=901, body=sg, title=PUBLIC_DECISION, text="Openbaar", decided_on=today
    )
    secret = decisions.create(
        number=902,
        body=sg,
        title=f"Besluit {CONFIDENTIAL_MARKER}",
        text="Vertrouwelijk",
        decided_on=today,
        confidential=True,
    )
    failed = decisions.create(
        number=903,
        body=sg,
        title="Toetreding Fonds Kluut",
        text="Toetreding",
        decided_on=today,
        effect_type="admit_party",
        effect_params={
            "name": "Fonds Kluut",
            "code": "KLT",
            "type": "pension_fund",
            "constituency": "funds",
        },
        effect_state=Decision.EffectState.FAILED,
        effect_note="De server was weg",
    )
    world.extra["decisions"] = {
        "open": sg_open.number,
        "voted": sg_voted.number,
        "wg": 903,
        "proxy": proxy.pk,
        "attachment": attachment.pk,
        "public": public.number,
        "secret": secret.number,
        "failed": failed.number,
        "sg": sg.slug,
        "wg_slug": wg.slug,
        "wg_seat": wg_seat.pk,
    }


def _sg_markers(w: World) -> list[str]:
    return [PROPOSAL_MARKER, CONFIDENTIAL_MARKER]


def _confidential(w: World) -> list[str]:
    return [CONFIDENTIAL_MARKER]


def _new_proposal(w: World) -> dict[str, Any]:
    closes = (timezone.localtime() + datetime.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")
    return {"kind": "other", "title": "Nieuw voorstel", "text": "Tekst", "closes_at": closes}


def _public(w: World) -> list[str]:
    return [PUBLIC_DECISION]


ROWS: list[Row] = [
    # A body's proposals: its members and the secretariat.
    Row(
        "proposal_list",
        members(FORBIDDEN, secretariat=OK),
        args=_d("sg"),
        absent=_sg_markers,
        absent_for=NOT_SECRETARIAT,
    ),
    Row(
        "proposal_list",
        members(FORBIDDEN, secretariat=OK, fund_editor=OK),
        args=_d("wg_slug"),
        absent=_sg_markers,
        absent_for=NOT_SECRETARIAT,
    ),
    Row("proposal_create", members(FORBIDDEN, secretariat=OK), args=_d("sg")),
    Row(
        "proposal_create",
        members(FORBIDDEN, secretariat=REDIRECT),
        args=_d("sg"),
        method="post",
        data=_new_proposal,
    ),
    Row(
        "proposal_detail",
        SG_READ,
        args=_d("open"),
        absent=_sg_markers,
        absent_for=NOT_SECRETARIAT,
    ),
    Row("proposal_detail", WG_READ, args=_d("wg"), absent=_sg_markers, absent_for=NOT_WG),
    # Only a seat's holder or deputy (or its proxy) votes: the secretariat may see, not vote.
    Row(
        "proposal_vote",
        everyone(HIDDEN, anonymous=LOGIN, fund_editor=REDIRECT, secretariat=FORBIDDEN),
        args=_d("wg"),
        method="post",
        data=lambda w: {"seat": w.extra["decisions"]["wg_seat"], "choice": "consent"},
    ),
    Row(
        "proposal_amend",
        SG_WRITE,
        args=_d("open"),
        method="post",
        data=lambda w: {"text": "Nieuwe tekst", "note": "Artikel 2"},
    ),
    Row("proposal_withdraw", SG_WRITE, args=_d("open"), method="post"),
    Row(
        "proposal_attach",
        SG_WRITE,
        args=_d("open"),
        method="post",
        data=lambda w: {"title": "Notitie", "file": SimpleUploadedFile("notitie.pdf", PDF)},
    ),
    Row("proposal_attachment", SG_READ, args=_d("attachment")),
    Row("proposal_close", SG_WRITE, args=_d("voted"), method="post"),
    Row(
        "proposal_outcome",
        SG_WRITE,
        args=_d("voted"),
        method="post",
        data=lambda w: {"statement": "Aangenomen"},
    ),
    Row(
        "proxy_grant",
        everyone(HIDDEN, anonymous=LOGIN, fund_editor=REDIRECT, secretariat=FORBIDDEN),
        args=_d("wg"),
        method="post",
        data=lambda w: {
            "seat": w.extra["decisions"]["wg_seat"],
            "grantee": w.users["fund_viewer"].pk,
        },
    ),
    Row("proxy_revoke", SG_WRITE, args=_d("proxy"), method="post"),
    # The decision log is public; a confidential decision is not.
    Row(
        "decision_log",
        everyone(OK),
        absent=_confidential,
        absent_for=NOT_SECRETARIAT,
        present=_public,
    ),
    Row(
        "decision_log_csv",
        everyone(OK),
        absent=_confidential,
        absent_for=NOT_SECRETARIAT,
        present=_public,
    ),
    Row("decision_log_pdf", everyone(OK)),
    Row("decision_detail", everyone(OK), args=_d("public"), present=_public),
    Row("decision_detail", everyone(HIDDEN, secretariat=OK), args=_d("secret")),
    Row(
        "decision_correct",
        members(FORBIDDEN, secretariat=REDIRECT),
        args=_d("public"),
        method="post",
        data=lambda w: {"title": "Gecorrigeerd", "text": "Juiste tekst"},
    ),
    Row(
        "decision_correct",
        everyone(HIDDEN, anonymous=LOGIN, secretariat=REDIRECT),
        args=_d("secret"),
        method="post",
        data=lambda w: {"title": "Gecorrigeerd", "text": "Juiste tekst"},
    ),
    Row(
        "decision_apply",
        members(FORBIDDEN, secretariat=REDIRECT),
        args=_d("failed"),
        method="post",
    ),
    # API: the same rows and the same action.
    Row(
        "api:list_proposals",
        members(OK, **API),
        absent=_sg_markers,
        absent_for=NOT_SECRETARIAT,
    ),
    Row(
        "api:get_proposal",
        {**SG_READ, **API},
        args=_d("open"),
        absent=_sg_markers,
        absent_for=NOT_SECRETARIAT,
    ),
    Row("api:get_proposal", {**WG_READ, **API}, args=_d("wg")),
    Row(
        "api:cast_vote",
        everyone(HIDDEN, anonymous=LOGIN, fund_editor=CREATED, secretariat=FORBIDDEN),
        args=_d("wg"),
        method="post",
        as_json=True,
        data=lambda w: {"seat": "Werkgroepzetel", "choice": "abstention"},
    ),
    Row(
        "api:list_decisions",
        everyone(OK),
        absent=_confidential,
        absent_for=NOT_SECRETARIAT,
        present=_public,
    ),
    Row("api:get_decision", everyone(OK), args=_d("public"), present=_public),
    Row("api:get_decision", everyone(HIDDEN, secretariat=OK), args=_d("secret")),
]
