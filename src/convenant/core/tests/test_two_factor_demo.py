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
