"""The self-assessment as a fund works with it: the pages, the exports read back (XLSX with
openpyxl, DOCX with python-docx), the API through the same actions, and the demo's three
years."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from convenant.core.testing import World, client_for
from convenant.toolkit.actions import assessment as act
from convenant.toolkit.models import Answer, EvidenceDocument, SelfAssessment
from convenant.toolkit.requirements import load_requirements

WHY = "test"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def assessment(world: World) -> SelfAssessment:
    load_requirements()
    editor = world.users["fund_editor"]
    a = act.start_self_assessment(by=editor, fund=world.fund, year=2025)
    doc = act.upload_evidence(
        by=editor, fund=world.fund, title="Beleid 2025", filename="b.pdf", data=PDF
    )
    act.answer_requirement(
        by=editor,
        assessment=a,
        key="1.1",
        status="partly_met",
        comment='=HYPERLINK("http://example.org") alleen de UNGP\'s',
        evidence=doc,
        passage="p. 4",
    )
    act.answer_requirement(by=editor, assessment=a, key="1.2", status="met", comment="Besluit")
    return a


def test_the_xlsx_export_holds_every_answer_and_comment_inert(
    world: World, assessment: SelfAssessment
) -> None:
    from openpyxl import load_workbook

    response = client_for("fund_viewer", world).get(
        reverse("self_assessment_export", args=[assessment.pk, "xlsx"])
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    by_key = {row[0]: row for row in rows[4:]}
    answered = by_key["1.1"]
    with translation.override("nl"):  # the request's language
        assert answered[4] == str(Answer.Status.PARTLY_MET.label)
    # The comment is there, written so that no spreadsheet runs it
    assert answered[6].startswith("'=HYPERLINK") and "UNGP" in answered[6]
    assert (answered[7], answered[8]) == ("Beleid 2025", "p. 4")
    assert "beleid-oeso-verankering" in answered[9]  # a gap: the texts that close it
    assert by_key["1.2"][6] == "Besluit" and by_key["1.2"][9] in ("", None)
    assert len(by_key) == Answer.objects.unrestricted(WHY).filter(assessment=assessment).count()


def test_the_docx_export_opens_and_holds_the_answers_and_comments(
    world: World, assessment: SelfAssessment
) -> None:
    from docx import Document

    response = client_for("fund_admin", world).get(
        reverse("self_assessment_export", args=[assessment.pk, "docx"])
    )
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Pensioenfonds Alfa" in text and "2025" in text
    assert "alleen de UNGP's" in text and "Besluit" in text
    assert "Beleid 2025, p. 4" in text
    assert "UNGP 16" in text  # each requirement with its source


def test_the_page_shows_progress_gaps_and_the_closing_texts(
    world: World, assessment: SelfAssessment
) -> None:
    page = client_for("fund_viewer", world).get(
        reverse("self_assessment_detail", args=[assessment.pk])
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert 'id="gaps"' in body and "beleid-oeso-verankering" in body
    assert "2 van 22" in body or "2 of 22" in body
    # A viewer reads, but is offered no change
    assert reverse("self_assessment_answer", args=[assessment.pk, "1.1"]) not in body


def test_a_form_answer_with_evidence_and_no_passage_comes_back_with_the_reason(
    world: World, assessment: SelfAssessment
) -> None:
    doc = EvidenceDocument.objects.unrestricted(WHY).get(fund=world.fund)
    client = client_for("fund_editor", world)
    url = reverse("self_assessment_answer", args=[assessment.pk, "1.3"])
    response = client.post(url, {"status": "met", "evidence": doc.pk, "passage": ""})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert (
        Answer.objects.unrestricted(WHY).get(assessment=assessment, requirement_key="1.3").status
        == ""
    )
    # And with the passage it is saved
    response = client.post(url, {"status": "met", "evidence": doc.pk, "passage": "p. 1"})
    assert response.status_code == 302
    saved = Answer.objects.unrestricted(WHY).get(assessment=assessment, requirement_key="1.3")
    assert (saved.status, saved.evidence, saved.passage) == ("met", doc, "p. 1")


def test_an_upload_that_is_not_a_document_is_refused_on_the_form(world: World) -> None:
    load_requirements()
    response = client_for("fund_editor", world).post(
        reverse("evidence_upload"),
        {
            "fund": world.fund.pk,
            "title": "Foto",
            "file": SimpleUploadedFile("foto.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 40),
        },
    )
    assert response.status_code == 200 and "PDF-, Word-" in response.content.decode("utf-8")
    assert not EvidenceDocument.objects.unrestricted(WHY).exists()


def test_the_secretariat_overview_has_no_answers(world: World, assessment: SelfAssessment) -> None:
    page = client_for("secretariat", world).get(reverse("self_assessment_overview") + "?year=2025")
    body = page.content.decode()
    assert page.status_code == 200 and "Pensioenfonds Alfa" in body
    assert "alleen de UNGP" not in body and "Beleid 2025" not in body


# --- API ---------------------------------------------------------------------------------


def api(world: World, actor: str) -> Client:
    return client_for(actor, world)


def test_the_api_answers_through_the_same_actions(world: World, assessment: SelfAssessment) -> None:
    client = api(world, "fund_editor")
    base = f"/api/v1/toolkit/self-assessments/{assessment.pk}"
    # Upload evidence, then answer with it
    upload = client.post(
        "/api/v1/toolkit/evidence",
        {"fund": "FA", "title": "Bestuursbesluit", "file": SimpleUploadedFile("b.pdf", PDF)},
    )
    assert upload.status_code == 201, upload.content
    doc = upload.json()["id"]
    put = client.put(
        f"{base}/answers/1.3",
        data={
            "status": "not_met",
            "comment": "Nog niet openbaar",
            "evidence": doc,
            "passage": "p. 1",
        },
        content_type="application/json",
    )
    assert put.status_code == 200, put.content
    body = put.json()
    assert (body["status"], body["gap"], body["evidence"]) == ("not_met", True, doc)
    assert [c["identifier"] for c in body["closed_by"]] == ["beleid-oeso-verankering"]
    # Bad input: a clear 400 with the field, nothing changed
    bad = client.put(
        f"{base}/answers/1.4",
        data={"status": "met", "evidence": doc},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "passage"
    not_a_document = client.post(
        "/api/v1/toolkit/evidence",
        {"fund": "FA", "file": SimpleUploadedFile("x.pdf", b"just text")},
    )
    assert not_a_document.status_code == 400 and not_a_document.json()["field"] == "file"
    # Completing too early: 409 naming what is left
    early = client.post(f"{base}/complete")
    assert early.status_code == 409 and "niet beantwoord: 1.4" in early.json()["detail"]
    # The detail, and a viewer may not write
    detail = api(world, "fund_viewer").get(base).json()
    assert detail["answered"] == 3 and detail["gaps"] == 2
    refused = api(world, "fund_viewer").put(
        f"{base}/answers/1.4", data={"status": "met"}, content_type="application/json"
    )
    assert refused.status_code == 403
    # Another fund is told nothing exists
    assert api(world, "other_fund").get(base).status_code == 404


def test_the_api_starts_the_next_year_from_this_one(
    world: World, assessment: SelfAssessment
) -> None:
    response = api(world, "fund_editor").post(
        "/api/v1/toolkit/self-assessments",
        data={"fund": "FA", "year": 2026},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    answers = {a["requirement"]: a for a in response.json()["answers"]}
    assert answers["1.1"]["to_confirm"] and answers["1.1"]["status"] == "partly_met"
    assert not answers["1.5"]["to_confirm"] and answers["1.5"]["status"] == ""
    again = api(world, "fund_editor").post(
        "/api/v1/toolkit/self-assessments",
        data={"fund": "FA", "year": 2026},
        content_type="application/json",
    )
    assert again.status_code == 409


# --- Demo -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_shows_three_years_improving_with_2026_partly_to_confirm() -> None:
    from convenant.parties.demo import load_demo_covenant
    from convenant.toolkit import demo_assessment

    load_demo_covenant()
    first = demo_assessment.load()
    second = demo_assessment.load()
    assert first["made"] == 9 and second["made"] == 0  # idempotent
    assessments = SelfAssessment.objects.unrestricted(WHY)
    for fund_id in set(assessments.values_list("fund_id", flat=True)):
        years = {a.year: a for a in assessments.filter(fund_id=fund_id)}
        assert sorted(years) == [2024, 2025, 2026]
        assert years[2024].status == years[2025].status == "completed"
        assert years[2026].status == "open" and years[2026].started_from == years[2025]
        gaps: dict[int, int] = {}
        for year, a in years.items():
            answers = Answer.objects.unrestricted(WHY).filter(assessment=a)
            gaps[year] = answers.filter(status__in=["not_met", "partly_met"]).count()
        assert gaps[2024] > gaps[2025] >= gaps[2026]  # improving
        to_confirm = Answer.objects.unrestricted(WHY).filter(
            assessment=years[2026], to_confirm=True
        )
        assert (
            0
            < to_confirm.count()
            < Answer.objects.unrestricted(WHY).filter(assessment=years[2026]).count()
        )
    assert EvidenceDocument.objects.unrestricted(WHY).filter(title__contains="(fictief)").exists()


def test_the_dashboard_shows_the_funds_newest_assessment_and_what_is_left(
    world: World, assessment: SelfAssessment
) -> None:
    page = client_for("fund_viewer", world).get(reverse("dashboard"))
    body = page.content.decode()
    assert reverse("self_assessment_detail", args=[assessment.pk]) in body
    assert "2 van 22 beantwoord" in body and "1 lacune" in body
    # A party without a fund sees no such panel
    other = client_for("union", world).get(reverse("dashboard")).content.decode()
    assert "Zelfevaluatie beleid" not in other


def test_a_completed_year_offers_no_form_to_change_it(
    world: World, assessment: SelfAssessment
) -> None:
    editor = world.users["fund_editor"]
    for key, answer in {
        a.requirement_key: a for a in Answer.objects.unrestricted(WHY).filter(assessment=assessment)
    }.items():
        if not answer.status:
            act.answer_requirement(by=editor, assessment=assessment, key=key, status="met")
    act.complete_self_assessment(by=editor, assessment=assessment)
    client = client_for("fund_editor", world)
    url = reverse("self_assessment_answer", args=[assessment.pk, "1.1"])
    assert client.get(url).status_code == 302
    client.post(url, {"status": "not_met"})
    kept = Answer.objects.unrestricted(WHY).get(assessment=assessment, requirement_key="1.1")
    assert kept.status == "partly_met"
    page = client.get(reverse("self_assessment_detail", args=[assessment.pk])).content.decode()
    assert url not in page  # the year's page offers no change
