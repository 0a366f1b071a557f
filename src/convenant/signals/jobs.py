"""Signal work that runs after a commit, as durable jobs (core.jobs): once a signal is
shared, telling the funds that hold its companies (inbox and one e-mail job per person) and
turning it into company findings in their risk results; once it is found unsubstantiated or
merged, withdrawing those findings. Queued inside the triage action's transaction."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from convenant.core.jobs import JobContext, enqueue_job, register_job_kind
from convenant.core.models import Job, User

AFTER_SHARE = "signals.after_share"
WITHDRAW_FINDINGS = "signals.withdraw_findings"
SUGGEST_ISSUERS = "signals.suggest_issuers"


def queue_after_share(signal: Any, by: Any) -> None:
    # No party and no count in the result: how many funds were told would reveal to the
    # handler who holds the company (only the secretariat reads the audit event).
    enqueue_job(AFTER_SHARE, by=by, subject=signal)


def queue_withdraw_findings(reference: str, by: Any) -> None:
    enqueue_job(WITHDRAW_FINDINGS, by=by, params={"reference": reference})


def queue_issuer_suggestions(signal: Any, by: Any) -> None:
    enqueue_job(SUGGEST_ISSUERS, by=by, subject=signal)


def _asker(job: Job) -> User | None:
    return job.created_by


def _after_share(job: Job, context: JobContext) -> dict[str, Any]:
    from convenant.signals import actions

    signal_id = int(job.subject_id)
    context.progress("alerts", 0.1)
    actions.alert_funds(signal_id, _asker(job))
    context.progress("findings", 0.6)
    actions.feed_risk(signal_id, _asker(job))
    return {}


def _withdraw(job: Job, context: JobContext) -> dict[str, Any]:
    from convenant.risk import actions as risk_actions

    withdrawn = risk_actions.withdraw_company_findings(
        reference=job.params["reference"], by=_asker(job)
    )
    return {"withdrawn": withdrawn}


def _suggest(job: Job, context: JobContext) -> dict[str, Any]:
    from convenant.signals import actions

    actions.store_issuer_suggestions(int(job.subject_id))
    return {}


def _signal_url(job: Job) -> str | None:
    from convenant.signals.models import Signal

    reference = (
        Signal.objects.unrestricted("the job page links to the signal it followed up")
        .filter(pk=job.subject_id)
        .values_list("reference", flat=True)
        .first()
    )
    return reverse("signal_detail", args=[reference]) if reference else None


def register() -> None:
    register_job_kind(
        AFTER_SHARE,
        _after_share,
        label=_("Funds told of a shared signal"),
        subject_url=_signal_url,
    )
    register_job_kind(WITHDRAW_FINDINGS, _withdraw, label=_("Findings of a signal withdrawn"))
    register_job_kind(
        SUGGEST_ISSUERS,
        _suggest,
        label=_("Issuers suggested for a signal's company"),
        subject_url=_signal_url,
    )
