"""Two-factor authentication: who must use it, the code step after the password, enrolment
with recovery codes, turning it off, the secretariat's reset, throttling, and the API."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from convenant.core import two_factor
from convenant.core.models import ApiToken, AuditEvent
from convenant.core.testing import World

PASSWORD = "pw-test-12345"

pytestmark = pytest.mark.usefixtures("required")


@pytest.fixture
def required() -> Any:
    cache.clear()  # the throttles count per process
    with override_settings(TWO_FACTOR_REQUIRED=True):
        yield


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the person's app shows now (or a step later: a code is accepted once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, steps_ahead)
    return f"{totp.token():06d}"


def log_in(client: Client, email: str) -> Any:
    return client.post(reverse("login"), {"username": email, "password": PASSWORD})


def enrol(client: Client) -> tuple[TOTPDevice, list[str]]:
    """Walk the enrolment page: read the secret from it, answer with the app's code."""
    page = client.get(reverse("two_factor_enrol"))
    assert page.status_code == 200
    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', page.content.decode())
    assert secret is not None
    key = client.session["convenant_two_factor_pending_key"]
    device = TOTPDevice(key=key)
    answer = client.post(reverse("two_factor_enrol"), {"code": code(device)})
    assert answer.status_code == 200, answer.content
    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", answer.content.decode())
    return TOTPDevice.objects.get(key=key), codes


def events(verb: str) -> int:
    return AuditEvent.objects.unrestricted("test").filter(verb=verb).count()


# --- Who must use it ------------------------------------------------------------------------


def test_production_settings_require_two_factor() -> None:
    """The suite runs without the requirement (settings_test); production has it."""
    import os
    import subprocess
    import sys

    from convenant.core.tests.test_settings import PRODUCTION

    unset = {"DEBUG", "TWO_FACTOR_REQUIRED", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.TWO_FACTOR_REQUIRED)",
        ],
        env={**{k: v for k, v in os.environ.items() if k not in unset}, **PRODUCTION},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "True"


def test_the_secretariat_and_the_committee_must_use_it_a_fund_officer_may(world: World) -> None:
    assert two_factor.is_required(world.users["secretariat"])
    assert two_factor.is_required(world.users["monitoring"])
    assert not two_factor.is_required(world.users["fund_editor"])
    assert not two_factor.is_required(world.users["union"])


def test_a_registered_requirement_adds_people(world: World) -> None:
    editor = world.users["fund_editor"]
    two_factor.register_requirement("test", lambda actor: actor.user_id == editor.pk)
    try:
        assert two_factor.is_required(editor)
    finally:
        two_factor._requirements.pop("test")


# --- Enrolment -------------------------------------------------------------------------------


def test_a_secretariat_member_without_an_app_is_sent_to_enrolment_first(world: World) -> None:
    client = Client()
    log_in(client, "secretariat@example.org")

    for url in [reverse("dashboard"), reverse("account"), reverse("audit_log")]:
        answer = client.get(url)
        assert answer.status_code == 302
        assert answer["Location"].startswith(reverse("two_factor_enrol"))
    step = client.get(reverse("two_factor_enrol"))
    assert step.status_code == 200
    # The step's page offers no menu or search: their links would only lead back to it.
    assert f'href="{reverse("audit_log")}"' not in step.content.decode()
    assert 'role="search"' not in step.content.decode()
    # A partial update (htmx) is told to load the step as a whole page.
    partial = client.get(reverse("search"), {"q": "x"}, headers={"HX-Request": "true"})
    assert partial.status_code == 204
    assert partial["HX-Redirect"] == reverse("two_factor_enrol")
    # Log-out and the language stay open.
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_enrolment_shows_a_qr_code_without_style_or_script(world: World) -> None:
    client = Client()
    log_in(client, "secretariat@example.org")
    page = client.get(reverse("two_factor_enrol")).content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "style" not in svg and "<script" not in svg
    assert "<title>" in svg  # named for a screen reader


def test_enrolment_with_the_app_code_gives_ten_recovery_codes_once(world: World) -> None:
    client = Client()
    log_in(client, "secretariat@example.org")

    device, codes = enrol(client)

    assert device.confirmed and device.user == world.users["secretariat"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=device.user).count() == 10
    assert events("core.enrol_two_factor") == 1
    # The session counts as verified: the product opens.
    assert client.get(reverse("dashboard")).status_code == 200
    # Shown once: the account page says how many are left, never the codes.
    account = client.get(reverse("account")).content.decode()
    assert "10 recovery codes left" in account or "10 herstelcodes over" in account
    assert not any(c in account for c in codes)


