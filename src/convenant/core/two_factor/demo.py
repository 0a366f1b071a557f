"""The demo's two-factor devices: the people for whom it is required (secretariat, committee,
steering-group seats) get an app with one fixed, published, fictional secret, so a visitor
can walk in (with DEBUG on, the code page tells the current code)."""

from __future__ import annotations

from convenant.core import two_factor
from convenant.core.models import User

# Fictional and published: it protects nothing but the demo's fictional accounts.
DEMO_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test secret, in hex


def load() -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not two_factor.is_enforced():
        return "Two-factor authentication: not required here (TWO_FACTOR_REQUIRED is off)."
    given = []
    for user in User.objects.unrestricted("loading the demo").filter(is_active=True):
        if not two_factor.is_required(user):
            continue
        if not TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists():
            TOTPDevice.objects.create(
                user=user, name=two_factor.DEMO_DEVICE_NAME, key=DEMO_KEY, confirmed=True
            )
        given.append(user.email)
    return (
        f"Two-factor authentication: {len(given)} demo people (secretariat, committee, "
        f"steering group) have an app with the demo secret {DEMO_KEY} (hex); with DEBUG on "
        "the code page shows the current code."
    )
