"""The demo's annual reporting, all FICTIONAL: five cycles like the covenant's real ones — the
baseline (November 2019), progress measurements with reference dates 31-12-2019, 30-06-2021
and 31-12-2021, and the final measurement for 2022 — answered by every demo party that had
joined by a cycle's reference date, through the real actions.

The answers are chosen so that the aggregates follow the real trend: no fund positive on the
policy indicator in the first measurements, 15–30 % of the funds per main indicator at the
end, when five funds are positive on all four. Unions and NGOs answer the effort
questionnaire. Per past cycle a few parties are late, one submits nothing; in 2021 the
committee leaves one fund out of the figures. The committee asks questions that the funds
answer, corrects a few scores with its reasons, writes findings and recommendations and signs
its reports off; the steering group's pending decisions of the governance demo approve the
reports of 2020 and 2021 (and 2020's public summary). The 2022 cycle is left open and under
review: the committee's workspace and the secretariat's overview have live work, and
``fonds-redacteur@`` finds its fund's draft with pre-filled answers to confirm.

The past is written as it happened: the actions run today, then the dates of submission,
acceptance and sign-off are set back to the cycle's own (demo data only). Scores are confirmed
in bulk where the committee simply agrees (the committee's corrections go through the action).
Loading again changes nothing: a cycle whose label exists is left alone.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from convenant.core.models import User
from convenant.parties.demo import demo_email, fund_code
from convenant.parties.models import Membership, Party
from convenant.reporting.actions import cycles as cycle_actions
from convenant.reporting.actions import report as report_actions
from convenant.reporting.actions import review
from convenant.reporting.actions import submissions as act
from convenant.reporting.framework import load_all
from convenant.reporting.models import (
    Cycle,
    Framework,
    MonitoringReport,
    Score,
    Submission,
)

WHY = "loading the demo"
MARK = "(fictief)"
SEED = 2019
MAINS = ("policy", "outsourcing", "outsourcing-monitoring", "reporting")
# The five funds that reach all four main indicators by the end are the first of these
# that signed at the start and stayed (never PF001, whose 2022 draft stays open for the
# demo's fund editor).
LEADER_CHOICES = (2, 5, 9, 14, 23, 4, 7, 11, 17, 26)
# Two small funds that outsource nothing (outsourcing and its monitoring do not apply).
INSOURCED_CHOICES = (61, 67, 58, 64, 70)
# Where each main indicator's order of the other funds starts: the leaders aside, no fund is
# among the first on all four.
OFFSETS = {"policy": 0, "outsourcing": 8, "outsourcing-monitoring": 17, "reporting": 4}
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass(frozen=True)
class Plan:
    label: str
    name: str
    kind: str
    version: str
    reference: datetime.date
    opens: datetime.date
    closes: datetime.date
    corrections_until: datetime.date | None
    # Share of the counted funds positive per main indicator, in percent.
    shares: dict[str, int]
    targets: dict[str, int] = field(default_factory=dict)
    # A negative main indicator's other sub-indicators pass with this chance.
    sub_pass: float = 0.3
    effort_share: int = 20
    late: int = 3
    missing: int = 1
    live: bool = False  # the 2022 cycle: open and under review


def _plans(today: datetime.date) -> list[Plan]:
    d = datetime.date
    return [
        Plan(
            "2019",
            f"Nulmeting 2019 {MARK}",
            Cycle.Kind.BASELINE,
            "2019.1",
            d(2019, 11, 1),
            d(2019, 11, 4),
            d(2019, 12, 13),
            None,
            {"policy": 0, "outsourcing": 4, "outsourcing-monitoring": 3, "reporting": 8},
            sub_pass=0.15,
            effort_share=10,
        ),
        Plan(
            "2020",
            f"Voortgangsmeting 2020 (peildatum 31-12-2019) {MARK}",
            Cycle.Kind.PROGRESS,
            "2019.1",
            d(2019, 12, 31),
            d(2020, 1, 13),
            d(2020, 3, 31),
            d(2020, 6, 30),
            {"policy": 0, "outsourcing": 5, "outsourcing-monitoring": 4, "reporting": 10},
            {"policy": 50, "outsourcing": 20, "outsourcing-monitoring": 20, "reporting": 30},
            sub_pass=0.25,
            effort_share=15,
        ),
        Plan(
            "2021-1",
            f"Tussenmeting 2021 (peildatum 30-06-2021) {MARK}",
            Cycle.Kind.PROGRESS,
            "2019.1",
            d(2021, 6, 30),
            d(2021, 7, 5),
            d(2021, 9, 30),
            d(2021, 12, 15),
            {"policy": 8, "outsourcing": 10, "outsourcing-monitoring": 7, "reporting": 15},
            {"policy": 75, "outsourcing": 35, "outsourcing-monitoring": 30, "reporting": 40},
            sub_pass=0.4,
            effort_share=25,
        ),
        Plan(
            "2021",
            f"Voortgangsmeting 2021 (peildatum 31-12-2021) {MARK}",
            Cycle.Kind.PROGRESS,
            "2019.1",
            d(2021, 12, 31),
            d(2022, 1, 10),
            d(2022, 3, 31),
            d(2022, 6, 30),
            {"policy": 15, "outsourcing": 14, "outsourcing-monitoring": 11, "reporting": 20},
            {"policy": 90, "outsourcing": 50, "outsourcing-monitoring": 40, "reporting": 50},
            sub_pass=0.5,
            effort_share=35,
        ),
        Plan(
            "2022",
            f"Eindmeting 2022 {MARK}",
            Cycle.Kind.FINAL,
            "2022.1",
            d(2022, 12, 31),
            today - datetime.timedelta(days=21),
            today + datetime.timedelta(days=21),
            today + datetime.timedelta(days=90),
            {"policy": 26, "outsourcing": 20, "outsourcing-monitoring": 17, "reporting": 29},
            {"policy": 100, "outsourcing": 75, "outsourcing-monitoring": 60, "reporting": 75},
            sub_pass=0.6,
            effort_share=45,
            late=0,
            missing=2,
            live=True,
        ),
    ]


# --- Who answers ----------------------------------------------------------------------------


def _people() -> dict[str, User]:
    users = User.objects.unrestricted(WHY)
    return {
        key: users.get(email=demo_email(key))
        for key in ("secretariaat", "monitoring", "monitoring-2", "fonds-redacteur")
    }


def _writer_of(party: Party, cache: dict[int, User]) -> User:
    """An editor or administrator of the party; a reporting officer of the demo's own when it
    has none (no password: nobody logs in as them)."""
    if party.pk in cache:
        return cache[party.pk]
    membership = (
        Membership.objects.unrestricted(WHY)
        .filter(party=party, role__in=["editor", "administrator"], user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is not None:
        cache[party.pk] = membership.user
        return membership.user
    email = demo_email(f"rapportage-{party.code.lower()}")
    users = User.objects.unrestricted(WHY)
    user = users.filter(email=email).first() or User.objects.create_user(
        email, f"Rapporteur {party.display_name}", None
    )
    Membership.objects.unrestricted(WHY).get_or_create(
        user=user, party=party, defaults={"role": "editor"}
    )
    cache[party.pk] = user
    return user


# --- Who is positive where ------------------------------------------------------------------


def _fund_index(party: Party) -> int:
    """A demo fund's place in the parties demo (PF001 is 0); -1 for any other party."""
    code = party.code
    return int(code[2:]) - 1 if code.startswith("PF") and code[2:].isdigit() else -1


