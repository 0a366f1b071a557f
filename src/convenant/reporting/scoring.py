"""How answers score (pure: no database reads; the questions and answers are handed in).

- A question is **asked** when it depends on nothing, or when the question it depends on is
  itself asked and answered with ``depends_value``.
- A **decisive** question has a ``positive_when`` rule; its answer is positive when it is
  given (not "not applicable") and meets the rule. A missing answer is never positive.
- A **sub-indicator** is positive only if every asked decisive question is positive. When a
  question that allows it is answered "not applicable", the sub-indicator's N/A rule decides
  (left out, counted as positive, or as not positive).
- A **main indicator** is positive only if **all** its sub-indicators are: one that is not
  positive makes it not positive; when every sub-indicator is not applicable, the main
  indicator's own N/A rule decides; sub-indicators left out as not applicable beside positive
  ones do not count against it.

Answers are read by question code, as anything with ``value``, ``not_applicable`` and
``state`` (``reporting.models.Answer`` or ``Given``). Values are stored as ``clean_value``
returns them: yes/no a bool, a choice or text a str, a number or percentage a decimal as a
str, a date an ISO date, evidence a non-empty list (the evidence's ids) or title.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from convenant.reporting.models import NotApplicable, Outcome, Question

TEXT_LIMIT = 5000
YES = {"true", "yes", "ja", "j", "y", "1"}
NO = {"false", "no", "nee", "n", "0"}


@dataclass(frozen=True)
class Given:
    """An answer as the scoring reads it (for tests, the demo and previews)."""

    value: Any = None
    not_applicable: bool = False
    state: str = "answered"


# --- Values ---------------------------------------------------------------------------------


def _number(raw: Any) -> Decimal:
    """A number as written, Dutch (1.234,5) or English (1,234.5), with the parser the
    covenant's amounts use; never a float (it is not exact)."""
    from convenant.core.errors import ActionError
    from convenant.governance.actions.budget import parse_eur

    if isinstance(raw, float):
        raw = repr(raw)
    try:
        return parse_eur(raw, "value", allow_negative=True)
    except ActionError:
        raise ValueError(
            _("A number is expected, such as 1234,5 or 1,234.5 (not “%(value)s”).") % {"value": raw}
        ) from None


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


def clean_value(question: Question, raw: Any) -> Any:
    """The value to store for ``raw`` (as typed or sent), or None for no answer. Raises
    ValueError with a message for the person answering."""
    if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
        return None
    kind = question.kind
    if kind == Question.Kind.YES_NO:
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in YES:
            return True
        if word in NO:
            return False
        raise ValueError(_("Answer yes or no."))
    if kind == Question.Kind.CHOICE:
        values = [c["value"] for c in question.choices]
        if str(raw).strip() in values:
            return str(raw).strip()
        labels = ", ".join(c["label"] if _dutch() else c["label_en"] for c in question.choices)
        raise ValueError(_("Choose one of: %(options)s.") % {"options": labels})
    if kind == Question.Kind.NUMBER:
        number = _number(raw)
        if number < 0:
            raise ValueError(_("The number cannot be negative."))
        return _plain(number)
    if kind == Question.Kind.PERCENTAGE:
        text = raw.strip().rstrip("%").strip() if isinstance(raw, str) else raw
        number = _number(text)
        if not Decimal(0) <= number <= Decimal(100):
            raise ValueError(_("A percentage lies between 0 and 100."))
        return _plain(number)
    if kind == Question.Kind.DATE:
        if isinstance(raw, datetime.date):
            return raw.isoformat()
        try:
            return datetime.date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError:
            raise ValueError(
                _("A date is expected as YYYY-MM-DD (not “%(value)s”).") % {"value": raw}
            ) from None
    if kind == Question.Kind.EVIDENCE:
        return raw
    text = str(raw).strip()
    if len(text) > TEXT_LIMIT:
        raise ValueError(
            _("The answer is longer than %(limit)s characters.") % {"limit": TEXT_LIMIT}
        )
    if question.role == Question.Role.PUBLIC_REPORT_URL:
        try:
            URLValidator(schemes=["http", "https"])(text)
        except ValidationError:
            raise ValueError(
                _("A web address is expected, such as https://www.example.nl/report.")
            ) from None
    return text


def _dutch() -> bool:
    from django.utils.translation import get_language

    return not (get_language() or "nl").startswith("en")


# --- Questions ------------------------------------------------------------------------------


def is_answered(answer: Any) -> bool:
    if answer is None:
        return False
    if answer.not_applicable:
        return True
    return answer.value not in (None, "", [])


def is_asked(question: Question, answers: Mapping[str, Any], by_code: Mapping[str, Any]) -> bool:
    """Whether the question is put to the party, given the answers so far. ``by_code``: the
    questions of the version by code (to follow a chain of dependencies)."""
    seen: set[str] = set()
    while question.depends_on:
        if question.code in seen:  # a loop the loader refuses; never asked
            return False
        seen.add(question.code)
        answer = answers.get(question.depends_on)
        if answer is None or answer.not_applicable or answer.value != question.depends_value:
            return False
        parent = by_code.get(question.depends_on)
        if parent is None:
            return False
        question = parent
    return True


