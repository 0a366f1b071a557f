"""Pre-filled answers: what the platform already knows about a party, offered for its
submission, each with its source in words and, where the reader may open it, a link.

A question names its source in the framework file (``prefill``); the registry ``SOURCES``
maps that key to a function. Every question may also be pre-filled from the party's answer
in the previous cycle (through ``previous_code`` across versions) when its own source has
nothing to offer. A suggestion stands as "pre-filled — confirm" until the party confirms or
changes it (the submissions area stores it).

These reads are the party's own data, read for its own submission: the submissions area calls
``suggestions`` inside its action, for a member of that party. They bypass ``visible_to``
(listed in ``core/tests/test_access_enforced.py``) and hand back values, never rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from convenant.reporting import scoring
from convenant.reporting.models import (
    SUBMITTED_STATES,
    Answer,
    Framework,
    Question,
    Submission,
)

WHY = "a party's own records, read to pre-fill its own submission"


@dataclass(frozen=True)
class Suggestion:
    value: Any
    source: str
    source_url: str = ""


Source = Callable[[Submission, Question], Suggestion | None]
SOURCES: dict[str, Source] = {}

# What each source is, for the framework's pages.
LABELS = {
    "self_assessment_completed": gettext_lazy("the policy self-assessment of the year"),
    "self_assessment_share": gettext_lazy("the policy self-assessment of the year"),
    "invested_assets": gettext_lazy("the invested assets in the covenant's directory"),
    "mandates_running": gettext_lazy("the mandates recorded in outsourcing"),
    "mandates_clauses": gettext_lazy("the mandates and their contract clauses"),
    "reporting_agreed": gettext_lazy("the reporting requirements agreed with providers"),
    "provider_reporting": gettext_lazy("the providers' reports"),
    "engagements": gettext_lazy("the engagement records"),
    "cases": gettext_lazy("the deep-track case records"),
    "public_report_url": gettext_lazy("the last link given, else the party's website"),
}


def source(key: str) -> Callable[[Source], Source]:
    def register(function: Source) -> Source:
        SOURCES[key] = function
        return function

    return register


def _year(submission: Submission) -> int:
    return submission.cycle.reference_date.year


def _memo(submission: Submission, key: str, compute: Callable[[], Any]) -> Any:
    """One read per submission and ``suggestions`` call, however many questions use it."""
    memo: dict[str, Any] = submission.__dict__.setdefault("_prefill_memo", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


# --- The policy self-assessment -------------------------------------------------------------


def _self_assessment(submission: Submission) -> tuple[Any, int, int] | None:
    return _memo(submission, "assessment", lambda: _read_self_assessment(submission))


def _read_self_assessment(submission: Submission) -> tuple[Any, int, int] | None:
    """The party's self-assessment of the reference year, with its requirements met and
    answerable; None when it has none."""
    from convenant.toolkit.models import Answer as Requirement
    from convenant.toolkit.models import SelfAssessment
    from convenant.toolkit.requirements import answerable

    found = (
        SelfAssessment.objects.unrestricted(WHY)
        .filter(fund_id=submission.party_id, year=_year(submission))
        .first()
    )
    if found is None:
        return None
    keys = {r.key for r in answerable(found.edition)}
    met = (
        Requirement.objects.unrestricted(WHY)
        .filter(assessment=found, requirement_key__in=keys, status="met")
        .count()
    )
    return found, met, len(keys)


def _assessment_words(found: Any, met: int, total: int) -> str:
    if found.status == "completed":
        return _(
            "Policy self-assessment %(year)s (completed): %(met)s of %(total)s requirements met"
        ) % {"year": found.year, "met": met, "total": total}
    return _(
        "Policy self-assessment %(year)s (not completed): %(met)s of %(total)s requirements met"
    ) % {"year": found.year, "met": met, "total": total}


@source("self_assessment_completed")
def _policy_in_line(submission: Submission, question: Question) -> Suggestion | None:
    found = _self_assessment(submission)
    if found is None:
        return None
    assessment, met, total = found
    return Suggestion(
        assessment.status == "completed" and total > 0 and met * 2 >= total,
        _assessment_words(assessment, met, total),
        reverse("self_assessment_detail", args=[assessment.pk]),
    )


@source("self_assessment_share")
def _requirements_met(submission: Submission, question: Question) -> Suggestion | None:
    found = _self_assessment(submission)
    if found is None or not found[2]:
        return None
    assessment, met, total = found
    share = (Decimal(100) * met / total).quantize(Decimal("0.1"))
    return Suggestion(
        scoring.clean_value(question, share),
        _assessment_words(assessment, met, total),
        reverse("self_assessment_detail", args=[assessment.pk]),
    )


# --- Invested assets and public reporting ---------------------------------------------------


@source("invested_assets")
def _invested_assets(submission: Submission, question: Question) -> Suggestion | None:
    party = submission.party
    if party.invested_assets_eur is None:
        return None
    if party.invested_assets_as_of:
        words = _("Invested assets in the covenant's directory, as of %(date)s") % {
            "date": date_format(party.invested_assets_as_of)
        }
    else:
        words = _("Invested assets in the covenant's directory")
    return Suggestion(
        scoring.clean_value(question, party.invested_assets_eur), words, party.get_absolute_url()
    )


@source("public_report_url")
def _public_report(submission: Submission, question: Question) -> Suggestion | None:
    earlier = (
        Answer.objects.unrestricted(WHY)
        .filter(
            submission__party_id=submission.party_id,
            submission__cycle__reference_date__lt=submission.cycle.reference_date,
            submission__state__in=SUBMITTED_STATES,
            question__role=Question.Role.PUBLIC_REPORT_URL,
            not_applicable=False,
        )
        .exclude(value=None)
        .select_related("submission__cycle")
        .order_by("-submission__cycle__reference_date", "-submission__version")
        .first()
    )
    if earlier is not None and earlier.value:
        return Suggestion(
            earlier.value,
            _("The link given in the %(cycle)s submission") % {"cycle": earlier.submission.cycle},
            str(earlier.value),
        )
    website = submission.party.website
    if website:
        return Suggestion(website, _("The party's website in the covenant's directory"), website)
    return None


# --- Mandates, clauses and provider reporting -----------------------------------------------


def _shares(submission: Submission) -> Any:
    return _memo(submission, "shares", lambda: _read_shares(submission))


def _read_shares(submission: Submission) -> Any:
    from convenant.outsourcing.kpis import Shares, fund_shares
    from convenant.outsourcing.models import Mandate

    on = submission.cycle.reference_date
    running = Mandate.objects.unrestricted(WHY).filter(fund_id=submission.party_id).running(on)
    if not running.exists():
        zero = Decimal(0)
        return Shares(on, 0, zero, 0, zero, 0, zero)  # nothing running: nothing to read
    return fund_shares(submission.party, on=on)


def _mandates_words(submission: Submission) -> str:
    return _("Mandates and their clauses recorded in outsourcing, on %(date)s") % {
        "date": date_format(submission.cycle.reference_date)
    }


def _reporting_words(submission: Submission) -> str:
    return _("Provider reporting recorded in outsourcing, on %(date)s") % {
        "date": date_format(submission.cycle.reference_date)
    }


@source("mandates_running")
def _mandates_running(submission: Submission, question: Question) -> Suggestion | None:
    shares = _shares(submission)
    if not shares.mandates:
        return None
    return Suggestion(
        str(shares.mandates), _mandates_words(submission), reverse("outsourcing_mandates")
    )


@source("mandates_clauses")
def _mandates_clauses(submission: Submission, question: Question) -> Suggestion | None:
    share = _shares(submission).clauses_by_amount
    if share is None:
        return None
    return Suggestion(
        scoring.clean_value(question, share),
        _mandates_words(submission),
        reverse("outsourcing_mandates"),
    )


@source("reporting_agreed")
def _reporting_agreed(submission: Submission, question: Question) -> Suggestion | None:
    from convenant.outsourcing.models import Mandate, ReportingRequirement

    on = submission.cycle.reference_date
    running = Mandate.objects.unrestricted(WHY).filter(fund_id=submission.party_id).running(on)
    if not running.exists():
        return None
    agreed = (
        ReportingRequirement.objects.unrestricted(WHY)
        .filter(mandate__in=running, since__lte=on)
        .exists()
    )
    return Suggestion(agreed, _reporting_words(submission), reverse("outsourcing_mandates"))


@source("provider_reporting")
def _provider_reporting(submission: Submission, question: Question) -> Suggestion | None:
    share = _shares(submission).reporting_by_amount
    if share is None:
        return None
    return Suggestion(
        scoring.clean_value(question, share),
        _reporting_words(submission),
        reverse("outsourcing_mandates"),
    )


# --- Engagement and case records ------------------------------------------------------------


@source("engagements")
def _engagements(submission: Submission, question: Question) -> Suggestion | None:
    from django.db.models import Q

    from convenant.engagement.models import Engagement

    year = _year(submission)
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    party = submission.party_id
    count = (
        Engagement.objects.unrestricted(WHY)
        .filter(start_date__lte=last)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=first))
        .filter(
            Q(lead_party_id=party)
            | Q(
                participants__party_id=party,
                participants__start__lte=last,
            )
            & (Q(participants__end__isnull=True) | Q(participants__end__gte=first))
        )
        .distinct()
        .count()
    )
    return Suggestion(
        str(count),
        _("Engagements the party led or took part in during %(year)s") % {"year": year},
        reverse("engagement_list"),
    )


@source("cases")
def _cases(submission: Submission, question: Question) -> Suggestion | None:
    from django.db.models import Q

    from convenant.engagement.models import CaseMember

    on = submission.cycle.reference_date
    roles = set(
        CaseMember.objects.unrestricted(WHY)
        .filter(membership__party_id=submission.party_id, membership__start__lte=on)
        .filter(Q(membership__end__isnull=True) | Q(membership__end__gte=on))
        .values_list("role", flat=True)
    )
    value = "lead" if "lead_fund" in roles else "member" if roles else "no"
    return Suggestion(
        value,
        _("Deep-track case records on %(date)s") % {"date": date_format(on)},
    )


# --- Last year's answers --------------------------------------------------------------------


# Versions never change once loaded (their file's digest guards them): their maps neither.
_CODE_MAPS: dict[tuple[str, str, str, str], dict[str, str]] = {}


def _code_map(current: Framework, earlier: Framework) -> dict[str, str]:
    key = (current.version, current.digest, earlier.version, earlier.digest)
    if key not in _CODE_MAPS:
        _CODE_MAPS[key] = _read_code_map(current, earlier)
    return dict(_CODE_MAPS[key])


def _read_code_map(current: Framework, earlier: Framework) -> dict[str, str]:
    """This version's question codes → the earlier version's, following ``previous_code``
    through every version between them (a question new on the way maps to nothing)."""
    mapping = {code: code for code in current.questions.values_list("code", flat=True)}
    framework = current
    while framework.pk != earlier.pk:
        step = dict(framework.questions.values_list("code", "previous_code"))
        mapping = {code: step[old] for code, old in mapping.items() if step.get(old)}
        if framework.previous is None:
            return {}
        framework = framework.previous
    return mapping


def _previous_submission(submission: Submission) -> Submission | None:
    return (
        Submission.objects.unrestricted(WHY)
        .filter(
            party_id=submission.party_id,
            questionnaire=submission.questionnaire,
            cycle__reference_date__lt=submission.cycle.reference_date,
            state__in=[s for s in SUBMITTED_STATES if s != "superseded"],
        )
        .select_related("cycle__framework")
        .order_by("-cycle__reference_date", "-version")
        .first()
    )


def previous_answers(
    submission: Submission, questions: dict[str, Question] | None = None
) -> dict[str, Suggestion]:
    """The party's answers in its previous submitted cycle, by this version's codes
    (``questions``: this version's, by code, when the caller has them)."""
    earlier = _previous_submission(submission)
    if earlier is None:
        return {}
    mapping = _code_map(submission.cycle.framework, earlier.cycle.framework)
    given = {
        a.question.code: a
        for a in Answer.objects.unrestricted(WHY)
        .filter(submission=earlier)
        .select_related("question")
    }
    if questions is None:
        questions = {q.code: q for q in submission.cycle.framework.questions.all()}
    found: dict[str, Suggestion] = {}
    for code, old in mapping.items():
        answer, question = given.get(old), questions.get(code)
        if answer is None or question is None or answer.not_applicable:
            continue
        if question.kind == Question.Kind.EVIDENCE:
            continue
        try:
            value = scoring.clean_value(question, answer.value)
        except ValueError:
            continue  # the kind changed between versions: nothing to carry over
        if value is None:
            continue
        words = _("Your answer in %(cycle)s") % {"cycle": earlier.cycle}
        if old != code:
            words += " " + _("(question %(code)s)") % {"code": old}
        found[code] = Suggestion(value, words)
    return found


def suggestions(submission: Submission) -> dict[str, Suggestion]:
    """For each question of the submission's questionnaire that the platform can answer: the
    suggested value, its source in words and a link. The question's own source first; the
    party's previous answer otherwise."""
    framework = submission.cycle.framework
    questions = [
        q
        for q in framework.questions.select_related("indicator")
        if q.indicator.questionnaire == submission.questionnaire
    ]
    found: dict[str, Suggestion] = {}
    for question in questions:
        if question.prefill and question.prefill in SOURCES:
            suggestion = SOURCES[question.prefill](submission, question)
            if suggestion is not None and suggestion.value is not None:
                found[question.code] = suggestion
    for code, suggestion in previous_answers(submission, {q.code: q for q in questions}).items():
        found.setdefault(code, suggestion)
    return found
