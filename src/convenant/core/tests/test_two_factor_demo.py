"""The demo: the people who must use two-factor authentication get an app with the demo's
published secret; nobody else does, and a second run adds nothing."""

from __future__ import annotations

from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from convenant.core import two_factor
from convenant.core.testing import World
from convenant.core.two_factor import demo


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_the_demo_gives_required_people_a_demo_app(world: World) -> None:
    summary = demo.load()
    demo.load()

    owners = set(TOTPDevice.objects.values_list("user__email", flat=True))
    assert owners == {"secretariat@example.org", "monitoring@example.org"}
    assert TOTPDevice.objects.count() == 2
    assert set(TOTPDevice.objects.values_list("name", flat=True)) == {two_factor.DEMO_DEVICE_NAME}
    assert "2 demo people" in summary


@override_settings(TWO_FACTOR_REQUIRED=False)
def test_without_the_requirement_the_demo_adds_no_app(world: World) -> None:
    demo.load()

    assert not TOTPDevice.objects.exists()


@override_settings(TWO_FACTOR_REQUIRED=True, DEBUG=True)
def test_the_demo_code_told_works_also_for_a_second_log_in_within_the_same_step(
    world: World,
) -> None:
    # Given a demo app whose code of this half minute was just used
    demo.load()
    device = TOTPDevice.objects.get(user__email="secretariat@example.org")
    first = two_factor.demo_code(device)
    assert first is not None and device.verify_token(first)

    # When the code page tells the code again, then it is one the device still accepts
    again = two_factor.demo_code(device)
    assert again != first
    assert device.verify_token(again)


@override_settings(TWO_FACTOR_REQUIRED=True, DEBUG=False)
def test_without_debug_no_code_is_told(world: World) -> None:
    demo.load()
    device = TOTPDevice.objects.get(user__email="secretariat@example.org")

    assert two_factor.demo_code(device) is None
