"""The published monitoring report and the trend in real Chromium: the steering group's two
decisions published the report; anyone finds it in the list, reads its summary, figures and
charts in Dutch and in English, and the committee reads the trend across cycles — each page
accessible (WCAG 2.1 AA)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from convenant.core.testing import build_world
from convenant.core.tests.browser import assert_accessible
from convenant.governance.testing import governance_of
from convenant.reporting.actions import publication as actions
from convenant.reporting.tests import report_example
from convenant.reporting.tests.test_publication import SUMMARY_EN, SUMMARY_NL, decide, sign_off

pytestmark = pytest.mark.browser
PASSWORD = "monitoring-browser-test"


@pytest.fixture
def published(transactional_db: None, live_server: Any, settings: Any) -> dict[str, Any]:
    settings.BASE_URL = live_server.url
    world = build_world()
    gov = governance_of(world)
    example = report_example.build(world)
    report = sign_off(world, example)
    decide(world, gov, report, actions.REPORT)
    decide(world, gov, report, actions.SUMMARY)
    committee = world.users["monitoring"]
    committee.set_password(PASSWORD)
    committee.save()
    return {"base": str(live_server.url), "committee": committee}


def test_anyone_reads_the_published_report_and_the_committee_the_trend(
    page: Page, published: dict[str, Any]
) -> None:
    base = published["base"]
    page.goto(base + "/monitoring/")
    expect(page.locator("#published-reports")).to_contain_text("Meting 2021 (fictief)")
    assert_accessible(page, "monitoring-index")
    page.get_by_role("link", name="Meting 2021 (fictief)").click()
    expect(page.locator("#summary")).to_contain_text(SUMMARY_NL)
    expect(page.locator("#main-indicators")).to_contain_text("Policy (fictief)")
    expect(page.locator("#breakdown-1")).to_contain_text("niet getoond")
    assert page.locator("#indicators svg").count() == 3
    assert_accessible(page, "monitoring-report-nl")
    # In English, by the language chosen
    page.context.add_cookies([{"name": "convenant_language", "value": "en", "url": base}])
    page.reload()
    expect(page.locator("#summary")).to_contain_text(SUMMARY_EN)
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Summary")
    assert_accessible(page, "monitoring-report-en")

    # The committee signs in and reads the trend
    page.context.clear_cookies()
    page.goto(base + "/login/")
    page.get_by_label("E-mailadres").fill(published["committee"].email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.goto(base + "/reporting/trend/")
    expect(page.locator("#trend-policy")).to_contain_text("Meting 2019 (fictief)")
    expect(page.locator("#trend-policy")).to_contain_text("niet vastgesteld")
    assert page.locator("#trend-policy svg").count() == 1
    assert_accessible(page, "monitoring-trend")
