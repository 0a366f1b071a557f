"""Two-factor authentication in real Chromium: a secretariat member logs in and is sent to set
it up, scans (here: reads the secret and computes the app's code), keeps the recovery codes,
logs out, logs in with a code from the app, then with a recovery code, which then no longer
works; a fund editor is not forced."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from convenant.core.testing import World, build_world
from convenant.core.tests.browser import assert_accessible

pytestmark = pytest.mark.browser

PASSWORD = "pw-test-12345"  # core.testing's test users


@pytest.fixture
def live_world(transactional_db: None, live_server, settings) -> World:
    settings.TWO_FACTOR_REQUIRED = True
    from django.core.cache import cache

    cache.clear()
    return build_world()


def app_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the secret on the page."""
    raw = secret.replace(" ", "")
    key = base64.b32decode(raw + "=" * (-len(raw) % 8))
    return f"{TOTP(key, drift=steps_ahead).token():06d}"


def password_step(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Uitloggen").click()


def test_secretariat_sets_up_two_factor_and_logs_in_with_a_code_then_a_recovery_code(
    page: Page, live_server, live_world: World
) -> None:
    base = live_server.url
    password_step(page, base, "secretariat@example.org")

    # Sent to set it up before anything else.
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie instellen")
    assert "/account/two-factor/set-up/" in page.url
    page.goto(base + "/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie instellen")
    expect(
        page.get_by_role("img", name="QR-code om te scannen met uw authenticator-app")
    ).to_be_visible()
    assert_accessible(page, "two-factor-enrol")
    secret = page.locator("#two-factor-secret").inner_text()

    page.get_by_label("Code uit de app").fill("123")
    page.get_by_role("button", name="Tweestapsverificatie aanzetten").click()
    expect(page.locator(".errorlist")).to_contain_text("Deze code is niet goed")
    page.get_by_label("Code uit de app").fill(app_code(secret))
    page.get_by_role("button", name="Tweestapsverificatie aanzetten").click()

    # Ten recovery codes, shown once, to download or print.
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw herstelcodes")
    codes = re.findall(r"[a-z2-7]{4}-[a-z2-7]{4}", page.locator("#recovery-codes").inner_text())
    assert len(codes) == 10
    with page.expect_download() as download:
        page.get_by_role("link", name="Downloaden als tekstbestand").click()
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert all(code in saved for code in codes)
    assert download.value.suggested_filename == "convenant-recovery-codes.txt"
    assert_accessible(page, "two-factor-recovery-codes")
    page.get_by_role("link", name="Ik heb mijn herstelcodes bewaard — verder").click()
    # On to the page first asked for.
    expect(page.get_by_role("heading", level=1)).to_have_text("Auditlog")
    log_out(page)

    # Next log-in: the password, then the app's code (a later one: each is accepted once).
    password_step(page, base, "secretariat@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie")
    assert_accessible(page, "two-factor-verify")
    page.get_by_label("Code").fill(app_code(secret, 1))
    page.get_by_role("button", name="Controleren").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    log_out(page)

    # Without the phone: a recovery code, once.
    password_step(page, base, "secretariat@example.org")
    page.get_by_label("Code").fill(codes[3])
    page.get_by_role("button", name="Controleren").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    expect(page.locator(".messages")).to_contain_text("herstelcode gebruikt")
    log_out(page)
    password_step(page, base, "secretariat@example.org")
    page.get_by_label("Code").fill(codes[3])
    page.get_by_role("button", name="Controleren").click()
    expect(page.locator(".errorlist")).to_contain_text("Deze code is niet goed")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie")


def test_a_fund_editor_is_not_forced(page: Page, live_server, live_world: World) -> None:
    password_step(page, live_server.url, "fund_editor@example.org")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    page.goto(live_server.url + "/account/")
    expect(page.locator("#two-factor")).to_contain_text("Tweestapsverificatie instellen")
