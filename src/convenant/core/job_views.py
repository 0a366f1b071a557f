"""Pages of background jobs: a person follows their jobs (and the secretariat the
covenant's e-mails), sees why one failed, cancels a queued one and retries a failed one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from convenant.core import access, actions
from convenant.core.errors import ActionError
from convenant.core.http import AuthenticatedHttpRequest
from convenant.core.jobs import kind_label, registered_kinds, subject_url
from convenant.core.mail import SEND_EMAIL, purpose_label
from convenant.core.models import Job


def describe(job: Job, *, link: bool = True) -> dict[str, str]:
    """What a page shows of a job: never an e-mail's subject or text. ``link``: the page of
    what it worked on, which may cost a query — only a job's own page shows it, not lists."""
    details = {"kind": kind_label(job.kind), "subject_url": (link and subject_url(job)) or ""}
    if job.kind == SEND_EMAIL:
        details["recipient"] = job.params.get("to", "")
        details["purpose"] = purpose_label(job.params.get("purpose", ""))
    return details


@login_required
def job_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    jobs = Job.objects.visible_to(request.user)
    state = request.GET.get("state", "")
    if state in Job.State.values:
        jobs = jobs.filter(state=state)
    kind = request.GET.get("kind", "")
    if kind in registered_kinds():
        jobs = jobs.filter(kind=kind)
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/job_list.html",
        {
            "page": page,
            "rows": [(job, describe(job, link=False)) for job in page],
            "states": Job.State.choices,
            "kinds": sorted((k, kind_label(k)) for k in registered_kinds()),
            "state": state,
            "kind": kind,
        },
    )


@login_required
def job_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = access.get_visible_or_404(Job, request.user, pk=pk)
    actor = access.actor_for(request.user)
    context = {
        "job": job,
        "details": describe(job),
        "can_manage": access.can_manage_job(
            actor, created_by_id=job.created_by_id, party_id=job.party_id
        ),
    }
    template = "core/_job_status.html" if request.htmx else "core/job_detail.html"
    return render(request, template, context)


def _act(request: AuthenticatedHttpRequest, pk: int, action: Any) -> HttpResponse:
    job = access.get_visible_or_404(Job, request.user, pk=pk)
    try:
        action(by=request.user, job=job)
    except ActionError as error:
        messages.error(request, error.messages[0])
    return redirect("job_detail", pk=job.pk)


@login_required
@require_POST
def job_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, actions.cancel_job)


@login_required
@require_POST
def job_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, actions.retry_job)
