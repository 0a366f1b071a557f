"""A small, hand-built reporting example for the committee's review (test set-up with the
ORM, not product writes): a framework with one main indicator of two sub-indicators, a cycle
with a correction window, and submitted versions with answers, evidence and computed scores."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

WHY = "review example"
TODAY = timezone.localdate()


def framework(suffix: str) -> dict[str, Any]:
    from convenant.reporting.models import Framework, Indicator, Question

    fw = Framework.objects.create(
        version=f"rv-{suffix}"[:20],
        title="Toetsingskader (fictief)",
        title_en="Framework (fictional)",
        digest="0" * 64,
    )
    main = Indicator.objects.create(
        framework=fw, code="policy", order=1, name="Beleid", name_en="Policy"
    )
    subs = [
        Indicator.objects.create(
            framework=fw,
            code=f"policy-{key}",
            parent=main,
            order=1 + n,
            name=f"Beleid {key}",
            name_en=f"Policy {key}",
        )
        for n, key in enumerate(["scope", "public"], start=1)
    ]
    questions = [
        Question.objects.create(
            framework=fw,
            indicator=sub,
            code=f"P{n}",
            kind=Question.Kind.YES_NO,
            order=n,
            text=f"Heeft het fonds beleid {n}? (fictief)",
            text_en=f"Does the fund have policy {n}? (fictional)",
            positive_when={"equals": True},
        )
        for n, sub in enumerate(subs, start=1)
    ]
    assets = Question.objects.create(
        framework=fw,
        indicator=main,
        code="A1",
        kind=Question.Kind.NUMBER,
        role=Question.Role.INVESTED_ASSETS,
        order=9,
        text="Belegd vermogen (fictief)",
        text_en="Invested assets (fictional)",
    )
    return {"framework": fw, "main": main, "subs": subs, "questions": questions, "assets": assets}


def cycle(world: Any, fw: Any, label: str, *, corrections_until: Any = "future") -> Any:
    from convenant.reporting.models import Cycle

    if corrections_until == "future":
        corrections_until = TODAY + datetime.timedelta(days=30)
    return Cycle.objects.unrestricted(WHY).create(
        covenant=world.covenant,
        label=label,
        name=f"Meting {label} (fictief)",
        kind=Cycle.Kind.PROGRESS,
        state=Cycle.State.OPEN,
        framework=fw,
        reference_date=datetime.date(2021, 12, 31),
        opens_on=TODAY - datetime.timedelta(days=60),
        closes_on=TODAY - datetime.timedelta(days=10),
        corrections_until=corrections_until,
        opened_at=timezone.now(),
        created_by=world.users["secretariat"],
    )


def submission(
    ex: dict[str, Any],
    cyc: Any,
    party: Any,
    user: Any,
    *,
    state: str = "submitted",
    answers: tuple[bool, ...] = (True, False),
    comment: str = "",
    assets: str = "1000000.00",
) -> Any:
    """A version with its answers and the scores computed from them (one per sub-indicator)."""
    from convenant.reporting.models import Answer, Score, Submission

    sub = Submission.objects.unrestricted(WHY).create(
        cycle=cyc,
        party=party,
        questionnaire="fund",
        state=state,
        invested_assets_eur=Decimal(assets),
        submitted_at=timezone.now() if state != "in_progress" else None,
        first_submitted_at=timezone.now() if state != "in_progress" else None,
    )
    for question, value in zip(ex["questions"], answers, strict=True):
        Answer.objects.unrestricted(WHY).create(
            submission=sub,
            question=question,
            value=value,
            state="answered",
            comment=comment,
            answered_by=user,
            answered_at=timezone.now(),
        )
    Answer.objects.unrestricted(WHY).create(
        submission=sub, question=ex["assets"], value=assets, state="answered", answered_by=user
    )
    if state != "in_progress":
        for indicator, value in zip(ex["subs"], answers, strict=True):
            Score.objects.unrestricted(WHY).create(
                submission=sub, indicator=indicator, computed="positive" if value else "negative"
            )
    return sub
