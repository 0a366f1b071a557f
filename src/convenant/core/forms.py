"""Forms of the core app: those that change how Django's own views work, and the API
token form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.db import transaction
from django.template import loader
from django.utils.translation import gettext_lazy

from convenant.core.api_apps import api_apps
from convenant.core.mail import send_email_later
from convenant.core.models import ApiToken


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, with its e-mail sent as a durable job (tried again when the
    mail server is away, visible to the secretariat when it fails)."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email_later(to=to_email, subject=subject, body=body, purpose="core.password_reset")


class AuditedPasswordChangeForm(PasswordChangeForm):
    """Django's change form, saving through the action that records the change."""

    def save(self, commit: bool = True) -> Any:
        from convenant.core.actions import set_password

        return set_password(
            person=self.user,
            password=self.cleaned_data["new_password1"],
            verb="core.change_password",
        )


class AuditedSetPasswordForm(SetPasswordForm):
    """Django's form behind the e-mailed reset link, saving through the same action."""

    def save(self, commit: bool = True) -> Any:
        from convenant.core.actions import set_password

        return set_password(
            person=self.user,
            password=self.cleaned_data["new_password1"],
            verb="core.reset_password",
        )


class TokenForm(forms.Form):
    """A new API token: what it is for, what it may do, where, and for how long."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “nightly holdings upload”."),
    )
    access = forms.ChoiceField(
        label=gettext_lazy("Access"),
        choices=ApiToken.Access.choices,
        initial=ApiToken.Access.READ,
        widget=forms.RadioSelect,
    )
    apps = forms.MultipleChoiceField(
        label=gettext_lazy("Parts of the API"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Tick none for every part."),
    )
    valid_days = forms.TypedChoiceField(
        label=gettext_lazy("Valid for"),
        coerce=int,
        initial=90,
        choices=[
            (30, gettext_lazy("30 days")),
            (90, gettext_lazy("90 days")),
            (365, gettext_lazy("365 days")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["apps"].choices = api_apps()  # type: ignore[attr-defined]
