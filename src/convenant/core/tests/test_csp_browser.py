"""The Content Security Policy in real Chromium: each role opens its main pages — every link of
its menu, and the pages it starts from — and no page breaks the policy (no inline script or
style refused, no `securitypolicyviolation` event, no CSP error on the console). Every other
browser test of the suite is watched the same way (core/tests/browser.py, new_page)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, expect

from convenant.core.testing import World, build_world
from convenant.core.tests.browser import watch_csp

pytestmark = pytest.mark.browser

# Pages each role starts from, beside the links of its menu.
START_PAGES = {
    "fund_editor": ["dashboard", "snapshot_list", "holdings_import", "issuer_list"],
    "secretariat": ["dashboard", "covenant_risks", "body_list", "reporting_home", "audit_log"],
    "monitoring": ["dashboard", "reporting_home", "monitoring_index"],
    "anonymous": ["home", "signal_intake_start", "monitoring_index", "login", "password_reset"],
}


@pytest.fixture
def live_world(transactional_db: None) -> World:
    return build_world()


@pytest.fixture
def watched(browser: Browser) -> Iterator[tuple[BrowserContext, list[str]]]:
    context = browser.new_context(locale="en-GB")
    violations = watch_csp(context)
    yield context, violations
    context.close()


def _settle(page: Page) -> None:
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise((done) => setTimeout(done, 50))")  # reports arrive


def _tour(page: Page, base: str, names: list[str], violations: list[str]) -> list[str]:
    """Open the start pages and every link of the menu; the violations, by page."""
    urls = [base + reverse(name) for name in names]
    page.goto(urls[0])
    urls += [
        base + href
        for href in page.locator("nav.main a").evaluate_all("(as) => as.map((a) => a.pathname)")
    ]
    found = []
    for url in dict.fromkeys(urls):
        response = page.goto(url)
        assert response is not None and response.status < 500, url
        _settle(page)
        # htmx read its configuration from the page: no style of its own, no eval.
        if page.evaluate("() => typeof htmx !== 'undefined'"):
            assert page.evaluate(
                "() => [htmx.config.includeIndicatorStyles, htmx.config.allowEval,"
                " htmx.config.allowScriptTags]"
            ) == [False, False, False]
        found += [f"{url}: {v}" for v in violations]
        violations.clear()
    return found


def _log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + reverse("login"))
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


@pytest.mark.parametrize("role", ["fund_editor", "secretariat", "monitoring", "anonymous"])
def test_each_roles_main_pages_keep_to_the_policy(
    watched: tuple[BrowserContext, list[str]], live_server, live_world: World, role: str
) -> None:
    context, violations = watched
    page = context.new_page()
    if role != "anonymous":
        _log_in(page, live_server.url, f"{role}@example.org")
    found = _tour(page, live_server.url, START_PAGES[role], violations)
    assert not found, "\n".join(found)


def test_the_public_intake_works_under_the_policy(
    watched: tuple[BrowserContext, list[str]], live_server, live_world: World
) -> None:
    context, violations = watched
    page = context.new_page()
    page.goto(live_server.url + reverse("signal_intake_start"))
    _settle(page)
    expect(page.locator("form").first).to_be_visible()
    assert page.locator("link[rel=stylesheet]").count() >= 1
    # Its stylesheet applies (a style refused would leave the skip link in sight).
    skip = page.locator("a.skip-link")
    assert skip.evaluate("(a) => getComputedStyle(a).position") == "absolute"
    assert not violations, violations


def test_the_watch_sees_an_inline_style_or_script(
    watched: tuple[BrowserContext, list[str]], live_server, live_world: World
) -> None:
    """The check above is no empty pass: a style attribute or an inline script slipped into
    a page is refused by the browser and reported."""
    context, violations = watched
    page = context.new_page()
    page.goto(live_server.url + reverse("home"))
    _settle(page)
    assert violations == []
    page.evaluate(
        "() => document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')"
    )
    _settle(page)
    assert any("style-src" in v for v in violations), violations
    violations.clear()
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
        " document.body.append(s); }"
    )
    _settle(page)
    assert any("script-src" in v for v in violations), violations
    assert page.evaluate("() => window.ran") is None  # refused, not run