def decides(question: Question) -> bool:
    return bool(question.positive_when)


def is_positive(question: Question, answer: Any) -> bool:
    """Whether this answer meets the question's rule. A missing or "not applicable" answer
    is never positive; a question without a rule decides nothing (False)."""
    rule = question.positive_when
    if not rule or not is_answered(answer) or answer.not_applicable:
        return False
    value = answer.value
    if "answered" in rule:
        return True
    if "equals" in rule:
        return bool(value == rule["equals"])
    if "in" in rule:
        return str(value) in rule["in"]
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return False
    if "at_least" in rule:
        return bool(number >= Decimal(str(rule["at_least"])))
    if "at_most" in rule:
        return bool(number <= Decimal(str(rule["at_most"])))
    return False


def _by_rule(rule: str) -> str:
    return {
        NotApplicable.EXCLUDED: Outcome.NOT_APPLICABLE,
        NotApplicable.POSITIVE: Outcome.POSITIVE,
        NotApplicable.NEGATIVE: Outcome.NEGATIVE,
    }[NotApplicable(rule)]


# --- Indicators -----------------------------------------------------------------------------


def sub_outcome(
    indicator: Any, questions: Iterable[Question], answers: Mapping[str, Any], by_code: Any = None
) -> str:
    """A sub-indicator's outcome from the answers to its questions."""
    questions = list(questions)
    by_code = by_code if by_code is not None else {q.code: q for q in questions}
    asked = [q for q in questions if is_asked(q, answers, by_code)]
    if any(
        q.allows_not_applicable and answers.get(q.code) and answers[q.code].not_applicable
        for q in asked
    ):
        return _by_rule(indicator.not_applicable)
    deciding = [q for q in asked if decides(q)]
    if deciding and all(is_positive(q, answers.get(q.code)) for q in deciding):
        return Outcome.POSITIVE
    return Outcome.NEGATIVE


def main_outcome(indicator: Any, sub_outcomes: Iterable[str]) -> str:
    """A main indicator's outcome: positive only if all its sub-indicators are."""
    outcomes = list(sub_outcomes)
    if not outcomes or Outcome.NEGATIVE in outcomes:
        return Outcome.NEGATIVE
    if all(o == Outcome.NOT_APPLICABLE for o in outcomes):
        return _by_rule(indicator.not_applicable)
    return Outcome.POSITIVE


def score(questions: Iterable[Question], answers: Mapping[str, Any]) -> dict[str, str]:
    """Every sub-indicator's outcome, by indicator code, for the questions of one
    questionnaire (each with its ``indicator`` loaded)."""
    questions = list(questions)
    by_code = {q.code: q for q in questions}
    grouped: dict[str, list[Question]] = {}
    indicators: dict[str, Any] = {}
    for q in questions:
        grouped.setdefault(q.indicator.code, []).append(q)
        indicators[q.indicator.code] = q.indicator
    return {
        code: sub_outcome(indicators[code], qs, answers, by_code) for code, qs in grouped.items()
    }


def main_outcomes(mains: Iterable[Any], sub_results: Mapping[str, str]) -> dict[str, str]:
    """Each main indicator's outcome from its sub-indicators' (``framework.Main`` nodes, or
    anything with ``indicator`` and ``subs`` whose items have ``indicator``)."""
    return {
        main.indicator.code: main_outcome(
            main.indicator,
            [sub_results.get(sub.indicator.code, Outcome.NEGATIVE) for sub in main.subs],
        )
        for main in mains
    }


# --- What is still missing ------------------------------------------------------------------


def missing(questions: Iterable[Question], answers: Mapping[str, Any]) -> list[tuple[Any, str]]:
    """The asked questions that stop a submission from being sent, each with the reason:
    an answer still "pre-filled — confirm", a required answer not given, "not applicable"
    where the question does not allow it, or a value of the wrong kind."""
    questions = list(questions)
    by_code = {q.code: q for q in questions}
    gaps: list[tuple[Any, str]] = []
    for q in questions:
        if not is_asked(q, answers, by_code):
            continue
        answer = answers.get(q.code)
        if answer is not None and answer.state == "prefilled":
            gaps.append((q, _("pre-filled — confirm")))
        elif answer is not None and answer.not_applicable and not q.allows_not_applicable:
            gaps.append((q, _("“not applicable” is not an answer to this question")))
        elif answer is None or not is_answered(answer):
            if q.required:
                gaps.append((q, _("required")))
        elif not answer.not_applicable:
            try:
                clean_value(q, answer.value)
            except ValueError as error:
                gaps.append((q, str(error)))
    return gaps
