"""Permission-matrix rows of the deep track: nominations of deep-track cases, selection rounds
scored by each constituency, the ranked overview, and the steering group's selection (the
governance effect ``select_cases``).

The world: an open round with the union's nomination (scored by the funds on severity), a
closed round with a nomination waiting for the steering group's selection, and another
union nomination to withdraw. Every party's members and the secretariat read them; the
former party and visitors read nothing. Editors of a party with a constituency nominate and
score; the secretariat runs the rounds and proposes the selection."""

from __future__ import annotations

import datetime
from typing import Any

from convenant.core.testing import (
    CREATED,
    FORBIDDEN,
    FORM_ERROR,
    HIDDEN,
    OK,
    REDIRECT,
    Row,
    World,
    members,
    party_of,
)

NOMINATION = "Nominatie Goudvink"  # in the open round
PASSED = "Nominatie Appelvink"  # in the closed round
TO_WITHDRAW = "Nominatie Keep"
OPEN_ROUND = "Ronde Boomklever"
CLOSED_ROUND = "Ronde Appelvink"
TODAY = datetime.date.today()

READERS = members(OK, former=FORBIDDEN)
NOMINATORS = ("fund_editor", "fund_admin", "other_fund", "union", "secretariat")
SCORERS = ("fund_editor", "fund_admin", "other_fund", "union")


def _only(allowed: tuple[str, ...], outcome: Any, refused: Any = FORBIDDEN) -> dict[str, Any]:
    return members(refused, **dict.fromkeys(allowed, outcome))


def extend_world(world: World) -> None:
    from convenant.engagement.models import Nomination, NominationScore, SelectionRound
    from convenant.engagement.tests.cases import deep_track_group
    from convenant.governance.testing import governance_of

    governance_of(world)
    deep_track_group(world)
    secretariat = world.users["secretariat"]
    rounds = SelectionRound.objects.unrestricted("matrix world")
    open_round = rounds.create(
        title=OPEN_ROUND,
        opens_on=TODAY - datetime.timedelta(days=10),
        closes_on=TODAY + datetime.timedelta(days=30),
        created_by=secretariat,
    )
    closed = rounds.create(
        title=CLOSED_ROUND,
        opens_on=TODAY - datetime.timedelta(days=100),
        closes_on=TODAY - datetime.timedelta(days=50),
        state=SelectionRound.State.CLOSED,
        created_by=secretariat,
    )

    def nomination(reference: str, title: str, selection_round: Any) -> Any:
        return Nomination.objects.create(
            reference=reference,
            round=selection_round,
            title=title,
            target=Nomination.Target.ISSUE,
            issue="Ontheemding van gemeenschappen",
            party=world.union,
            nominated_by=world.users["union"],
            rationale="Gedwongen verhuizing (fictief).",
            evidence_severity="Honderden gezinnen (fictief).",
        )

    scored = nomination("n-matrix-01", NOMINATION, open_round)
    nomination("n-matrix-02", PASSED, closed)
    nomination("n-matrix-03", TO_WITHDRAW, open_round)
    nomination("n-matrix-04", "Nominatie zonder ronde", None)
    NominationScore.objects.create(
        nomination=scored,
        constituency=world.fund.constituency,
        criterion="severity",
        score=4,
        scored_by=world.users["fund_editor"],
    )
    world.extra["selection_open_round"] = open_round
    world.extra["selection_closed_round"] = closed


def _round(key: str) -> Any:
    return lambda w: [w.extra[key].pk]


def _nominating_party(world: World, actor: str) -> Any:
    # The secretariat nominates in the name of a party (its own has no constituency).
    return world.fund if actor in ("secretariat", "anonymous") else party_of(world, actor)


def _nomination_form(world: World, actor: str) -> dict[str, Any]:
    return {
        "party": _nominating_party(world, actor).pk,
        "title": "Nominatie via het formulier",
        "target": "issue",
        "issue": "Leefbaar loon in de kledingketen",
        "themes": "living-wage",
        "rationale": "Lonen onder het bestaansminimum (fictief).",
        "evidence_severity": "Tienduizenden werkenden (fictief).",
        "into_round": "on",
    }


def _score_form(world: World, actor: str) -> dict[str, Any]:
    party = party_of(world, actor)
    return {
        "constituency": party.constituency_id or "",
        "score_severity": "5",
        "comment_severity": "Ernstig en onomkeerbaar (fictief).",
        "score_likelihood": "3",
    }


