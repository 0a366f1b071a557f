"""Proposals decided one vote per seat, through the actions: the cases the issue names
(a late vote, a proxy and the seat overriding it, a changed vote and an objection
withdrawn, a stale consent after an amendment, a seat whose holder left, a withdrawn
proposal), and adopted decisions taking effect."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from convenant.core.errors import ActionError
from convenant.core.models import AuditEvent
from convenant.core.testing import World
from convenant.governance import effects
from convenant.governance.actions import decisions as act
from convenant.governance.models import Decision, Proposal, Vote
from convenant.governance.testing import Governance, governance_of
from convenant.parties.models import Membership, Party

pytestmark = pytest.mark.django_db

CODES = ("funds", "government", "unions", "ngos")


def _proposal(world: World, gov: Governance, **kw: Any) -> Proposal:
    defaults: dict[str, Any] = {
        "kind": Proposal.Kind.RECOMMENDATION,
        "title": "Aanbeveling over stemrecht",
        "text": "De stuurgroep beveelt aan ...",
        "closes_at": timezone.now() + datetime.timedelta(days=7),
    }
    return act.create_proposal(
        by=world.users["secretariat"], body=gov.steering_group, **(defaults | kw)
    )


def _vote(
    gov: Governance, p: Proposal, code: str, choice: str, reason: str = "", **kw: Any
) -> Vote:
    by = kw.pop("by", gov.holders[code])
    return act.cast_vote(by=by, proposal=p, seat=gov.seats[code], choice=choice, reason=reason)


def _all_consent(gov: Governance, p: Proposal) -> None:
    for code in CODES:
        _vote(gov, p, code, "consent")


def _expire(p: Proposal) -> None:
    Proposal.objects.filter(pk=p.pk).update(closes_at=timezone.now() - datetime.timedelta(1))
    p.refresh_from_db()


@pytest.fixture
def gov(world: World) -> Governance:
    return governance_of(world)


def test_a_proposal_is_numbered_and_starts_at_version_one(world: World, gov: Governance) -> None:
    first, second = _proposal(world, gov), _proposal(world, gov, title="Tweede")
    assert second.number == first.number + 1
    assert act.current_version(first).number == 1
    assert first.state == Proposal.State.OPEN


def test_only_the_secretariat_and_the_bodys_members_propose(world: World, gov: Governance) -> None:
    with pytest.raises(PermissionDenied):
        act.create_proposal(
            by=world.users["fund_admin"],
            body=gov.steering_group,
            kind="other",
            title="x",
            text="y",
            closes_at=timezone.now() + datetime.timedelta(days=1),
        )
    p = act.create_proposal(
        by=gov.holders["unions"],
        body=gov.steering_group,
        kind="other",
        title="x",
        text="y",
        closes_at=timezone.now() + datetime.timedelta(days=1),
    )
    assert p.proposed_by == gov.holders["unions"]


def test_all_consent_then_closed_adopts_and_logs_a_numbered_decision(
    world: World, gov: Governance
) -> None:
    p = _proposal(world, gov)
    _all_consent(gov, p)
    assert act.tally_of(p).not_voted == ()
    p = act.close_proposal(by=world.users["secretariat"], proposal=p)
    assert p.outcome == Proposal.Outcome.ADOPTED
    decision = Decision.objects.get(proposal=p)
    assert decision.effect_state == Decision.EffectState.NONE  # a recommendation
    assert decision.number >= 1


def test_a_late_vote_after_the_close_is_refused_and_reading_closes_it(
    world: World, gov: Governance
) -> None:
    p = _proposal(world, gov)
    for code in CODES[:3]:
        _vote(gov, p, code, "consent")
    _expire(p)
    with pytest.raises(ActionError, match="not open"):
        _vote(gov, p, "ngos", "consent")
    p.refresh_from_db()
    # The vote that came late closed it: three of four seats is "not decided", never adopted.
    assert p.state == Proposal.State.CLOSED
    assert p.outcome == Proposal.Outcome.NOT_DECIDED
    assert not Decision.objects.filter(proposal=p).exists()
    assert Vote.objects.filter(proposal=p).count() == 3
    # Reading again changes nothing (idempotent).
    assert act.close_if_due(p).outcome == Proposal.Outcome.NOT_DECIDED
    assert AuditEvent.objects.filter(verb="governance.close_proposal").count() == 1


def test_a_proxy_votes_once_and_the_seats_own_vote_overrides_it(
    world: World, gov: Governance
) -> None:
    p = _proposal(world, gov)
    stand_in = gov.holders["unions"]
    proxy = act.grant_proxy(
        by=gov.holders["ngos"], seat=gov.seats["ngos"], grantee=stand_in, proposal=p
    )
    # The grantee casts the NGO seat's vote: the record says who voted for whom.
    vote = _vote(gov, p, "ngos", "objection", "Te vroeg", by=stand_in)
    assert vote.proxy == proxy and vote.cast_by == stand_in
    proxy.refresh_from_db()
    assert proxy.used_at is not None
    with pytest.raises(ActionError, match="used"):
        act.revoke_proxy(by=gov.holders["ngos"], proxy=proxy)
    # A used proxy cannot be used again.
    with pytest.raises(PermissionDenied):
        _vote(gov, p, "ngos", "consent", by=stand_in)
    # The seat's deputy overrides the proxy's vote; the history keeps both.
    own = _vote(gov, p, "ngos", "consent", by=gov.deputies["ngos"])
    assert own.proxy is None and own.current
    assert Vote.objects.filter(proposal=p, seat=gov.seats["ngos"]).count() == 2
    assert act.tally_of(p).consenting == (gov.seats["ngos"].pk,)


def test_a_proxy_cannot_be_used_after_the_seat_voted_and_can_be_revoked_until_used(
    world: World, gov: Governance
) -> None:
    p = _proposal(world, gov)
    grantee = gov.holders["funds"]
    proxy = act.grant_proxy(
        by=gov.holders["ngos"], seat=gov.seats["ngos"], grantee=grantee, proposal=p
    )
    _vote(gov, p, "ngos", "consent")
    with pytest.raises(ActionError, match="already voted"):
        _vote(gov, p, "ngos", "objection", "Nee", by=grantee)
    act.revoke_proxy(by=gov.holders["ngos"], proxy=proxy)
    with pytest.raises(PermissionDenied):
        _vote(gov, p, "ngos", "consent", by=grantee)


def test_a_changed_vote_and_an_objection_withdrawn(world: World, gov: Governance) -> None:
    p = _proposal(world, gov)
    for code in CODES[:3]:
        _vote(gov, p, code, "consent")
    with pytest.raises(ActionError, match="reason"):
        _vote(gov, p, "ngos", "objection")
    _vote(gov, p, "ngos", "objection", "De tekst is te vaag")
    assert act.tally_of(p).objecting == (gov.seats["ngos"].pk,)
    _vote(gov, p, "ngos", "consent")
    assert act.tally_of(p).would_adopt
    history = Vote.objects.filter(proposal=p, seat=gov.seats["ngos"]).order_by("created_at")
    assert [(v.choice, v.current) for v in history] == [("objection", False), ("consent", True)]
    assert act.close_proposal(by=world.users["secretariat"], proposal=p).outcome == "adopted"


def test_a_consent_given_before_an_amendment_is_stale(world: World, gov: Governance) -> None:
    p = _proposal(world, gov)
    _all_consent(gov, p)
    act.amend_proposal(
        by=world.users["secretariat"], proposal=p, text="Nieuwe tekst", note="Art. 2"
    )
    result = act.tally_of(p)
    assert set(result.stale) == {s.pk for s in gov.voting_seats}
    with pytest.raises(ActionError, match="Not every seat"):
        act.close_proposal(by=world.users["secretariat"], proposal=p)
    for code in CODES[:3]:
        _vote(gov, p, code, "consent")
    _expire(p)
    assert act.close_if_due(p).outcome == Proposal.Outcome.NOT_DECIDED


def test_a_holder_who_left_their_party_cannot_cast_the_seats_vote(
    world: World, gov: Governance
) -> None:
    p = _proposal(world, gov)
    holder = gov.holders["unions"]
    Membership.objects.filter(user=holder).delete()
    with pytest.raises(PermissionDenied):
        _vote(gov, p, "unions", "consent")
    # The deputy still sits for the party and casts the seat's vote.
    assert _vote(gov, p, "unions", "consent", by=gov.deputies["unions"]).current


def test_the_chair_and_outsiders_cannot_vote(world: World, gov: Governance) -> None:
    p = _proposal(world, gov)
    with pytest.raises(PermissionDenied):
        _vote(gov, p, "funds", "consent", by=gov.chair)
    with pytest.raises(PermissionDenied):
        _vote(gov, p, "funds", "consent", by=world.users["secretariat"])
    with pytest.raises(ActionError, match="no vote"):
        act.cast_vote(by=gov.chair, proposal=p, seat=gov.chair_seat, choice="consent")


def test_a_withdrawn_proposal_takes_no_votes_and_decides_nothing(
    world: World, gov: Governance
) -> None:
    p = _proposal(world, gov)
    _vote(gov, p, "funds", "consent")
    p = act.withdraw_proposal(by=world.users["secretariat"], proposal=p, reason="Ingetrokken")
    assert (p.state, p.outcome) == (Proposal.State.WITHDRAWN, Proposal.Outcome.WITHDRAWN)
    with pytest.raises(ActionError, match="not open"):
        _vote(gov, p, "unions", "consent")
    _expire(p)
    assert act.close_if_due(p).state == Proposal.State.WITHDRAWN
    assert not Decision.objects.exists()


def test_admitting_a_party_takes_effect_and_links_both_ways(world: World, gov: Governance) -> None:
    p = _proposal(
        world,
        gov,
        kind=Proposal.Kind.ADMIT_PARTY,
        title="Toetreding Pensioenfonds Nieuw",
        effect_params={
            "name": "Pensioenfonds Nieuw",
            "code": "PNW",
            "type": "pension_fund",
            "constituency": "funds",
        },
    )
    _all_consent(gov, p)
    act.close_proposal(by=world.users["secretariat"], proposal=p)
    decision = Decision.objects.get(proposal=p)
    party = Party.objects.get(code="PNW")
    assert party.is_active()
    assert decision.effect_state == Decision.EffectState.APPLIED
    assert decision.effect_object == f"parties.party:{party.pk}"
    assert effects.link("admit_party", decision.effect_object) == party.get_absolute_url()
    event = AuditEvent.objects.get(verb="parties.admit_party")
    assert event.after["decision"] == f"governance.decision:{decision.number}"


def test_expelling_a_party_records_its_departure(world: World, gov: Governance) -> None:
    p = _proposal(
        world,
        gov,
        kind=Proposal.Kind.EXPEL_PARTY,
        title="Royement",
        effect_params={"party_id": world.other_fund.pk},
    )
    _all_consent(gov, p)
    act.close_proposal(by=world.users["secretariat"], proposal=p)
    world.other_fund.refresh_from_db()
    assert world.other_fund.departure == Party.Departure.EXPELLED


def test_a_decision_whose_app_does_not_exist_yet_stays_pending(
    world: World, gov: Governance, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The reports' approval, as before its app (reporting) registered it (put back after).
    monkeypatch.delitem(effects._effects, "approve_report", raising=False)
    p = _proposal(world, gov, kind=Proposal.Kind.APPROVE_REPORT, effect_params={"report": "2020"})
    _all_consent(gov, p)
    act.close_proposal(by=world.users["secretariat"], proposal=p)
    decision = Decision.objects.get(proposal=p)
    assert decision.effect_state == Decision.EffectState.PENDING
    with pytest.raises(ActionError, match="stays pending"):
        act.apply_decision_effect(by=world.users["secretariat"], decision=decision)
    # Once the app registers its effect, applying it is an action.
    effects.register_effect(
        "approve_report",
        label="Approve a monitoring report",
        apply=lambda decision, by: "reporting.report:1",
        describe=lambda params: "Approve the report",
    )
    try:
        decision = act.apply_decision_effect(by=world.users["secretariat"], decision=decision)
    finally:
        effects.unregister_effect("approve_report")
    assert decision.effect_state == Decision.EffectState.APPLIED
    assert decision.effect_object == "reporting.report:1"


def test_a_correction_is_a_new_entry_linked_to_the_old(world: World, gov: Governance) -> None:
    p = _proposal(world, gov)
    _all_consent(gov, p)
    act.close_proposal(by=world.users["secretariat"], proposal=p)
    original = Decision.objects.get(proposal=p)
    fixed = act.correct_decision(
        by=world.users["secretariat"], decision=original, title="Gecorrigeerd", text="Juiste tekst"
    )
    assert fixed.number == original.number + 1 and fixed.corrects == original
    original.refresh_from_db()
    assert original.title == p.title


def test_the_outcome_statement_and_its_review_date(world: World, gov: Governance) -> None:
    p = _proposal(world, gov)
    _all_consent(gov, p)
    review = timezone.localdate() + datetime.timedelta(days=365)
    p = act.record_outcome_statement(
        by=world.users["secretariat"], proposal=p, statement="Aangenomen.", review_on=review
    )
    assert p.state == Proposal.State.CLOSED and p.review_on == review
    assert p.outcome_statement == "Aangenomen."


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_a_document_attached_to_the_current_version_reaches_only_the_body(
    world: World, gov: Governance, settings: Any, tmp_path: Any
) -> None:
    from django.test import Client
    from django.urls import reverse

    settings.GOVERNANCE_UPLOAD_DIR = tmp_path
    p = _proposal(world, gov)
    with pytest.raises(ActionError, match="PDF, Word"):
        act.add_proposal_attachment(
            by=world.users["secretariat"], proposal=p, title="x", filename="x.html", data=b"<html>"
        )
    act.amend_proposal(by=world.users["secretariat"], proposal=p, text="v2", note="Bijlage")
    attachment = act.add_proposal_attachment(
        by=world.users["secretariat"], proposal=p, title="Toelichting", filename="t.pdf", data=PDF
    )
    assert attachment.version.number == 2
    url = reverse("proposal_attachment", args=[attachment.pk])
    member, outsider = Client(), Client()
    member.force_login(gov.holders["ngos"])
    outsider.force_login(world.users["fund_admin"])
    response = member.get(url)
    assert response.status_code == 200 and response.getvalue() == PDF
    assert "attachment" in response["Content-Disposition"]
    assert outsider.get(url).status_code == 404


def test_only_the_steering_group_decides_what_takes_effect(world: World, gov: Governance) -> None:
    from convenant.governance.models import Seat

    Seat.objects.create(body=gov.working_group, label="Lid", order=0)
    with pytest.raises(ActionError, match="Only the steering group"):
        act.create_proposal(
            by=world.users["secretariat"],
            body=gov.working_group,
            kind=Proposal.Kind.EXPEL_PARTY,
            title="Royement",
            text="x",
            closes_at=timezone.now() + datetime.timedelta(days=1),
            effect_params={"party_id": world.other_fund.pk},
        )


def test_a_proxy_for_a_meeting_given_on_the_page_covers_its_proposals(
    world: World, gov: Governance
) -> None:
    from django.test import Client
    from django.urls import reverse

    from convenant.governance.models import AgendaItem, Meeting

    p = _proposal(world, gov)
    start = timezone.now() + datetime.timedelta(days=2)
    meeting = Meeting.objects.create(
        body=gov.steering_group,
        title="Stuurgroep juni",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )
    AgendaItem.objects.create(meeting=meeting, title="Het voorstel", proposal=p)
    holder = Client()
    holder.force_login(gov.holders["ngos"])
    page = holder.get(reverse("proposal_detail", args=[p.number])).content.decode()
    assert "Stuurgroep juni" in page  # the meeting is offered as the proxy's scope
    stand_in = gov.holders["funds"]
    holder.post(
        reverse("proxy_grant", args=[p.number]),
        {"seat": gov.seats["ngos"].pk, "grantee": stand_in.pk, "scope": meeting.pk},
    )
    vote = _vote(gov, p, "ngos", "abstention", by=stand_in)
    assert vote.proxy is not None and vote.proxy.meeting == meeting


def test_the_list_page_and_the_api_close_what_is_past_its_deadline(
    world: World, gov: Governance
) -> None:
    from django.test import Client
    from django.urls import reverse

    first, second = _proposal(world, gov), _proposal(world, gov, title="Tweede")
    _expire(first)
    _expire(second)
    client = Client()
    client.force_login(gov.holders["unions"])
    assert client.get(reverse("proposal_list", args=[gov.steering_group.slug])).status_code == 200
    first.refresh_from_db()
    assert first.outcome == Proposal.Outcome.NOT_DECIDED
    listed = client.get("/api/v1/proposals").json()["items"]
    assert {p["state"] for p in listed} == {"closed"}