def test_a_wrong_code_at_enrolment_sets_up_nothing(world: World) -> None:
    client = Client()
    log_in(client, "secretariat@example.org")
    client.get(reverse("two_factor_enrol"))
    device = TOTPDevice(key=client.session["convenant_two_factor_pending_key"])
    wrong = f"{(int(code(device)) + 1) % 1_000_000:06d}"

    answer = client.post(reverse("two_factor_enrol"), {"code": wrong})

    assert answer.status_code == 200
    assert "code is not right" in answer.content.decode() or "niet goed" in answer.content.decode()
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    assert events("core.enrol_two_factor") == 0
    assert client.get(reverse("dashboard")).status_code == 302


def test_an_invited_person_joining_the_secretariat_enrols_right_away(world: World) -> None:
    """Accepting an invitation logs in; for the secretariat the next step is enrolment."""
    from django.contrib.auth import get_user_model

    person = get_user_model().objects.create_user("new@example.org", "New Colleague", PASSWORD)
    # (The membership model, through the world: core's tests do not import parties.)
    membership = type(world.target_membership)
    membership.objects.create(user=person, party=world.secretariat, role="viewer")
    client = Client()
    client.force_login(person)  # what accepting the invitation does at its end

    answer = client.get(reverse("dashboard"))

    assert answer["Location"].startswith(reverse("two_factor_enrol"))


# --- The code step at log-in ------------------------------------------------------------------


def test_log_in_asks_for_the_code_then_a_recovery_code_works_once(world: World) -> None:
    first = Client()
    log_in(first, "secretariat@example.org")
    device, codes = enrol(first)

    client = Client()
    answer = log_in(client, "secretariat@example.org")
    # The password alone opens nothing.
    answer = client.get(reverse("audit_log"))
    assert answer.status_code == 302
    assert answer["Location"] == reverse("two_factor_verify") + "?next=%2Faudit%2F"

    answer = client.post(
        reverse("two_factor_verify"), {"code": code(device, 1), "next": reverse("audit_log")}
    )
    assert answer.status_code == 302 and answer["Location"] == reverse("audit_log")
    assert client.get(reverse("audit_log")).status_code == 200

    # Next log-in, with a recovery code (typed in capitals, with its dash): it is used up.
    again = Client()
    log_in(again, "secretariat@example.org")
    answer = again.post(reverse("two_factor_verify"), {"code": codes[0].upper()})
    assert answer.status_code == 302
    assert StaticToken.objects.filter(device__user=device.user).count() == 9
    assert events("core.use_recovery_code") == 1
    once_more = Client()
    log_in(once_more, "secretariat@example.org")
    refused = once_more.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert refused.status_code == 200
    assert once_more.get(reverse("dashboard")).status_code == 302


def test_a_fund_officer_is_not_forced_but_once_enrolled_is_asked(world: World) -> None:
    client = Client()
    log_in(client, "fund_editor@example.org")
    assert client.get(reverse("dashboard")).status_code == 200

    device, _codes = enrol(client)

    again = Client()
    log_in(again, "fund_editor@example.org")
    assert again.get(reverse("dashboard"))["Location"].startswith(reverse("two_factor_verify"))
    assert again.post(reverse("two_factor_verify"), {"code": code(device, 1)}).status_code == 302
    assert again.get(reverse("dashboard")).status_code == 200


def test_wrong_codes_are_throttled(world: World, settings: Any) -> None:
    settings.TWO_FACTOR_FAILURES_PER_ACCOUNT = 3
    first = Client()
    log_in(first, "fund_editor@example.org")
    device, _codes = enrol(first)
    client = Client()
    log_in(client, "fund_editor@example.org")
    wrong = f"{(int(code(device, 1)) + 500_000) % 1_000_000:06d}"

    for _attempt in range(3):
        assert client.post(reverse("two_factor_verify"), {"code": wrong}).status_code == 200
    answer = client.post(reverse("two_factor_verify"), {"code": code(device, 1)})

    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Too many wrong codes" in page or "Te veel foute codes" in page
    assert client.get(reverse("dashboard")).status_code == 302


