"""Permission-matrix rows of reporting: what is published: the public monitoring pages and
their downloads, the steering group's approval of a report and of its public summary, and the
trend across cycles.

The matrix world gets three cycles of its own: ``pb-published`` (its report published; its
frozen size breakdown holds a group of three funds and, so that it cannot be worked out, a
group of forty, both hidden by disclosure control), ``pb-signed`` (signed off, not approved)
and ``pb-draft``. Everyone, signed in or not, reads the published one and nothing of the
others: the public pages never show a report in another state, nor a hidden cell's value
("2 / 3", "17 / 40", their assets), nor the fund that did not opt in. The approval page is
the secretariat's (who proposes) and the committee's; the trend the committee's and the
secretariat's (no matrix actor sits in the steering group); anyone else is told nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from convenant.core.testing import (
    ACTORS,
    CREATED,
    FORBIDDEN,
    HIDDEN,
    LOGIN,
    OK,
    REDIRECT,
    Row,
    World,
    everyone,
)

PUBLISHED, SIGNED, DRAFT = "pb-published", "pb-signed", "pb-draft"
NAMES = {label: f"Meting {label} (fictief)" for label in (PUBLISHED, SIGNED, DRAFT)}
# The hidden cells' values as the page and the API would show them, and a visible one.
HIDDEN_VALUES = ["2 / 3", "17 / 40", "777.77", "4040.40"]
VISIBLE_VALUE = "19 / 41"


def _breakdown() -> dict[str, object]:
    def cell(counted: int, positive: int, assets: str, of_positive: str) -> dict[str, object]:
        return {
            "counted": counted,
            "positive": positive,
            "assets_counted": assets,
            "assets_positive": of_positive,
            "largest_two_assets": "300.00",
        }

    tiny = cell(3, 2, "777.77", "500.00")
    mid = cell(40, 17, "4040.40", "2000.00")
    big = cell(41, 19, "4141.41", "2100.00")
    total = cell(84, 38, "8959.58", "4600.00")
    return {
        "key": "size",
        "title": "Naar omvang (fictief)",
        "title_en": "By size (fictional)",
        "groups": [
            {"key": k, "label": f"Groep {k}", "label_en": f"Group {k}"}
            for k in ("tiny", "mid", "big")
        ],
        "cells": {"tiny": {"policy": tiny}, "mid": {"policy": mid}, "big": {"policy": big}},
        "totals": {"policy": total},
    }


def extend_world(world: World) -> None:
    from convenant.governance.testing import governance_of
    from convenant.reporting import figures
    from convenant.reporting.models import (
        Cycle,
        Framework,
        Indicator,
        MonitoringReport,
        Score,
        Submission,
        Target,
    )

    why = "matrix world"
    governance_of(world)  # the steering group a report is put to
    fw = Framework.objects.create(
        version="pb-1", title="Kader (fictief)", title_en="Framework (fictional)", digest="c" * 64
    )
    main = Indicator.objects.create(
        framework=fw, code="policy", order=1, name="Beleid (fictief)", name_en="Policy"
    )
    sub = Indicator.objects.create(
        framework=fw, code="policy-scope", parent=main, order=2, name="Reikwijdte", name_en="Scope"
    )
    made = {}
    for n, label in enumerate((PUBLISHED, SIGNED, DRAFT)):
        reference = datetime.date(2015 + n, 12, 31)
        cycle = Cycle.objects.unrestricted(why).create(
            covenant=world.covenant,
            label=label,
            name=NAMES[label],
            kind=Cycle.Kind.PROGRESS,
            state=Cycle.State.CLOSED,
            framework=fw,
            reference_date=reference,
            opens_on=reference,
            closes_on=reference + datetime.timedelta(days=90),
            created_by=world.users["secretariat"],
        )
        Target.objects.create(cycle=cycle, indicator_code="policy", share=Decimal("40"))
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
        if label != DRAFT:
            frozen = figures.compute(cycle)
            frozen["breakdowns"] = [_breakdown()]
            report.figures, report.figures_digest = frozen, figures.digest(frozen)
            report.state = MonitoringReport.State.SIGNED_OFF
            report.signed_off_at = when
            report.signed_off_by = world.users["monitoring"]
            if label == PUBLISHED:
                report.state = MonitoringReport.State.PUBLISHED
                report.published_on = datetime.date(reference.year + 1, 6, 1)
            report.save()
        made[label] = report
    world.extra["publication"] = made


def _not_published(w: World) -> list[str]:
    return [NAMES[SIGNED], NAMES[DRAFT]]


def _secrets(w: World) -> list[str]:
    """What the public never reads: hidden cells, the fund that did not opt in."""
    return [*HIDDEN_VALUES, w.other_fund.name]


def _digest(w: World) -> list[str]:
    return [w.extra["publication"][PUBLISHED].figures_digest]


PUBLIC = everyone(OK)
NOBODY = everyone(HIDDEN)
# The approval page: the secretariat and the committee; the steering group too (not in the
# matrix); anyone else may not know it.
APPROVAL = everyone(HIDDEN, anonymous=LOGIN, secretariat=OK, monitoring=OK)
PROPOSE = everyone(HIDDEN, anonymous=LOGIN, secretariat=REDIRECT, monitoring=FORBIDDEN)
API_PROPOSE = {**PROPOSE, "secretariat": CREATED}
TREND = everyone(HIDDEN, anonymous=LOGIN, secretariat=OK, monitoring=OK)
CLOSES = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=30)).strftime(
    "%Y-%m-%dT%H:%M"
)

ROWS: list[Row] = [
    Row(
        "monitoring_index",
        PUBLIC,
        present=lambda w: [NAMES[PUBLISHED]],
        absent=_not_published,
        absent_for=ACTORS,
    ),
    Row(
        "monitoring_report",
        PUBLIC,
        args=lambda w: [PUBLISHED],
        present=lambda w: [VISIBLE_VALUE, w.fund.name, *_digest(w)],
        absent=_secrets,
        absent_for=ACTORS,
    ),
    # To the public a report not published is no report: 404, as for a missing one.
    Row("monitoring_report", NOBODY, args=lambda w: [SIGNED], missing=True),
    Row("monitoring_report", NOBODY, args=lambda w: [DRAFT], missing=True),
    *[
        Row(
            "monitoring_download",
            PUBLIC,
            args=lambda w, fmt=fmt: [PUBLISHED, fmt],
            present=_digest if fmt == "html" else None,
            absent=_secrets if fmt == "html" else None,
            absent_for=ACTORS,
        )
        for fmt in ("html", "pdf", "xlsx")
    ],
    Row("monitoring_download", NOBODY, args=lambda w: [SIGNED, "pdf"], missing=True),
    Row(
        "reporting_report_approval",
        APPROVAL,
        args=lambda w: [SIGNED],
        present=lambda w: [NAMES[SIGNED]],
    ),
    # A draft has no approval to read or propose yet.
    Row(
        "reporting_report_approval",
        {**NOBODY, "anonymous": LOGIN},
        args=lambda w: [DRAFT],
        missing=True,
    ),
    Row(
        "reporting_report_approval_propose",
        PROPOSE,
        args=lambda w: [SIGNED],
        method="post",
        data=lambda w: {"kind": "approve_report", "closes_at": CLOSES},
    ),
    Row(
        "reporting_trend",
        TREND,
        present=lambda w: [NAMES[PUBLISHED], NAMES[SIGNED]],
    ),
    Row(
        "api:list_published",
        PUBLIC,
        present=lambda w: [PUBLISHED],
        absent=lambda w: [SIGNED, DRAFT],
        absent_for=ACTORS,
    ),
    Row(
        "api:get_published",
        PUBLIC,
        args=lambda w: [PUBLISHED],
        present=lambda w: ["4141.41", *_digest(w)],
        absent=lambda w: ["777.77", "4040.40", w.other_fund.name],
        absent_for=ACTORS,
    ),
    Row("api:get_published", NOBODY, args=lambda w: [SIGNED], missing=True),
    Row("api:get_approval", APPROVAL, args=lambda w: [SIGNED], present=lambda w: [SIGNED]),
    Row(
        "api:propose_approval",
        API_PROPOSE,
        args=lambda w: [SIGNED],
        method="post",
        as_json=True,
        data=lambda w: {"kind": "approve_summary", "closes_at": CLOSES + ":00+00:00"},
    ),
    Row("api:get_trend", TREND, present=lambda w: [PUBLISHED, SIGNED]),
]
