"""Two-factor authentication (TOTP with recovery codes, on django-otp): who must use it, and
the state of a session.

Required for the secretariat, the monitoring committee and whoever an app above core says
(governance: a steering-group seat), through :func:`register_requirement` — core knows
nothing of seats. Optional for everyone else; whoever has an app is asked for a code at
every log-in.

The decision is taken when a person logs in (``user_logged_in``) and kept in the session:
``verify`` (has an app, must give a code), ``enrol`` (required, has none) or ``ok``. So a
page costs no query for it; a change of standing (a new seat, a reset by the secretariat)
counts from the next log-in.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from django.conf import settings

from convenant.core import access

SESSION_KEY = "convenant_two_factor"
OK, VERIFY, ENROL = "ok", "verify", "enrol"
RECOVERY_CODES = 10
# A device with this name is the demo's (its secret is published in the code): only then,
# and only with DEBUG on, the code page tells the current code.
DEMO_DEVICE_NAME = "demo (fictief)"
# The app's device and the recovery codes' device, by name (one of each per person).
APP_DEVICE_NAME = "app"
RECOVERY_DEVICE_NAME = "recovery codes"

Requirement = Callable[[access.Actor], bool]
_requirements: dict[str, Requirement] = {}


def register_requirement(name: str, requirement: Requirement) -> None:
    """An app above core names people who must use two-factor authentication (called in its
    AppConfig.ready()): ``requirement(actor)`` is true for them."""
    _requirements[name] = requirement


def is_enforced() -> bool:
    return bool(getattr(settings, "TWO_FACTOR_REQUIRED", True))


def is_required(user: Any) -> bool:
    """Whether this person must use two-factor authentication (whatever the setting says:
    the setting decides whether the rule is enforced)."""
    actor = access.actor_for(user, fresh=True)
    if not actor.is_authenticated:
        return False
    if actor.is_secretariat or actor.is_monitoring_committee:
        return True
    return any(requirement(actor) for requirement in _requirements.values())


def app_device(user: Any, *, confirmed: bool | None = True) -> Any:
    """The person's authenticator app (a TOTP device), or None."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    devices = TOTPDevice.objects.filter(user_id=user.pk)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.order_by("-pk").first()


def recovery_device(user: Any) -> Any:
    from django_otp.plugins.otp_static.models import StaticDevice

    return StaticDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("-pk").first()


def state_for(user: Any) -> str:
    if app_device(user) is not None:
        return VERIFY
    if is_enforced() and is_required(user):
        return ENROL
    return OK


def session_state(request: Any) -> str:
    """The session's state; decided now for a session that began before this existed."""
    state = request.session.get(SESSION_KEY)
    if state not in (OK, VERIFY, ENROL):
        state = state_for(request.user)
        request.session[SESSION_KEY] = state
    return str(state)


def session_passes(request: Any) -> bool:
    """The session may be used: nothing was asked, or the code was given."""
    return session_state(request) == OK


def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """At log-in (the password form, an accepted invitation, force_login): what this
    session must still do."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = state_for(user)


def mark_verified(request: Any, device: Any) -> None:
    """The code was right: the session counts as verified (django-otp's marker too)."""
    import django_otp

    django_otp.login(request, device)
    request.session[SESSION_KEY] = OK


def secret_text(device: Any) -> str:
    """The secret as people type it into an app: base32, in groups of four."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: Any) -> str:
    """The app's set-up address as an inline SVG QR code (no style or script, for the CSP)."""
    import segno

    return str(
        segno.make(device.config_url, error="m").svg_inline(
            scale=5, title=str(_qr_title()), dark="#000", light="#fff"
        )
    )


def _qr_title() -> str:
    from django.utils.translation import gettext

    return gettext("QR code to scan with your authenticator app")


def demo_code(device: Any) -> str | None:
    """The current code of a demo device, told on the code page when DEBUG is on."""
    if not settings.DEBUG or device is None or device.name != DEMO_DEVICE_NAME:
        return None
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    # A code works once: when this step's code was used (a second log-in within the same
    # half minute), tell the next step's, which the device accepts as one step of drift.
    if device.last_t is not None and device.last_t >= totp.t():
        totp.time = totp.time + device.step
    return f"{totp.token():0{device.digits}d}"


def register() -> None:
    """Called from core's AppConfig.ready(): the log-in hook, the audit verbs, the demo."""
    from django.contrib.auth.signals import user_logged_in
    from django.utils.translation import gettext_lazy as _

    from convenant.core.audit import register_verbs
    from convenant.core.demo import register_demo_loader

    user_logged_in.connect(on_login, dispatch_uid="convenant.two_factor.on_login")
    register_verbs(
        {
            "core.enrol_two_factor": _("Two-factor authentication set up"),
            "core.generate_recovery_codes": _("New recovery codes generated"),
            "core.use_recovery_code": _("Recovery code used to log in"),
            "core.turn_off_two_factor": _("Two-factor authentication turned off"),
            "core.reset_two_factor": _("Two-factor authentication reset by the secretariat"),
        }
    )
    from convenant.core.two_factor import demo

    register_demo_loader("two_factor", demo.load, 99)
