"""The demo's decisions: the steering group's log over 2019–2022, admissions applied and the
effects of apps to come pending, an open proposal waiting for two seats; the public decision
log shows them, and loading again changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from convenant.governance import demo_bodies, demo_decisions
from convenant.governance.actions import decisions as act
from convenant.governance.models import Decision, Proposal
from convenant.parties.demo import load_demo_covenant
from convenant.parties.models import Party

pytestmark = pytest.mark.django_db


def test_the_demo_decision_log_and_an_open_proposal_waiting_for_two_seats() -> None:
    load_demo_covenant()
    demo_bodies.load()
    first = demo_decisions.load()
    assert demo_decisions.load() == first

    decisions = Decision.objects.unrestricted("test")
    years = {d.decided_on.year for d in decisions}
    assert {2019, 2020, 2021, 2022} <= years
    ordered = list(decisions.order_by("number"))
    assert [d.decided_on for d in ordered] == sorted(d.decided_on for d in ordered)
    kinds = {d.effect_type for d in decisions}
    assert {"admit_party", "adopt_toolkit_version", "approve_report"} <= kinds
    # The cases are selected by the deep track's demo, through its effect: none waits here.
    assert not decisions.filter(effect_type="select_cases")
    assert not decisions.filter(effect_type="adopt_toolkit_version").exclude(
        effect_state=Decision.EffectState.PENDING
    )
    admitted = decisions.filter(effect_type="admit_party")
    assert admitted and all(d.effect_state == "applied" for d in admitted)
    party = Party.objects.get(pk=int(admitted[0].effect_object.split(":")[1]))

    waiting = Proposal.objects.unrestricted("test").get(state=Proposal.State.OPEN)
    assert len(act.tally_of(waiting).not_voted) == 2

    page = Client().get(reverse("decision_log"))
    text = page.content.decode()
    assert "Vaststelling toolkit due diligence" in text
    assert "Vertrouwelijke afspraak" not in text  # confidential
    # The party's page links back to the decision that admitted it.
    party_page = Client().get(party.get_absolute_url()).content.decode()
    assert reverse("decision_detail", args=[admitted[0].number]) in party_page
