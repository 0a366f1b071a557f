"""What the monitoring report's page shows: charts drawn on the server, the trend with a
restated figure beside the frozen one, and the breakdown as disclosure control leaves it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from convenant.reporting.actions.report import sign_off_report, write_report_summary
from convenant.reporting.tests import report_example

pytestmark = pytest.mark.django_db


def _committee(world: Any) -> Client:
    client = Client()
    client.force_login(world.users["monitoring"])
    client.cookies["convenant_language"] = "en"
    return client


def test_charts_and_a_restated_baseline(world: Any) -> None:
    # Given the baseline signed off, then corrected, and the 2021 draft
    example = report_example.build(world)
    by = world.users["monitoring"]
    write_report_summary(by=by, cycle=example["baseline"], summary="Nulmeting (fictief)")
    sign_off_report(by=by, cycle=example["baseline"])
    report_example.correct_after_sign_off(example)
    # When the committee opens the 2021 report
    page = _committee(world).get(reverse("reporting_report", args=["2021"]))
    html = page.content.decode()
    # Then each main indicator has its chart as inline SVG, with the target marked, and
    # the page runs no script of its own
    charts = re.findall(r'<svg[^>]*class="report-chart".*?</svg>', html, flags=re.DOTALL)
    assert len(charts) == 3
    policy = next(c for c in charts if "chart-policy-title" in c)
    assert "target: 50.0 %" in policy and "restated: 100.0 %" in policy
    assert "<script>" not in html.split("<main", 1)[-1].split("</main>", 1)[0]
    # And the trend shows the frozen baseline with its restated figure beside it
    trend = html.split('id="trend"', 1)[1].split("</section>", 1)[0]
    assert "50.0 %" in trend and "restated: 100.0 %" in trend
    # And the change is marked as measured from a restated figure
    assert "−60.0 pp *" in html


def test_the_breakdown_shows_what_disclosure_control_leaves(world: Any, settings: Any) -> None:
    report_example.build(world)
    # Under the covenant's rule (five funds) every size class is too small to show
    html = _committee(world).get(reverse("reporting_report", args=["2021"])).content.decode()
    breakdown = html.split('id="breakdown-1"', 1)[1].split("</section>", 1)[0]
    assert "By size of invested assets" in breakdown
    assert "1 / 2" not in breakdown and "not shown" in breakdown
    # With a minimum of one fund and no dominance rule, the cells appear: the medium class
    # holds Alfa (positive on policy) and Beta
    settings.REPORTING_MIN_FUNDS = 1
    settings.REPORTING_DOMINANCE_PERCENT = 100
    html = _committee(world).get(reverse("reporting_report", args=["2021"])).content.decode()
    breakdown = html.split('id="breakdown-1"', 1)[1].split("</section>", 1)[0]
    assert "1 / 2" in breakdown


def test_the_index_lists_what_each_reader_may_open(world: Any) -> None:
    from convenant.governance.testing import governance_of

    example = report_example.build(world)
    chair = Client()
    chair.force_login(governance_of(world).chair)
    index = reverse("reporting_reports")
    # Before sign-off: the committee finds both measurements, the steering group none
    html = _committee(world).get(index).content.decode()
    assert "Meting 2019 (fictief)" in html and "Meting 2021 (fictief)" in html
    assert "Meting 2021 (fictief)" not in chair.get(index).content.decode()
    # After the committee signs 2019 off, the steering group finds it and opens it
    by = world.users["monitoring"]
    write_report_summary(by=by, cycle=example["baseline"], summary="Nulmeting (fictief)")
    sign_off_report(by=by, cycle=example["baseline"])
    html = chair.get(index).content.decode()
    assert reverse("reporting_report", args=["2019"]) in html
    assert "Meting 2021 (fictief)" not in html
    assert chair.get(reverse("reporting_report", args=["2019"])).status_code == 200
