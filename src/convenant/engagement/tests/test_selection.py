"""Nominations, selection rounds, scores and the steering group's selection, through the
actions: who may do what, what is refused (and that nothing changed then), and the adopted
``select_cases`` decision opening the cases."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from convenant.core.errors import ActionError
from convenant.core.models import AuditEvent
from convenant.core.testing import World
from convenant.engagement.actions import selection as act
from convenant.engagement.models import Case, Nomination, NominationScore, SelectionRound
from convenant.engagement.tests.cases import deep_track_group
from convenant.governance import effects
from convenant.governance.actions import decisions as governance
from convenant.governance.models import Decision, Proposal
from convenant.governance.testing import governance_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
CRITERIA = ("severity", "likelihood", "added_value", "labour_rights", "learning")
EVIDENCE = {"severity": "Honderden gezinnen verdreven (fictief)."}


def _round(world: World, **kw: Any) -> SelectionRound:
    return act.open_selection_round(
        by=world.users["secretariat"],
        title=kw.pop("title", "Selectieronde"),
        opens_on=kw.pop("opens_on", TODAY),
        closes_on=kw.pop("closes_on", TODAY + datetime.timedelta(days=30)),
    )


def _nominate(world: World, title: str = "Mijnbouw", by: str = "union", **kw: Any) -> Nomination:
    party = {"union": world.union, "fund_editor": world.fund, "other_fund": world.other_fund}
    return act.nominate(
        by=world.users[by],
        party=kw.pop("party", party.get(by, world.fund)),
        title=title,
        target=kw.pop("target", "issue"),
        issue=kw.pop("issue", "Ontheemding"),
        rationale=kw.pop("rationale", "Gedwongen verhuizing (fictief)."),
        evidence=kw.pop("evidence", EVIDENCE),
        into_round=kw.pop("into_round", True),
        **kw,
    )


def _score(world: World, nomination: Nomination, by: str, value: int, **kw: Any) -> Any:
    party = {"union": world.union, "fund_editor": world.fund, "other_fund": world.other_fund}
    return act.score_nomination(
        by=world.users[by],
        nomination=nomination,
        constituency=party[by].constituency,
        scores=kw.pop("scores", {"severity": (value, "")}),
    )


# --- Nominations --------------------------------------------------------------------------


def test_a_nomination_is_numbered_per_year_of_its_round_and_enters_the_open_round(
    world: World,
) -> None:
    selection_round = _round(world, opens_on=datetime.date(TODAY.year - 1, 11, 1))
    first = _nominate(world, "Mijnbouw")
    second = _nominate(world, "Palmolie", by="fund_editor")
    loose = _nominate(world, "Zonder ronde", into_round=False)
    year = TODAY.year - 1
    assert [first.reference, second.reference] == [f"n-{year}-01", f"n-{year}-02"]
    assert first.round == selection_round and loose.round is None
    assert loose.reference == f"n-{TODAY.year}-01"
    assert AuditEvent.objects.filter(verb="engagement.nominate").count() == 3


def test_the_secretariat_nominates_in_a_partys_name_a_viewer_and_a_former_party_cannot(
    world: World,
) -> None:
    nomination = _nominate(world, by="secretariat", party=world.union, into_round=False)
    assert nomination.party == world.union
    for who in ("fund_viewer", "former", "monitoring"):
        with pytest.raises(PermissionDenied):
            _nominate(world, by=who, party=world.fund, into_round=False)
    # An editor nominates for their own party only.
    with pytest.raises(ActionError) as refused:
        _nominate(world, by="fund_editor", party=world.union, into_round=False)
    assert refused.value.field == "party"
    assert Nomination.objects.unrestricted("test").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"evidence": {}}, "evidence_severity"),
        ({"evidence": {"beauty": "mooi"}}, "evidence"),
        ({"target": "issuer", "issue": ""}, "issuer"),
        ({"target": "sector", "issue": ""}, "sector_code"),
        ({"target": "planet"}, "target"),
        ({"rationale": "  "}, "rationale"),
        ({"themes": ["geen thema!"]}, "themes"),
        ({"into_round": True}, "round"),
    ],
)
def test_a_nomination_missing_what_it_needs_is_refused_and_nothing_is_stored(
    world: World, change: dict[str, Any], field: str
) -> None:
    with pytest.raises(ActionError) as refused:
        _nominate(world, **{"into_round": False, **change})  # no round is open
    assert refused.value.field == field
    assert not Nomination.objects.unrestricted("test").exists()


def test_the_nominating_party_withdraws_a_nomination_not_yet_selected(world: World) -> None:
    nomination = _nominate(world, into_round=False)
    with pytest.raises(PermissionDenied):
        act.withdraw_nomination(by=world.users["fund_editor"], nomination=nomination)
    act.withdraw_nomination(by=world.users["union"], nomination=nomination, reason="Dubbel")
    nomination.refresh_from_db()
    assert nomination.state == Nomination.State.WITHDRAWN
    with pytest.raises(ActionError) as again:
        act.withdraw_nomination(by=world.users["union"], nomination=nomination)
    assert again.value.code == "conflict"


# --- Rounds and scores --------------------------------------------------------------------


def test_one_round_is_open_at_a_time_and_only_the_secretariat_opens_it(world: World) -> None:
    with pytest.raises(PermissionDenied):
        act.open_selection_round(
            by=world.users["fund_editor"], title="X", opens_on=TODAY, closes_on=TODAY
        )
    with pytest.raises(ActionError) as past:
        _round(
            world,
            opens_on=TODAY - datetime.timedelta(days=9),
            closes_on=TODAY - datetime.timedelta(days=1),
        )
    assert past.value.field == "closes_on"
    with pytest.raises(ActionError) as backwards:
        _round(world, closes_on=TODAY - datetime.timedelta(days=1))
    assert backwards.value.field == "closes_on"
    first = _round(world)
    with pytest.raises(ActionError) as second:
        _round(world, title="Tweede")
    assert second.value.code == "conflict"
    act.close_selection_round(by=world.users["secretariat"], selection_round=first)
    assert _round(world, title="Tweede").state == SelectionRound.State.OPEN


def test_a_new_score_replaces_the_old_one_and_the_event_keeps_both(world: World) -> None:
    _round(world)
    nomination = _nominate(world)
    _score(world, nomination, "fund_editor", 2)
    _score(world, nomination, "fund_editor", 5)
    rows = NominationScore.objects.unrestricted("test").filter(nomination=nomination)
    assert [(r.constituency_id, r.criterion, r.score) for r in rows] == [
        (world.fund.constituency_id, "severity", 5)
    ]
    last = AuditEvent.objects.filter(verb="engagement.score_nomination").order_by("-pk")[0]
    assert last.before["severity"]["score"] == 2 and last.after["severity"]["score"] == 5


def test_a_score_for_another_constituency_or_out_of_scale_is_refused(world: World) -> None:
    _round(world)
    nomination = _nominate(world)
    with pytest.raises(ActionError) as other:
        act.score_nomination(
            by=world.users["fund_editor"],
            nomination=nomination,
            constituency=world.union.constituency,
            scores={"severity": (3, "")},
        )
    assert other.value.field == "constituency"
    for bad in (0, 6):
        with pytest.raises(ActionError):
            _score(world, nomination, "fund_editor", bad)
    with pytest.raises(ActionError):
        _score(world, nomination, "fund_editor", 3, scores={"beauty": (3, "")})
    with pytest.raises(PermissionDenied):
        act.score_nomination(
            by=world.users["secretariat"],
            nomination=nomination,
            constituency=world.fund.constituency,
            scores={"severity": (3, "")},
        )
    assert not NominationScore.objects.unrestricted("test").exists()


def test_scores_are_refused_after_the_close_date_and_once_the_round_is_closed(
    world: World,
) -> None:
    selection_round = _round(world)
    nomination = _nominate(world)
    SelectionRound.objects.unrestricted("test").filter(pk=selection_round.pk).update(
        opens_on=TODAY - datetime.timedelta(days=20), closes_on=TODAY - datetime.timedelta(days=1)
    )
    with pytest.raises(ActionError) as late:
        _score(world, nomination, "union", 4)
    assert late.value.code == "conflict" and "closed on" in str(late.value)
    SelectionRound.objects.unrestricted("test").filter(pk=selection_round.pk).update(
        closes_on=TODAY, state=SelectionRound.State.CLOSED
    )
    with pytest.raises(ActionError) as closed:
        _score(world, nomination, "union", 4)
    assert "closed" in str(closed.value)
    assert not NominationScore.objects.unrestricted("test").exists()


def test_the_ranking_of_a_round_weighs_each_constituency_the_same(world: World) -> None:
    _round(world)
    strong, weak = _nominate(world, "Sterk"), _nominate(world, "Zwak")
    every = dict.fromkeys(CRITERIA, (5, ""))
    _score(world, strong, "union", 0, scores=every)
    _score(world, weak, "fund_editor", 0, scores={"severity": (2, "")})
    rows = act.ranking(strong.round, world.users["fund_viewer"])
    assert [r["nomination"].reference for r in rows] == [strong.reference, weak.reference]
    assert rows[0]["ranked"].total == 25 and rows[0]["ranked"].constituencies == 1
    assert not rows[0]["ranked"].complete  # the funds did not score it


# --- The steering group's selection -------------------------------------------------------


def _closed_round_with(world: World, titles: list[str]) -> tuple[SelectionRound, list[Nomination]]:
    selection_round = _round(world)
    nominations = [_nominate(world, t) for t in titles]
    act.close_selection_round(by=world.users["secretariat"], selection_round=selection_round)
    return selection_round, nominations


def _adopt(world: World, proposal: Proposal, closer: str | None = "secretariat") -> Decision:
    gov = governance_of(world)
    for code, seat in gov.seats.items():
        governance.cast_vote(by=gov.holders[code], proposal=proposal, seat=seat, choice="consent")
    if closer is None:
        # Closed at its deadline, with nobody applying it.
        Proposal.objects.unrestricted("test").filter(pk=proposal.pk).update(
            closes_at=timezone.now() - datetime.timedelta(minutes=1)
        )
        governance.close_if_due(Proposal.objects.unrestricted("test").get(pk=proposal.pk))
    else:
        governance.close_proposal(by=world.users[closer], proposal=proposal)
    return Decision.objects.unrestricted("test").get(proposal=proposal)


def test_the_adopted_selection_opens_the_cases_and_decides_the_round(world: World) -> None:
    governance_of(world)
    deep_track_group(world)
    selection_round, (mining, palm, _tech) = _closed_round_with(
        world, ["Mijnbouw", "Palmolie", "Big tech"]
    )
    proposal = act.propose_selection(
        by=world.users["secretariat"],
        selection_round=selection_round,
        nominations=[palm, mining],
        closes_at=timezone.now() + datetime.timedelta(days=14),
        references={palm.reference: "ds-test-01"},
    )
    assert proposal.kind == "select_cases"
    assert proposal.effect_params["nominations"] == [palm.reference, mining.reference]
    selection_round.refresh_from_db()
    assert selection_round.proposal == proposal
    text = effects.describe("select_cases", proposal.effect_params)
    assert "Palmolie" in text and mining.reference in text

    decision = _adopt(world, proposal)
    assert decision.effect_state == Decision.EffectState.APPLIED, decision.effect_note
    cases = list(Case.objects.unrestricted("test").order_by("pk"))
    assert [c.nomination_id for c in cases] == [palm.pk, mining.pk]  # in the order named
    assert cases[0].reference == "ds-test-01" and cases[0].decision == decision
    assert cases[0].selected_on == decision.decided_on
    states = dict(Nomination.objects.unrestricted("test").values_list("title", "state"))
    assert states == {"Mijnbouw": "selected", "Palmolie": "selected", "Big tech": "not_selected"}
    selection_round.refresh_from_db()
    assert selection_round.state == SelectionRound.State.DECIDED
    assert effects.link("select_cases", decision.effect_object) == reverse("case_board")

    # The round's page names the steering group's proposal; the nomination links its case.
    client = Client()
    client.force_login(world.users["secretariat"])
    page = client.get(reverse("round_detail", args=[selection_round.pk])).content.decode()
    assert reverse("proposal_detail", args=[proposal.number]) in page
    page = client.get(reverse("nomination_detail", args=[palm.reference])).content.decode()
    assert reverse("case_detail", args=["ds-test-01"]) in page


def test_a_selection_closed_at_its_deadline_is_applied_as_the_proposals_author(
    world: World,
) -> None:
    governance_of(world)
    deep_track_group(world)
    selection_round, (mining,) = _closed_round_with(world, ["Mijnbouw"])
    proposal = act.propose_selection(
        by=world.users["secretariat"],
        selection_round=selection_round,
        nominations=[mining],
        closes_at=timezone.now() + datetime.timedelta(days=14),
    )
    decision = _adopt(world, proposal, closer=None)
    assert decision.effect_state == Decision.EffectState.APPLIED, decision.effect_note
    case = Case.objects.unrestricted("test").get(nomination=mining)
    assert case.created_by == world.users["secretariat"]


@override_settings(ENGAGEMENT_MAX_CASES=1)
def test_a_selection_beyond_the_maximum_of_running_cases_is_refused_clearly(
    world: World,
) -> None:
    governance_of(world)
    deep_track_group(world)
    selection_round, chosen = _closed_round_with(world, ["Een", "Twee"])
    with pytest.raises(ActionError) as refused:
        act.propose_selection(
            by=world.users["secretariat"],
            selection_round=selection_round,
            nominations=chosen,
            closes_at=timezone.now() + datetime.timedelta(days=14),
        )
    assert "at most 1 run at once" in str(refused.value)
    assert not Proposal.objects.unrestricted("test").exists()
    selection_round.refresh_from_db()
    assert selection_round.proposal is None


def test_the_check_refuses_unknown_withdrawn_and_doubled_nominations(world: World) -> None:
    deep_track_group(world)
    nomination = _nominate(world, into_round=False)
    check = effects.effect_for("select_cases")
    assert check is not None and check.check is not None
    refused: list[dict[str, Any]] = [
        {},
        {"nominations": []},
        {"nominations": ["n-1999-99"]},
        {"nominations": [nomination.reference, nomination.reference]},
        {"nominations": [nomination.reference], "references": ["ds-1"]},
    ]
    for params in refused:
        with pytest.raises(ActionError):
            check.check(params)
    act.withdraw_nomination(by=world.users["union"], nomination=nomination)
    with pytest.raises(ActionError) as withdrawn:
        check.check({"nominations": [nomination.reference]})
    assert "Withdrawn" in str(withdrawn.value)


def test_only_a_closed_round_is_proposed_and_by_the_secretariat(world: World) -> None:
    governance_of(world)
    deep_track_group(world)
    selection_round = _round(world)
    nomination = _nominate(world)
    closes = timezone.now() + datetime.timedelta(days=14)
    with pytest.raises(ActionError) as still_open:
        act.propose_selection(
            by=world.users["secretariat"],
            selection_round=selection_round,
            nominations=[nomination],
            closes_at=closes,
        )
    assert still_open.value.code == "conflict"
    act.close_selection_round(by=world.users["secretariat"], selection_round=selection_round)
    with pytest.raises(PermissionDenied):
        act.propose_selection(
            by=world.users["fund_editor"],
            selection_round=selection_round,
            nominations=[nomination],
            closes_at=closes,
        )
    act.propose_selection(
        by=world.users["secretariat"],
        selection_round=selection_round,
        nominations=[nomination],
        closes_at=closes,
    )
    # While the steering group decides, neither a second proposal nor a withdrawal.
    with pytest.raises(ActionError):
        act.propose_selection(
            by=world.users["secretariat"],
            selection_round=selection_round,
            nominations=[nomination],
            closes_at=closes,
        )
    with pytest.raises(ActionError) as deciding:
        act.withdraw_nomination(by=world.users["union"], nomination=nomination)
    assert "deciding" in str(deciding.value)


def test_a_nomination_made_outside_a_round_enters_the_open_round_once(world: World) -> None:
    nomination = _nominate(world, into_round=False)
    with pytest.raises(ActionError) as none_open:
        act.enter_round(by=world.users["union"], nomination=nomination)
    assert none_open.value.code == "conflict"
    selection_round = _round(world)
    with pytest.raises(PermissionDenied):
        act.enter_round(by=world.users["fund_editor"], nomination=nomination)
    act.enter_round(by=world.users["union"], nomination=nomination)
    nomination.refresh_from_db()
    assert nomination.round == selection_round
    with pytest.raises(ActionError) as again:
        act.enter_round(by=world.users["secretariat"], nomination=nomination)
    assert "already" in str(again.value)


def test_a_selection_that_no_longer_fits_fails_visibly_and_is_applied_later(
    world: World,
) -> None:
    governance_of(world)
    deep_track_group(world)
    selection_round, chosen = _closed_round_with(world, ["Een", "Twee"])
    proposal = act.propose_selection(
        by=world.users["secretariat"],
        selection_round=selection_round,
        nominations=chosen,
        closes_at=timezone.now() + datetime.timedelta(days=14),
    )
    with override_settings(ENGAGEMENT_MAX_CASES=1):  # the maximum was lowered meanwhile
        decision = _adopt(world, proposal)
    assert decision.effect_state == Decision.EffectState.FAILED
    assert "at most 1 run at once" in decision.effect_note
    assert not Case.objects.unrestricted("test").exists()
    selection_round.refresh_from_db()
    assert selection_round.state == SelectionRound.State.CLOSED

    decision = governance.apply_decision_effect(by=world.users["secretariat"], decision=decision)
    assert decision.effect_state == Decision.EffectState.APPLIED
    assert Case.objects.unrestricted("test").count() == 2
    selection_round.refresh_from_db()
    assert selection_round.state == SelectionRound.State.DECIDED
