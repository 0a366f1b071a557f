"""Permission-matrix rows of toolkit: the requirement tree (a versioned library file) and a fund's
yearly policy self-assessment against it: answers with evidence, gaps with the model texts that
close them, each year started from the last, exported as XLSX and DOCX.

A fund's self-assessment is its own members' only: another fund, the union, the former party,
the monitoring committee and the secretariat never read an answer, a comment or a document
(404, or a page without them). The secretariat reads per fund only whether the year's
assessment exists and is completed."""

from __future__ import annotations

import pathlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from convenant.core.testing import (
    CREATED,
    FORBIDDEN,
    HIDDEN,
    LOGIN,
    OK,
    OTHER_FUND_MARKER,
    REDIRECT,
    Row,
    World,
    everyone,
    members,
)

# Words only in fund A's (FA's) assessment: its comment and its evidence document's title.
FUND_MARKER = "Koekoeksbloem"
EVIDENCE_MARKER = "Beleidsstuk Koekoeksbloem"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

FUND_MEMBERS = ("fund_viewer", "fund_editor", "fund_admin")
NOT_FUND_A = ("anonymous", "other_fund", "union", "former", "secretariat", "monitoring")

# Fund A's own records: its members read them; everyone else is told nothing exists.
FUND_READ = everyone(HIDDEN, anonymous=LOGIN, fund_viewer=OK, fund_editor=OK, fund_admin=OK)
# Fund A's editors change them; its viewer may see, not change; the rest: nothing exists.
FUND_WRITE = everyone(
    HIDDEN, anonymous=LOGIN, fund_viewer=FORBIDDEN, fund_editor=REDIRECT, fund_admin=REDIRECT
)
# Pages about "my fund": each fund's members their own fund; parties without a fund: 403.
OWN_FUND_PAGE = members(FORBIDDEN, **dict.fromkeys((*FUND_MEMBERS, "other_fund"), OK))
API_READ = everyone(HIDDEN, anonymous=LOGIN, fund_viewer=OK, fund_editor=OK, fund_admin=OK)
API_WRITE = everyone(HIDDEN, anonymous=LOGIN, fund_viewer=FORBIDDEN, fund_editor=OK, fund_admin=OK)


def _x(name: str, *more: Any) -> Any:
    return lambda w: [w.extra["assessment"][name].pk, *more]


def _both(w: World) -> list[str]:
    return [FUND_MARKER, OTHER_FUND_MARKER]


def _fund_words(w: World) -> list[str]:
    return [FUND_MARKER]


