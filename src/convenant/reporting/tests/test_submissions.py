"""A party's submission, on the covenant's framework 2019.1: opening a cycle gives every party
that reports its submission; the first save pre-fills what the platform knows; a pre-filled
answer must be confirmed or changed before submitting; submitting locks the version and
computes its scores; resubmitting waits for an answer to each open question; a party that
joins during a cycle gets its submission too; only the party's writers write."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convenant.core.audit import AuditEvent
from convenant.core.errors import ActionError
from convenant.core.testing import World
from convenant.reporting.actions import cycles as cycle_actions
from convenant.reporting.actions import submissions as actions
from convenant.reporting.models import (
    Answer,
    Cycle,
    Framework,
    ReviewMessage,
    ReviewThread,
    Score,
    Submission,
)

pytestmark = pytest.mark.django_db

WHY = "test"
TODAY = timezone.localdate()

# Answers that make a fund positive on every indicator of 2019.1 (fictional).
FULL = {
    "P1.1": "yes",
    "P1.2": "2019-06-30",
    "P2.1": "all",
    "P2.2": "80",
    "P3.1": "1.234.567,89",
    "P3.2": "95",
    "U1.1": "yes",
    "U2.2": "60",
    "M1.1": "yes",
    "M1.2": "70",
    "M2.1": "yes",
    "R1.1": "yes",
    "R1.2": "https://www.example.nl/verslag",
    "R2.1": "results",
}


def framework() -> Framework:
    from convenant.reporting.framework import load_all

    load_all()
    return Framework.objects.get(version="2019.1")


def open_cycle(world: World, label: str = "t-2021", **dates: Any) -> Cycle:
    cycle = cycle_actions.create_cycle(
        by=world.users["secretariat"],
        label=label,
        name=f"Voortgangsmeting {label} (fictief)",
        kind=Cycle.Kind.PROGRESS,
        framework=framework(),
        reference_date=datetime.date(2021, 12, 31),
        opens_on=dates.get("opens_on", TODAY - datetime.timedelta(days=10)),
        closes_on=dates.get("closes_on", TODAY + datetime.timedelta(days=30)),
        targets={"policy": "50", "outsourcing": "30"},
    )
    return cycle_actions.open_cycle(by=world.users["secretariat"], cycle=cycle)


def fresh(s: Submission) -> Submission:
    return Submission.objects.unrestricted(WHY).select_related("cycle", "party").get(pk=s.pk)


def of(cycle: Cycle, party: Any) -> Submission:
    return fresh(Submission.objects.unrestricted(WHY).get(cycle=cycle, party=party))


def answer(s: Submission, code: str) -> Answer:
    return Answer.objects.unrestricted(WHY).get(submission=s, question__code=code)


def fill(editor: Any, s: Submission, values: dict[str, Any] = FULL) -> None:
    actions.save_answers(
        by=editor,
        submission=s,
        changes=[actions.Change(code=c, value=v) for c, v in values.items()],
    )


def evidence_for(editor: Any, s: Submission) -> None:
    actions.upload_evidence(
        by=editor,
        submission=s,
        code="P1.3",
        title="Beleid (fictief)",
        filename="beleid.pdf",
        data=b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    )


def test_opening_a_cycle_gives_each_party_that_reports_its_submission(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    # Given a cycle in preparation, when the secretariat opens it
    with django_capture_on_commit_callbacks(execute=True):
        cycle = open_cycle(world)
    # Then the funds answer the fund questionnaire, the union the effort one; the party that
    # left and the neutral bodies get none
    rows = {
        s.party.code: s.questionnaire
        for s in Submission.objects.unrestricted(WHY).filter(cycle=cycle).select_related("party")
    }
    assert rows == {"FA": "fund", "FB": "fund", "UN": "effort"}
    assert cycle.state == "open" and cycle.opened_at is not None
    # and each editor and administrator of those parties got an e-mail
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == [
        "fund_admin@example.org",
        "fund_editor@example.org",
        "other_fund@example.org",
        "union@example.org",
    ]
    assert AuditEvent.objects.unrestricted(WHY).filter(verb="reporting.open_cycle").count() == 1
    # and the framework is fixed: the cycle no longer changes
    with pytest.raises(ActionError):
        cycle_actions.update_cycle(
            by=world.users["secretariat"], cycle=cycle, changes={"name": "Anders"}
        )


def test_only_the_secretariat_prepares_a_cycle(world: World) -> None:
    with pytest.raises(ActionError) as refused:
        cycle_actions.create_cycle(
            by=world.users["monitoring"],
            label="x",
            name="X",
            kind="progress",
            framework=framework(),
            reference_date=TODAY,
            opens_on=TODAY,
            closes_on=TODAY,
        )
    assert refused.value.code == "forbidden"
    with pytest.raises(ActionError) as wrong:
        cycle_actions.create_cycle(
            by=world.users["secretariat"],
            label="x",
            name="X",
            kind="progress",
            framework=framework(),
            reference_date=TODAY,
            opens_on=TODAY,
            closes_on=TODAY,
            targets={"policy": "120"},
        )
    assert wrong.value.field == "target_policy"
    assert not Cycle.objects.unrestricted(WHY).exists()


def test_the_first_save_prefills_and_a_prefilled_answer_must_be_confirmed(world: World) -> None:
    editor = world.users["fund_editor"]
    s = of(open_cycle(world), world.fund)
    # When the fund's editor saves a first answer
    fill(editor, s, {"P1.1": "yes"})
    s = fresh(s)
    assert s.state == "in_progress"
    # Then the invested assets are pre-filled from the party's record, with their source
    assets = answer(s, "P3.1")
    assert assets.state == "prefilled" and Decimal(assets.value) == Decimal("10000000000")
    assert assets.source
    # and everything else answered, submitting is refused while it waits for a yes
    fill(editor, s, {k: v for k, v in FULL.items() if k != "P3.1"})
    evidence_for(editor, s)
    waiting = Answer.objects.unrestricted(WHY).filter(submission=s, state="prefilled")
    for code in waiting.exclude(question__code="P3.1").values_list("question__code", flat=True):
        actions.confirm_answer(by=editor, submission=s, code=code)
    with pytest.raises(ActionError) as refused:
        actions.submit(by=editor, submission=s)
    assert refused.value.messages[0].endswith("P3.1 (pre-filled — confirm).")
    assert fresh(s).state == "in_progress"
    # When the editor confirms it, the submission goes
    actions.confirm_answer(by=editor, submission=s, code="P3.1")
    actions.submit(by=editor, submission=s)
    s = fresh(s)
    assert s.state == "submitted" and s.submitted_at and s.first_submitted_at
    assert s.invested_assets_eur == Decimal("10000000000.00")
    outcomes = dict(
        Score.objects.unrestricted(WHY)
        .filter(submission=s)
        .values_list("indicator__code", "computed")
    )
    assert outcomes["policy-commitment"] == "positive"
    assert set(outcomes.values()) == {"positive"}
    # and it is locked
    with pytest.raises(ActionError):
        fill(editor, s, {"P2.2": "10"})


def test_changing_a_prefilled_value_confirms_it(world: World) -> None:
    editor = world.users["fund_editor"]
    s = of(open_cycle(world), world.fund)
    actions.start_submission(by=editor, submission=s)
    assert answer(s, "P3.1").state == "prefilled"
    fill(editor, s, {"P3.1": "9.000.000.000"})
    changed = answer(s, "P3.1")
    assert changed.state == "answered" and changed.value == "9000000000"


def test_a_refused_value_saves_nothing(world: World) -> None:
    editor = world.users["fund_editor"]
    s = of(open_cycle(world), world.fund)
    fill(editor, s, {"P2.2": "40"})
    with pytest.raises(ActionError) as refused:
        fill(editor, s, {"P2.2": "60", "P3.2": "150"})
    assert refused.value.field == "P3.2"
    assert answer(s, "P2.2").value == "40"
    with pytest.raises(ActionError):  # not applicable is not offered for P1.1
        actions.save_answers(
            by=editor,
            submission=s,
            changes=[actions.Change(code="P1.1", not_applicable=True, value_sent=False)],
        )


def test_only_the_partys_writers_write(world: World) -> None:
    s = of(open_cycle(world), world.fund)
    for who in ("fund_viewer", "other_fund", "secretariat", "monitoring"):
        with pytest.raises(ActionError) as refused:
            fill(world.users[who], s, {"P1.1": "yes"})
        assert refused.value.code == "forbidden"
    assert fresh(s).state == "not_started"
    fill(world.users["fund_admin"], s, {"P1.1": "no"})
    assert answer(s, "P1.1").value is False


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_once_submit_once(world: World) -> None:
    editor = world.users["fund_editor"]
    s = of(open_cycle(world), world.fund)
    fill(editor, s)
    evidence_for(editor, s)
    actions.confirm_all(by=editor, submission=s)
    outcomes: list[str] = []

    def send() -> None:
        try:
            actions.submit(by=editor, submission=s)
            outcomes.append("submitted")
        except ActionError as error:
            outcomes.append(error.code or "")
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "submitted"]
    assert AuditEvent.objects.unrestricted(WHY).filter(verb="reporting.submit").count() == 1


def test_resubmitting_waits_for_an_answer_to_each_open_question(world: World) -> None:
    editor = world.users["fund_editor"]
    s = of(open_cycle(world), world.fund)
    fill(editor, s)
    evidence_for(editor, s)
    actions.confirm_all(by=editor, submission=s)
    actions.submit(by=editor, submission=s)
    # Given the committee asked a question (the review area's writes, set up here)
    Submission.objects.unrestricted(WHY).filter(pk=s.pk).update(state="questions_raised")
    thread = ReviewThread.objects.unrestricted(WHY).create(
        submission=s, opened_by=world.users["monitoring"]
    )
    ReviewMessage.objects.unrestricted(WHY).create(
        thread=thread, author=world.users["monitoring"], text="Waarom 80? (fictief)"
    )
    with pytest.raises(ActionError) as refused:
        actions.submit(by=editor, submission=fresh(s))
    assert refused.value.code == "conflict"
    # When the party answers it, it resubmits
    ReviewMessage.objects.unrestricted(WHY).create(
        thread=thread, author=editor, from_committee=False, text="Zie bijlage (fictief)"
    )
    actions.submit(by=editor, submission=fresh(s))
    assert fresh(s).state == "resubmitted"


def test_a_party_that_joins_during_a_cycle_gets_its_submission(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from convenant.parties.actions import create_party
    from convenant.parties.models import Constituency, Party

    cycle = open_cycle(world)
    with django_capture_on_commit_callbacks(execute=True):
        joiner = create_party(
            by=world.users["secretariat"],
            covenant=world.covenant,
            name="Pensioenfonds Nieuw (fictief)",
            code="FN",
            slug="fn",
            type=Party.Type.PENSION_FUND,
            constituency=Constituency.objects.get(code="funds"),
            joined_on=TODAY,
            tracks=[],
        )
    s = of(cycle, joiner)
    assert s.questionnaire == "fund" and s.state == "not_started"
    assert AuditEvent.objects.unrestricted(WHY).filter(verb="reporting.add_joiner").count() == 1


def test_a_cycle_opened_after_its_deadline_asks_the_parties_of_that_time(world: World) -> None:
    """Entering an earlier measurement afterwards: a fund that joined after its deadline has
    nothing to report in it, and one joining now is not added to it either."""
    from convenant.parties.models import Party

    Party.objects.filter(pk=world.other_fund.pk).update(
        joined_on=TODAY - datetime.timedelta(days=5)
    )
    cycle = open_cycle(
        world,
        label="t-past",
        opens_on=TODAY - datetime.timedelta(days=40),
        closes_on=TODAY - datetime.timedelta(days=10),
    )
    parties = set(
        Submission.objects.unrestricted(WHY).filter(cycle=cycle).values_list("party_id", flat=True)
    )
    assert world.fund.pk in parties and world.other_fund.pk not in parties
    world.other_fund.refresh_from_db()
    assert cycle_actions.add_joiner(world.other_fund) == []


def test_a_party_that_left_keeps_its_submission(world: World) -> None:
    from convenant.parties.actions import record_departure

    cycle = open_cycle(world)
    record_departure(
        by=world.users["secretariat"],
        party=world.other_fund,
        left_on=TODAY,
        departure="left",
        reason="Fusie (fictief)",
    )
    rows = actions.overview(by=world.users["secretariat"], cycle=cycle)
    assert "FB" in {r.submission.party.code for r in rows}


def test_the_secretariats_overview_counts_without_answers(world: World) -> None:
    cycle = open_cycle(world)
    s = of(cycle, world.fund)
    fill(world.users["fund_editor"], s, {"P1.1": "yes", "U1.2": "Geheime toelichting"})
    rows = {
        r.submission.party.code: r
        for r in actions.overview(by=world.users["secretariat"], cycle=cycle)
    }
    assert rows["FA"].progress.answered >= 1 and rows["FA"].progress.to_confirm >= 1
    assert rows["FB"].progress.answered == 0  # not started
    with pytest.raises(Exception):  # noqa: B017 - the policy refuses a fund
        actions.overview(by=world.users["fund_admin"], cycle=cycle)
    page = Client()
    page.force_login(world.users["secretariat"])
    body = page.get(reverse("cycle_detail", args=[cycle.label])).content.decode()
    assert "Pensioenfonds Alfa" in body and "Geheime toelichting" not in body
    export = page.get(reverse("cycle_export", args=[cycle.label, "csv"])).content.decode()
    assert "FA" in export and "in_progress" in export and "Geheime" not in export


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "Choose a file"),
        (b"MZ\x90\x00" + b"\x00" * 60, "PDF, Word, OpenDocument, Excel, PNG or JPEG"),
        (b"%PDF-1.4\n" + b"0" * 2_000, "at most 0 MB"),
    ],
)
def test_evidence_is_refused_by_its_content_and_size_and_nothing_is_kept(
    world: World, settings: Any, data: bytes, says: str
) -> None:
    settings.REPORTING_MAX_EVIDENCE_BYTES = 1_000 if len(data) > 1_000 else 20 * 2**20
    cycle = open_cycle(world)
    s = of(cycle, world.fund)
    with pytest.raises(ActionError, match=says) as refused:
        actions.upload_evidence(
            by=world.users["fund_editor"],
            submission=s,
            code="P1.3",
            title="",
            filename="beleid.pdf",
            data=data,
        )
    assert refused.value.field == "file"
    assert not s.evidence.exists()
