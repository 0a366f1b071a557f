"""The demo's selection: the six fictional cases nominated by their parties, scored by the
four constituencies in a round per year, selected by the steering group's adopted decisions
whose effect opened them with the plan's references; this year's round open with three
nominations partly scored; no select_cases decision left pending."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from convenant.core.models import User
from convenant.engagement import demo_selection
from convenant.engagement.demo_case_plan import CASES
from convenant.engagement.models import Case, Nomination, NominationScore, SelectionRound
from convenant.governance import demo_bodies, demo_decisions
from convenant.governance.models import Decision
from convenant.parties import demo as parties_demo
from convenant.portfolios.demo import load_demo_issuers, load_demo_snapshots

pytestmark = pytest.mark.django_db


def test_the_demo_selects_the_six_cases_through_the_steering_groups_decisions(
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        parties_demo.load_demo_covenant()
        load_demo_issuers()
        load_demo_snapshots(funds=3)
        demo_bodies.load()
        demo_decisions.load()
        opened = demo_selection.load_selection()

    assert set(opened) == {spec.key for spec in CASES}
    for spec in CASES:
        case = opened[spec.key]
        assert case.reference == spec.reference and case.title == spec.title
        assert case.selected_on.year == spec.selected_year
        nomination = Nomination.objects.unrestricted("test").get(pk=case.nomination_id)
        assert nomination.party.code == spec.nominated_by
        assert nomination.reference.startswith(f"n-{spec.selected_year}-")
        assert case.decision is not None and case.decision.decided_on == case.selected_on
    mining = opened["mining"]
    assert mining.target == "issuer" and mining.issuer is not None
    assert mining.issuer.sector_code.startswith("151040")

    decisions = Decision.objects.unrestricted("test").filter(effect_type="select_cases")
    assert decisions.count() == 4  # one per selection year
    assert all(d.effect_state == Decision.EffectState.APPLIED for d in decisions)
    rounds = SelectionRound.objects.unrestricted("test")
    assert rounds.filter(state="decided").count() == 4
    assert set(
        Nomination.objects.unrestricted("test")
        .filter(round__state="decided")
        .values_list("state", flat=True)
    ) == {"selected", "not_selected"}
    # Every constituency scored every historic nomination.
    historic = NominationScore.objects.unrestricted("test").filter(nomination__case__isnull=False)
    assert historic.values("constituency").distinct().count() == 4

    current = rounds.get(state="open")
    waiting = Nomination.objects.unrestricted("test").filter(round=current)
    assert waiting.count() == 3
    scored = {
        n.title: NominationScore.objects.unrestricted("test")
        .filter(nomination=n)
        .values("constituency")
        .distinct()
        .count()
        for n in waiting
    }
    assert sorted(scored.values()) == [0, 1, 3]

    # Safe to call again: the cases are found, nothing is made twice.
    assert demo_selection.load_selection() == opened
    assert Case.objects.unrestricted("test").count() == 6

    client = Client()
    client.force_login(User.objects.get(email=parties_demo.demo_email("fonds-redacteur")))
    page = client.get(reverse("round_detail", args=[current.pk])).content.decode()
    assert "Leefbaar loon in de kledingketen" in page
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert current.title in dashboard  # the funds have not scored every nomination
