"""The monitoring report at full scale: 84 funds answering a framework of four main indicators
(three sub-indicators each) in four cycles (the baseline and three progress measurements),
the first three signed off; then the fourth's figures computed (with the history and the
restated check of the three before) and its full PDF rendered from the frozen snapshot, as
the committee's sign-off and download do. Prints ``monitoring-report-pdf-time`` (target:
at most 15 s), with the time to compute the figures and the PDF's size.

Run by `make bench` (which starts a throwaway PostgreSQL and migrates it).
"""

import datetime
import os
import random
import time
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convenant.settings_test")
django.setup()

from django.utils import timezone  # noqa: E402

from convenant.core.models import User  # noqa: E402
from convenant.parties.models import Covenant, Party  # noqa: E402
from convenant.reporting import figures, render  # noqa: E402
from convenant.reporting.models import (  # noqa: E402
    Cycle,
    Finding,
    Framework,
    Indicator,
    MonitoringReport,
    Score,
    Submission,
    Target,
)

WHY = "benchmark set-up"
FUNDS = 84
MAINS = ["policy", "outsourcing", "monitoring", "reporting"]
SUBS = 3
CYCLES = [
    ("bmr-2019", Cycle.Kind.BASELINE, datetime.date(2019, 11, 30)),
    ("bmr-2020", Cycle.Kind.PROGRESS, datetime.date(2019, 12, 31)),
    ("bmr-2021", Cycle.Kind.PROGRESS, datetime.date(2021, 6, 30)),
    ("bmr-2022", Cycle.Kind.FINAL, datetime.date(2021, 12, 31)),
]


def build() -> tuple[Cycle, User]:
    covenant, _ = Covenant.objects.get_or_create(
        slug="bench-monitoring",
        defaults={
            "name": "Bench monitoring",
            "short_name": "BM",
            "start_date": datetime.date(2018, 1, 1),
            "end_date": datetime.date(2030, 12, 31),
        },
    )
    user, _ = User.objects.get_or_create(
        email="bench-monitoring@example.org", defaults={"full_name": "Bench monitoring"}
    )
    last = Cycle.objects.unrestricted(WHY).filter(label=CYCLES[-1][0]).first()
    if last is not None:  # built by an earlier run
        return last, user
    rng = random.Random(16)
    framework = Framework.objects.create(
        version="bench-1", title="Kader (bench)", title_en="Framework (bench)", digest="c" * 64
    )
    subs = []
    order = 0
    for main_code in MAINS:
        order += 1
        main = Indicator.objects.create(
            framework=framework,
            code=main_code,
            order=order,
            name=f"{main_code} (bench)",
            name_en=main_code,
        )
        for n in range(SUBS):
            order += 1
            subs.append(
                Indicator.objects.create(
                    framework=framework,
                    code=f"{main_code}-{n}",
                    parent=main,
                    order=order,
                    name=f"{main_code} {n} (bench)",
                    name_en=f"{main_code} {n}",
                    not_applicable="excluded" if n == 2 else "negative",
                )
            )
    funds = [
        Party.objects.get_or_create(
            code=f"MB{n:02d}",
            defaults={
                "covenant": covenant,
                "slug": f"bench-monitoring-fund-{n}",
                "name": f"Bench monitoring fund {n}",
                "type": Party.Type.PENSION_FUND,
                "joined_on": datetime.date(2018, 1, 1),
            },
        )[0]
        for n in range(FUNDS)
    ]
    assets = {f.pk: Decimal(rng.randint(200, 200_000)) * 1_000_000 for f in funds}
    for step, (label, kind, reference) in enumerate(CYCLES):
        cycle = Cycle.objects.unrestricted(WHY).create(
            covenant=covenant,
            label=label,
            name=f"Meting {label} (bench)",
            kind=kind,
            state=Cycle.State.CLOSED,
            framework=framework,
            reference_date=reference,
            opens_on=reference,
            closes_on=reference + datetime.timedelta(days=90),
            created_by=user,
        )
        Target.objects.bulk_create(
            [Target(cycle=cycle, indicator_code=c, share=Decimal(15 * (step + 1))) for c in MAINS]
        )
        when = timezone.make_aware(datetime.datetime.combine(reference, datetime.time(12)))
        submissions = Submission.objects.bulk_create(
            [
                Submission(
                    cycle=cycle,
                    party=fund,
                    questionnaire="fund",
                    state="accepted",
                    invested_assets_eur=assets[fund.pk],
                    public_indicators=["policy"] if n % 7 == 0 else [],
                    first_submitted_at=when,
                    submitted_at=when,
                )
                for n, fund in enumerate(funds)
            ]
        )
        # The share positive grows with each measurement, as in the real covenant.
        chance = 0.35 + 0.15 * step
        Score.objects.bulk_create(
            [
                Score(
                    submission=s,
                    indicator=sub,
                    computed=rng.choices(
                        ["positive", "negative", "not_applicable"], [chance, 1 - chance, 0.05]
                    )[0],
                )
                for s in submissions
                for sub in subs
            ]
        )
        Finding.objects.bulk_create(
            [
                Finding(
                    cycle=cycle,
                    kind=kind_,
                    title=f"{kind_} {n} (bench)",
                    text="Tekst van de commissie (bench). " * 20,
                    order=n,
                    written_by=user,
                )
                for n in range(5)
                for kind_ in ("finding", "recommendation")
            ]
        )
        if step < len(CYCLES) - 1:
            _sign_off(cycle, user)
    return cycle, user


def _sign_off(cycle: Cycle, user: User) -> MonitoringReport:
    frozen = figures.compute(cycle)
    report, _ = MonitoringReport.objects.unrestricted(WHY).update_or_create(
        cycle=cycle,
        defaults={
            "figures": frozen,
            "figures_digest": figures.digest(frozen),
            "state": MonitoringReport.State.SIGNED_OFF,
            "summary": "Samenvatting (bench). " * 30,
            "signed_off_at": timezone.now(),
            "signed_off_by": user,
        },
    )
    return report


def main() -> None:
    start = time.perf_counter()
    cycle, user = build()
    print(f"monitoring-report-build = {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    report = _sign_off(cycle, user)
    print(f"monitoring-report-figures-time = {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    view = render.rendering(report.figures or {}, report.figures_digest, draft=False, report=report)
    pdf = render.as_pdf(view)
    print(f"monitoring-report-pdf-time = {time.perf_counter() - start:.1f} s")
    print(f"monitoring-report-pdf-size = {len(pdf) // 1024} KiB")


if __name__ == "__main__":
    main()