def test_the_demo_device_tells_its_code_only_with_debug(world: World, settings: Any) -> None:
    from convenant.core.two_factor.demo import DEMO_KEY

    device = TOTPDevice.objects.create(
        user=world.users["secretariat"], key=DEMO_KEY, name=two_factor.DEMO_DEVICE_NAME
    )
    client = Client()
    log_in(client, "secretariat@example.org")

    settings.DEBUG = True
    shown = client.get(reverse("two_factor_verify")).content.decode()
    settings.DEBUG = False
    hidden = client.get(reverse("two_factor_verify")).content.decode()

    assert code(device) in shown or code(device, 1) in shown
    assert "Demo" in shown and "Demo" not in hidden


# --- Recovery codes, turning off, the secretariat's reset ------------------------------------


def test_new_recovery_codes_replace_the_old(world: World) -> None:
    client = Client()
    log_in(client, "fund_editor@example.org")
    _device, old = enrol(client)

    answer = client.post(reverse("two_factor_codes"))

    new = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", answer.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    tokens = set(StaticToken.objects.values_list("token", flat=True))
    assert tokens == {c.replace("-", "") for c in new}
    assert events("core.generate_recovery_codes") == 1
    assert 'download="convenant-recovery-codes.txt"' in answer.content.decode()


def test_optional_two_factor_can_be_turned_off_required_cannot(world: World) -> None:
    officer = Client()
    log_in(officer, "fund_editor@example.org")
    enrol(officer)
    secretary = Client()
    log_in(secretary, "secretariat@example.org")
    enrol(secretary)

    officer.post(reverse("two_factor_turn_off"))
    answer = secretary.post(reverse("two_factor_turn_off"), follow=True)

    assert not TOTPDevice.objects.filter(user=world.users["fund_editor"]).exists()
    assert not StaticDevice.objects.filter(user=world.users["fund_editor"]).exists()
    assert TOTPDevice.objects.filter(user=world.users["secretariat"]).exists()
    assert "niet uitzetten" in answer.content.decode()  # Dutch, the default
    assert events("core.turn_off_two_factor") == 1


def test_the_secretariat_resets_a_lost_phone_and_the_person_enrols_again(world: World) -> None:
    member = Client()
    log_in(member, "monitoring@example.org")
    enrol(member)
    secretary = Client()
    log_in(secretary, "secretariat@example.org")
    enrol(secretary)
    url = reverse("two_factor_reset", args=[world.users["monitoring"].pk])

    empty = secretary.post(url, {"reason": "  "})
    assert (
        empty.status_code == 200
        and TOTPDevice.objects.filter(user=world.users["monitoring"]).exists()
    )
    answer = secretary.post(url, {"reason": "Telefoon verloren, per telefoon nagevraagd"})

    assert answer.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.users["monitoring"]).exists()
    event = AuditEvent.objects.unrestricted("test").get(verb="core.reset_two_factor")
    assert event.actor == world.users["secretariat"]
    assert event.after["reason"] == "Telefoon verloren, per telefoon nagevraagd"
    nxt = Client()
    log_in(nxt, "monitoring@example.org")
    assert nxt.get(reverse("dashboard"))["Location"].startswith(reverse("two_factor_enrol"))


def test_no_one_resets_their_own_and_only_the_secretariat_resets(world: World) -> None:
    secretary = Client()
    log_in(secretary, "secretariat@example.org")
    enrol(secretary)
    officer = Client()
    log_in(officer, "fund_admin@example.org")

    own = secretary.post(
        reverse("two_factor_reset", args=[world.users["secretariat"].pk]), {"reason": "x"}
    )
    other = officer.post(
        reverse("two_factor_reset", args=[world.users["fund_editor"].pk]), {"reason": "x"}
    )

    assert own.status_code == 403 and other.status_code == 403
    assert TOTPDevice.objects.filter(user=world.users["secretariat"]).exists()
    assert events("core.reset_two_factor") == 0


# --- The API and tokens ----------------------------------------------------------------------


def test_an_unverified_session_gets_403_on_the_api_with_a_message(world: World) -> None:
    client = Client()
    log_in(client, "secretariat@example.org")

    answer = client.get("/api/v1/parties")

    assert answer.status_code == 403
    assert "two-factor" in answer.json()["detail"] or "tweestaps" in answer.json()["detail"]


def test_no_api_token_from_an_unverified_session(world: World) -> None:
    client = Client()
    log_in(client, "secretariat@example.org")

    answer = client.post(reverse("account"), {"create_token": "1", "name": "script"})

    assert answer.status_code == 302
    assert not ApiToken.objects.unrestricted("test").filter(user=world.users["secretariat"])
