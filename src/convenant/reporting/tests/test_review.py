"""The monitoring committee's review: each transition for its role, audited; acceptance blocked
by an unconfirmed score or an open question; a corrected score needs its reason; a correction
outside the window refused, and one accepted supersedes the version it corrects."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from convenant.core.audit import AuditEvent
from convenant.core.errors import ActionError
from convenant.core.testing import World
from convenant.reporting.actions import review as actions
from convenant.reporting.models import (
    Answer,
    Finding,
    MonitoringReport,
    ReviewMessage,
    ReviewThread,
    Score,
    Submission,
)
from convenant.reporting.tests import review_example as ex

pytestmark = pytest.mark.django_db

WHY = "test"


@pytest.fixture
def example(world: World) -> dict[str, Any]:
    made = ex.framework("t")
    made["cycle"] = ex.cycle(world, made["framework"], "rv-t")
    made["submission"] = ex.submission(made, made["cycle"], world.fund, world.users["fund_editor"])
    return made


def _fresh(sub: Submission) -> Submission:
    return Submission.objects.unrestricted(WHY).get(pk=sub.pk)


def _confirm_all(world: World, sub: Submission) -> None:
    for score in Score.objects.unrestricted(WHY).filter(submission=sub):
        actions.confirm_score(by=world.users["monitoring"], score=score)


def test_the_whole_review_of_a_submission(
    world: World, example: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    committee, editor = world.users["monitoring"], world.users["fund_editor"]
    sub = example["submission"]
    # Given a submitted version, when the committee starts its review and asks a question
    actions.start_review(by=committee, submission=sub)
    assert _fresh(sub).state == "under_review"
    thread = actions.raise_question(
        by=committee,
        submission=sub,
        question=example["questions"][1],
        text="Waar staat dit beleid? (fictief)",
    )
    # and sends its questions, the party's editors and administrators are written to
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        told = actions.send_questions(by=committee, submission=sub)
    assert _fresh(sub).state == "questions_raised"
    addresses = {a for m in mail.outbox for a in m.to}
    assert told == 2
    assert addresses == {editor.email, world.users["fund_admin"].email}
    assert f"/reporting/submissions/{sub.pk}/" in mail.outbox[0].body
    # When the party answers in the platform and (area submissions) resubmits
    message = actions.answer_thread(by=editor, thread=thread, text="In ons jaarverslag (fictief).")
    assert message.from_committee is False
    Submission.objects.unrestricted(WHY).filter(pk=sub.pk).update(state="resubmitted")
    # then the committee reviews again, resolves the question, confirms and accepts
    actions.start_review(by=committee, submission=sub)
    actions.resolve_thread(by=committee, thread=thread)
    _confirm_all(world, sub)
    actions.accept_submission(by=committee, submission=sub)
    sub = _fresh(sub)
    assert sub.state == "accepted" and sub.accepted_by == committee
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="reporting.")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "reporting.start_review",
        "reporting.raise_question",
        "reporting.send_questions",
        "reporting.answer_question",
        "reporting.start_review",
        "reporting.resolve_question",
        "reporting.confirm_score",
        "reporting.confirm_score",
        "reporting.accept_submission",
    ]
    # Every event names the party: its review is the party's confidential business.
    assert set(
        AuditEvent.objects.filter(verb__startswith="reporting.").values_list("party_id", flat=True)
    ) == {world.fund.pk}


def test_acceptance_blocked_by_an_unconfirmed_score(world: World, example: dict[str, Any]) -> None:
    committee = world.users["monitoring"]
    sub = example["submission"]
    actions.start_review(by=committee, submission=sub)
    first = Score.objects.unrestricted(WHY).filter(submission=sub).first()
    assert first is not None
    actions.confirm_score(by=committee, score=first)
    with pytest.raises(ActionError, match="1 score"):
        actions.accept_submission(by=committee, submission=sub)
    assert _fresh(sub).state == "under_review"


def test_acceptance_blocked_by_an_open_question(world: World, example: dict[str, Any]) -> None:
    committee = world.users["monitoring"]
    sub = example["submission"]
    actions.start_review(by=committee, submission=sub)
    actions.raise_question(by=committee, submission=sub, text="Toelichting? (fictief)")
    _confirm_all(world, sub)
    with pytest.raises(ActionError, match="still open"):
        actions.accept_submission(by=committee, submission=sub)
    assert _fresh(sub).state == "under_review"


def test_a_corrected_score_needs_its_reason(world: World, example: dict[str, Any]) -> None:
    committee = world.users["monitoring"]
    sub = example["submission"]
    actions.start_review(by=committee, submission=sub)
    score = Score.objects.unrestricted(WHY).get(submission=sub, computed="negative")
    # A correction without a reason is refused, nothing changed
    with pytest.raises(ActionError) as refused:
        actions.confirm_score(by=committee, score=score, outcome="positive", reason=" ")
    assert refused.value.field == "reason"
    score.refresh_from_db()
    assert score.confirmed == ""
    # and the database refuses one too
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.unrestricted(WHY).filter(pk=score.pk).update(confirmed="positive")
    # With a reason the committee's score stands, audited as a correction
    actions.confirm_score(
        by=committee, score=score, outcome="positive", reason="Beleid staat op de site (fictief)."
    )
    score.refresh_from_db()
    assert score.outcome == "positive" and score.computed == "negative"
    assert AuditEvent.objects.filter(verb="reporting.correct_score").count() == 1


def test_roles_are_checked(world: World, example: dict[str, Any]) -> None:
    sub = example["submission"]
    for who in ("fund_editor", "secretariat", "other_fund"):
        with pytest.raises(ActionError, match="Only the monitoring committee"):
            actions.start_review(by=world.users[who], submission=sub)
    actions.start_review(by=world.users["monitoring"], submission=sub)
    thread = actions.raise_question(by=world.users["monitoring"], submission=sub, text="Vraag?")
    actions.send_questions(by=world.users["monitoring"], submission=sub)
    for who in ("fund_viewer", "other_fund", "monitoring", "secretariat"):
        with pytest.raises(ActionError, match="Only the party's editors"):
            actions.answer_thread(by=world.users[who], thread=thread, text="Antwoord")
    assert ReviewMessage.objects.unrestricted(WHY).count() == 1
    assert _fresh(sub).state == "questions_raised"


def test_states_are_checked(world: World, example: dict[str, Any]) -> None:
    committee = world.users["monitoring"]
    sub = example["submission"]
    # No question before the review starts, none sent without one, no answer before sending
    with pytest.raises(ActionError, match="while the submission is submitted"):
        actions.raise_question(by=committee, submission=sub, text="Vraag?")
    actions.start_review(by=committee, submission=sub)
    with pytest.raises(ActionError, match="no open question"):
        actions.send_questions(by=committee, submission=sub)
    thread = actions.raise_question(by=committee, submission=sub, text="Vraag?")
    with pytest.raises(ActionError, match="while the submission is under review"):
        actions.answer_thread(by=world.users["fund_editor"], thread=thread, text="Antwoord")
    with pytest.raises(ActionError, match="required"):
        actions.raise_question(by=committee, submission=sub, text="   ")
    assert ReviewThread.objects.unrestricted(WHY).count() == 1


def test_exclusion_and_back(world: World, example: dict[str, Any]) -> None:
    sub = example["submission"]
    with pytest.raises(ActionError, match="required"):
        actions.exclude_submission(by=world.users["secretariat"], submission=sub, reason="")
    with pytest.raises(ActionError, match="Only the monitoring committee or the secretariat"):
        actions.exclude_submission(by=world.users["fund_admin"], submission=sub, reason="Zelf")
    actions.exclude_submission(
        by=world.users["secretariat"], submission=sub, reason="Cijfers onbetrouwbaar (fictief)"
    )
    assert _fresh(sub).excluded
    actions.include_submission(by=world.users["monitoring"], submission=sub)
    sub = _fresh(sub)
    assert not sub.excluded and sub.exclusion_reason == ""


def test_reopen_with_a_reason_tells_the_party(
    world: World, example: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    sub = example["submission"]
    actions.start_review(by=world.users["monitoring"], submission=sub)
    _confirm_all(world, sub)
    with pytest.raises(ActionError, match="required"):
        actions.reopen_submission(by=world.users["secretariat"], submission=sub, reason="")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.reopen_submission(
            by=world.users["secretariat"], submission=sub, reason="Verkeerde bijlage (fictief)"
        )
    assert _fresh(sub).state == "in_progress"
    # The scores are confirmed again on what the party sends next.
    assert not Score.objects.unrestricted(WHY).filter(submission=sub).exclude(confirmed="")
    assert any("Verkeerde bijlage" in m.body for m in mail.outbox)
    event = AuditEvent.objects.get(verb="reporting.reopen_submission")
    assert event.after["reason"] == "Verkeerde bijlage (fictief)"


def _accept(world: World, sub: Submission) -> None:
    actions.start_review(by=world.users["monitoring"], submission=sub)
    _confirm_all(world, sub)
    actions.accept_submission(by=world.users["monitoring"], submission=sub)


def test_a_correction_is_a_new_version_that_supersedes_once_accepted(
    world: World, example: dict[str, Any]
) -> None:
    sub = example["submission"]
    _accept(world, sub)
    editor = world.users["fund_editor"]
    # When the party's editor starts a correction within the window
    correction = actions.start_correction(by=editor, submission=sub)
    assert correction.version == 2 and correction.corrects_id == sub.pk
    assert correction.state == "in_progress"
    assert Answer.objects.unrestricted(WHY).filter(submission=correction).count() == 3
    # then the accepted version stays counted while it is written
    assert _fresh(sub).state == "accepted"
    with pytest.raises(ActionError, match="already being written"):
        actions.start_correction(by=editor, submission=sub)
    # The party changes an answer and submits (area submissions): a new score
    Answer.objects.unrestricted(WHY).filter(
        submission=correction, question=example["questions"][1]
    ).update(value=True)
    Submission.objects.unrestricted(WHY).filter(pk=correction.pk).update(state="submitted")
    for indicator in example["subs"]:
        Score.objects.unrestricted(WHY).create(
            submission=correction, indicator=indicator, computed="positive"
        )
    # When the committee accepts the correction, the old version is superseded at once
    _accept(world, correction)
    assert _fresh(sub).state == "superseded"
    assert _fresh(correction).state == "accepted"
    counted = Submission.objects.unrestricted(WHY).filter(
        cycle=example["cycle"], party=world.fund, state="accepted"
    )
    assert [s.version for s in counted] == [2]
    # and the figures it changes differ from the superseded version's
    old = {
        s.indicator.code: s.outcome for s in Score.objects.unrestricted(WHY).filter(submission=sub)
    }
    new = {
        s.indicator.code: s.outcome
        for s in Score.objects.unrestricted(WHY).filter(submission=correction)
    }
    assert old["policy-public"] == "negative" and new["policy-public"] == "positive"


def test_a_correction_outside_the_window_is_refused(world: World) -> None:
    made = ex.framework("w")
    closed = ex.cycle(
        world, made["framework"], "rv-w", corrections_until=ex.TODAY - datetime.timedelta(days=1)
    )
    sub = ex.submission(made, closed, world.fund, world.users["fund_editor"])
    _accept(world, sub)
    with pytest.raises(ActionError, match="correction window"):
        actions.start_correction(by=world.users["fund_editor"], submission=sub)
    with pytest.raises(ActionError, match="Only the party's editors"):
        actions.start_correction(by=world.users["fund_viewer"], submission=sub)
    assert Submission.objects.unrestricted(WHY).filter(cycle=closed).count() == 1


def test_findings_written_and_ordered_while_the_report_is_a_draft(
    world: World, example: dict[str, Any]
) -> None:
    committee = world.users["monitoring"]
    cycle = example["cycle"]
    first = actions.add_finding(
        by=committee, cycle=cycle, kind="finding", title="Eerste", text="Tekst (fictief)"
    )
    second = actions.add_finding(
        by=committee,
        cycle=cycle,
        kind="finding",
        title="Tweede",
        text="Tekst (fictief)",
        indicator_code="policy",
    )
    with pytest.raises(ActionError, match="main indicator"):
        actions.add_finding(
            by=committee, cycle=cycle, kind="finding", title="X", text="Y", indicator_code="nope"
        )
    with pytest.raises(ActionError, match="Only the monitoring committee"):
        actions.add_finding(
            by=world.users["secretariat"], cycle=cycle, kind="finding", title="X", text="Y"
        )
    actions.move_finding(by=committee, finding=second, up=True)
    titles = list(
        Finding.objects.unrestricted(WHY).filter(cycle=cycle).values_list("title", flat=True)
    )
    assert titles == ["Tweede", "Eerste"]
    actions.update_finding(
        by=committee, finding=first, kind="recommendation", title="Eerste!", text="Beter"
    )
    # Once the report is signed off, the findings stand.
    MonitoringReport.objects.unrestricted(WHY).create(
        cycle=cycle, state="signed_off", figures={}, figures_digest="x" * 64
    )
    with pytest.raises(ActionError, match="signed off"):
        actions.delete_finding(by=committee, finding=first)
    assert Finding.objects.unrestricted(WHY).filter(cycle=cycle).count() == 2


def test_an_accepted_correction_restates_the_figures(world: World, example: dict[str, Any]) -> None:
    from convenant.reporting import figures
    from convenant.reporting.actions import report, submissions

    sub, cycle = example["submission"], example["cycle"]
    committee = world.users["monitoring"]
    _accept(world, sub)
    # Given the accepted version: not positive on policy-public, so not on policy; the
    # committee's report signed off with that figure
    assert figures.core(cycle).shares["policy"] == 0.0
    report.write_report_summary(by=committee, cycle=cycle, summary="Samenvatting (fictief)")
    report.sign_off_report(by=committee, cycle=cycle)
    # When the party corrects its answer and submits the correction
    editor = world.users["fund_editor"]
    correction = actions.start_correction(by=editor, submission=sub)
    submissions.save_answers(
        by=editor, submission=correction, changes=[submissions.Change(code="P2", value="yes")]
    )
    submissions.submit(by=editor, submission=correction)
    # then, while the committee reviews it, the accepted version still counts
    actions.start_review(by=world.users["monitoring"], submission=correction)
    assert figures.core(cycle).shares["policy"] == 0.0
    # and once it is accepted the figures change: the fund is positive on all of policy
    _confirm_all(world, correction)
    actions.accept_submission(by=world.users["monitoring"], submission=correction)
    assert figures.core(cycle).shares["policy"] == 100.0
    assert _fresh(sub).state == "superseded"
    # and a later measurement shows the signed-off figure restated
    later = ex.cycle(world, example["framework"], "rv-t2")
    later.reference_date = datetime.date(2022, 12, 31)
    later.save()
    history = figures.compute(later)["history"]
    assert history[0]["label"] == "rv-t" and history[0]["shares"]["policy"] == 0.0
    assert history[0]["restated"]["policy"] == 100.0


def test_every_score_confirmed_at_once(world: World, example: dict[str, Any]) -> None:
    committee = world.users["monitoring"]
    sub = example["submission"]
    with pytest.raises(ActionError, match="while the submission is submitted"):
        actions.confirm_all_scores(by=committee, submission=sub)
    actions.start_review(by=committee, submission=sub)
    first = Score.objects.unrestricted(WHY).filter(submission=sub, computed="negative").get()
    actions.confirm_score(by=committee, score=first, outcome="positive", reason="Gevonden.")
    # The one left is confirmed as computed; the committee's correction stays
    assert actions.confirm_all_scores(by=committee, submission=sub) == 1
    outcomes = dict(
        Score.objects.unrestricted(WHY)
        .filter(submission=sub)
        .values_list("indicator__code", "confirmed")
    )
    assert outcomes == {"policy-scope": "positive", "policy-public": "positive"}
    with pytest.raises(ActionError, match="confirmed already"):
        actions.confirm_all_scores(by=committee, submission=sub)
    event = AuditEvent.objects.get(verb="reporting.confirm_scores")
    assert event.after == {"confirmed": {"policy-scope": "positive"}}


def test_the_party_reads_the_questions_once_sent(world: World, example: dict[str, Any]) -> None:
    from convenant.reporting.views.review import threads_for

    committee, editor = world.users["monitoring"], world.users["fund_editor"]
    sub = example["submission"]
    actions.start_review(by=committee, submission=sub)
    actions.raise_question(by=committee, submission=sub, text="Eerste ronde (fictief)")
    # A draft of the committee's: the party does not see it yet, the committee does
    assert threads_for(editor, _fresh(sub))["threads"] == []
    assert len(threads_for(committee, _fresh(sub))["threads"]) == 1
    actions.send_questions(by=committee, submission=sub)
    assert len(threads_for(editor, _fresh(sub))["threads"]) == 1
    # After a resubmission the first round stays in sight, a new draft does not
    Submission.objects.unrestricted(WHY).filter(pk=sub.pk).update(
        state="resubmitted", submitted_at=timezone.now()
    )
    actions.start_review(by=committee, submission=sub)
    actions.raise_question(by=committee, submission=sub, text="Tweede ronde (fictief)")
    shown = threads_for(editor, _fresh(sub))["threads"]
    assert [t.messages.all()[0].text for t in shown] == ["Eerste ronde (fictief)"]
