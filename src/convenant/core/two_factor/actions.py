"""Writes of two-factor authentication: enrolling an app, recovery codes, turning it off, the
secretariat's reset, and checking a code (django-otp keeps its throttle on the device)."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from convenant.core import access, counters, limits, two_factor
from convenant.core.audit import record_event
from convenant.core.errors import ActionError
from convenant.core.models import User


def _devices(user: Any) -> tuple[Any, Any]:
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return (
        TOTPDevice.objects.filter(user_id=user.pk),
        StaticDevice.objects.filter(user_id=user.pk),
    )


def enrol(*, by: User, key: str, code: str, client: str = "") -> list[str]:
    """Set up the app whose secret (``key``, hex) the enrolment page showed: the first code
    from the app confirms it. Returns the recovery codes (shown once)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice, key_validator

    code = _clean(code)
    _check_throttle(by, client)
    try:
        key_validator(key)
    except Exception:
        raise ActionError(_("This set-up has expired. Start again."), code="conflict") from None
    candidate = TOTPDevice(user=by, key=key, name=two_factor.APP_DEVICE_NAME, confirmed=True)
    # The code is checked against the secret before anything is stored (the device's own
    # check would save it).
    totp = TOTP(candidate.bin_key, candidate.step, candidate.t0, candidate.digits, 0)
    totp.time = time.time()
    if not (code.isdigit() and len(code) == candidate.digits and totp.verify(int(code), 1)):
        _failed(by, client)
        raise ActionError(_wrong_code(), field="code")
    candidate.last_t, candidate.drift = totp.t(), totp.drift
    with transaction.atomic(durable=True):
        apps, _codes = _devices(by)
        if apps.select_for_update().filter(confirmed=True).exists():
            raise ActionError(_("Two-factor authentication is already set up."), code="conflict")
        apps.delete()
        candidate.save()
        codes = _new_recovery_codes(by)
        record_event(
            actor=by,
            verb="core.enrol_two_factor",
            obj=by,
            after={"two_factor": True, "recovery_codes": len(codes)},
        )
    _succeeded(by)
    return codes


def regenerate_recovery_codes(*, by: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    with transaction.atomic(durable=True):
        apps, _codes = _devices(by)
        if not apps.filter(confirmed=True).exists():
            raise ActionError(_("Set up two-factor authentication first."), code="conflict")
        codes = _new_recovery_codes(by)
        record_event(
            actor=by,
            verb="core.generate_recovery_codes",
            obj=by,
            after={"recovery_codes": len(codes)},
        )
    return codes


def turn_off(*, by: User) -> None:
    """A person for whom it is optional removes their app and recovery codes."""
    if two_factor.is_enforced() and two_factor.is_required(by):
        raise ActionError(
            _("Two-factor authentication is required for your role; it cannot be turned off."),
            code="forbidden",
        )
    with transaction.atomic(durable=True):
        apps, codes = _devices(by)
        if not apps.filter(confirmed=True).exists():
            raise ActionError(_("Two-factor authentication is not set up."), code="conflict")
        apps.delete()
        codes.delete()
        record_event(actor=by, verb="core.turn_off_two_factor", obj=by, before={"two_factor": True})


def reset(*, by: User, person: User, reason: str) -> None:
    """The secretariat removes a person's app and codes (a lost phone): at their next
    log-in they set it up again. Not for one's own: that is turning it off."""
    reason = reason.strip()
    if not reason:
        raise ActionError(_("Say why two-factor authentication is reset."), field="reason")
    limits.check_length(reason, limits.MESSAGE, field="reason")
    actor = access.actor_for(by, fresh=True)
    if not actor.is_secretariat:
        raise ActionError(
            _("Only the secretariat resets two-factor authentication."), code="forbidden"
        )
    if person.pk == by.pk:
        raise ActionError(
            _("You cannot reset your own two-factor authentication; ask a colleague."),
            code="forbidden",
        )
    with transaction.atomic(durable=True):
        apps, codes = _devices(person)
        if not apps.exists() and not codes.exists():
            raise ActionError(
                _("%(name)s has no two-factor authentication to reset.")
                % {"name": person.full_name},
                code="conflict",
            )
        apps.delete()
        codes.delete()
        record_event(
            actor=by,
            verb="core.reset_two_factor",
            obj=person,
            before={"two_factor": True},
            after={"two_factor": False, "reason": reason},
        )


def verify(*, by: User, code: str, client: str = "") -> Any:
    """Check a code from the app, or a recovery code (used up by this). Returns the device
    that accepted it; raises with a clear message otherwise."""
    code = _clean(code)
    _check_throttle(by, client)
    with transaction.atomic(durable=True):
        apps, codes = _devices(by)
        app = apps.select_for_update().filter(confirmed=True).first()
        if app is None:
            raise ActionError(_("Two-factor authentication is not set up."), code="conflict")
        allowed, _details = app.verify_is_allowed()
        if not allowed:
            raise ActionError(_too_many(), field="code", code="throttled")
        device = None
        if code.isdigit() and len(code) == app.digits:
            device = app if app.verify_token(code) else None
        else:
            recovery = codes.select_for_update().filter(confirmed=True).first()
            if recovery is not None and recovery.verify_token(code):
                device = recovery
                record_event(
                    actor=by,
                    verb="core.use_recovery_code",
                    obj=by,
                    after={"recovery_codes_left": recovery.token_set.count()},
                )
            else:
                # A wrong recovery code counts against the app's throttle as well.
                app.throttle_increment()
    if device is None:
        _failed(by, client)
        raise ActionError(_wrong_code(), field="code")
    _succeeded(by)
    return device


def _new_recovery_codes(user: User) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    StaticDevice.objects.filter(user_id=user.pk).delete()
    device = StaticDevice.objects.create(
        user=user, name=two_factor.RECOVERY_DEVICE_NAME, confirmed=True
    )
    codes = []
    for _n in range(two_factor.RECOVERY_CODES):
        token = StaticToken.random_token()
        device.token_set.create(token=token)
        codes.append(token)
    return codes


def _clean(code: str) -> str:
    """People type codes with spaces or dashes; recovery codes are lower case."""
    return "".join(ch for ch in str(code) if ch.isalnum()).lower()[:32]


def _wrong_code() -> str:
    return _("This code is not right. Check the time on your phone, or use a recovery code.")


def _too_many() -> str:
    return _("Too many wrong codes. Wait %(minutes)s minutes and try again.") % {
        "minutes": max(1, settings.LOGIN_THROTTLE_WINDOW // 60)
    }


# Wrong codes counted like wrong passwords (core/login_throttle.py): per account and per
# client, under HMAC keys, so an attacker with the password cannot try all million codes.


def _key(kind: str, value: str) -> str:
    window = int(time.time()) // settings.LOGIN_THROTTLE_WINDOW
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256
    ).hexdigest()[:32]
    return f"two-factor:failures:{kind}:{window}:{digest}"


def _keys(user: User, client: str) -> list[tuple[str, int]]:
    return [
        (_key("account", str(user.pk)), settings.TWO_FACTOR_FAILURES_PER_ACCOUNT),
        (_key("client", client), settings.TWO_FACTOR_FAILURES_PER_CLIENT),
    ]


def _check_throttle(user: User, client: str) -> None:
    if any(counters.count(key) >= limit for key, limit in _keys(user, client)):
        raise ActionError(_too_many(), field="code", code="throttled")


def _failed(user: User, client: str) -> None:
    for key, _limit in _keys(user, client):
        counters.hit(key, settings.LOGIN_THROTTLE_WINDOW)


def _succeeded(user: User) -> None:
    cache.delete(_key("account", str(user.pk)))
