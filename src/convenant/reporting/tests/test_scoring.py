"""How answers score: known answers on hand-built questions, then on the shipped framework."""

from __future__ import annotations

import pytest

from convenant.reporting import scoring
from convenant.reporting.framework import FILE_NAME, FRAMEWORKS_DIR, load_all, tree
from convenant.reporting.models import Framework, Indicator, Outcome, Question
from convenant.reporting.scoring import Given

POS, NEG, NA = Outcome.POSITIVE, Outcome.NEGATIVE, Outcome.NOT_APPLICABLE


def indicator(code: str, na: str = "excluded") -> Indicator:
    return Indicator(code=code, name=code, name_en=code, not_applicable=na)


def question(code: str, kind: str = "yes_no", sub: Indicator | None = None, **fields) -> Question:
    q = Question(code=code, kind=kind, text=code, text_en=code, **fields)
    q.indicator = sub or indicator("sub")
    return q


# --- Values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "raw", "stored"),
    [
        ("yes_no", True, True),
        ("yes_no", "Ja", True),
        ("yes_no", "nee", False),
        ("number", "1.234,5", "1234.5"),
        ("number", "1,234.5", "1234.5"),
        ("number", "2500000", "2500000"),
        ("percentage", "45,5%", "45.5"),
        ("percentage", "100", "100"),
        ("date", "2021-12-31", "2021-12-31"),
        ("text", "  uitleg  ", "uitleg"),
        ("number", "", None),
        ("text", None, None),
    ],
)
def test_a_value_is_stored_in_one_form(kind: str, raw: object, stored: object) -> None:
    assert scoring.clean_value(question("Q", kind), raw) == stored


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        ("yes_no", "misschien", "yes or no"),
        ("number", "veel", "number is expected"),
        ("number", "-5", "negative"),
        ("percentage", "120", "between 0 and 100"),
        ("percentage", "-1", "between 0 and 100"),
        ("date", "31-12-2021", "YYYY-MM-DD"),
        ("choice", "sometimes", "Choose one of"),
    ],
)
def test_a_wrong_value_is_refused_with_a_clear_message(kind: str, raw: str, message: str) -> None:
    choices = [
        {"value": "all", "label": "Alle", "label_en": "All"},
        {"value": "none", "label": "Geen", "label_en": "None"},
    ]
    q = question("Q", kind, choices=choices if kind == "choice" else [])
    with pytest.raises(ValueError, match=message):
        scoring.clean_value(q, raw)


def test_the_public_report_link_must_be_a_web_address() -> None:
    q = question("R", "text", role=Question.Role.PUBLIC_REPORT_URL)
    assert (
        scoring.clean_value(q, "https://fonds.example/rapport") == "https://fonds.example/rapport"
    )
    with pytest.raises(ValueError, match="web address"):
        scoring.clean_value(q, "ons jaarverslag")


# --- Questions and sub-indicators -----------------------------------------------------------


def test_a_dependent_question_is_asked_only_after_the_answer_it_depends_on() -> None:
    parent = question("A", positive_when={"equals": True})
    child = question("B", "date", depends_on="A", depends_value=True)
    grandchild = question("C", "text", depends_on="B", depends_value="2021-01-01")
    by_code = {q.code: q for q in (parent, child, grandchild)}
    assert not scoring.is_asked(child, {}, by_code)
    assert not scoring.is_asked(child, {"A": Given(False)}, by_code)
    assert scoring.is_asked(child, {"A": Given(True)}, by_code)
    # A chain: C needs B's answer and B itself asked
    answers = {"A": Given(False), "B": Given("2021-01-01")}
    assert not scoring.is_asked(grandchild, answers, by_code)
    answers["A"] = Given(True)
    assert scoring.is_asked(grandchild, answers, by_code)


@pytest.mark.parametrize(
    ("rule", "value", "positive"),
    [
        ({"equals": True}, True, True),
        ({"equals": True}, False, False),
        ({"in": ["all"]}, "all", True),
        ({"in": ["all"]}, "some", False),
        ({"at_least": 75}, "75", True),
        ({"at_least": 75}, "74.9", False),
        ({"at_most": 10}, "10", True),
        ({"at_most": 10}, "10.5", False),
        ({"answered": True}, "2021-05-01", True),
        ({"answered": True}, None, False),
        ({}, True, False),  # a question without a rule decides nothing
    ],
)
def test_whether_an_answer_is_positive(rule: dict, value: object, positive: bool) -> None:
    assert scoring.is_positive(question("Q", positive_when=rule), Given(value)) is positive


def test_a_missing_or_not_applicable_answer_is_never_positive() -> None:
    q = question("Q", positive_when={"answered": True}, allows_not_applicable=True)
    assert scoring.is_positive(q, None) is False
    assert scoring.is_positive(q, Given(None, not_applicable=True)) is False


def test_a_sub_indicator_is_positive_only_if_every_asked_decisive_question_is() -> None:
    sub = indicator("policy-commitment", na="negative")
    p1 = question("P1", sub=sub, positive_when={"equals": True})
    p2 = question("P2", "date", sub=sub, positive_when={"answered": True})
    p2.depends_on, p2.depends_value = "P1", True
    info = question("P3", "text", sub=sub)  # informs, decides nothing
    qs = [p1, p2, info]
    assert scoring.sub_outcome(sub, qs, {}) == NEG  # nothing answered
    assert scoring.sub_outcome(sub, qs, {"P1": Given(True)}) == NEG  # P2 asked, missing
    answers = {"P1": Given(True), "P2": Given("2020-03-01")}
    assert scoring.sub_outcome(sub, qs, answers) == POS  # P3 unanswered does not matter
    assert scoring.sub_outcome(sub, qs, {"P1": Given(False)}) == NEG


