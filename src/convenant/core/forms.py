"""Forms of the core app that change how Django's own views work."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.db import transaction
from django.template import loader

from convenant.core.mail import send_email_later


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