@dataclass(frozen=True)
class Roles:
    leaders: tuple[int, ...]
    insourced: tuple[int, ...]
    # Per main indicator, the funds in the order in which they become positive.
    orders: dict[str, list[int]]


def _roles() -> Roles:
    """The leaders first, then the others from each indicator's own starting point; funds
    that joined later, those that left, and those that outsource nothing, last. Taken over
    every demo fund, so that each cycle's positive funds include the previous cycle's."""
    funds = [f for f in Party.objects.funds().order_by("code") if _fund_index(f) >= 0]
    first = min(f.joined_on for f in funds)
    steady = {_fund_index(f) for f in funds if f.joined_on == first and f.left_on is None}
    leaders = tuple([i for i in LEADER_CHOICES if i in steady][:5])
    insourced = tuple([i for i in INSOURCED_CHOICES if i in steady][:2])
    rest = sorted(steady - set(leaders) - set(insourced))
    others = sorted({_fund_index(f) for f in funds} - steady - set(leaders) - set(insourced))
    random.Random(SEED).shuffle(rest)  # noqa: S311 - fictional demo data, not security
    orders = {
        code: [*leaders, *rest[offset:], *rest[:offset], *others, *insourced]
        for code, offset in OFFSETS.items()
    }
    return Roles(leaders, insourced, orders)


