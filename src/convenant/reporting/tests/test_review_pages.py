"""The committee's workspace in pages: the review walked through over HTTP (the same actions as
the API), refusals shown without a change, the party's questions on its own pages, evidence
served through the policy, and findings."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from convenant.core.testing import World
from convenant.reporting.models import (
    Finding,
    ReviewMessage,
    ReviewThread,
    Score,
    Submission,
)
from convenant.reporting.tests import review_example as ex
from convenant.reporting.views.review import threads_for

pytestmark = pytest.mark.django_db

WHY = "test"


def _client(user: Any, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def example(world: World) -> dict[str, Any]:
    made = ex.framework("p")
    made["cycle"] = ex.cycle(world, made["framework"], "rv-p")
    made["submission"] = ex.submission(
        made, made["cycle"], world.fund, world.users["fund_editor"], comment="Zie beleid (fictief)"
    )
    return made


def _state(sub: Submission) -> str:
    return Submission.objects.unrestricted(WHY).get(pk=sub.pk).state


def _text(response: Any) -> str:
    return response.content.decode()


def test_the_committee_reviews_a_submission_in_pages(world: World, example: dict[str, Any]) -> None:
    sub = example["submission"]
    committee = _client(world.users["monitoring"])
    page = reverse("reporting_review_submission", args=[sub.pk])
    # Given the review's home, which leads to the cycle's workspace
    home = _text(committee.get(reverse("reporting_review_home")))
    assert reverse("reporting_review_workspace", args=["rv-p"]) in home
    # the fund's submitted version is listed there, with its scores to confirm
    workspace = committee.get(reverse("reporting_review_workspace", args=["rv-p"]))
    assert workspace.status_code == 200
    assert world.fund.name in _text(workspace) and page in _text(workspace)
    # and its page shows each answer with its explanation, and the outcomes
    shown = _text(committee.get(page))
    assert "Zie beleid (fictief)" in shown and 'data-outcome="negative"' in shown
    # When the committee starts, asks about P2 and sends
    assert committee.post(reverse("reporting_review_start", args=[sub.pk])).status_code == 302
    asked = committee.post(
        reverse("reporting_review_ask", args=[sub.pk]),
        {"question": example["questions"][1].pk, "text": "Waar staat dit? (fictief)"},
    )
    assert asked.status_code == 302
    committee.post(reverse("reporting_review_send", args=[sub.pk]))
    assert _state(sub) == "questions_raised"
    # then the party reads the question on its own questions page and answers it there
    thread = ReviewThread.objects.unrestricted(WHY).get(submission=sub)
    party = _client(world.users["fund_editor"])
    questions = _text(party.get(reverse("reporting_review_party_threads", args=[sub.pk])))
    assert "Waar staat dit? (fictief)" in questions and "Send answer" in questions
    answered = party.post(
        reverse("reporting_review_answer", args=[thread.pk]), {"text": "Op de site (fictief)."}
    )
    assert answered.status_code == 302
    assert ReviewMessage.objects.unrestricted(WHY).filter(from_committee=False).count() == 1
    Submission.objects.unrestricted(WHY).filter(pk=sub.pk).update(state="resubmitted")
    # When the committee resumes, resolves, corrects a score without a reason: refused
    committee.post(reverse("reporting_review_start", args=[sub.pk]))
    committee.post(reverse("reporting_review_resolve", args=[thread.pk]))
    negative = Score.objects.unrestricted(WHY).get(submission=sub, computed="negative")
    refused = committee.post(
        reverse("reporting_review_score", args=[negative.pk]), {"outcome": "positive"}, follow=True
    )
    assert "Say why the committee" in _text(refused)
    negative.refresh_from_db()
    assert negative.confirmed == ""
    # Acceptance is refused while a score waits, saying so
    blocked = committee.post(reverse("reporting_review_accept", args=[sub.pk]), follow=True)
    assert "not yet confirmed" in _text(blocked)
    assert _state(sub) == "under_review"
    # With a reason, and the other score confirmed, it is accepted
    committee.post(
        reverse("reporting_review_score", args=[negative.pk]),
        {"outcome": "positive", "reason": "Op de site gevonden (fictief)"},
    )
    positive = Score.objects.unrestricted(WHY).get(submission=sub, computed="positive")
    committee.post(reverse("reporting_review_score", args=[positive.pk]), {"outcome": "positive"})
    accepted = committee.post(reverse("reporting_review_accept", args=[sub.pk]), follow=True)
    assert _state(sub) == "accepted"
    assert "The submission was accepted." in _text(accepted)
    # The main indicator is now positive: both sub-indicators are.
    assert 'data-outcome="positive"' in _text(committee.get(page))


def test_the_workspace_filters(world: World, example: dict[str, Any]) -> None:
    other = ex.submission(
        example, example["cycle"], world.other_fund, world.users["other_fund"], state="accepted"
    )
    committee = _client(world.users["secretariat"])
    url = reverse("reporting_review_workspace", args=["rv-p"])
    accepted = _text(committee.get(url + "?filter=accepted"))
    assert world.other_fund.name in accepted and world.fund.name not in accepted
    to_review = _text(committee.get(url + "?filter=to_review"))
    assert world.fund.name in to_review and world.other_fund.name not in to_review
    assert other.pk


def test_a_reason_is_asked_to_reopen(world: World, example: dict[str, Any]) -> None:
    sub = example["submission"]
    secretariat = _client(world.users["secretariat"])
    response = secretariat.post(reverse("reporting_review_reopen", args=[sub.pk]), {"reason": ""})
    assert response.status_code == 200 and "errorlist" in _text(response)
    assert _state(sub) == "submitted"


def test_the_page_in_dutch(world: World, example: dict[str, Any]) -> None:
    sub = example["submission"]
    page = _text(
        _client(world.users["monitoring"], "nl").get(
            reverse("reporting_review_submission", args=[sub.pk])
        )
    )
    assert "Beoordeling van Pensioenfonds Alfa" in page and "Beoordeling starten" in page


def test_threads_for_the_party_and_no_one_else(world: World, example: dict[str, Any]) -> None:
    sub = example["submission"]
    ReviewThread.objects.unrestricted(WHY).create(
        submission=sub, opened_by=world.users["monitoring"]
    )
    Submission.objects.unrestricted(WHY).filter(pk=sub.pk).update(state="questions_raised")
    sub.refresh_from_db()
    own = threads_for(world.users["fund_editor"], sub)
    assert len(own["threads"]) == 1 and own["may_answer"]
    assert not threads_for(world.users["fund_viewer"], sub)["may_answer"]
    assert threads_for(world.users["other_fund"], sub)["threads"] == []


def test_findings_in_pages(world: World, example: dict[str, Any]) -> None:
    committee = _client(world.users["monitoring"])
    url = reverse("reporting_review_findings", args=["rv-p"])
    # A finding without a text comes back with the form's errors, nothing written
    response = committee.post(url, {"kind": "finding", "title": "Leeg", "text": ""})
    assert response.status_code == 200 and "errorlist" in _text(response)
    assert not Finding.objects.unrestricted(WHY).exists()
    for title in ("Eerste (fictief)", "Tweede (fictief)"):
        committee.post(
            url, {"kind": "finding", "title": title, "text": "Tekst", "indicator_code": "policy"}
        )
    second = Finding.objects.unrestricted(WHY).get(title="Tweede (fictief)")
    committee.post(reverse("reporting_review_finding_move", args=[second.pk]), {"up": "1"})
    page = _text(committee.get(url))
    assert page.index("Tweede (fictief)") < page.index("Eerste (fictief)")
    # The secretariat reads them, without the means to change them
    read = _text(_client(world.users["secretariat"]).get(url))
    assert "Tweede (fictief)" in read and "Move up" not in read


def test_the_party_starts_a_correction_from_its_accepted_submission(
    world: World, example: dict[str, Any]
) -> None:
    sub = example["submission"]
    Submission.objects.unrestricted(WHY).filter(pk=sub.pk).update(state="accepted")
    party = _client(world.users["fund_editor"])
    questions = _text(party.get(reverse("reporting_review_party_threads", args=[sub.pk])))
    assert "Start a correction" in questions
    # The viewer reads it without the button
    viewer = _text(
        _client(world.users["fund_viewer"]).get(
            reverse("reporting_review_party_threads", args=[sub.pk])
        )
    )
    assert "Start a correction" not in viewer
    response = party.post(reverse("reporting_review_correct", args=[sub.pk]))
    correction = Submission.objects.unrestricted(WHY).get(corrects=sub)
    assert response.status_code == 302
    assert response["Location"] == reverse("submission_detail", args=[correction.pk])
    assert correction.state == "in_progress" and _state(sub) == "accepted"
