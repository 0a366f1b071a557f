"""The covenant, its constituencies and tracks, the parties that signed it, and the people
who work in it for a party (memberships and invitations)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from convenant.core import access
from convenant.core.access import Role
from convenant.core.models import TimeStampedModel


class Covenant(TimeStampedModel):
    """An agreement between parties, for a fixed term (IMVB: 2019-01-01 to 2022-12-31).
    Everything else hangs off it, so a later covenant of the same shape is configuration."""

    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=40)
    slug = models.SlugField(_("slug"), unique=True)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        verbose_name = _("covenant")
        verbose_name_plural = _("covenants")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")), name="covenant_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.short_name


class LocalizedNameMixin:
    """Reference rows named in the covenant's language (``name``) and in English."""

    name: str
    name_en: str

    def __str__(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


class Track(LocalizedNameMixin, TimeStampedModel):
    """A line of work parties can sign for: IMVB has the broad track (all funds) and the deep
    track (collaborative cases)."""

    covenant = models.ForeignKey(Covenant, on_delete=models.CASCADE, related_name="tracks")
    code = models.SlugField(_("code"))
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        ordering = ["covenant", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["covenant", "code"], name="track_code_unique")
        ]


class Constituency(LocalizedNameMixin, TimeStampedModel):
    """A group of parties with one seat in the steering group (geleding): pension funds and
    federation, government, unions, NGOs."""

    covenant = models.ForeignKey(Covenant, on_delete=models.CASCADE, related_name="constituencies")
    code = models.SlugField(_("code"))
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("constituency")
        verbose_name_plural = _("constituencies")
        ordering = ["covenant", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["covenant", "code"], name="constituency_code_unique")
        ]


class PartyQuerySet(models.QuerySet["Party"]):
    def visible_to(self, user: Any) -> PartyQuerySet:
        """Who signed the covenant is public: the directory shows every party, current and
        former. What a party holds or does lives in other models with their own rules."""
        return self.all()

    def active(self, on: datetime.date | None = None) -> PartyQuerySet:
        """Parties in the covenant on a date (today by default)."""
        on = on or timezone.localdate()
        return self.filter(joined_on__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gt=on))

    def funds(self) -> PartyQuerySet:
        return self.filter(type=Party.Type.PENSION_FUND)


class Party(TimeStampedModel):
    """An organisation that signed the covenant, or one of its neutral bodies (the secretariat
    and the monitoring committee, which belong to no constituency)."""

    class Type(models.TextChoices):
        PENSION_FUND = "pension_fund", _("Pension fund")
        FEDERATION = "federation", _("Federation")
        MINISTRY = "ministry", _("Ministry")
        UNION = "union", _("Union")
        NGO = "ngo", _("NGO")
        SECRETARIAT = "secretariat", _("Secretariat")
        MONITORING_COMMITTEE = "monitoring_committee", _("Monitoring committee")

    class Departure(models.TextChoices):
        LEFT = "left", _("Left the covenant")
        EXPELLED = "expelled", _("Expelled")

    NEUTRAL_TYPES = (Type.SECRETARIAT, Type.MONITORING_COMMITTEE)

    covenant = models.ForeignKey(Covenant, on_delete=models.PROTECT, related_name="parties")
    constituency = models.ForeignKey(
        Constituency,
        verbose_name=_("constituency"),
        on_delete=models.PROTECT,
        related_name="parties",
        null=True,
        blank=True,
    )
    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("Short unique code, used on the command line (e.g. --fund CODE)."),
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    invested_assets_eur = models.DecimalField(
        _("invested assets (EUR)"),
        max_digits=16,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    invested_assets_as_of = models.DateField(_("invested assets as of"), null=True, blank=True)
    tracks = models.ManyToManyField(
        Track, verbose_name=_("tracks"), related_name="parties", blank=True
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    departure = models.CharField(
        _("departure"), max_length=20, choices=Departure.choices, blank=True
    )
    departure_reason = models.TextField(_("reason for departure"), blank=True)

    objects = PartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="party_leaves_after_joining",
            ),
            models.CheckConstraint(
                condition=(Q(left_on__isnull=True) & Q(departure=""))
                | (Q(left_on__isnull=False) & ~Q(departure="")),
                name="party_departure_has_date",
            ),
            models.CheckConstraint(
                condition=Q(invested_assets_eur__isnull=True) | Q(invested_assets_eur__gte=0),
                name="party_assets_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("party_detail", args=[self.slug])

    def is_active(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.joined_on <= on and (self.left_on is None or self.left_on > on)

    @property
    def is_fund(self) -> bool:
        return self.type == Party.Type.PENSION_FUND

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class MembershipQuerySet(access.RestrictedQuerySet["Membership"]):
    def visible_to(self, user: Any) -> MembershipQuerySet:
        """Who works for a party is visible to that party's members and the secretariat."""
        actor = access.actor_for(user)
        if not actor.is_authenticated:
            return self.none()
        if actor.is_secretariat:
            return self.all()
        return self.filter(access.member_of_q(actor, "party") | Q(user_id=actor.user_id))

    def editable_by(self, user: Any) -> MembershipQuerySet:
        actor = access.actor_for(user)
        if actor.is_secretariat:
            return self.all()
        return self.filter(access.member_of_q(actor, "party", Role.ADMINISTRATOR))


class Membership(TimeStampedModel):
    """A person works in the covenant for a party, with a role in that party."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["party__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "party"], name="membership_once_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.party} ({self.get_role_display()})"


class InvitationQuerySet(access.RestrictedQuerySet["Invitation"]):
    def visible_to(self, user: Any) -> InvitationQuerySet:
        """Invitations are seen by whoever may manage the party's members."""
        actor = access.actor_for(user)
        if actor.is_secretariat:
            return self.all()
        return self.filter(access.member_of_q(actor, "party", Role.ADMINISTRATOR))

    def open(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def pending(self) -> InvitationQuerySet:
        return self.open().filter(expires_at__gt=timezone.now())


class Invitation(TimeStampedModel):
    """An e-mail invitation to work for a party. The link carries a one-time secret of which
    only a hash is stored; it expires, and it works once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "party",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_party_and_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.party}"

    @property
    def status(self) -> Status:
        if self.accepted_at:
            return Invitation.Status.ACCEPTED
        if self.revoked_at:
            return Invitation.Status.REVOKED
        if self.expires_at <= timezone.now():
            return Invitation.Status.EXPIRED
        return Invitation.Status.PENDING