@dataclass
class Fill:
    """One party's answers in one cycle, as the party sends them."""

    values: dict[str, Any]
    not_applicable: list[str] = field(default_factory=list)
    evidence: bool = False


def _pick(rng: random.Random, low: int, high: int) -> str:
    return str(rng.randint(low, high))


def _fund_fill(
    party: Party, plan: Plan, positive: dict[str, bool], rng: random.Random, insourced: bool
) -> Fill:
    """The answers that make the fund positive on exactly the main indicators ``positive``
    says; a negative one fails on at least one sub-indicator."""
    subs = {
        "policy": ["policy-commitment", "policy-due-diligence", "policy-scope"],
        "outsourcing": ["outsourcing-selection", "outsourcing-contracts"],
        "outsourcing-monitoring": ["monitoring-requirements", "monitoring-engagement"],
        "reporting": ["reporting-public", "reporting-content"],
    }
    passes: dict[str, bool] = {}
    for main, codes in subs.items():
        if positive[main]:
            passes.update(dict.fromkeys(codes, True))
            continue
        failing = rng.choice(codes)
        for code in codes:
            passes[code] = code != failing and rng.random() < plan.sub_pass
    year = plan.reference.year
    v: dict[str, Any] = {}
    na: list[str] = []
    revised = plan.version == "2022.1"
    # Policy
    if passes["policy-commitment"]:
        v["P1.1"] = "ja"
        v["P1.2"] = datetime.date(min(year, 2021), rng.randint(1, 10), rng.randint(1, 28))
        if v["P1.2"] > plan.reference:
            v["P1.2"] = plan.reference - datetime.timedelta(days=rng.randint(30, 200))
    else:
        v["P1.1"] = "nee"
    dd = "P2.3" if revised else "P2.2"
    if passes["policy-due-diligence"]:
        v["P2.1"], v[dd] = "all", _pick(rng, 75, 100)
    elif rng.random() < 0.5:
        v["P2.1"], v[dd] = "some", _pick(rng, 20, 90)
    else:
        v["P2.1"], v[dd] = "all", _pick(rng, 30, 74)
    if revised:
        v["P2.2"] = "ja" if passes["policy-due-diligence"] or rng.random() < 0.3 else "nee"
    v["P3.1"] = format(party.invested_assets_eur or Decimal(250_000_000), "f")
    v["P3.2"] = _pick(rng, 90, 100) if passes["policy-scope"] else _pick(rng, 35, 89)
    # Outsourcing and its monitoring
    if insourced:
        na += ["U1.1", "U2.2", "M1.1", "M2.1"]
    else:
        v["U1.1"] = "ja" if passes["outsourcing-selection"] else "nee"
        if passes["outsourcing-selection"]:
            v["U1.2"] = f"Vragen over de OESO-richtlijnen in elke selectieronde {MARK}"
        v["U2.2"] = _pick(rng, 50, 100) if passes["outsourcing-contracts"] else _pick(rng, 0, 45)
        requirements = passes["monitoring-requirements"]
        if revised:
            v["M1.1"] = _pick(rng, 50, 100) if requirements else _pick(rng, 0, 45)
        elif requirements:
            v["M1.1"], v["M1.2"] = "ja", _pick(rng, 50, 100)
        elif rng.random() < 0.5:
            v["M1.1"] = "nee"
        else:
            v["M1.1"], v["M1.2"] = "ja", _pick(rng, 5, 45)
        v["M2.1"] = "ja" if passes["monitoring-engagement"] else "nee"
    # Reporting and transparency
    if passes["reporting-public"]:
        v["R1.1"] = "ja"
        v["R1.2"] = f"https://{party.slug}.example/verantwoord-beleggen/{year}"
        v["R2.2"] = datetime.date(year, rng.randint(3, 6), rng.randint(1, 28))
    else:
        v["R1.1"] = "nee"
    v["R2.1"] = rng.choice(["results", "cases"]) if passes["reporting-content"] else "policy"
    if revised:
        v["R2.3"] = "ja" if passes["reporting-content"] else "nee"
    return Fill(v, na, evidence=passes["policy-commitment"])


