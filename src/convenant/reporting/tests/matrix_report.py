"""Permission-matrix rows of reporting: the monitoring report: the figures per indicator by
count and by invested assets, frozen at sign-off, rendered as HTML, PDF and XLSX.

The matrix world gets two cycles of its own: ``mr-draft`` (its report a draft with the
committee's summary, every submission accepted, so the committee may sign it off) and
``mr-signed`` (signed off). The committee and the secretariat read both; no matrix actor
sits in the steering group, and every other actor is told nothing (404) — a fund officer
too, on a draft and on a signed-off report alike. Fund A opted in to publish its result on
policy; fund B did not, so its name appears nowhere in either report."""

from __future__ import annotations

import datetime
from decimal import Decimal

from convenant.core.testing import (
    ACTORS,
    FORBIDDEN,
    HIDDEN,
    LOGIN,
    OK,
    REDIRECT,
    Row,
    World,
    everyone,
)

DRAFT, SIGNED = "mr-draft", "mr-signed"
OPTED_IN = "Pensioenfonds Alfa"
NOT_OPTED_IN = "Pensioenfonds Beta"


def extend_world(world: World) -> None:
    from convenant.reporting import figures
    from convenant.reporting.models import (
        Cycle,
        Framework,
        Indicator,
        MonitoringReport,
        Score,
        Submission,
    )

    why = "matrix world"
    fw = Framework.objects.create(
        version="mr-1", title="Kader (fictief)", title_en="Framework (fictional)", digest="b" * 64
    )
    main = Indicator.objects.create(
        framework=fw, code="policy", order=1, name="Beleid (fictief)", name_en="Policy"
    )
    sub = Indicator.objects.create(
        framework=fw,
        code="policy-scope",
        parent=main,
        order=2,
        name="Reikwijdte (fictief)",
        name_en="Scope",
    )
    made = {}
    for n, label in enumerate((DRAFT, SIGNED)):
        reference = datetime.date(2020 + n, 12, 31)
        cycle = Cycle.objects.unrestricted(why).create(
            covenant=world.covenant,
            label=label,
            name=f"Meting {label} (fictief)",
            kind=Cycle.Kind.PROGRESS,
            state=Cycle.State.CLOSED,
            framework=fw,
            reference_date=reference,
            opens_on=reference,
            closes_on=reference + datetime.timedelta(days=90),
            created_by=world.users["secretariat"],
        )
        when = datetime.datetime(reference.year + 1, 2, 1, tzinfo=datetime.UTC)
        for party, outcome, public in (
            (world.fund, "positive", ["policy"]),
            (world.other_fund, "negative", []),
        ):
            submission = Submission.objects.unrestricted(why).create(
                cycle=cycle,
                party=party,
                questionnaire="fund",
                state="accepted",
                invested_assets_eur=party.invested_assets_eur or Decimal(0),
                public_indicators=public,
                first_submitted_at=when,
                submitted_at=when,
                accepted_at=when,
            )
            Score.objects.create(submission=submission, indicator=sub, computed=outcome)
        report = MonitoringReport.objects.create(
            cycle=cycle,
            summary=f"Samenvatting {label} (fictief)",
            summary_en=f"Summary {label} (fictional)",
        )
        if label == SIGNED:
            frozen = figures.compute(cycle)
            report.figures, report.figures_digest = frozen, figures.digest(frozen)
            report.state = MonitoringReport.State.SIGNED_OFF
            report.signed_off_at = when
            report.signed_off_by = world.users["monitoring"]
            report.save()
        made[label] = report
    world.extra["report"] = made


def _digest(w: World) -> list[str]:
    return [w.extra["report"][SIGNED].figures_digest]


# The committee and the secretariat read the report, draft or signed off; no one else of the
# matrix (none sits in the steering group) may know it exists.
READERS = everyone(HIDDEN, anonymous=LOGIN, secretariat=OK, monitoring=OK)
# The committee writes and signs off; the secretariat sees the draft but may not.
WRITES = everyone(HIDDEN, anonymous=LOGIN, secretariat=FORBIDDEN, monitoring=REDIRECT)
API_WRITES = {**WRITES, "monitoring": OK}


def _no_one_else(w: World) -> list[str]:
    return [NOT_OPTED_IN]


ROWS: list[Row] = [
    Row(
        "reporting_reports",
        everyone(OK, anonymous=LOGIN),
        # The committee and the secretariat find both cycles; a fund officer neither (no
        # report of the world is published).
        present=lambda w: [f"Meting {DRAFT} (fictief)", f"Meting {SIGNED} (fictief)"],
        present_for=("secretariat", "monitoring"),
        absent=lambda w: [f"Meting {DRAFT} (fictief)", f"Meting {SIGNED} (fictief)"],
        absent_for=tuple(a for a in ACTORS if a not in ("secretariat", "monitoring")),
    ),
    Row(
        "reporting_report",
        READERS,
        args=lambda w: [DRAFT],
        present=lambda w: [OPTED_IN, f"Meting {DRAFT} (fictief)"],
        absent=_no_one_else,
        absent_for=ACTORS,
    ),
    Row(
        "reporting_report",
        READERS,
        args=lambda w: [SIGNED],
        present=lambda w: [OPTED_IN, *_digest(w)],
        absent=_no_one_else,
        absent_for=ACTORS,
    ),
    Row(
        "reporting_report_summary",
        WRITES,
        args=lambda w: [DRAFT],
        method="post",
        data=lambda w: {"summary": "Nieuwe samenvatting (fictief)", "summary_en": ""},
    ),
    Row("reporting_report_sign_off", WRITES, args=lambda w: [DRAFT], method="post"),
    *[
        Row(
            "reporting_report_download",
            READERS,
            args=lambda w, fmt=fmt: [SIGNED, fmt],
            present=_digest if fmt == "html" else None,
            absent=_no_one_else if fmt == "html" else None,
            absent_for=ACTORS,
        )
        for fmt in ("html", "pdf", "xlsx")
    ],
    Row(
        "api:get_report_figures",
        READERS,
        args=lambda w: [SIGNED],
        present=lambda w: [OPTED_IN, *_digest(w)],
        absent=_no_one_else,
        absent_for=ACTORS,
    ),
    Row(
        "api:write_report_summary",
        API_WRITES,
        args=lambda w: [DRAFT],
        method="post",
        as_json=True,
        data=lambda w: {"summary": "Samenvatting via de API (fictief)"},
    ),
    Row("api:sign_off_report", API_WRITES, args=lambda w: [DRAFT], method="post"),
]
