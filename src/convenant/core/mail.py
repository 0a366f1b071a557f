"""E-mail as durable jobs: one job per message, so one bad address does not stop the others,
a mail server that does not answer is tried again, and what could not be sent is visible to
the secretariat (on the jobs page) instead of lost in a log."""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.mail import EmailMessage
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from convenant.core.jobs import JobContext, JobFailed, JobRetry, enqueue_job, register_job_kind
from convenant.core.models import Job

SEND_EMAIL = "core.send_email"

# Why an e-mail was sent, for the jobs page: the secretariat sees the purpose and the
# address of a failed send, never its subject or text (they may name a company a fund holds).
_purposes: dict[str, str | Promise] = {}


def register_email_purpose(purpose: str, label: str | Promise) -> None:
    _purposes[purpose] = label


def purpose_label(purpose: str) -> str:
    return str(_purposes.get(purpose, purpose))


def send_email_later(
    *,
    to: str,
    subject: str,
    body: str,
    purpose: str,
    language: str | None = None,
    party_id: int | None = None,
) -> Job:
    """Queue one e-mail; it is sent after the surrounding transaction commits. It names no
    asker: that could tell the asker who was written to. The secretariat follows it —
    unless ``party_id`` says that whom it went to is that party's confidential business
    (a signal alert to a fund's people says the fund holds the company): then that
    party's people follow it, nobody else."""
    return enqueue_job(
        SEND_EMAIL,
        party_id=party_id,
        params={"to": to, "subject": subject, "body": body, "purpose": purpose},
        language=language,
    )


def _send(job: Job, context: JobContext) -> dict[str, Any]:
    params = job.params
    message = EmailMessage(subject=params["subject"], body=params["body"], to=[params["to"]])
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as refused:
        raise JobFailed(_("The mail server refused the address.")) from refused
    except (smtplib.SMTPException, OSError) as trouble:
        raise JobRetry(
            _("The mail server did not take the message (%(reason)s).")
            % {"reason": type(trouble).__name__}
        ) from trouble
    # What was sent is not kept: the text may hold a one-time link.
    Job.objects.unrestricted("sending e-mail, a job").filter(pk=job.pk).update(
        params={**params, "body": "", "subject": ""}
    )
    return {"to": params["to"], "purpose": params["purpose"]}


def register() -> None:
    register_job_kind(SEND_EMAIL, _send, label=_("E-mail"), max_attempts=5)
    register_email_purpose("core.password_reset", _("Password reset"))
