"""Writes of the core app: the person's own profile and API tokens."""

from __future__ import annotations

import datetime
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.core import access
from convenant.core.audit import record_event, snapshot
from convenant.core.errors import ActionError
from convenant.core.models import ApiToken, Job, User, hash_token


def update_profile(*, by: User, full_name: str, language: str) -> User:
    """A person changes their own name and preferred language."""
    full_name = full_name.strip()
    if not full_name:
        raise ActionError(_("Enter your full name."), field="full_name")
    with transaction.atomic(durable=True):
        user = (
            User.objects.unrestricted("update profile: the action decides access")
            .select_for_update()
            .get(pk=by.pk)
        )
        before = snapshot(user, ["full_name", "language"])
        user.full_name, user.language = full_name, language
        user.save(update_fields=["full_name", "language", "updated_at"])
        record_event(
            actor=by,
            verb="core.update_profile",
            obj=user,
            before=before,
            after=snapshot(user, ["full_name", "language"]),
        )
    return user


def create_api_token(*, by: User, name: str, valid_days: int | None = None) -> tuple[ApiToken, str]:
    """A new personal API token. Returns the token row and the plaintext, which is shown once
    and never stored."""
    name = name.strip()
    if not name:
        raise ActionError(_("Give the token a name, so you recognise it later."), field="name")
    if valid_days is not None and not 1 <= valid_days <= 366:
        raise ActionError(_("A token is valid for 1 to 366 days."), field="valid_days")
    plaintext = ApiToken.PREFIX + secrets.token_urlsafe(32)
    expires_at = (
        timezone.now() + datetime.timedelta(days=valid_days) if valid_days is not None else None
    )
    with transaction.atomic(durable=True):
        token = ApiToken.objects.create(
            user=by,
            name=name,
            token_hash=hash_token(plaintext),
            hint=plaintext[:8],
            expires_at=expires_at,
        )
        record_event(
            actor=by,
            verb="core.create_api_token",
            obj=token,
            after=snapshot(token, ["name", "hint", "expires_at"]),
        )
    return token, plaintext


def revoke_api_token(*, by: User, token: ApiToken) -> ApiToken:
    """Revoke one of the person's own tokens; scripts using it stop working at once."""
    with transaction.atomic(durable=True):
        token = (
            ApiToken.objects.unrestricted("revoke api token: the action decides access")
            .select_for_update()
            .get(pk=token.pk, user=by)
        )
        if token.revoked_at is not None:
            raise ActionError(_("This token was already revoked."), code="conflict")
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        record_event(
            actor=by, verb="core.revoke_api_token", obj=token, after=snapshot(token, ["revoked_at"])
        )
    return token


def authenticate_api_token(plaintext: str) -> User | None:
    """The person a presented token belongs to, or None. Not an action: a read that only
    touches the token's last-used time (no audit event for every API call)."""
    if not plaintext.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.unrestricted("authenticate api token: the action decides access")
        .usable()
        .select_related("user")
        .filter(token_hash=hash_token(plaintext))
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
        ApiToken.objects.unrestricted("authenticate api token: the action decides access").filter(
            pk=token.pk
        ).update(last_used_at=now)
    return token.user


def _require_job_manager(by: User, job: Job) -> None:
    actor = access.actor_for(by, fresh=True)
    access.require(
        access.can_manage_job(actor, created_by_id=job.created_by_id, party_id=job.party_id)
    )


def _locked_job(job: Job) -> Job:
    """The job's row as it is now, locked until the action's transaction ends."""
    return (
        Job.objects.unrestricted("a person acts on a job they may manage")
        .select_for_update()
        .get(pk=job.pk)
    )


def cancel_job(*, by: User, job: Job) -> Job:
    """A person stops a job that has not started yet."""
    _require_job_manager(by, job)
    with transaction.atomic(durable=True):
        job = _locked_job(job)
        if not job.can_cancel:
            raise ActionError(
                _("Only a job that has not started yet can be cancelled."), code="conflict"
            )
        job.state, job.finished_at = Job.State.CANCELLED, timezone.now()
        job.message = _("Cancelled by %(name)s.") % {"name": by.full_name or by.email}
        job.save(update_fields=["state", "finished_at", "message", "updated_at"])
        record_event(
            actor=by,
            verb="core.cancel_job",
            obj=job,
            party_id=job.party_id,
            after={"kind": job.kind, "state": job.state},
        )
    return job


def retry_job(*, by: User, job: Job) -> Job:
    """A person sends a failed job to run again, with a fresh count of attempts."""
    from convenant.core.jobs import dispatch

    _require_job_manager(by, job)
    with transaction.atomic(durable=True):
        job = _locked_job(job)
        if not job.can_retry:
            raise ActionError(_("Only a failed job can be tried again."), code="conflict")
        job.state, job.attempts, job.progress, job.stage = Job.State.QUEUED, 0, 0, ""
        job.message, job.finished_at = "", None
        job.save(
            update_fields=[
                "state",
                "attempts",
                "progress",
                "stage",
                "message",
                "finished_at",
                "updated_at",
            ]
        )
        record_event(
            actor=by,
            verb="core.retry_job",
            obj=job,
            party_id=job.party_id,
            after={"kind": job.kind, "state": job.state},
        )
        job_id = job.pk
        transaction.on_commit(lambda: dispatch(job_id))
    return job


def set_password(*, person: User, password: str, verb: str) -> User:
    """A person changes their password (knowing the old one) or sets a new one through an
    e-mailed reset link. The event says that it happened, never anything of the password."""
    if verb not in {"core.change_password", "core.reset_password"}:
        raise ValueError(f"Not a password verb: {verb}")
    with transaction.atomic(durable=True):
        user = (
            User.objects.unrestricted("a person sets their own password")
            .select_for_update()
            .get(pk=person.pk)
        )
        user.set_password(password)
        user.save(update_fields=["password", "updated_at"])
        record_event(actor=user, verb=verb, obj=user)
    person.password = user.password
    return person