@pytest.mark.parametrize(
    ("rule", "outcome"), [("excluded", NA), ("positive", POS), ("negative", NEG)]
)
def test_not_applicable_counts_as_the_indicator_says(rule: str, outcome: str) -> None:
    sub = indicator("outsourcing-selection", na=rule)
    q = question("U1", sub=sub, positive_when={"equals": True}, allows_not_applicable=True)
    assert scoring.sub_outcome(sub, [q], {"U1": Given(None, not_applicable=True)}) == outcome


def test_not_applicable_on_a_question_that_does_not_allow_it_counts_as_missing() -> None:
    sub = indicator("policy-scope", na="positive")
    q = question("P3", "percentage", sub=sub, positive_when={"at_least": 90})
    answers = {"P3": Given(None, not_applicable=True)}
    assert scoring.sub_outcome(sub, [q], answers) == NEG
    assert [reason for _, reason in scoring.missing([q], answers)] == [
        "“not applicable” is not an answer to this question"
    ]


# --- Main indicators ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subs", "rule", "outcome"),
    [
        ([POS, POS, POS], "excluded", POS),
        ([POS, NEG, POS], "excluded", NEG),  # all, or not positive
        ([POS, NA], "excluded", POS),  # a sub left out does not count against it
        ([NA, NA], "excluded", NA),
        ([NA, NA], "positive", POS),
        ([NA, NA], "negative", NEG),
        ([NA, NEG], "positive", NEG),
        ([], "excluded", NEG),
    ],
)
def test_a_main_indicator_is_positive_only_if_all_its_sub_indicators_are(
    subs: list[str], rule: str, outcome: str
) -> None:
    assert scoring.main_outcome(indicator("main", na=rule), subs) == outcome


# --- What is missing ------------------------------------------------------------------------


def test_missing_names_each_gap_with_its_reason() -> None:
    a = question("A", positive_when={"equals": True})
    b = question("B", "number", depends_on="A", depends_value=True)
    c = question("C", "text", required=False)
    d = question("D", "percentage")
    answers = {
        "A": Given(True, state="prefilled"),
        "D": Given("honderd"),
    }
    gaps = [(q.code, reason) for q, reason in scoring.missing([a, b, c, d], answers)]
    assert gaps == [
        ("A", "pre-filled — confirm"),
        ("B", "required"),  # asked, since A says yes
        ("D", "A number is expected, such as 1234,5 or 1,234.5 (not “honderd”)."),
    ]
    # Confirmed and complete: nothing missing; an optional question may stay empty
    answers = {"A": Given(True, state="confirmed"), "B": Given("3"), "D": Given("80")}
    assert scoring.missing([a, b, c, d], answers) == []
    # B is no longer asked once A says no
    assert scoring.missing([a, b, c, d], {"A": Given(False), "D": Given("0")}) == []


# --- The shipped framework ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_complete_positive_submission_scores_positive_on_all_four() -> None:
    load_all()
    framework = Framework.objects.get(version="2019.1")
    questions = list(framework.questions.select_related("indicator"))
    fund_questions = [q for q in questions if q.indicator.questionnaire == "fund"]
    answers = {
        "P1.1": Given(True),
        "P1.2": Given("2020-06-30"),
        "P1.3": Given([1]),
        "P2.1": Given("all"),
        "P2.2": Given("80"),
        "P3.1": Given("12000000000"),
        "P3.2": Given("95"),
        "U1.1": Given(True),
        "U2.2": Given("60"),
        "M1.1": Given(True),
        "M1.2": Given("55"),
        "M2.1": Given(True),
        "R1.1": Given(True),
        "R1.2": Given("https://fonds.example/verslag"),
        "R2.1": Given("results"),
    }
    assert scoring.missing(fund_questions, answers) == []
    subs = scoring.score(fund_questions, answers)
    assert set(subs.values()) == {POS}
    mains = scoring.main_outcomes(tree(framework, "fund"), subs)
    assert mains == {
        "policy": POS,
        "outsourcing": POS,
        "outsourcing-monitoring": POS,
        "reporting": POS,
    }
    # One sub-indicator short (the policy covers 80 % of the assets, not 90 %): policy falls
    answers["P3.2"] = Given("80")
    subs = scoring.score(fund_questions, answers)
    mains = scoring.main_outcomes(tree(framework, "fund"), subs)
    assert subs["policy-scope"] == NEG and mains["policy"] == NEG
    assert mains["reporting"] == POS
    # A fund that outsources nothing: outsourcing is left out, not counted against it
    answers.update({"U1.1": Given(None, True), "U2.2": Given(None, True)})
    mains = scoring.main_outcomes(tree(framework, "fund"), scoring.score(fund_questions, answers))
    assert mains["outsourcing"] == NA
    assert (FRAMEWORKS_DIR / "2019.1" / FILE_NAME).is_file()
