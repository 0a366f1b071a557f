"""Pages of the core app: home, dashboard, search, the person's account and API tokens
(the audit log is in audit_views, a person's privacy rights in privacy_views). Views
validate and call actions; reads go through visible_to."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from convenant.core import access, actions, api_apps, login_throttle, navigation
from convenant.core.errors import ActionError, show_on_form
from convenant.core.forms import TokenForm
from convenant.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from convenant.core.models import ApiToken, User
from convenant.core.search import search as run_search


def home(request: HttpRequest) -> HttpResponse:
    """Public landing page; a signed-in person goes to their dashboard."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(
        request, "core/home.html", {"panels": navigation.panels_for(request, access.ANONYMOUS)}
    )


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = access.actor_for(request.user)
    return render(request, "core/dashboard.html", {"panels": navigation.panels_for(request, actor)})


def search(request: HtmxHttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    groups = run_search(request.user, text) if text else []
    template = "core/_search_results.html" if request.htmx else "core/search.html"
    return render(request, template, {"q": text, "groups": groups})


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=200)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)


@login_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    profile_form = ProfileForm(
        initial={
            "full_name": user.full_name,
            "language": user.language or request.LANGUAGE_CODE,
        }
    )
    token_form = TokenForm()
    new_token = None
    response_cookie = None
    if request.method == "POST" and "save_profile" in request.POST:
        profile_form = ProfileForm(request.POST)
        if profile_form.is_valid():
            try:
                actions.update_profile(by=user, **profile_form.cleaned_data)
            except ActionError as error:
                show_on_form(profile_form, error)
            else:
                messages.success(request, _("Your profile was saved."))
                response_cookie = profile_form.cleaned_data["language"]
    elif request.method == "POST" and "create_token" in request.POST:
        token_form = TokenForm(request.POST)
        if token_form.is_valid():
            try:
                _token, new_token = actions.create_api_token(by=user, **token_form.cleaned_data)
            except ActionError as error:
                show_on_form(token_form, error)
            else:
                token_form = TokenForm()
    response = render(
        request,
        "core/account.html",
        {
            "profile_form": profile_form,
            "token_form": token_form,
            "tokens": _token_rows(ApiToken.objects.visible_to(user).filter(user=user)),
            "new_token": new_token,
            "last_used_minutes": _last_used_minutes(),
        },
    )
    if response_cookie:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, response_cookie, samesite="Lax", max_age=365 * 24 * 3600
        )
    return response


# Revoked and expired tokens stay listed (greyed) this long, so that a person sees what
# stopped working and when.
ENDED_TOKENS_SHOWN = datetime.timedelta(days=90)


def _token_rows(tokens: QuerySet[ApiToken]) -> list[dict[str, Any]]:
    """The tokens to list: usable ones, and those that ended less than ENDED_TOKENS_SHOWN
    ago; with the names of the apps each is for."""
    since = timezone.now() - ENDED_TOKENS_SHOWN
    shown = tokens.filter(
        Q(revoked_at__isnull=True) | Q(revoked_at__gt=since),
        Q(expires_at__isnull=True) | Q(expires_at__gt=since),
    ).select_related("user")
    return [
        {
            "token": token,
            "apps": [api_apps.app_name(label) for label in token.apps],
            "usable": token.is_usable,
        }
        for token in shown
    ]


def _last_used_minutes() -> int:
    return int(actions.LAST_USED_PRECISION.total_seconds() // 60)


@login_required
def person_tokens(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The secretariat's view of one person's API tokens (never the secrets), to revoke
    them, e.g. when a laptop is stolen."""
    person = access.get_visible_or_404(User, request.user, pk=pk)
    access.require(access.can_administer_covenant(access.actor_for(request.user)))
    return render(
        request,
        "core/person_tokens.html",
        {
            "person": person,
            "tokens": _token_rows(ApiToken.objects.visible_to(request.user).filter(user=person)),
            "last_used_minutes": _last_used_minutes(),
        },
    )


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The owner revokes their token from the account page; the secretariat anyone's from
    the person's token page (with a reason for the audit trail)."""
    token = access.get_visible_or_404(ApiToken, request.user, pk=pk)
    try:
        actions.revoke_api_token(
            by=request.user, token=token, reason=request.POST.get("reason", "")[:500]
        )
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    if token.user_id != request.user.pk:
        return redirect("person_tokens", pk=token.user_id)
    return redirect("account")


class LoginForm(AuthenticationForm):
    """Log-in by e-mail address; e-mail addresses are not case-sensitive, passwords are."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "This e-mail address and password do not match an active account. Check them, "
            "or reset your password."
        ),
    }

    def clean(self) -> dict[str, object]:
        """Refuse while too many log-ins failed for this address or from this client, so a
        password cannot be guessed; the right password then waits too."""
        email = str(self.data.get("username") or "")
        client = str(self.request.META.get("REMOTE_ADDR", "")) if self.request else ""
        if login_throttle.is_blocked(email, client):
            raise forms.ValidationError(
                _("Too many failed log-ins. Wait %(minutes)s minutes, or reset your password.")
                % {"minutes": settings.LOGIN_THROTTLE_WINDOW // 60},
                code="throttled",
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_throttle.failed(email, client)
            raise
        login_throttle.succeeded(email)
        return cleaned
