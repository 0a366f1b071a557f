"""A hand-built covenant for the monitoring report's known-answer tests (test set-up with the
ORM, not product writes).

Framework ``ka-1``: three main indicators, each with its sub-indicators and their rule for
"not applicable":

- ``policy`` (left out) ← ``policy-scope`` (left out), ``policy-public`` (counts positive);
- ``outsourcing`` (left out) ← ``outsourcing-clauses`` (counts not positive);
- ``reporting`` (left out) ← ``reporting-public`` (left out);
- the effort questionnaire: ``effort`` ← ``effort-policy``.

The baseline (2019, signed off, then a correction accepted after sign-off) and the progress
measurement of 2021 (this file's known answers are in ``test_figures.py``):

=========  =======  ==============  ============================================
fund       assets   2021 state      scope / public / clauses / reporting-public
=========  =======  ==============  ============================================
Alfa (FA)  10 bn    accepted        +  / +  / +  / n.a.
Beta (FB)   5 bn    accepted        +  / −* / n.a. / +       (* corrected by the committee)
Gamma      30 bn    under review    n.a. / n.a. / + / +
Delta       2 bn    accepted        n.a. / (none) / + / −
Eta         4 bn    accepted late   −  / +  / −  / +
Epsilon     1 bn    in progress     (a draft: late, not counted)
Zeta        3 bn    accepted        (left out by the committee)
=========  =======  ==============  ============================================
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

WHY = "report example"
BN = Decimal(1_000_000_000)


def _framework() -> dict[str, Any]:
    from convenant.reporting.models import Framework, Indicator, NotApplicable, Questionnaire

    fw = Framework.objects.create(
        version="ka-1", title="Kader (fictief)", title_en="Framework (fictional)", digest="a" * 64
    )
    made: dict[str, Any] = {}
    order = 0
    for main, main_na, subs, questionnaire in (
        (
            "policy",
            "excluded",
            [("policy-scope", "excluded"), ("policy-public", "positive")],
            "fund",
        ),
        ("outsourcing", "excluded", [("outsourcing-clauses", "negative")], "fund"),
        ("reporting", "excluded", [("reporting-public", "excluded")], "fund"),
        ("effort", "excluded", [("effort-policy", "excluded")], "effort"),
    ):
        order += 1
        parent = Indicator.objects.create(
            framework=fw,
            code=main,
            order=order,
            name=f"{main.title()} (fictief)",
            name_en=f"{main.title()} (fictional)",
            not_applicable=NotApplicable(main_na),
            questionnaire=Questionnaire(questionnaire),
        )
        made[main] = parent
        for code, rule in subs:
            order += 1
            made[code] = Indicator.objects.create(
                framework=fw,
                code=code,
                parent=parent,
                order=order,
                name=f"{code} (fictief)",
                name_en=f"{code} (fictional)",
                not_applicable=NotApplicable(rule),
                questionnaire=Questionnaire(questionnaire),
            )
    return {"framework": fw, "indicators": made}


def _party(world: Any, code: str, name: str) -> Any:
    from convenant.parties.models import Party

    return Party.objects.create(
        covenant=world.covenant,
        code=code,
        slug=code.lower(),
        name=name,
        type=Party.Type.PENSION_FUND,
        joined_on=datetime.date(2019, 1, 1),
    )


def _cycle(world: Any, fw: Any, label: str, kind: str, reference: datetime.date) -> Any:
    from convenant.reporting.models import Cycle

    return Cycle.objects.unrestricted(WHY).create(
        covenant=world.covenant,
        label=label,
        name=f"Meting {label} (fictief)",
        kind=kind,
        state=Cycle.State.CLOSED,
        framework=fw,
        reference_date=reference,
        opens_on=reference + datetime.timedelta(days=1),
        closes_on=reference + datetime.timedelta(days=90),
        created_by=world.users["secretariat"],
    )


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def submission(
    cycle: Any,
    party: Any,
    state: str,
    assets_bn: int,
    scores: dict[str, str],
    *,
    questionnaire: str = "fund",
    late_days: int = -10,
    **kw: Any,
) -> Any:
    """A version in ``state`` with the given sub-indicator scores ("+", "-", "na"; a code
    left out has no score; "-*" is a positive computed score the committee corrected)."""
    from convenant.reporting.models import Indicator, Score, Submission

    submitted = state not in ("not_started", "in_progress")
    when = _moment(cycle.closes_on + datetime.timedelta(days=late_days)) if submitted else None
    version = Submission.objects.unrestricted(WHY).filter(cycle=cycle, party=party).count() + 1
    sub = Submission.objects.unrestricted(WHY).create(
        cycle=cycle,
        party=party,
        questionnaire=questionnaire,
        version=version,
        state=state,
        invested_assets_eur=assets_bn * BN,
        first_submitted_at=when,
        submitted_at=when,
        **kw,
    )
    words = {"+": "positive", "-": "negative", "na": "not_applicable"}
    for code, mark in scores.items():
        indicator = Indicator.objects.get(framework_id=cycle.framework_id, code=code)
        if mark == "-*":
            Score.objects.create(
                submission=sub,
                indicator=indicator,
                computed="positive",
                confirmed="negative",
                reason="Het beleid is niet openbaar (fictief)",
            )
        else:
            Score.objects.create(submission=sub, indicator=indicator, computed=words[mark])
    return sub


def build(world: Any) -> dict[str, Any]:
    from convenant.reporting.models import Cycle, Target

    fw = _framework()
    framework = fw["framework"]
    fa, fb = world.fund, world.other_fund
    gamma = _party(world, "FG", "Pensioenfonds Gamma (fictief)")
    delta = _party(world, "FD", "Pensioenfonds Delta (fictief)")
    eta = _party(world, "FE", "Pensioenfonds Eta (fictief)")
    epsilon = _party(world, "FP", "Pensioenfonds Epsilon (fictief)")
    zeta = _party(world, "FZ", "Pensioenfonds Zeta (fictief)")

    baseline = _cycle(world, framework, "2019", Cycle.Kind.BASELINE, datetime.date(2019, 11, 30))
    base_fa = submission(
        baseline,
        fa,
        "accepted",
        10,
        {
            "policy-scope": "-",
            "policy-public": "+",
            "outsourcing-clauses": "+",
            "reporting-public": "+",
        },
    )
    submission(
        baseline,
        fb,
        "accepted",
        5,
        {
            "policy-scope": "+",
            "policy-public": "+",
            "outsourcing-clauses": "-",
            "reporting-public": "+",
        },
    )

    cycle = _cycle(world, framework, "2021", Cycle.Kind.PROGRESS, datetime.date(2021, 12, 31))
    Target.objects.create(cycle=cycle, indicator_code="policy", share=Decimal("50"))
    Target.objects.create(cycle=cycle, indicator_code="outsourcing", share=Decimal("25"))
    Target.objects.create(cycle=baseline, indicator_code="policy", share=Decimal("10"))
    subs = {
        "FA": submission(
            cycle,
            fa,
            "accepted",
            10,
            {
                "policy-scope": "+",
                "policy-public": "+",
                "outsourcing-clauses": "+",
                "reporting-public": "na",
            },
            public_indicators=["policy"],
        ),
        "FB": submission(
            cycle,
            fb,
            "accepted",
            5,
            {
                "policy-scope": "+",
                "policy-public": "-*",
                "outsourcing-clauses": "na",
                "reporting-public": "+",
            },
        ),
        "FG": submission(
            cycle,
            gamma,
            "under_review",
            30,
            {
                "policy-scope": "na",
                "policy-public": "na",
                "outsourcing-clauses": "+",
                "reporting-public": "+",
            },
        ),
        "FD": submission(
            cycle,
            delta,
            "accepted",
            2,
            {"policy-scope": "na", "outsourcing-clauses": "+", "reporting-public": "-"},
        ),
        "FE": submission(
            cycle,
            eta,
            "accepted",
            4,
            {
                "policy-scope": "-",
                "policy-public": "+",
                "outsourcing-clauses": "-",
                "reporting-public": "+",
            },
            late_days=5,
            public_indicators=["outsourcing"],
        ),
        "FP": submission(cycle, epsilon, "in_progress", 1, {"policy-scope": "+"}),
        "FZ": submission(
            cycle,
            zeta,
            "accepted",
            3,
            {"policy-scope": "+"},
            excluded=True,
            exclusion_reason="Cijfers niet te controleren (fictief)",
        ),
        "UN": submission(
            cycle, world.union, "accepted", 1, {"effort-policy": "+"}, questionnaire="effort"
        ),
    }
    return {
        "framework": framework,
        "indicators": fw["indicators"],
        "baseline": baseline,
        "baseline_fa": base_fa,
        "cycle": cycle,
        "submissions": subs,
        "parties": {"FG": gamma, "FD": delta, "FE": eta, "FP": epsilon, "FZ": zeta},
    }


def correct_after_sign_off(example: dict[str, Any]) -> Any:
    """Alfa's baseline corrected after the baseline report was signed off: its scope was
    there after all. The accepted version is superseded by the accepted correction."""
    from convenant.reporting.models import Submission

    old = example["baseline_fa"]
    Submission.objects.unrestricted(WHY).filter(pk=old.pk).update(state="superseded")
    return submission(
        example["baseline"],
        old.party,
        "accepted",
        10,
        {
            "policy-scope": "+",
            "policy-public": "+",
            "outsourcing-clauses": "+",
            "reporting-public": "+",
        },
        corrects=old,
    )


def committee_member(world: Any) -> Any:
    return world.users["monitoring"]
