"""Risk work that runs after a commit, as durable jobs (core.jobs): scoring a snapshot after
its import, and recomputing the issuers whose data changed (a confirmed or rejected match, a
merge). The portfolios hooks call the listeners inside the action's transaction; they only
queue the job, which runs once the change has committed."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from convenant.core.jobs import JobContext, enqueue_job, register_job_kind
from convenant.core.models import Job

SCORE_SNAPSHOT = "risk.score_snapshot"
RESCORE_ISSUERS = "risk.rescore_issuers"


def queue_scoring(snapshot_id: int) -> None:
    """A snapshot was imported: score it."""
    from convenant.portfolios.models import Snapshot

    snapshot = Snapshot.objects.unrestricted("the import queues its own snapshot's scoring").get(
        pk=snapshot_id
    )
    enqueue_job(SCORE_SNAPSHOT, subject=snapshot, party_id=snapshot.fund_id)


def queue_rescoring(issuer_ids: set[int]) -> None:
    """Issuers changed: recompute only their results, in every snapshot that holds them.
    The job concerns several funds' results, so it names no party (the secretariat follows
    it; it shows only issuer ids)."""
    if issuer_ids:
        enqueue_job(RESCORE_ISSUERS, params={"issuer_ids": sorted(issuer_ids)})


def _score(job: Job, context: JobContext) -> dict[str, Any]:
    from convenant.risk.actions import score_snapshot

    context.progress("score", 0.05)
    return {"results": score_snapshot(int(job.subject_id))}


def _rescore(job: Job, context: JobContext) -> dict[str, Any]:
    from convenant.risk.actions import rescore_issuers

    return {"results": rescore_issuers(set(job.params["issuer_ids"]))}


def register() -> None:
    register_job_kind(
        SCORE_SNAPSHOT,
        _score,
        label=_("Risk scoring of a snapshot"),
        subject_url=lambda job: reverse("snapshot_risks", args=[job.subject_id]),
    )
    register_job_kind(RESCORE_ISSUERS, _rescore, label=_("Risks of changed issuers recomputed"))
