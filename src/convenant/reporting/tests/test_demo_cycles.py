"""The demo's annual reporting: five cycles whose figures follow the covenant's real trend,
past reports signed off and approved by the steering group's decisions, the 2022 cycle under
review with live work, and the demo fund editor's draft to confirm. Loading again changes
nothing."""

from __future__ import annotations

import time

import pytest
from django.db.models import F

from convenant.governance import demo_bodies, demo_decisions
from convenant.parties.demo import demo_email, fund_code, load_demo_covenant
from convenant.reporting import demo_cycles, figures
from convenant.reporting.models import (
    Answer,
    Cycle,
    Finding,
    MonitoringReport,
    ReviewThread,
    Score,
    Submission,
)

pytestmark = pytest.mark.django_db
WHY = "test"


def mains(snapshot: dict) -> dict[str, float | None]:
    return {i["code"]: i["share"] for i in snapshot["indicators"] if i["level"] == "main"}


def test_the_demo_cycles_follow_the_real_trend() -> None:
    load_demo_covenant()
    demo_bodies.load()
    demo_decisions.load()
    started = time.monotonic()
    first = demo_cycles.load()
    took = time.monotonic() - started
    assert first["made"] == 5 and first["cycles"] == 5
    assert took < 120, f"the reporting demo took {took:.0f} s"

    cycles = {c.label: c for c in Cycle.objects.unrestricted(WHY)}
    assert sorted(cycles) == ["2019", "2020", "2021", "2021-1", "2022"]
    assert cycles["2019"].kind == "baseline" and cycles["2022"].kind == "final"
    assert cycles["2022"].framework.version == "2022.1"
    assert cycles["2022"].state == "open"
    assert all(cycles[label].state == "closed" for label in ("2019", "2020", "2021-1", "2021"))

    # Only the parties in the covenant on the reference date reported: fewer at the baseline
    # than at the end, 84 funds by the end.
    def funds(label: str) -> int:
        return (
            Submission.objects.unrestricted(WHY)
            .filter(cycle=cycles[label], questionnaire="fund")
            .values("party")
            .distinct()
            .count()
        )

    assert funds("2019") < funds("2022") == 84
    assert Submission.objects.unrestricted(WHY).filter(questionnaire="effort").exists()

    # The past reports are signed off with their frozen figures; 2020 and 2021 approved by
    # the steering group (2020 published with its summary).
    reports = {r.cycle.label: r for r in MonitoringReport.objects.unrestricted(WHY)}
    assert all(reports[label].figures for label in ("2019", "2020", "2021-1", "2021"))
    assert reports["2020"].state in ("approved", "published")
    assert reports["2021"].state in ("signed_off", "approved")

    # The trend: policy at 0 % in the first measurements, 15–30 % per main indicator at the
    # end with five funds positive on all four.
    baseline = mains(reports["2019"].figures)
    first_progress = mains(reports["2020"].figures)
    assert baseline["policy"] == 0 and first_progress["policy"] == 0
    assert all(share is not None and share < 15 for share in first_progress.values())
    final = figures.compute(cycles["2022"])
    end = mains(final)
    assert all(15 <= share <= 30 for share in end.values() if share is not None), end
    assert final["all_main"]["positive"] == 5
    shares = [
        mains(reports[label].figures)["policy"] or 0.0 for label in ("2020", "2021-1", "2021")
    ]
    assert shares == sorted(shares) and shares[-1] < (end["policy"] or 0.0)
    # Late and left out, listed apart
    assert reports["2021"].figures["excluded"]
    assert all(reports[label].figures["late"] for label in ("2019", "2020", "2021-1", "2021"))

    # The committee's work: questions answered, corrected scores with reasons, findings.
    assert ReviewThread.objects.unrestricted(WHY).filter(messages__from_committee=False).exists()
    corrected = (
        Score.objects.unrestricted(WHY).exclude(confirmed="").exclude(confirmed=F("computed"))
    )
    assert corrected.exists() and all(s.reason for s in corrected)
    assert Finding.objects.unrestricted(WHY).filter(cycle=cycles["2022"]).exists()

    # 2022 left under review: live work for the committee and the secretariat
    live = Submission.objects.unrestricted(WHY).filter(cycle=cycles["2022"])
    states = set(live.values_list("state", flat=True))
    assert {"submitted", "under_review", "questions_raised", "accepted"} <= states
    # and fonds-redacteur's fund has a draft with pre-filled answers to confirm
    own = live.get(party__code=fund_code(0))
    assert own.state == "in_progress"
    prefilled = Answer.objects.unrestricted(WHY).filter(submission=own, state="prefilled")
    assert prefilled.count() >= 5 and all(a.source for a in prefilled)
    assert (
        Answer.objects.unrestricted(WHY)
        .filter(submission=own, answered_by__email=demo_email("fonds-redacteur"))
        .exists()
    )

    # Loading again changes nothing
    count = Submission.objects.unrestricted(WHY).count()
    again = demo_cycles.load()
    assert again["made"] == 0 and again["approved"] == 0
    assert Submission.objects.unrestricted(WHY).count() == count