ROWS: list[Row] = [
    Row(
        "nomination_list",
        READERS,
        present=lambda w: [NOMINATION, TO_WITHDRAW],
    ),
    Row("nomination_add", _only(NOMINATORS, OK)),
    Row(
        "nomination_add",
        _only(NOMINATORS, REDIRECT),
        method="post",
        data_for=_nomination_form,
    ),
    Row(
        "nomination_detail",
        READERS,
        args=lambda w: ["n-matrix-01"],
        present=lambda w: [NOMINATION, "Honderden gezinnen"],
    ),
    Row(
        "nomination_detail",
        members(HIDDEN, former=FORBIDDEN),
        args=lambda w: ["n-none"],
        missing=True,
    ),
    Row(
        "nomination_withdraw",
        _only(("union", "secretariat"), REDIRECT),
        args=lambda w: ["n-matrix-03"],
        method="post",
        data=lambda w: {"reason": "Opgenomen in een andere nominatie"},
    ),
    Row(
        "nomination_enter",
        _only(("union", "secretariat"), REDIRECT),
        args=lambda w: ["n-matrix-04"],
        method="post",
    ),
    Row("nomination_score", _only(SCORERS, OK), args=lambda w: ["n-matrix-01"]),
    Row(
        "nomination_score",
        _only(SCORERS, REDIRECT),
        args=lambda w: ["n-matrix-01"],
        method="post",
        data_for=_score_form,
    ),
    Row("round_list", READERS, present=lambda w: [OPEN_ROUND, CLOSED_ROUND]),
    Row("round_add", _only(("secretariat",), OK)),
    Row(
        "round_add",
        # One round is open at a time: the secretariat is told to close it first.
        _only(("secretariat",), FORM_ERROR),
        method="post",
        data=lambda w: {
            "title": "Ronde via het formulier",
            "opens_on": TODAY.isoformat(),
            "closes_on": (TODAY + datetime.timedelta(days=30)).isoformat(),
        },
    ),
    Row(
        "round_detail",
        READERS,
        args=_round("selection_open_round"),
        present=lambda w: [OPEN_ROUND, NOMINATION],
    ),
    Row(
        "round_ranking_csv",
        READERS,
        args=_round("selection_open_round"),
        present=lambda w: ["n-matrix-01", NOMINATION],
    ),
    Row(
        "round_close",
        _only(("secretariat",), REDIRECT),
        args=_round("selection_open_round"),
        method="post",
    ),
    Row("round_propose", _only(("secretariat",), OK), args=_round("selection_closed_round")),
    Row(
        "round_propose",
        _only(("secretariat",), REDIRECT),
        args=_round("selection_closed_round"),
        method="post",
        data=lambda w: {
            "nominations": ["n-matrix-02"],
            "closes_on": (TODAY + datetime.timedelta(days=14)).isoformat(),
        },
    ),
    # --- API ---
    Row(
        "api:list_nominations",
        members(OK),
        present=lambda w: [NOMINATION],
        present_for=("fund_viewer", "union", "secretariat", "monitoring"),
        absent=lambda w: [NOMINATION],
        absent_for=("former",),
    ),
    Row(
        "api:create_nomination",
        _only(NOMINATORS, CREATED),
        method="post",
        as_json=True,
        data_for=lambda w, actor: {
            "party": _nominating_party(w, actor).code,
            "title": "Nominatie via de API",
            "target": "issue",
            "issue": "Leefbaar loon",
            "rationale": "Lonen onder het bestaansminimum (fictief).",
            "evidence": {"severity": "Tienduizenden werkenden (fictief)."},
            "into_round": True,
        },
    ),
    Row(
        "api:get_nomination",
        members(OK, former=HIDDEN),
        args=lambda w: ["n-matrix-01"],
        present=lambda w: [NOMINATION],
    ),
    Row(
        "api:withdraw_nomination",
        members(FORBIDDEN, former=HIDDEN, union=OK, secretariat=OK),
        args=lambda w: ["n-matrix-03"],
        method="post",
        as_json=True,
        data=lambda w: {"reason": "Opgenomen in een andere nominatie"},
    ),
    Row(
        "api:put_scores",
        members(FORBIDDEN, former=HIDDEN, **dict.fromkeys(SCORERS, OK)),
        args=lambda w: ["n-matrix-01"],
        method="put",
        as_json=True,
        data_for=lambda w, actor: {
            "constituency": (
                party_of(w, actor).constituency.code if party_of(w, actor).constituency else "x"
            ),
            "scores": [{"criterion": "severity", "score": 2, "comment": "Via de API"}],
        },
    ),
    Row(
        "api:list_selection_rounds",
        members(OK, former=FORBIDDEN),
        present=lambda w: [OPEN_ROUND],
    ),
    Row(
        "api:get_selection_round",
        members(OK, former=HIDDEN),
        args=_round("selection_open_round"),
        present=lambda w: [OPEN_ROUND],
    ),
    Row(
        "api:get_ranking",
        members(OK, former=HIDDEN),
        args=_round("selection_open_round"),
        present=lambda w: ["n-matrix-01"],
    ),
]
