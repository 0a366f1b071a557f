"""Core models: people (users), the append-only audit log and personal API tokens."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from convenant.core import access


class TimeStampedModel(models.Model):
    """Base for every domain model: when a row was created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class UserQuerySet(access.RestrictedQuerySet["User"]):
    def visible_to(self, user: Any) -> UserQuerySet:
        """A person sees themselves, the people of their own parties and, in the secretariat,
        everyone. Nobody else reads names or e-mail addresses."""
        actor = access.actor_for(user)
        if not actor.is_authenticated:
            return self.none()
        if actor.is_secretariat:
            return self.all()
        same_party = access.member_of_q(actor, "memberships__party")
        return self.filter(models.Q(pk=actor.user_id) | same_party).distinct()


class UserManager(BaseUserManager["User"]):
    def get_queryset(self) -> UserQuerySet:
        # Through the hints a related manager (``party.members``) starts scoped, as with
        # every restricted model (core.access).
        queryset = UserQuerySet(self.model, using=self._db)
        queryset._add_hints(**self._hints)  # type: ignore[attr-defined]
        return queryset

    def visible_to(self, user: Any) -> UserQuerySet:
        return self.get_queryset().visible_to(user)

    def unrestricted(self, reason: str) -> UserQuerySet:
        return self.get_queryset().unrestricted(reason)

    def get_by_natural_key(self, username: str | None) -> User:
        # Signing in (auth's backend, createsuperuser): the person behind an e-mail address.
        return self.unrestricted("signing in: the person behind an e-mail address").get(
            email__iexact=username
        )

    def create_user(self, email: str, full_name: str, password: str | None = None) -> User:
        user = self.model(email=normalize_email(email), full_name=full_name.strip())
        user.set_password(password)
        user.save()
        return user


def normalize_email(email: str) -> str:
    """E-mail addresses are compared case-insensitively; we store them lower-case."""
    return email.strip().lower()


class User(AbstractBaseUser):
    """A person who signs in: a fund officer, union or NGO staff member, secretariat or
    monitoring-committee member. What they may see follows from their party memberships."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    language = models.CharField(_("language"), max_length=8, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set when the person's data was erased on request: the row stays (audit events point at
    # it) but carries a pseudonym instead of a name and an address, and can never sign in.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="core_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("person_detail", args=[self.pk])


class AuditEventQuerySet(access.RestrictedQuerySet["AuditEvent"]):
    def visible_to(self, user: Any) -> AuditEventQuerySet:
        """The audit log names people and what they changed. The secretariat reads all of it;
        a party's administrators read the events about their party. Events about a party's
        confidential data show their content only to that party's administrators
        (``core.audit.content_withheld``): the secretariat sees that they happened."""
        actor = access.actor_for(user)
        if access.can_administer_covenant(actor):
            return self.all()
        return self.filter(access.member_of_q(actor, "party_id", access.Role.ADMINISTRATOR))


class AuditEvent(models.Model):
    """One thing that happened, written by the action that did it, in the same transaction.
    Append-only: a database trigger refuses UPDATE and DELETE (migration 0002)."""

    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # PROTECT: a person with a history is deactivated, never deleted (the log is append-only).
    actor = models.ForeignKey(
        User, verbose_name=_("who"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Kept as text too: the address the person had when they acted.
    actor_label = models.CharField(_("who (as recorded)"), max_length=254, blank=True)
    verb = models.CharField(_("what"), max_length=100, db_index=True)
    object_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    # The party the event concerns, as a plain id: core must not depend on the parties app.
    party_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.object_repr}"
        )


class ApiTokenQuerySet(access.RestrictedQuerySet["ApiToken"]):
    def visible_to(self, user: Any) -> ApiTokenQuerySet:
        """A token is its owner's; the secretariat also sees everyone's (what they are
        called, their scope and use, never the secret) so as to revoke a stolen one."""
        actor = access.actor_for(user)
        if actor.user_id is None:
            return self.none()
        if actor.is_secretariat:
            return self.all()
        return self.filter(user_id=actor.user_id)

    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


class ApiToken(TimeStampedModel):
    """A personal token for scripts calling the API as this person. Only a hash is stored;
    the token itself is shown once, when it is created."""

    PREFIX = "cvn_"

    class Access(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("starts with"), max_length=12, editable=False)
    # What the token may do: read only (GET/HEAD), or read and write; and in which apps'
    # parts of the API (their labels; empty means every app).
    access = models.CharField(
        _("access"), max_length=8, choices=Access.choices, default=Access.READ
    )
    apps = ArrayField(
        models.CharField(max_length=40), verbose_name=_("apps"), default=list, blank=True
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_usable(self) -> bool:
        return (
            self.revoked_at is None
            and (self.expires_at is None or self.expires_at > timezone.now())
            and self.user.is_active
        )


class JobQuerySet(access.RestrictedQuerySet["Job"]):
    def visible_to(self, user: Any) -> JobQuerySet:
        """A job is seen by the person who asked for it and by the people of the party it
        concerns (a fund's import: its members, nobody else). Jobs that concern no party
        (e-mails, covenant-wide work) are the secretariat's to watch."""
        actor = access.actor_for(user)
        if not actor.is_authenticated:
            return self.none()
        q = models.Q(created_by_id=actor.user_id) | access.member_of_q(actor, "party_id")
        if actor.is_secretariat:
            q |= models.Q(party_id__isnull=True)
        return self.filter(q)


class Job(models.Model):
    """One piece of work that runs after a commit (an import, a scoring, an e-mail): its
    state, how far it got, a message in the language of the person who asked, and a
    heartbeat so that a job whose worker died is noticed and never stays "running"."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.CharField(max_length=64, blank=True)
    # The party the work concerns, as a plain id (core knows nothing of parties): it decides
    # who may follow the job.
    party_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(max_length=8, blank=True)
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveIntegerField(default=3)
    stage = models.CharField(_("stage"), max_length=40, blank=True)
    progress = models.FloatField(_("progress"), default=0)
    message = models.TextField(_("message"), blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(
                fields=["heartbeat_at"],
                name="core_job_running_heartbeat",
                condition=models.Q(state="running"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0) & models.Q(progress__lte=1),
                name="core_job_progress_0_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in {self.State.SUCCEEDED, self.State.FAILED, self.State.CANCELLED}

    @property
    def can_cancel(self) -> bool:
        return self.state == self.State.QUEUED

    @property
    def can_retry(self) -> bool:
        return self.state == self.State.FAILED
