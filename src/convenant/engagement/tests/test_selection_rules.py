"""The ranking of nominations (``case_rules.rank``) as a plain function: each constituency
weighs the same however many criteria it scored, missing scores neither count as zero in a
criterion's mean nor make a nomination complete, and ties are broken by severity, then by
how many constituencies scored, then by the order of nomination."""

from convenant.engagement.case_rules import rank

CRITERIA = ("severity", "likelihood", "added_value", "labour_rights", "learning")


def _all(nomination: int, constituency: int, score: int) -> list[tuple[int, int, str, int]]:
    return [(nomination, constituency, c, score) for c in CRITERIA]


def test_the_highest_total_ranks_first_and_a_nomination_nobody_scored_last() -> None:
    scores = _all(1, 10, 2) + _all(2, 10, 4)
    ranked = rank(scores, [1, 2, 3], constituencies=1, criteria=CRITERIA)
    assert [r.nomination_id for r in ranked] == [2, 1, 3]
    assert ranked[0].total == 20 and ranked[1].total == 10
    assert ranked[2].total == 0 and ranked[2].constituencies == 0 and not ranked[2].complete


def test_each_constituency_weighs_the_same() -> None:
    # Nomination 1: one constituency loves it (25), another finds it weak (5): mean 15.
    # Nomination 2: both find it fair (14 and 14): mean 14. One loud voice does not win
    # twice: the total is the mean of the constituencies' sums, not a sum of sums.
    scores = _all(1, 10, 5) + _all(1, 20, 1) + [(2, 10, c, 3) for c in CRITERIA[:4]]
    scores += [(2, 10, "learning", 2)] + [(2, 20, c, 3) for c in CRITERIA[:4]]
    scores += [(2, 20, "learning", 2)]
    ranked = rank(scores, [1, 2], constituencies=2, criteria=CRITERIA)
    assert [(r.nomination_id, r.total) for r in ranked] == [(1, 15.0), (2, 14.0)]
    assert ranked[0].by_criterion["severity"] == 3.0  # (5 + 1) / 2


def test_missing_scores_leave_the_nomination_incomplete_and_the_mean_of_those_given() -> None:
    scores = [(1, 10, "severity", 4), (1, 20, "severity", 2), (1, 20, "likelihood", 5)]
    (ranked,) = rank(scores, [1], constituencies=3, criteria=CRITERIA)
    assert ranked.constituencies == 2
    assert not ranked.complete
    assert ranked.by_criterion["severity"] == 3.0
    assert ranked.by_criterion["likelihood"] == 5.0  # only the one who scored it
    assert ranked.by_criterion["learning"] == 0.0  # nobody scored it
    assert ranked.total == (4 + 7) / 2


def test_complete_only_when_every_constituency_scored_every_criterion() -> None:
    scores = _all(1, 10, 3) + _all(1, 20, 3)
    assert rank(scores, [1], constituencies=2, criteria=CRITERIA)[0].complete
    assert not rank(scores, [1], constituencies=3, criteria=CRITERIA)[0].complete
    assert not rank(scores[:-1], [1], constituencies=2, criteria=CRITERIA)[0].complete


def test_ties_are_broken_by_severity_then_by_constituencies_then_by_order() -> None:
    # Same total 15: nomination 2 scores higher on severity, the criterion of priority.
    one = [(1, 10, "severity", 2), (1, 10, "likelihood", 5), (1, 10, "added_value", 5)]
    one += [(1, 10, "labour_rights", 2), (1, 10, "learning", 1)]
    two = [(2, 10, "severity", 5), (2, 10, "likelihood", 2), (2, 10, "added_value", 2)]
    two += [(2, 10, "labour_rights", 5), (2, 10, "learning", 1)]
    assert [r.nomination_id for r in rank(one + two, [1, 2], 1, CRITERIA)] == [2, 1]
    # Same total and severity: the one more constituencies scored first.
    three = _all(3, 10, 3)
    four = _all(4, 10, 3) + _all(4, 20, 3)
    assert [r.nomination_id for r in rank(three + four, [3, 4], 2, CRITERIA)] == [4, 3]
    # Everything equal: the earlier nomination first, so the order never flickers.
    five, six = _all(5, 10, 3), _all(6, 10, 3)
    assert [r.nomination_id for r in rank(six + five, [6, 5], 1, CRITERIA)] == [5, 6]


def test_a_later_score_of_the_same_criterion_replaces_the_earlier_in_the_input() -> None:
    scores = [(1, 10, "severity", 1), (1, 10, "severity", 5)]
    (ranked,) = rank(scores, [1], 1, CRITERIA)
    assert ranked.total == 5 and ranked.by_criterion["severity"] == 5