def _effort_fill(party: Party, plan: Plan, positive: bool, rng: random.Random) -> Fill:
    assets = party.invested_assets_eur or Decimal(rng.randint(5, 120) * 1_000_000)
    v: dict[str, Any] = {"E1.1": format(assets, "f")}
    v["E1.2"] = "ja" if positive or rng.random() < 0.4 else "nee"
    v["E2.1"] = "ja" if positive else "nee"
    if positive:
        v["E2.2"] = f"De beheerder rapporteert jaarlijks over engagement en stemgedrag {MARK}"
    return Fill(v)


def _changes(fill: Fill) -> list[act.Change]:
    changes = [
        act.Change(code=code, value=value.isoformat() if hasattr(value, "isoformat") else value)
        for code, value in fill.values.items()
    ]
    changes += [act.Change(code=code, not_applicable=True) for code in fill.not_applicable]
    return changes


# --- One cycle ------------------------------------------------------------------------------


@dataclass
class Run:
    plan: Plan
    cycle: Cycle
    people: dict[str, User]
    writers: dict[int, User]
    rng: random.Random
    roles: Roles
    submitted: list[Submission] = field(default_factory=list)
    late: list[Submission] = field(default_factory=list)


def _submissions_as_then(cycle: Cycle, plan: Plan) -> list[Submission]:
    """The cycle's submissions: a past cycle opened now asks the parties that were in the
    covenant on its deadline (``actions.cycles.reporting_day``). The fund that left in 2021
    keeps its submissions but answers none of them here: its people have no rights to write
    any more, and the demo writes through the actions."""
    return list(
        Submission.objects.unrestricted(WHY)
        .filter(cycle=cycle, party__left_on__isnull=True)
        .select_related("party")
        .order_by("party__code")
    )


def _positives(run: Run, funds: list[Submission]) -> dict[int, dict[str, bool]]:
    """Per fund (party id) whether it is positive on each main indicator, from the shares
    aimed at and the order in which funds get there."""
    orders = run.roles.orders
    index = {_fund_index(s.party): s.party_id for s in funds}
    result = {s.party_id: dict.fromkeys(MAINS, False) for s in funds}
    for code, order in orders.items():
        counted = [i for i in order if i in index]
        if code in ("outsourcing", "outsourcing-monitoring"):
            counted = [i for i in counted if i not in run.roles.insourced]
        wanted = round(len(counted) * run.plan.shares[code] / 100)
        for i in counted[:wanted]:
            result[index[i]][code] = True
    return result


def _answer(run: Run, submission: Submission, fill: Fill, by: User) -> None:
    act.save_answers(by=by, submission=submission, changes=_changes(fill))
    if fill.evidence:
        act.upload_evidence(
            by=by,
            submission=submission,
            code="P1.3",
            title=f"Beleid verantwoord beleggen {submission.party.display_name}",
            filename="beleid.pdf",
            data=PDF,
        )


