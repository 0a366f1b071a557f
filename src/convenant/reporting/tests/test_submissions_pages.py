"""The submission's pages and API: a fund's editor starts, saves the whole form without
JavaScript, saves one field through the API (the autosave), confirms and submits; a viewer
reads; the committee sees a draft's row only; another fund does not find it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from convenant.core.testing import World
from convenant.reporting.actions import submissions as actions
from convenant.reporting.tests.test_submissions import (
    FULL,
    answer,
    evidence_for,
    fresh,
    of,
    open_cycle,
)

pytestmark = pytest.mark.django_db


def client(world: World, who: str) -> Client:
    c = Client()
    c.force_login(world.users[who])
    return c


def test_an_editor_fills_in_and_submits_through_the_pages(world: World) -> None:
    cycle = open_cycle(world)
    s = of(cycle, world.fund)
    editor = client(world, "fund_editor")
    url = reverse("submission_detail", args=[s.pk])
    # Given a submission not started, the page offers to start it
    page = editor.get(url).content.decode()
    assert reverse("submission_start", args=[s.pk]) in page
    editor.post(reverse("submission_start", args=[s.pk]))
    page = editor.get(url).content.decode()
    # Then the pre-filled answers show with their source and a Confirm button
    assert "Vooringevuld — bevestigen" in page and "confirm-P3.1" in page
    assert 'data-url="/api/' in page and "reporting/autosave.js" in page
    # When the whole form is saved without JavaScript
    data: dict[str, Any] = {f"present-{code}": "1" for code in FULL}
    data.update({f"q-{code}": value for code, value in FULL.items() if code != "P3.1"})
    data["present-P3.1"] = "1"
    data["q-P3.1"] = str(answer(s, "P3.1").value)
    data["c-P2.2"] = "Toelichting (fictief)"
    response = editor.post(url, data)
    assert response.status_code == 302
    assert answer(s, "P2.2").value == "80" and answer(s, "P2.2").comment
    assert answer(s, "P3.1").state == "prefilled"  # its value unchanged: still to confirm
    # and one field through the API, as the autosave does
    api = reverse("api:submission_put_answer", args=[s.pk, "P3.2"])
    saved = editor.put(api, {"value": "96"}, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["state"] == "answered"
    assert answer(s, "P3.2").value == "96"
    # Submitting is refused while something is pre-filled
    evidence_for(world.users["fund_editor"], s)
    editor.post(reverse("submission_submit", args=[s.pk]))
    assert fresh(s).state == "in_progress"
    editor.post(reverse("submission_confirm", args=[s.pk, "all"]))
    editor.post(reverse("submission_submit", args=[s.pk]))
    assert fresh(s).state == "submitted"
    page = editor.get(url).content.decode()
    assert "data-autosave" not in page and "80 %" in page


def test_who_reads_what_of_a_draft(world: World) -> None:
    s = of(open_cycle(world), world.fund)
    actions.save_answers(
        by=world.users["fund_editor"],
        submission=s,
        changes=[actions.Change(code="P1.1", value="yes", comment="Zie geheim.example.nl")],
    )
    url = reverse("submission_detail", args=[s.pk])
    viewer = client(world, "fund_viewer").get(url).content.decode()
    assert "geheim.example.nl" in viewer and "data-autosave" not in viewer
    for who in ("monitoring", "secretariat"):
        response = client(world, who).get(url)
        assert response.status_code == 200
        assert "geheim.example.nl" not in response.content.decode()
        api = client(world, who).get(reverse("api:get_submission", args=[s.pk])).json()
        assert api["answers"] == [] and api["state"] == "in_progress"
    assert client(world, "other_fund").get(url).status_code == 404
    assert client(world, "fund_viewer").post(url, {}).status_code == 403


def test_the_landing_page_and_the_dashboard(world: World) -> None:
    cycle = open_cycle(world)
    page = client(world, "fund_editor").get(reverse("reporting_home")).content.decode()
    assert cycle.name in page and "Niet begonnen" in page
    assert reverse("submission_detail", args=[of(cycle, world.fund).pk]) in page
    dashboard = client(world, "fund_editor").get(reverse("dashboard")).content.decode()
    assert "Rapportage in te dienen" in dashboard and cycle.name in dashboard
    secretariat = client(world, "secretariat").get(reverse("dashboard")).content.decode()
    assert "0 van 3 ingediend" in secretariat


def test_the_committees_questions_show_on_the_partys_page_and_it_resubmits(
    world: World,
) -> None:
    from convenant.reporting.actions import review
    from convenant.reporting.models import Question

    editor, committee = world.users["fund_editor"], world.users["monitoring"]
    s = of(open_cycle(world), world.fund)
    actions.save_answers(
        by=editor,
        submission=s,
        changes=[actions.Change(code=c, value=v) for c, v in FULL.items()],
    )
    evidence_for(editor, s)
    actions.confirm_all(by=editor, submission=s)
    actions.submit(by=editor, submission=s)
    # Given the committee asked about P2.2 and sent its questions
    review.start_review(by=committee, submission=fresh(s))
    question = Question.objects.get(framework=s.cycle.framework, code="P2.2")
    thread = review.raise_question(
        by=committee, submission=fresh(s), question=question, text="Waarom 80 %? (fictief)"
    )
    review.send_questions(by=committee, submission=fresh(s))
    page = client(world, "fund_editor")
    url = reverse("submission_detail", args=[s.pk])
    body = page.get(url).content.decode()
    # Then the party reads the question on its page, may change its answers, and resubmitting
    # waits for its answer
    assert "Waarom 80 %? (fictief)" in body and "data-autosave" in body
    page.post(reverse("submission_submit", args=[s.pk]))
    assert fresh(s).state == "questions_raised"
    review.answer_thread(by=editor, thread=thread, text="Zie het jaarverslag (fictief)")
    page.post(reverse("submission_submit", args=[s.pk]))
    assert fresh(s).state == "resubmitted"
