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


# What the audit trail says of a token: never the token, nor its hash.
_TOKEN_FIELDS = ["name", "hint", "access", "apps", "expires_at"]
# A token's last use is written at most this often (the account page says so).
LAST_USED_PRECISION = datetime.timedelta(minutes=5)


def create_api_token(
    *,
    by: User,
    name: str,
    access: str = ApiToken.Access.READ,
    apps: list[str] | tuple[str, ...] = (),
    valid_days: int | None = 90,
) -> tuple[ApiToken, str]:
    """A new personal API token, read only unless ``access`` says write, for the API of
    ``apps`` (app labels; none means every app). Returns the token row and the plaintext,
    which is shown once and never stored. The account page offers 30, 90 or 365 days; a
    token that never expires (``valid_days=None``) only for a caller that asks on purpose."""
    from convenant.core.api_apps import api_apps

    name = name.strip()
    if not name:
        raise ActionError(_("Give the token a name, so you recognise it later."), field="name")
    if access not in ApiToken.Access.values:
        raise ActionError(_("Choose read only, or read and write."), field="access")
    known = {label for label, _name in api_apps()}
    unknown = sorted(set(apps) - known)
    if unknown:
        raise ActionError(
            _("The API has no part called %(apps)s.") % {"apps": ", ".join(unknown)},
            field="apps",
        )
    if valid_days is not None and not 1 <= valid_days <= 366:
        raise ActionError(_("A token is valid for 1 to 366 days."), field="valid_days")
    plaintext = ApiToken.PREFIX + secrets.token_urlsafe(32)
    expires_at = (
        timezone.now() + datetime.timedelta(days=valid_days) if valid_days is not None else None
    )
    with transaction.atomic(durable=True):
        # One token creation at a time per person, so that two with the same name cannot
        # both pass the check below.
        User.objects.unrestricted("create api token: the person's own").select_for_update().get(
            pk=by.pk
        )
        mine = ApiToken.objects.unrestricted("create api token: the person's own tokens")
        if mine.usable().filter(user=by, name__iexact=name).exists():
            raise ActionError(
                _("You already have a token called “%(name)s”. Choose another name.")
                % {"name": name},
                field="name",
            )
        token = ApiToken.objects.create(
            user=by,
            name=name,
            token_hash=hash_token(plaintext),
            hint=plaintext[:8],
            access=access,
            apps=sorted(set(apps)),
            expires_at=expires_at,
        )
        record_event(
            actor=by,
            verb="core.create_api_token",
            obj=token,
            after=snapshot(token, _TOKEN_FIELDS),
        )
    return token, plaintext


def can_revoke_api_token(by: User, token: ApiToken) -> bool:
    """The owner revokes their tokens; the secretariat anyone's (a stolen laptop)."""
    return token.user_id == by.pk or access.can_administer_covenant(access.actor_for(by))


def revoke_api_token(*, by: User, token: ApiToken, reason: str = "") -> ApiToken:
    """Revoke a token: scripts using it stop working at once. The owner revokes their own;
    the secretariat anyone's, saying why."""
    reason = reason.strip()
    with transaction.atomic(durable=True):
        token = (
            ApiToken.objects.unrestricted("revoke api token: the action decides access")
            .select_for_update()
            .get(pk=token.pk)
        )
        access.require(can_revoke_api_token(by, token))
        if token.revoked_at is not None:
            raise ActionError(_("This token was already revoked."), code="conflict")
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        after = snapshot(token, ["revoked_at"])
        if reason:
            after["reason"] = reason
        record_event(actor=by, verb="core.revoke_api_token", obj=token, after=after)
    return token


def revoke_all_api_tokens(*, by: User | None, user: User, reason: str) -> int:
    """Revoke every token of ``user`` not yet revoked (for an erasure, a departure, a lost
    laptop): one event per token, with the reason. ``by`` None is the system. Returns how
    many were revoked. Joins the caller's transaction when there is one (an erasure
    revokes with the rest of its work), else is one of its own."""
    if by is not None and by.pk != user.pk:
        access.require(access.can_administer_covenant(access.actor_for(by, fresh=True)))
    in_action = transaction.get_connection().in_atomic_block
    with transaction.atomic(durable=not in_action):
        now = timezone.now()
        tokens = list(
            ApiToken.objects.unrestricted("revoke all api tokens: the caller decides access")
            .select_for_update()
            .filter(user=user, revoked_at__isnull=True)
        )
        for token in tokens:
            token.revoked_at = now
            token.save(update_fields=["revoked_at", "updated_at"])
            record_event(
                actor=by,
                verb="core.revoke_api_token",
                obj=token,
                after={**snapshot(token, ["revoked_at"]), "reason": reason},
            )
    return len(tokens)


def authenticate_api_token(plaintext: str) -> ApiToken | None:
    """The usable token presented (with its person), or None. Not an action: a read that
    only touches the token's last-used time (no audit event for every API call), and that
    at most every few minutes (LAST_USED_PRECISION) so that a busy script does not write on
    every call."""
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
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.unrestricted("authenticate api token: the action decides access").filter(
            pk=token.pk
        ).update(last_used_at=now)
        token.last_used_at = now
    return token


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