def _fill_and_submit(run: Run, subs: list[Submission]) -> None:
    plan, rng = run.plan, run.rng
    funds = [s for s in subs if s.questionnaire == "fund"]
    positives = _positives(run, funds)
    effort = [s for s in subs if s.questionnaire == "effort"]
    effort_positive = {
        s.pk: i < round(len(effort) * plan.effort_share / 100) for i, s in enumerate(effort)
    }
    # Who submits nothing (a small fund that is never a leader), who is late.
    quiet = [
        s
        for s in funds
        if _fund_index(s.party) not in run.roles.leaders
        and _fund_index(s.party) not in run.roles.insourced
        and _fund_index(s.party) > 40
    ]
    rng.shuffle(quiet)
    missing = {s.pk for s in quiet[: plan.missing]}
    late = {s.pk for s in quiet[plan.missing : plan.missing + plan.late]}
    own = next((s for s in funds if s.party.code == fund_code(0)), None)
    for submission in subs:
        by = _writer_of(submission.party, run.writers)
        if submission.questionnaire == "fund":
            fill = _fund_fill(
                submission.party,
                plan,
                positives[submission.party_id],
                rng,
                _fund_index(submission.party) in run.roles.insourced,
            )
        else:
            fill = _effort_fill(submission.party, plan, effort_positive[submission.pk], rng)
        if plan.live and own is not None and submission.pk == own.pk:
            # The demo's fund editor finds a draft: pre-filled from 2021, a few answers given.
            act.start_submission(by=run.people["fonds-redacteur"], submission=submission)
            act.save_answers(
                by=run.people["fonds-redacteur"],
                submission=submission,
                changes=[act.Change(code="P2.2", value="ja"), act.Change(code="R2.3", value="ja")],
            )
            continue
        if submission.pk in missing:
            if rng.random() < 0.5:  # started, never finished
                act.save_answers(by=by, submission=submission, changes=_changes(fill)[:3])
            continue
        _answer(run, submission, fill, by)
        act.confirm_all(by=by, submission=submission)
        if _fund_index(submission.party) in run.roles.leaders[:3] and plan.label in (
            "2021",
            "2022",
        ):
            act.set_public_indicators(by=by, submission=submission, codes=list(MAINS))
        run.submitted.append(act.submit(by=by, submission=submission))
        if submission.pk in late:
            run.late.append(submission)


def _bulk_confirm(submissions: list[Submission], by: User) -> None:
    """The committee agrees with the computed scores left: one action (and event) per
    submission."""
    for submission in submissions:
        review.confirm_all_scores(by=by, submission=submission)


QUESTIONS = [
    (
        "P3.2",
        "Het beleid dekt volgens het antwoord het hele belegde vermogen. Geldt dat ook voor de "
        f"mandaten in private equity? {MARK}",
        "Ja: sinds dit jaar zijn ook de private-equitymandaten onder het beleid gebracht; het "
        f"addendum bij de mandaten is toegevoegd aan het beleidsdocument. {MARK}",
    ),
    (
        "R1.2",
        f"De link naar de rapportage werkt niet. Kunt u het juiste adres geven? {MARK}",
        f"Excuses: de rapportage is verplaatst; het adres is aangepast. {MARK}",
    ),
]
CORRECTIONS = [
    (
        "policy-commitment",
        "negative",
        "Het beleid is vastgesteld door de beleggingscommissie, niet door het bestuur; de "
        f"subindicator vraagt vaststelling door het bestuur. {MARK}",
    ),
    (
        "reporting-content",
        "positive",
        "De rapportage beschrijft naast het beleid ook de resultaten van engagement per thema; "
        f"het antwoord 'alleen het beleid' doet de rapportage tekort. {MARK}",
    ),
]


def _questions(run: Run, submission: Submission, committee: User) -> None:
    """The committee asks about one answer; the party answers and resubmits; the committee
    resolves the question."""
    from convenant.reporting.models import Question, ReviewThread

    code, question_text, answer_text = QUESTIONS[submission.pk % len(QUESTIONS)]
    question = Question.objects.get(framework=run.cycle.framework, code=code)
    review.start_review(by=committee, submission=submission)
    review.raise_question(
        by=committee, submission=submission, text=question_text, question=question
    )
    review.send_questions(by=committee, submission=submission)
    by = _writer_of(submission.party, run.writers)
    for thread in ReviewThread.objects.unrestricted(WHY).filter(submission=submission):
        review.answer_thread(by=by, thread=thread, text=answer_text)
    act.submit(by=by, submission=submission)
    if run.plan.live and submission.pk % 2:
        return  # resubmitted: the committee has yet to look again
    review.start_review(by=committee, submission=submission)
    for thread in ReviewThread.objects.unrestricted(WHY).filter(submission=submission):
        review.resolve_thread(by=committee, thread=thread)