def extend_world(world: World) -> None:
    from convenant.toolkit.actions.assessment import evidence_storage
    from convenant.toolkit.models import Answer, EvidenceDocument, SelfAssessment
    from convenant.toolkit.requirements import load_requirements

    load_requirements()
    why = "matrix world"
    assessments = SelfAssessment.objects.unrestricted(why)
    answers = Answer.objects.unrestricted(why)
    documents = EvidenceDocument.objects.unrestricted(why)
    editor = world.users["fund_editor"]
    storage = evidence_storage()

    def document(fund: Any, title: str) -> Any:
        name = f"evidence/matrix-{fund.code}.pdf"
        doc = documents.create(
            fund=fund, title=title, file=name, content_type="application/pdf", uploaded_by=editor
        )
        path = pathlib.Path(storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        world.keep_file(path, "%PDF-1.4 matrix")
        return doc

    evidence = document(world.fund, EVIDENCE_MARKER)
    other_evidence = document(world.other_fund, f"Beleid {OTHER_FUND_MARKER}")
    # Fund A: 2026 open (1.1 answered, 1.2 to confirm); 2025 open, its one answer given, so
    # it can be completed.
    current = assessments.create(fund=world.fund, year=2026, edition="2026.1", created_by=editor)
    answers.create(
        assessment=current,
        requirement_key="1.1",
        status="not_met",
        comment=f"Toelichting {FUND_MARKER}",
        evidence=evidence,
        passage="p. 3",
    )
    answers.create(assessment=current, requirement_key="1.2", status="met", to_confirm=True)
    ready = assessments.create(fund=world.fund, year=2025, edition="2026.1", created_by=editor)
    answers.create(assessment=ready, requirement_key="1.1", status="met", comment=FUND_MARKER)
    # Fund B's: its own words, which nobody outside it may read.
    other = assessments.create(
        fund=world.other_fund,
        year=2026,
        edition="2026.1",
        created_by=world.users["other_fund"],
    )
    answers.create(
        assessment=other,
        requirement_key="1.1",
        status="partly_met",
        comment=f"Toelichting {OTHER_FUND_MARKER}",
        evidence=other_evidence,
        passage="p. 1",
    )
    world.extra["assessment"] = {
        "current": current,
        "ready": ready,
        "other": other,
        "evidence": evidence,
    }


def _upload(w: World) -> dict[str, Any]:
    return {"fund": w.fund.pk, "title": "Beleid", "file": SimpleUploadedFile("beleid.pdf", PDF)}


def _api_upload(w: World) -> dict[str, Any]:
    return {"fund": w.fund.code, "title": "Beleid", "file": SimpleUploadedFile("beleid.pdf", PDF)}


ROWS: list[Row] = [
    # The requirement tree: public reference data with its sources.
    Row("requirement_tree", everyone(OK), present=lambda w: ["UNGP 16", "IV.4"]),
    Row("api:list_requirements", everyone(OK), present=lambda w: ["UNGP 16"]),
    # A fund's assessments: its own; the secretariat goes to its overview of the round.
    Row(
        "self_assessment_home",
        members(
            FORBIDDEN, secretariat=REDIRECT, **dict.fromkeys((*FUND_MEMBERS, "other_fund"), OK)
        ),
        present=lambda w: ["2026", "2025"],
        present_for=FUND_MEMBERS,
        absent=lambda w: [OTHER_FUND_MARKER],
    ),
    Row(
        "self_assessment_start",
        members(
            FORBIDDEN,
            fund_editor=REDIRECT,
            fund_admin=REDIRECT,
            other_fund=REDIRECT,  # starts its own fund's year: it has no other
        ),
        method="post",
        data=lambda w: {"fund": w.fund.pk, "year": 2023},
    ),
    Row(
        "self_assessment_detail",
        FUND_READ,
        args=_x("current"),
        present=lambda w: [FUND_MARKER, EVIDENCE_MARKER, "beleid-oeso-verankering"],
        absent=lambda w: [OTHER_FUND_MARKER],
    ),
    Row(
        "self_assessment_detail",
        everyone(HIDDEN, anonymous=LOGIN, other_fund=OK),
        args=_x("other"),
        present=lambda w: [OTHER_FUND_MARKER],
    ),
    Row(
        "self_assessment_answer",
        everyone(HIDDEN, anonymous=LOGIN, fund_viewer=FORBIDDEN, fund_editor=OK, fund_admin=OK),
        args=_x("current", "1.1"),
        present=lambda w: [FUND_MARKER],
    ),
    Row(
        "self_assessment_answer",
        FUND_WRITE,
        args=_x("current", "1.1"),
        method="post",
        data=lambda w: {"status": "partly_met", "comment": "Deels"},
    ),
    Row("self_assessment_confirm", FUND_WRITE, args=_x("current", "1.2"), method="post"),
    Row("self_assessment_complete", FUND_WRITE, args=_x("ready"), method="post"),
    Row(
        "self_assessment_export",
        FUND_READ,
        args=_x("current", "xlsx"),
        present=lambda w: [FUND_MARKER, "1.1"],
        absent=lambda w: [OTHER_FUND_MARKER],
    ),
    Row("self_assessment_export", FUND_READ, args=_x("current", "docx")),
    Row(
        "self_assessment_compare",
        OWN_FUND_PAGE,
        present=lambda w: ["2026", "2025"],
        present_for=FUND_MEMBERS,
        absent=_both,
        absent_for=("other_fund",),
    ),
    Row(
        "evidence_list",
        OWN_FUND_PAGE,
        present=lambda w: [EVIDENCE_MARKER],
        present_for=FUND_MEMBERS,
        absent=lambda w: [OTHER_FUND_MARKER],
    ),
    Row(
        "evidence_upload",
        members(FORBIDDEN, fund_editor=REDIRECT, fund_admin=REDIRECT, other_fund=REDIRECT),
        method="post",
        data=_upload,
    ),
    Row(
        "evidence_document",
        FUND_READ,
        args=lambda w: [w.extra["assessment"]["evidence"].pk],
    ),
    # The secretariat: per fund whether it started and completed, never an answer.
    Row(
        "self_assessment_overview",
        members(FORBIDDEN, secretariat=OK),
        present=lambda w: ["Pensioenfonds Alfa", "Pensioenfonds Beta"],
        absent=_both,
        absent_for=("secretariat",),
    ),
    # --- API ---
    Row(
        "api:list_self_assessments",
        members(OK),
        present=lambda w: ['"FA"', "2026"],
        present_for=FUND_MEMBERS,
        absent=lambda w: ['"FA"'],
        absent_for=NOT_FUND_A,
    ),
    Row(
        "api:start_self_assessment",
        members(HIDDEN, fund_viewer=FORBIDDEN, fund_editor=CREATED, fund_admin=CREATED),
        method="post",
        as_json=True,
        data=lambda w: {"fund": w.fund.code, "year": 2023},
    ),
    Row(
        "api:self_assessment_status",
        members(FORBIDDEN, secretariat=OK),
        present=lambda w: ['"FA"', '"FB"'],
        absent=_both,
        absent_for=("secretariat",),
    ),
    Row(
        "api:get_self_assessment",
        API_READ,
        args=_x("current"),
        present=lambda w: [FUND_MARKER],
        absent=lambda w: [OTHER_FUND_MARKER],
    ),
    Row(
        "api:put_answer",
        API_WRITE,
        args=_x("current", "1.1"),
        method="put",
        as_json=True,
        data=lambda w: {"status": "met", "comment": "Via de API"},
    ),
    Row("api:confirm_answer", API_WRITE, args=_x("current", "1.2"), method="post"),
    Row("api:complete_self_assessment", API_WRITE, args=_x("ready"), method="post"),
    Row(
        "api:export_self_assessment",
        API_READ,
        args=_x("current", "xlsx"),
        present=lambda w: [FUND_MARKER],
    ),
    Row(
        "api:list_evidence",
        members(OK),
        present=lambda w: [EVIDENCE_MARKER],
        present_for=FUND_MEMBERS,
        absent=lambda w: [EVIDENCE_MARKER],
        absent_for=NOT_FUND_A,
    ),
    Row(
        "api:upload_evidence",
        members(HIDDEN, fund_viewer=FORBIDDEN, fund_editor=CREATED, fund_admin=CREATED),
        method="post",
        data=_api_upload,
    ),
]
