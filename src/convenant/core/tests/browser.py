"""Helpers for browser tests: real Debian Chromium through Playwright, axe-core for WCAG."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Reports each Content Security Policy violation of every document the page loads. (Init
# scripts and exposed functions come through the DevTools protocol, outside the policy.)
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation(`${e.effectiveDirective} refused ${e.blockedURI || "inline"} on ` +
    `${e.documentURI} (${e.sourceFile || ""}:${e.lineNumber}) ${e.sample || ""}`);
});
"""


def watch_csp(context: BrowserContext) -> list[str]:
    """Collect the policy's violations in the context's pages: the events the browser fires,
    and the console errors it logs for them."""
    violations: list[str] = []

    def report(text: str) -> None:
        violations.append(text)

    context.expose_function("__cspViolation", report)
    context.add_init_script(CSP_WATCH)

    def console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(message.text)

    context.on("console", console)
    return violations


def new_page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh context; the test fails when any page it opened broke the Content
    Security Policy (an inline script or style that the browser refused)."""
    context = browser.new_context(locale="en-GB")  # the site must still default to Dutch
    violations = watch_csp(context)
    page = context.new_page()
    yield page
    context.close()
    assert not violations, "Content Security Policy violations:\n" + "\n".join(violations)


def assert_accessible(page: Page, name: str) -> None:
    """Screenshot the page for people to look at, and fail on serious or critical axe
    violations of WCAG 2.1 A/AA."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    results = Axe().run(page, options=WCAG_AA)
    serious = [v for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
    assert not serious, f"{name}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in serious
    )
