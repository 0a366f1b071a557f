"""Pages of two-factor authentication: the code step after the password, enrolment with a
QR code, recovery codes (shown once), turning it off, and the secretariat's reset."""

from __future__ import annotations

import base64

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from convenant.core import access, limits, two_factor
from convenant.core.errors import ActionError, show_on_form
from convenant.core.http import AuthenticatedHttpRequest
from convenant.core.models import User
from convenant.core.two_factor import actions

PENDING_KEY = "convenant_two_factor_pending_key"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        help_text=gettext_lazy(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from the app"),
        max_length=20,
        help_text=gettext_lazy("The 6-digit code the app shows after you added the account."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ResetForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(
            limits.MESSAGE,
            help_text=gettext_lazy("E.g. “lost phone, identity checked by telephone”."),
        ),
    )


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@login_required
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of log-in: a code from the app, or a recovery code."""
    state = two_factor.state_for(request.user)
    if request.session.get(two_factor.SESSION_KEY) == two_factor.OK:
        return redirect(_next(request) or "dashboard")
    if state != two_factor.VERIFY:  # reset meanwhile, or never set up
        request.session[two_factor.SESSION_KEY] = state
        return redirect("two_factor_enrol" if state == two_factor.ENROL else "dashboard")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = actions.verify(
                by=request.user, code=form.cleaned_data["code"], client=_client(request)
            )
        except ActionError as error:
            show_on_form(form, error)
        else:
            two_factor.mark_verified(request, device)
            if device.name == two_factor.RECOVERY_DEVICE_NAME:
                left = device.token_set.count()
                messages.warning(
                    request,
                    _(
                        "You used a recovery code; %(left)s are left. Make new ones on your "
                        "account page if you run low."
                    )
                    % {"left": left},
                )
            return redirect(_next(request) or "dashboard")
    app = two_factor.app_device(request.user)
    return render(
        request,
        "core/two_factor/verify.html",
        {"form": form, "next": _next(request), "demo_code": two_factor.demo_code(app)},
    )


@login_required
def enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up an app: scan the QR code (or type the secret), confirm with its first code,
    then keep the recovery codes."""
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp.util import random_hex

    if two_factor.app_device(request.user) is not None:
        if request.session.get(two_factor.SESSION_KEY) != two_factor.OK:
            return redirect("two_factor_verify")
        messages.info(request, _("Two-factor authentication is already set up."))
        return redirect("account")
    key = request.session.get(PENDING_KEY)
    if not key:
        key = random_hex(20)
        request.session[PENDING_KEY] = key
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = actions.enrol(
                by=request.user, key=key, code=form.cleaned_data["code"], client=_client(request)
            )
        except ActionError as error:
            show_on_form(form, error)
        else:
            del request.session[PENDING_KEY]
            two_factor.mark_verified(request, two_factor.app_device(request.user))
            messages.success(request, _("Two-factor authentication is on."))
            return _codes_page(request, codes, next_url=_next(request))
    device = TOTPDevice(user=request.user, key=key)
    return render(
        request,
        "core/two_factor/enrol.html",
        {
            "form": form,
            "qr": two_factor.qr_svg(device),
            "secret": two_factor.secret_text(device),
            "required": two_factor.is_enforced() and two_factor.is_required(request.user),
            "next": _next(request),
        },
    )


@login_required
@require_POST
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), shown once."""
    if two_factor.app_device(request.user) is None:
        messages.warning(request, _("Set up two-factor authentication first."))
        return redirect("two_factor_enrol")
    try:
        codes = actions.regenerate_recovery_codes(by=request.user)
    except ActionError as error:
        messages.error(request, error.messages[0])
        return redirect("account")
    return _codes_page(request, codes)


def _codes_page(
    request: AuthenticatedHttpRequest, codes: list[str], next_url: str = ""
) -> HttpResponse:
    shown = [f"{code[:4]}-{code[4:]}" for code in codes]
    text = "\n".join(
        [
            _("Recovery codes for convenant (%(email)s)") % {"email": request.user.email},
            _("Each code works once, when your authenticator app is not at hand."),
            "",
            *shown,
            "",
        ]
    )
    return render(
        request,
        "core/two_factor/codes.html",
        {
            "codes": shown,
            "download": "data:text/plain;charset=utf-8;base64,"
            + base64.b64encode(text.encode()).decode(),
            "next": next_url,
        },
    )


@login_required
@require_POST
def turn_off(request: AuthenticatedHttpRequest) -> HttpResponse:
    if two_factor.app_device(request.user) is None:
        messages.warning(request, _("Two-factor authentication is not set up."))
        return redirect("account")
    try:
        actions.turn_off(by=request.user)
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Two-factor authentication is off."))
    return redirect("account")


@login_required
def reset(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The secretariat resets a person's two-factor authentication (a lost phone)."""
    person = access.get_visible_or_404(User, request.user, pk=pk)
    access.require(access.actor_for(request.user).is_secretariat and person.pk != request.user.pk)
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.reset(by=request.user, person=person, reason=form.cleaned_data["reason"])
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _(
                    "Two-factor authentication of %(name)s was reset; they set it up again at "
                    "their next log-in."
                )
                % {"name": person.full_name},
            )
            return redirect("two_factor_reset", pk=person.pk)
    return render(
        request,
        "core/two_factor/reset.html",
        {
            "person": person,
            "form": form,
            "enrolled": two_factor.app_device(person) is not None,
        },
    )
