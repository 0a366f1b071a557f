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
REFRESH_COVENANT = "risk.refresh_covenant"


def queue_scoring(snapshot_id: int) -> None:
    """A snapshot was imported: score it."""
    from convenant.portfolios.models import Snapshot

    snapshot = Snapshot.objects.unrestricted("the import queues its own snapshot's scoring").get(
        pk=snapshot_id
    )
    enqueue_job(SCORE_SNAPSHOT, subject=snapshot, party_id=snapshot.fund_id)


def queue_covenant_refresh_after_import(snapshot_id: int) -> None:
    """A snapshot was imported, perhaps replacing one: its fund's covenant totals are
    refreshed at once (the replaced snapshot's results are gone), not only after the
    scoring, so a wrong file replaced never counts on even if its successor's scoring fails."""
    from convenant.portfolios.models import Snapshot

    fund_id = (
        Snapshot.objects.unrestricted("the import refreshes its fund's covenant totals")
        .filter(pk=snapshot_id)
        .values_list("fund_id", flat=True)
        .first()
    )
    if fund_id is not None:
        queue_covenant_refresh(fund_id=fund_id)


def queue_rescoring(issuer_ids: set[int]) -> None:
    """Issuers changed: recompute only their results, in every snapshot that holds them.
    The job concerns several funds' results, so it names no party (the secretariat follows
    it; it shows only issuer ids)."""
    if issuer_ids:
        enqueue_job(RESCORE_ISSUERS, params={"issuer_ids": sorted(issuer_ids)})


def queue_covenant_refresh(
    *, fund_id: int | None = None, issuer_ids: set[int] | None = None
) -> None:
    """A fund's results changed (its snapshot scored, replaced or deleted), or some
    companies' results did: bring the covenant risks up to date after the commit. Without
    either, the whole table is rebuilt. Covenant-wide work: it names no party."""
    params: dict[str, Any] = {}
    if fund_id is not None:
        params["fund_id"] = fund_id
    if issuer_ids is not None:
        params["issuer_ids"] = sorted(issuer_ids)
    enqueue_job(REFRESH_COVENANT, params=params)


def _score(job: Job, context: JobContext) -> dict[str, Any]:
    from django.db import transaction

    from convenant.portfolios.models import Snapshot
    from convenant.risk.actions import score_snapshot

    context.progress("score", 0.05)
    results = score_snapshot(int(job.subject_id))
    # Here rather than in score_snapshot: the demo and the benchmark score every snapshot in
    # a row and rebuild the covenant totals once afterwards.
    fund_id = (
        Snapshot.objects.unrestricted("the scoring job refreshes its fund's covenant totals")
        .filter(pk=job.subject_id)
        .values_list("fund_id", flat=True)
        .first()
    )
    if fund_id is not None:
        with transaction.atomic():
            queue_covenant_refresh(fund_id=fund_id)
    return {"results": results}


def _rescore(job: Job, context: JobContext) -> dict[str, Any]:
    from convenant.risk.actions import rescore_issuers

    return {"results": rescore_issuers(set(job.params["issuer_ids"]))}


def _refresh_covenant(job: Job, context: JobContext) -> dict[str, Any]:
    from convenant.risk.actions import refresh_covenant_risks

    context.progress("refresh", 0.05)
    issuer_ids = job.params.get("issuer_ids")
    return {
        "rows": refresh_covenant_risks(
            fund_id=job.params.get("fund_id"),
            issuer_ids=set(issuer_ids) if issuer_ids is not None else None,
        )
    }


def register() -> None:
    register_job_kind(
        SCORE_SNAPSHOT,
        _score,
        label=_("Risk scoring of a snapshot"),
        subject_url=lambda job: reverse("snapshot_risks", args=[job.subject_id]),
    )
    register_job_kind(RESCORE_ISSUERS, _rescore, label=_("Risks of changed issuers recomputed"))
    register_job_kind(
        REFRESH_COVENANT,
        _refresh_covenant,
        label=_("Covenant risks brought up to date"),
        subject_url=lambda job: reverse("covenant_risks"),
    )
