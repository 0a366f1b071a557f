"""The unanimity rule as a truth table: every combination of consent, objection, abstention
and no vote over four seats, under both abstention settings, open and closed."""

from __future__ import annotations

import itertools

import pytest

from convenant.governance import rules
from convenant.governance.rules import ABSTENTION, CONSENT, OBJECTION, Cast

SEATS = (1, 2, 3, 4)
CHOICES = (CONSENT, OBJECTION, ABSTENTION, None)
COMBINATIONS = list(itertools.product(CHOICES, repeat=len(SEATS)))


def expected(combination: tuple[str | None, ...], abstention_blocks: bool) -> str:
    """The rule said plainly, independent of the implementation."""
    if OBJECTION in combination or (abstention_blocks and ABSTENTION in combination):
        return rules.REJECTED
    if None in combination:
        return rules.NOT_DECIDED
    return rules.ADOPTED


@pytest.mark.parametrize("abstention_blocks", [False, True])
def test_every_combination_over_four_seats(abstention_blocks: bool) -> None:
    assert len(COMBINATIONS) == 4**4
    for combination in COMBINATIONS:
        # Given each seat's vote on the current version (or none)
        votes = {s: Cast(c, 1) for s, c in zip(SEATS, combination, strict=True) if c}
        # When the proposal closes
        closed = rules.tally(SEATS, votes, 1, abstention_blocks=abstention_blocks, closed=True)
        still_open = rules.tally(SEATS, votes, 1, abstention_blocks=abstention_blocks, closed=False)
        # Then the outcome is the rule's, and the seats without a vote are named
        assert closed.outcome == expected(combination, abstention_blocks), combination
        assert closed.not_voted == tuple(
            s for s, c in zip(SEATS, combination, strict=True) if c is None
        )
        assert still_open.outcome == rules.PENDING
        assert still_open.would_adopt == (closed.outcome == rules.ADOPTED)
        # A missing vote never adopts.
        if None in combination:
            assert closed.outcome != rules.ADOPTED


def test_a_vote_on_an_older_version_is_stale_and_counts_as_no_vote() -> None:
    votes = {1: Cast(CONSENT, 2), 2: Cast(CONSENT, 2), 3: Cast(CONSENT, 2), 4: Cast(CONSENT, 1)}
    result = rules.tally(SEATS, votes, 2, abstention_blocks=False, closed=True)
    assert result.outcome == rules.NOT_DECIDED
    assert result.not_voted == (4,) and result.stale == (4,)


def test_the_chairs_seat_and_other_seats_votes_do_not_count() -> None:
    # Seat 9 (say the chair's, which does not vote) objecting changes nothing.
    votes = {s: Cast(CONSENT, 1) for s in SEATS} | {9: Cast(OBJECTION, 1)}
    result = rules.tally(SEATS, votes, 1, abstention_blocks=False, closed=True)
    assert result.outcome == rules.ADOPTED


def test_a_body_without_voting_seats_decides_nothing() -> None:
    assert rules.tally([], {}, 1, abstention_blocks=False, closed=True).outcome == (
        rules.NOT_DECIDED
    )
