"""The unanimity rule, as a pure function of the votes: no database, so it can be checked
against every combination (tests/test_unanimity.py).

A body decides by unanimity: a proposal is adopted only when every voting seat has a
current vote on the current version and no seat objects (nor abstains, where the body says
an abstention blocks). A vote on an older version is stale: the seat has to vote again on
the text as amended, so until then it counts as no vote. A seat without a vote at the close
means "not decided", never "adopted".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

CONSENT = "consent"
OBJECTION = "objection"
ABSTENTION = "abstention"

# Outcomes, the values of Proposal.Outcome.
PENDING = ""
ADOPTED = "adopted"
REJECTED = "rejected"
NOT_DECIDED = "not_decided"


@dataclass(frozen=True)
class Cast:
    """A seat's current vote: its choice and the version of the text it was given on."""

    choice: str
    version: int


@dataclass(frozen=True)
class Tally:
    outcome: str  # PENDING while open; ADOPTED, REJECTED or NOT_DECIDED once closed
    not_voted: tuple[int, ...]  # seats without a current vote on the current version
    stale: tuple[int, ...]  # of those, the seats whose vote was on an older version
    consenting: tuple[int, ...]
    objecting: tuple[int, ...]
    abstaining: tuple[int, ...]
    blocking: tuple[int, ...]  # the objections, and the abstentions where they block

    @property
    def everyone_voted(self) -> bool:
        return not self.not_voted

    @property
    def would_adopt(self) -> bool:
        """Whether closing now would adopt the proposal."""
        return self.everyone_voted and not self.blocking


def tally(
    voting_seats: Iterable[int],
    votes: Mapping[int, Cast],
    current_version: int,
    *,
    abstention_blocks: bool,
    closed: bool,
) -> Tally:
    """The state of a proposal. ``voting_seats``: the body's seats that vote (not the
    chair's); ``votes``: each seat's current vote, if it has one (votes of seats that do not
    vote are ignored)."""
    seats = list(dict.fromkeys(voting_seats))
    by_choice: dict[str, list[int]] = {CONSENT: [], OBJECTION: [], ABSTENTION: []}
    not_voted: list[int] = []
    stale: list[int] = []
    for seat in seats:
        cast = votes.get(seat)
        if cast is None:
            not_voted.append(seat)
        elif cast.version != current_version:
            not_voted.append(seat)
            stale.append(seat)
        else:
            by_choice[cast.choice].append(seat)
    blocking = by_choice[OBJECTION] + (by_choice[ABSTENTION] if abstention_blocks else [])
    if not closed:
        outcome = PENDING
    elif blocking:
        # Under unanimity one objection decides, whoever else has voted.
        outcome = REJECTED
    elif not_voted or not seats:
        outcome = NOT_DECIDED
    else:
        outcome = ADOPTED
    return Tally(
        outcome=outcome,
        not_voted=tuple(not_voted),
        stale=tuple(stale),
        consenting=tuple(by_choice[CONSENT]),
        objecting=tuple(by_choice[OBJECTION]),
        abstaining=tuple(by_choice[ABSTENTION]),
        blocking=tuple(blocking),
    )
