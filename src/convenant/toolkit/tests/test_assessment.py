"""A fund's policy self-assessment: the requirement tree as a versioned library file, the yearly
round started from last year's answers "to confirm", answers with evidence, the gap logic with
the model texts that close a gap, completion, and the secretariat's view without content."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import NoReverseMatch, reverse

from convenant.core.errors import ActionError
from convenant.core.testing import World
from convenant.toolkit import assessment_report
from convenant.toolkit.actions import assessment as act
from convenant.toolkit.models import (
    Answer,
    EvidenceDocument,
    ModelText,
    Requirement,
    SelfAssessment,
)
from convenant.toolkit.requirements import (
    REQUIREMENTS_DIR,
    EditionChanged,
    answerable,
    load_requirements,
)

WHY = "test"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes(text: str = "Beleid (fictief)") -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def tree(db: None) -> str:
    edition, _ = load_requirements()
    return edition


def answers_of(assessment: SelfAssessment) -> dict[str, Answer]:
    return {
        a.requirement_key: a for a in Answer.objects.unrestricted(WHY).filter(assessment=assessment)
    }


def answer_all(by: Any, assessment: SelfAssessment, status: str = "met") -> None:
    for key in answers_of(assessment):
        act.answer_requirement(by=by, assessment=assessment, key=key, status=status)


# --- The requirement tree -------------------------------------------------------------------


def test_the_tree_covers_the_due_diligence_steps_and_cites_its_sources(tree: str) -> None:
    nodes = list(Requirement.objects.filter(edition=tree))
    groups = [n for n in nodes if not n.parent_key]
    leaves = answerable(tree)
    assert 6 <= len(groups) <= 8 and 20 <= len(nodes) <= 30
    assert all(n.source and n.title and n.title_en for n in nodes)
    assert all(leaf.closed_by for leaf in leaves)  # every requirement can be closed by a text
    titles = " ".join(g.title_en for g in groups)
    for step in ("commitment", "Identify", "severity", "Leverage", "Remediation", "Report"):
        assert step.lower() in titles.lower()


def test_loading_an_edition_again_changes_nothing(tree: str) -> None:
    # Given the shipped edition loaded
    count = Requirement.objects.filter(edition=tree).count()
    # When it is loaded again, by the function and by the command
    assert load_requirements() == (tree, 0)
    out = io.StringIO()
    call_command("load_requirements", tree, stdout=out)
    # Then nothing was added
    assert "already loaded" in out.getvalue()
    assert Requirement.objects.filter(edition=tree).count() == count


def test_a_changed_file_under_a_loaded_edition_is_refused(tree: str, tmp_path: Path) -> None:
    # Given the file of the loaded edition with one title changed
    text = (REQUIREMENTS_DIR / tree / "requirements.yaml").read_text(encoding="utf-8")
    changed = tmp_path / "requirements.yaml"
    changed.write_text(
        text.replace('"Het bestuur heeft het beleid vastgesteld"', '"Iets anders"'),
        encoding="utf-8",
    )
    # When it is loaded under the same edition
    with pytest.raises(EditionChanged, match=r"1\.2"):
        load_requirements(changed)
    with pytest.raises(CommandError, match="new edition"):
        call_command("load_requirements", str(changed))
    # Then the loaded tree is unchanged
    node = Requirement.objects.get(edition=tree, key="1.2")
    assert node.title == "Het bestuur heeft het beleid vastgesteld"


# --- The yearly round ------------------------------------------------------------------------


def test_the_first_assessment_has_every_requirement_unanswered(world: World, tree: str) -> None:
    # When the fund's editor starts its first assessment
    a = act.start_self_assessment(by=world.users["fund_editor"], fund=world.fund, year=2025)
    # Then every requirement of the newest edition waits for an answer, none "to confirm"
    answers = answers_of(a)
    assert set(answers) == {r.key for r in answerable(tree)}
    assert all(x.status == "" and not x.to_confirm for x in answers.values())
    assert a.edition == tree and a.started_from is None


def test_next_year_starts_from_last_years_answers_each_to_confirm(world: World, tree: str) -> None:
    editor = world.users["fund_editor"]
    # Given 2025 with an answer with comment and evidence, and one left unanswered
    first = act.start_self_assessment(by=editor, fund=world.fund, year=2025)
    doc = act.upload_evidence(
        by=editor, fund=world.fund, title="Beleid", filename="b.pdf", data=PDF
    )
    act.answer_requirement(
        by=editor,
        assessment=first,
        key="1.1",
        status="partly_met",
        comment="Alleen de UNGP's",
        evidence=doc,
        passage="p. 2",
    )
    # When 2026 is started
    second = act.start_self_assessment(by=editor, fund=world.fund, year=2026)
    # Then the answer is copied, to confirm; the unanswered one stays unanswered
    answers = answers_of(second)
    copied = answers["1.1"]
    assert (copied.status, copied.comment, copied.evidence, copied.passage, copied.to_confirm) == (
        "partly_met",
        "Alleen de UNGP's",
        doc,
        "p. 2",
        True,
    )
    assert answers["1.2"].status == "" and not answers["1.2"].to_confirm
    assert second.started_from == first
    # And last year's answer itself is untouched
    assert not answers_of(first)["1.1"].to_confirm


def test_confirming_keeps_the_answer_and_clears_to_confirm(world: World, tree: str) -> None:
    editor = world.users["fund_editor"]
    first = act.start_self_assessment(by=editor, fund=world.fund, year=2025)
    act.answer_requirement(by=editor, assessment=first, key="1.1", status="met", comment="Ja")
    second = act.start_self_assessment(by=editor, fund=world.fund, year=2026)
    # When the copied answer is confirmed
    act.confirm_answer(by=editor, assessment=second, key="1.1")
    # Then it is the same answer, no longer to confirm
    answer = answers_of(second)["1.1"]
    assert (answer.status, answer.comment, answer.to_confirm) == ("met", "Ja", False)
    # And confirming again is refused: there is nothing to confirm
    with pytest.raises(ActionError, match="nothing to confirm"):
        act.confirm_answer(by=editor, assessment=second, key="1.1")


def test_changing_a_copied_answer_clears_to_confirm(world: World, tree: str) -> None:
    editor = world.users["fund_editor"]
    first = act.start_self_assessment(by=editor, fund=world.fund, year=2025)
    act.answer_requirement(by=editor, assessment=first, key="1.1", status="not_met")
    second = act.start_self_assessment(by=editor, fund=world.fund, year=2026)
    act.answer_requirement(by=editor, assessment=second, key="1.1", status="met")
    answer = answers_of(second)["1.1"]
    assert (answer.status, answer.to_confirm) == ("met", False)


def test_completing_needs_every_answer_given_and_confirmed(world: World, tree: str) -> None:
    editor = world.users["fund_editor"]
    first = act.start_self_assessment(by=editor, fund=world.fund, year=2025)
    answer_all(editor, first)
    act.complete_self_assessment(by=editor, assessment=first)
    second = act.start_self_assessment(by=editor, fund=world.fund, year=2026)
    keys = list(answers_of(second))
    act.answer_requirement(by=editor, assessment=second, key=keys[0], status="not_applicable")
    # When it is completed with answers still to confirm
    with pytest.raises(ActionError, match=f"to confirm: {keys[1]}") as refused:
        act.complete_self_assessment(by=editor, assessment=second)
    # Then the refusal says what is left, and the assessment stays open
    assert keys[0] not in refused.value.messages[0]
    second.refresh_from_db()
    assert second.status == "open"
    # And once everything is confirmed it completes
    for key in keys[1:]:
        act.confirm_answer(by=editor, assessment=second, key=key)
    act.complete_self_assessment(by=editor, assessment=second)
    second.refresh_from_db()
    assert second.status == "completed" and second.completed_on is not None


def test_an_unanswered_requirement_is_named_when_completing(world: World, tree: str) -> None:
    a = act.start_self_assessment(by=world.users["fund_editor"], fund=world.fund, year=2025)
    with pytest.raises(ActionError, match=r"not answered: 1\.1, 1\.2"):
        act.complete_self_assessment(by=world.users["fund_editor"], assessment=a)


def test_a_completed_assessment_no_longer_changes(world: World, tree: str) -> None:
    editor = world.users["fund_editor"]
    a = act.start_self_assessment(by=editor, fund=world.fund, year=2025)
    answer_all(editor, a)
    act.complete_self_assessment(by=editor, assessment=a)
    with pytest.raises(ActionError, match="completed"):
        act.answer_requirement(by=editor, assessment=a, key="1.1", status="not_met")
    assert answers_of(a)["1.1"].status == "met"


def test_a_year_is_started_once_and_within_the_covenants_years(world: World, tree: str) -> None:
    editor = world.users["fund_editor"]
    act.start_self_assessment(by=editor, fund=world.fund, year=2025)
    with pytest.raises(ActionError, match="already has"):
        act.start_self_assessment(by=editor, fund=world.fund, year=2025)
    with pytest.raises(ActionError, match="Choose a year"):
        act.start_self_assessment(by=editor, fund=world.fund, year=2017)
    assert SelfAssessment.objects.unrestricted(WHY).count() == 1


def test_only_the_funds_editors_change_it(world: World, tree: str) -> None:
    a = act.start_self_assessment(by=world.users["fund_editor"], fund=world.fund, year=2025)
    for who in ("fund_viewer", "other_fund", "secretariat"):
        with pytest.raises(ActionError) as refused:
            act.answer_requirement(by=world.users[who], assessment=a, key="1.1", status="met")
        assert refused.value.code == "forbidden"
    assert answers_of(a)["1.1"].status == ""


# --- Answers and evidence --------------------------------------------------------------------


def test_bad_answers_are_refused_with_a_clear_message(world: World, tree: str) -> None:
    editor = world.users["fund_editor"]
    a = act.start_self_assessment(by=editor, fund=world.fund, year=2025)
    doc = act.upload_evidence(by=editor, fund=world.fund, title="B", filename="b.pdf", data=PDF)
    other_doc = act.upload_evidence(
        by=world.users["other_fund"], fund=world.other_fund, title="X", filename="x.pdf", data=PDF
    )
    cases: list[tuple[dict[str, Any], str]] = [
        ({"status": "maybe"}, "Choose met"),
        ({"status": "met", "evidence": doc}, "which page or in which passage"),
        ({"status": "met", "passage": "p. 3"}, "document the page"),
        ({"status": "met", "evidence": other_doc, "passage": "p. 1"}, "own documents"),
        ({"status": "met", "key": "9.9"}, "not in this self-assessment"),
        ({"status": "met", "comment": "x" * 5001}, "too long"),
    ]
    for given, message in cases:
        key = given.pop("key", "1.1")
        with pytest.raises(ActionError, match=message):
            act.answer_requirement(by=editor, assessment=a, key=key, **given)
    assert answers_of(a)["1.1"].status == ""


@pytest.mark.parametrize(
    ("data", "accepted"),
    [
        (PDF, True),
        (docx_bytes(), True),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 32, False),  # an image
        (b"Beleid in platte tekst", False),
        (b"PK\x03\x04" + b"\0" * 40, False),  # a zip that is no document
    ],
)
def test_evidence_must_be_a_document_by_its_content(
    world: World, tree: str, data: bytes, accepted: bool
) -> None:
    editor = world.users["fund_editor"]
    if accepted:
        doc = act.upload_evidence(
            by=editor, fund=world.fund, title="", filename="beleid.pdf", data=data
        )
        stored = act.evidence_storage().open(doc.file.name, "rb").read()
        assert stored == data and doc.title == "beleid.pdf"
        return
    with pytest.raises(ActionError, match="PDF, Word"):
        act.upload_evidence(by=editor, fund=world.fund, title="", filename="beleid.pdf", data=data)
    assert not EvidenceDocument.objects.unrestricted(WHY).exists()


# --- Gaps ----------------------------------------------------------------------------------


def test_gaps_are_the_not_and_partly_met_answers_with_the_texts_that_close_them(
    world: World, tree: str
) -> None:
    editor = world.users["fund_editor"]
    a = act.start_self_assessment(by=editor, fund=world.fund, year=2025)
    # Given a toolkit that holds one of the texts that close requirement 1.4
    ModelText.objects.create(identifier="contract-vermogensbeheerder", kind="contract_clause")
    for key, status in [
        ("1.1", "met"),
        ("1.3", "not_applicable"),
        ("1.4", "partly_met"),
        ("1.5", "not_met"),
    ]:
        act.answer_requirement(by=editor, assessment=a, key=key, status=status)
    # When the report is read
    report = assessment_report.report_of(a, editor)
    # Then only not met and partly met are gaps, each with its closing texts
    gaps = {g.key: g for g in report.gaps}
    assert set(gaps) == {"1.4", "1.5"}
    closing = {c.identifier: c for c in gaps["1.4"].closing}
    assert list(closing) == Requirement.objects.get(edition=tree, key="1.4").closed_by
    try:
        link = reverse("toolkit_text", args=["contract-vermogensbeheerder"])
    except NoReverseMatch:
        link = ""
    assert closing["contract-vermogensbeheerder"].url == link
    assert closing["beleid-oeso-verankering"].url == ""  # not in the toolkit: the identifier only
    # And the progress counts what is answered and what is left
    assert report.answered == 4 and report.unanswered == report.total - 4
    assert not report.can_complete


# --- The secretariat ---------------------------------------------------------------------


def test_the_secretariat_learns_only_whether_it_exists_and_is_completed(
    world: World, tree: str
) -> None:
    editor = world.users["fund_editor"]
    a = act.start_self_assessment(by=editor, fund=world.fund, year=2025)
    answer_all(editor, a)
    act.complete_self_assessment(by=editor, assessment=a)
    act.start_self_assessment(by=world.users["other_fund"], fund=world.other_fund, year=2025)
    statuses = {
        s.fund.code: s for s in act.assessment_status(by=world.users["secretariat"], year=2025)
    }
    assert (statuses["FA"].exists, statuses["FA"].completed) == (True, True)
    assert (statuses["FB"].exists, statuses["FB"].completed) == (True, False)
    assert "FX" not in statuses  # the fund that left the covenant
    # And no one else may ask
    with pytest.raises(PermissionDenied):
        act.assessment_status(by=world.users["fund_admin"], year=2025)
    # And the secretariat reads no assessment itself
    assert not SelfAssessment.objects.visible_to(world.users["secretariat"]).exists()
    assert not Answer.objects.visible_to(world.users["secretariat"]).exists()