def _correct(run: Run, submission: Submission, committee: User) -> bool:
    """A committee's correction of one sub-indicator, with its reason, where its main
    indicator stays as it was (another sub-indicator already decides it)."""
    scores = {
        s.indicator.code: s
        for s in Score.objects.unrestricted(WHY)
        .filter(submission=submission)
        .select_related("indicator__parent")
    }
    for code, outcome, reason in CORRECTIONS:
        score = scores.get(code)
        if score is None or score.computed == outcome:
            continue
        siblings = [
            s
            for s in scores.values()
            if s.indicator.parent_id == score.indicator.parent_id and s.pk != score.pk
        ]
        if not any(s.computed == "negative" for s in siblings):
            continue
        review.confirm_score(by=committee, score=score, outcome=outcome, reason=reason)
        return True
    return False


def _review(run: Run) -> None:
    plan, rng = run.plan, run.rng
    committee = run.people["monitoring"]
    second = run.people["monitoring-2"]
    submitted = list(run.submitted)
    rng.shuffle(submitted)
    asked = submitted[:2] if plan.label in ("2021", "2022") else submitted[:1]
    for submission in asked:
        _questions(run, submission, committee)
    if plan.live:
        # Left for the committee: a third not yet looked at, some under review, two
        # with questions sent and waiting for the fund.
        waiting = submitted[2:4]
        for submission in waiting:
            review.start_review(by=second, submission=submission)
            _code, text, _answer_text = QUESTIONS[0]
            review.raise_question(by=second, submission=submission, text=text)
            review.send_questions(by=second, submission=submission)
        rest = submitted[4:]
        untouched = rest[: len(rest) // 3]
        reviewing = rest[len(rest) // 3 : len(rest) // 2]
        accepting = rest[len(rest) // 2 :]
    else:
        untouched, reviewing, accepting = [], [], submitted[len(asked) :]
    for submission in reviewing + accepting:
        review.start_review(by=committee, submission=submission)
    corrected = 0
    for submission in accepting:
        if corrected < 2 and submission.questionnaire == "fund":
            corrected += _correct(run, submission, committee)
    done = [s for s in asked if not (plan.live and s.pk % 2)] + accepting
    _bulk_confirm(done, committee)
    excluded = None
    if plan.label == "2021":
        excluded = next(
            s
            for s in accepting
            if s.questionnaire == "fund" and _fund_index(s.party) not in run.roles.leaders
        )
        review.exclude_submission(
            by=committee,
            submission=excluded,
            reason="Het opgegeven belegd vermogen en de mandaten konden niet met het "
            f"jaarverslag worden verantwoord; het fonds levert een correctie aan. {MARK}",
        )
    for submission in done:
        if submission != excluded:
            review.accept_submission(by=committee, submission=submission)
    del untouched


# --- Findings, sign-off and the steering group's approval -----------------------------------

FINDINGS = {
    "2019": [
        (
            "finding",
            "policy",
            "Nog geen fonds voldoet aan de beleidsindicator",
            "Bij de nulmeting verwijst een minderheid van de fondsen in zijn beleid naar de "
            "OESO-richtlijnen en de UNGP's; geen fonds beschrijft alle stappen van gepaste "
            f"zorgvuldigheid. {MARK}",
        ),
        (
            "recommendation",
            "",
            "Gebruik het instrumentarium zodra het beschikbaar is",
            "De commissie beveelt de fondsen aan het beleid te toetsen aan de vereisten van "
            f"de zelfevaluatie en de voorbeeldteksten over te nemen. {MARK}",
        ),
    ],
    "2020": [
        (
            "finding",
            "policy",
            "Beleid blijft achter bij de tussendoelstelling",
            "Geen fonds is positief op alle subindicatoren van beleid, tegen een doelstelling "
            f"van vijftig procent. De reikwijdte van het beleid is het knelpunt. {MARK}",
        ),
        (
            "recommendation",
            "outsourcing",
            "Neem de contractbepalingen op bij verlenging van mandaten",
            "Fondsen kunnen de contractbepalingen opnemen op het moment dat mandaten worden "
            f"verlengd, in plaats van op de volgende aanbesteding te wachten. {MARK}",
        ),
    ],
    "2021-1": [
        (
            "finding",
            "reporting",
            "Meer fondsen rapporteren publiek",
            "Het aandeel fondsen met een openbare rapportage over beleid en resultaten stijgt; "
            f"over cases wordt nog weinig gerapporteerd. {MARK}",
        ),
    ],
    "2021": [
        (
            "finding",
            "outsourcing-monitoring",
            "Rapportagevereisten zijn afgesproken, rapportages blijven uit",
            "Veel fondsen hebben rapportagevereisten met hun dienstverleners afgesproken, maar "
            f"minder dan de helft van de mandaten rapporteert volgens afspraak. {MARK}",
        ),
        (
            "recommendation",
            "outsourcing-monitoring",
            "Bespreek ontbrekende rapportages met de dienstverleners",
            "De commissie beveelt aan ontbrekende rapportages in het periodieke overleg met de "
            f"vermogensbeheerder te agenderen. {MARK}",
        ),
    ],
    "2022": [
        (
            "finding",
            "",
            "Vijf fondsen voldoen aan alle vier de hoofdindicatoren",
            "Aan het eind van de looptijd voldoet een kwart tot een derde van de fondsen per "
            "hoofdindicator; vijf fondsen voldoen aan alle vier. (Concept van de commissie; "
            f"de beoordeling loopt nog.) {MARK}",
        ),
    ],
}
SUMMARIES = {
    "2019": (
        "De nulmeting laat zien waar de fondsen staan bij de start van het convenant: het "
        f"beleid verwijst nog zelden naar de OESO-richtlijnen en de UNGP's. {MARK}",
        "The baseline shows where the funds stand at the covenant's start: policies rarely "
        f"refer to the OECD Guidelines and the UNGPs yet. {MARK}",
    ),
    "2020": (
        "In de eerste voortgangsmeting voldoet geen fonds volledig aan de beleidsindicator, "
        "tegen een doelstelling van vijftig procent. De commissie ziet wel beweging bij "
        f"uitbesteding en rapportage. {MARK}",
        "In the first progress measurement no fund fully meets the policy indicator, against a "
        f"target of fifty percent. The committee sees movement on outsourcing and reporting. "
        f"{MARK}",
    ),
    "2021-1": (
        "Halverwege 2021 voldoen de eerste fondsen aan de beleidsindicator. " + MARK,
        "By mid-2021 the first funds meet the policy indicator. " + MARK,
    ),
    "2021": (
        "Eind 2021 voldoet ongeveer een op de zes fondsen aan de beleidsindicator; de "
        f"monitoring van uitbesteding blijft achter. {MARK}",
        "At the end of 2021 about one fund in six meets the policy indicator; the monitoring "
        f"of outsourcing lags behind. {MARK}",
    ),
}
# Where the demo set the past's dates back: days after the cycle's deadline.
SIGNED_OFF_AFTER = 75


def _report(run: Run) -> None:
    committee = run.people["monitoring"]
    plan, cycle = run.plan, run.cycle
    for kind, indicator, title, text in FINDINGS.get(plan.label, []):
        review.add_finding(
            by=committee,
            cycle=cycle,
            kind=kind,
            title=title,
            text=text,
            indicator_code=indicator,
        )
    if plan.live:
        return
    summary, summary_en = SUMMARIES[plan.label]
    report_actions.write_report_summary(
        by=committee, cycle=cycle, summary=summary, summary_en=summary_en
    )
    report_actions.sign_off_report(by=committee, cycle=cycle)


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _as_then(run: Run) -> None:
    """The past's dates: submitted within the window (the late ones after it), accepted
    and signed off some weeks after the deadline."""
    plan, rng = run.plan, run.rng
    window = (plan.closes - plan.opens).days
    late = {s.pk for s in run.late}
    with transaction.atomic():
        for submission in run.submitted:
            if submission.pk in late:
                day = plan.closes + datetime.timedelta(days=rng.randint(3, 30))
            else:
                day = plan.opens + datetime.timedelta(days=rng.randint(1, max(window - 1, 1)))
            accepted = plan.closes + datetime.timedelta(days=rng.randint(35, 60))
            Submission.objects.unrestricted(WHY).filter(pk=submission.pk).update(
                first_submitted_at=_at(day), submitted_at=_at(day)
            )
            Submission.objects.unrestricted(WHY).filter(
                pk=submission.pk, accepted_at__isnull=False
            ).update(accepted_at=_at(accepted))
        Cycle.objects.unrestricted(WHY).filter(pk=run.cycle.pk).update(
            opened_at=_at(plan.opens, 9),
            closed_at=_at(plan.closes + datetime.timedelta(days=61), 17),
        )


def _signed_off_then(run: Run) -> None:
    day = run.plan.closes + datetime.timedelta(days=SIGNED_OFF_AFTER)
    MonitoringReport.objects.unrestricted(WHY).filter(cycle=run.cycle).update(
        signed_off_at=_at(day, 15)
    )


def _approve(secretary: User) -> int:
    """Apply the governance demo's pending decisions on the reports, once the publication
    area has registered their effects."""
    from convenant.governance import effects
    from convenant.governance.actions.decisions import apply_decision_effect
    from convenant.governance.models import Decision

    applied = 0
    pending = Decision.objects.unrestricted(WHY).filter(
        effect_type__in=["approve_report", "approve_summary"],
        effect_state__in=[Decision.EffectState.PENDING, Decision.EffectState.FAILED],
    )
    # The report before its summary: nothing is public before the report is approved.
    for decision in sorted(pending, key=lambda d: (d.effect_type != "approve_report", d.number)):
        if effects.effect_for(decision.effect_type) is None:
            continue
        label = (decision.effect_params or {}).get("report", "")
        report = MonitoringReport.objects.unrestricted(WHY).filter(cycle__label=label).first()
        if report is None or report.state == MonitoringReport.State.DRAFT:
            continue
        apply_decision_effect(by=secretary, decision=decision)
        applied += 1
    return applied


# --- The whole ------------------------------------------------------------------------------


def _run_cycle(
    plan: Plan, people: dict[str, User], writers: dict[int, User], roles: Roles
) -> Cycle:
    secretary = people["secretariaat"]
    cycle = cycle_actions.create_cycle(
        by=secretary,
        label=plan.label,
        name=plan.name,
        kind=plan.kind,
        framework=Framework.objects.get(version=plan.version),
        reference_date=plan.reference,
        opens_on=plan.opens,
        closes_on=plan.closes,
        corrections_until=plan.corrections_until,
        targets=plan.targets,
    )
    cycle = cycle_actions.open_cycle(by=secretary, cycle=cycle)
    rng = random.Random(f"{SEED}-{plan.label}")  # noqa: S311 - fictional demo data
    run = Run(plan, cycle, people, writers, rng, roles)
    subs = _submissions_as_then(cycle, plan)
    _fill_and_submit(run, subs)
    if not plan.live:
        cycle_actions.close_cycle(by=secretary, cycle=cycle)
    _review(run)
    if not plan.live:
        _as_then(run)
    _report(run)
    if not plan.live:
        _signed_off_then(run)
    return cycle


def load() -> dict[str, Any]:
    load_all()
    people = _people()
    writers: dict[int, User] = {}
    roles = _roles()
    made = 0
    today = timezone.localdate()
    for plan in _plans(today):
        if Cycle.objects.unrestricted(WHY).filter(label=plan.label).exists():
            continue
        _run_cycle(plan, people, writers, roles)
        made += 1
    approved = _approve(people["secretariaat"])
    cycles = Cycle.objects.unrestricted(WHY)
    return {
        "cycles": cycles.count(),
        "made": made,
        "submissions": Submission.objects.unrestricted(WHY).count(),
        "signed_off": MonitoringReport.objects.unrestricted(WHY)
        .exclude(state=MonitoringReport.State.DRAFT)
        .count(),
        "approved": approved,
    }


def load_and_describe() -> str:
    result = load()
    return (
        f"Reporting (fictional): {result['cycles']} cycles ({result['made']} new), "
        f"{result['submissions']} submissions, {result['signed_off']} reports signed off, "
        f"{result['approved']} approvals applied; the 2022 cycle under review."
    )
