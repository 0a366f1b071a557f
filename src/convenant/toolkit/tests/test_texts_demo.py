"""The demo's toolkit: releases 2019, 2021 and 2022 adopted by the steering group's decisions
of the governance demo (none left pending), texts changed between releases so the diffs show,
one change citing the deep track's biodiversity lesson, and a 2023 draft in consultation with
two parties' comments. Loading again changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from convenant.governance import demo_bodies, demo_decisions
from convenant.governance.models import Decision
from convenant.parties.demo import load_demo_covenant
from convenant.toolkit import demo_texts
from convenant.toolkit.models import Comment, Release, TextVersion

pytestmark = pytest.mark.django_db


def test_the_demo_toolkit_is_adopted_by_the_steering_groups_decisions() -> None:
    load_demo_covenant()
    demo_bodies.load()
    demo_decisions.load()
    first = demo_texts.load()
    assert first["made"] == 3
    again = demo_texts.load()
    assert {k: v for k, v in again.items() if k != "made"} == {
        k: v for k, v in first.items() if k != "made"
    }

    releases = Release.objects.unrestricted("test")
    adopted = releases.filter(status="adopted").order_by("adopted_on")
    assert [r.label for r in adopted] == ["2019", "2021", "2022"]
    assert all(r.decision and r.adopted_on == r.decision.decided_on for r in adopted)
    decisions = Decision.objects.unrestricted("test").filter(effect_type="adopt_toolkit_version")
    assert decisions.count() == 3
    assert all(d.effect_state == Decision.EffectState.APPLIED for d in decisions)

    versions = TextVersion.objects.unrestricted("test")
    clause = versions.filter(text__identifier="contract-vermogensbeheerder").order_by("number")
    assert [v.status for v in clause] == ["superseded", "adopted", "consultation"]
    assert "biodiversiteit van het diepe spoor" in clause[1].change_note
    assert clause[1].adopted_on.year == 2022
    comments = Comment.objects.unrestricted("test").filter(version=clause[2])
    assert comments.values("party").distinct().count() == 2

    # The public reads the adopted wording and the diff between 2019 and 2022, not the draft.
    public = Client()
    page = public.get(reverse("toolkit_text", args=["contract-vermogensbeheerder"]))
    assert "biodiversiteit" in page.content.decode()
    diff = public.get(
        reverse("toolkit_diff", args=["contract-vermogensbeheerder"]), {"from": 1, "to": 2}
    ).content.decode()
    assert "<ins>" in diff and "veertien" not in diff
    index = public.get(reverse("toolkit_index")).content.decode()
    assert "Themadocument biodiversiteit" in index and "2023" not in index
