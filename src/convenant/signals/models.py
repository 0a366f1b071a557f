"""Signals of abuses: what a party or an anonymous reporter tells the covenant about a company,
how it is handled, with whom it is shared and which funds were told.

A signal can put a worker, a community or a human-rights defender at risk. Who may read it is
decided here, in ``SignalQuerySet.visible_to`` (DESIGN §5), and which of its fields each reader
sees in ``Signal.reader_tier`` / ``Signal.shows``: deny by default.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from convenant.core import access
from convenant.core.access import Actor, Role, Visibility
from convenant.core.models import TimeStampedModel

# A signal's confidentiality levels are the policy's own (core.access.Visibility, DESIGN §5).
LEVELS = tuple(Visibility)
LEVEL_CHOICES = Visibility.choices


def level_rank(level: str) -> int:
    """0 public … 3 secretariat only: a higher rank is more closed."""
    return Visibility(level).rank


class State(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_REVIEW = "in_review", _("In review")
    VERIFIED = "verified", _("Verified")
    UNSUBSTANTIATED = "unsubstantiated", _("Unsubstantiated")
    DUPLICATE = "duplicate", _("Duplicate")
    SHARED = "shared", _("Shared")
    CLOSED = "closed", _("Closed")


# Which state may follow which. Sharing has its own action (it needs the level and the
# redaction); merging a duplicate too.
TRANSITIONS: dict[str, set[str]] = {
    State.RECEIVED: {State.IN_REVIEW, State.CLOSED},
    State.IN_REVIEW: {State.VERIFIED, State.UNSUBSTANTIATED},
    State.VERIFIED: {State.IN_REVIEW, State.CLOSED},
    State.UNSUBSTANTIATED: {State.IN_REVIEW, State.CLOSED},
    State.DUPLICATE: {State.CLOSED},
    # Found unsubstantiated after all: it returns to its team and its findings are withdrawn.
    State.SHARED: {State.CLOSED, State.UNSUBSTANTIATED},
    State.CLOSED: set(),
}


class Impact(models.TextChoices):
    ACTUAL = "actual", _("Actual (it has happened)")
    POTENTIAL = "potential", _("Potential (it may happen)")


class Sharing(models.TextChoices):
    """What the reporter allows: the handler can never share more than this."""

    AS_REPORTED = "as_reported", _("It may be shared as reported")
    REDACTED = "redacted", _("Only in a redacted form, without names, reporter or exact location")
    NOT_SHARED = "not_shared", _("It must not be shared beyond those handling it")


class Channel(models.TextChoices):
    MEMBER = "member", _("Filed by a party")
    ANONYMOUS = "anonymous", _("Public intake (anonymous)")


class AffectedGroup(models.TextChoices):
    WORKERS = "workers", _("Workers")
    CHILDREN = "children", _("Children")
    COMMUNITIES = "communities", _("Communities")
    INDIGENOUS = "indigenous", _("Indigenous peoples")
    DEFENDERS = "defenders", _("Human-rights defenders")


class Tier(models.IntegerChoices):
    """How close a reader stands to a signal. A redacted field names the lowest tier that may
    read it; the handling team always reads everything."""

    EVERYONE = 0, _("Everyone who may see the signal")
    MEMBERS = 1, _("Members of the covenant's parties")
    NAMED = 2, _("The named parties only")
    TEAM = 3, _("Only those handling it (reporting party, handling party, secretariat)")


# Fields the handler can hide, and from whom. Absent from ``Signal.redactions``: TEAM only.
REDACTABLE = {
    "reporter": _("Reporter"),
    "site": _("Exact location"),
    "people": _("Names of people"),
    "description": _("Full account"),
    "sources": _("Sources"),
    "attachments": _("Evidence files"),
}


class SignalQuerySet(access.RestrictedQuerySet["Signal"]):
    def visible_to(self, user: Any) -> SignalQuerySet:
        """Who may read a signal at all (DESIGN §5), deny by default:

        - the handling team (members of the reporting party and of the handling party, and
          the secretariat) from the moment it is received;
        - once it is shared, everyone its confidentiality level admits: public → everyone;
          covenant → members of any active party; restricted → the named parties;
          secretariat only → nobody more.

        A signal that is received, in review, verified, unsubstantiated or a duplicate is
        never read beyond the handling team, whatever its level.
        """
        return self.filter(signal_visibility_q(access.actor_for(user)))

    def handled_by(self, user: Any) -> SignalQuerySet:
        """Signals the person may triage: the secretariat, or an editor of the handling party
        (the reporting party's editors handle their own party's signals)."""
        actor = access.actor_for(user)
        if actor.is_secretariat:
            return self.all()
        return self.filter(
            access.member_of_q(actor, "handling_party", Role.EDITOR)
            | (
                Q(handling_party__isnull=True)
                & access.member_of_q(actor, "reporting_party", Role.EDITOR)
            )
        )

    def current(self) -> SignalQuerySet:
        """Not merged into another signal."""
        return self.filter(merged_into__isnull=True)


def team_q(actor: Actor, prefix: str = "") -> Q:
    """The handling team of a signal: its reporting party, its handling party (active
    members of either) and the secretariat."""
    if actor.is_secretariat:
        return Q()
    return access.member_of_q(actor, f"{prefix}reporting_party") | access.member_of_q(
        actor, f"{prefix}handling_party"
    )


def signal_visibility_q(actor: Actor, prefix: str = "") -> Q:
    """The filter behind ``visible_to``; ``prefix`` applies it through a relation."""
    if actor.is_secretariat:
        return Q()
    shared = Q(**{f"{prefix}shared_at__isnull": False}) & Q(
        **{f"{prefix}state__in": [State.SHARED, State.CLOSED]}
    )
    level = Q(**{f"{prefix}visibility": Visibility.PUBLIC})
    if actor.is_covenant_member:
        level |= Q(**{f"{prefix}visibility": Visibility.COVENANT})
        named = SignalShare.objects.filter(party_id__in=actor.party_ids).values("signal_id")
        # Funds the handler shared with as "every fund that holds the company": their alert
        # is a full one, and the handler never learns which funds they are.
        holders = SignalAlert.objects.filter(fund_id__in=actor.party_ids, full=True).values(
            "signal_id"
        )
        level |= Q(**{f"{prefix}visibility": Visibility.RESTRICTED}) & (
            Q(**{f"{prefix}pk__in": named})
            | Q(**{f"{prefix}share_with_holders": True, f"{prefix}pk__in": holders})
        )
    if not actor.is_authenticated:
        return shared & level
    return team_q(actor, prefix) | (shared & level)


class Signal(TimeStampedModel):
    """A report of an abuse (actual or potential) at a company: what happened, where and to
    whom, as the reporter told it, and how it is being handled."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language of the report"), max_length=8, default="nl")
    # The reporter: a person of a party, or nobody (anonymous intake: never any trace of who).
    reported_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reporting_party = models.ForeignKey(
        "parties.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who handles it: the party that takes it on, and one of its people (or the secretariat).
    handling_party = models.ForeignKey(
        "parties.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handler = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What and where.
    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("A short title without names of people: everyone who may see it reads it."),
    )
    company_name = models.CharField(_("company"), max_length=300)
    company_isin = models.CharField(_("ISIN"), max_length=12, blank=True)
    company_lei = models.CharField(_("LEI"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    site = models.CharField(_("site"), max_length=300, blank=True)
    themes = ArrayField(models.SlugField(max_length=40), verbose_name=_("themes"))
    description = models.TextField(_("what happened"))
    occurred_on = models.DateField(_("when"), null=True, blank=True)
    occurred_period = models.CharField(_("when (in words)"), max_length=100, blank=True)
    affected_count = models.PositiveIntegerField(
        _("number of people affected"), null=True, blank=True
    )
    affected_groups = ArrayField(
        models.CharField(max_length=20, choices=AffectedGroup.choices),
        verbose_name=_("who is affected"),
        default=list,
        blank=True,
    )
    people = models.TextField(_("names of people involved"), blank=True)
    impact = models.CharField(_("actual or potential"), max_length=10, choices=Impact.choices)
    sources = models.TextField(_("sources"), blank=True)
    # Confidentiality: the level, the named parties (restricted), what the reporter allows.
    visibility = models.CharField(_("confidentiality"), max_length=12, choices=LEVEL_CHOICES)
    reporter_level = models.CharField(max_length=12, choices=LEVEL_CHOICES, editable=False)
    sharing = models.CharField(_("sharing"), max_length=12, choices=Sharing.choices)
    shared_with: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "parties.Party", through="SignalShare", related_name="+", blank=True
    )
    share_with_holders = models.BooleanField(
        _("every fund that holds the company"),
        default=False,
        help_text=_(
            "A restricted signal is also read by every fund whose latest holdings contain a "
            "linked company or its parent; who they are stays hidden from the handler."
        ),
    )
    redactions = models.JSONField(default=dict, blank=True)
    shared_summary = models.TextField(_("shared account"), blank=True)
    # Triage.
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.RECEIVED
    )
    shared_at = models.DateTimeField(_("shared on"), null=True, blank=True)
    needs_linking = models.BooleanField(_("company still to be linked"), default=True)
    # What the issuer matcher proposes for the reported company, [[issuer id, confidence]],
    # best first; stored by a job at intake so the page never runs the matcher (None: not
    # yet worked out).
    suggested_issuers = models.JSONField(null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    # The handler's assessment on the risk methodology's 1–4 scales.
    scale = models.PositiveSmallIntegerField(_("scale"), null=True, blank=True)
    scope = models.PositiveSmallIntegerField(_("scope"), null=True, blank=True)
    irremediability = models.PositiveSmallIntegerField(
        _("irremediable character"), null=True, blank=True
    )
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), null=True, blank=True)
    issuers: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "portfolios.Issuer", through="SignalIssuer", related_name="+", blank=True
    )
    # Anonymous reporters follow up with a receipt code; only its hash is kept.
    receipt_hash = models.CharField(  # noqa: DJ001 - NULL: no code (unique among codes)
        max_length=64, unique=True, null=True, editable=False
    )

    objects = SignalQuerySet.as_manager()

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility__in=[lv.value for lv in LEVELS]),
                name="signal_level_known",
            ),
            models.CheckConstraint(
                condition=Q(channel="member", reported_by__isnull=False)
                | Q(channel="anonymous", reported_by__isnull=True, reporting_party__isnull=True),
                name="signal_anonymous_has_no_reporter",
            ),
            models.CheckConstraint(
                condition=Q(scale__isnull=True) | Q(scale__gte=1, scale__lte=4),
                name="signal_scale_in_scale",
            ),
            models.CheckConstraint(
                condition=Q(scope__isnull=True) | Q(scope__gte=1, scope__lte=4),
                name="signal_scope_in_scale",
            ),
            models.CheckConstraint(
                condition=Q(irremediability__isnull=True)
                | Q(irremediability__gte=1, irremediability__lte=4),
                name="signal_irremediability_in_scale",
            ),
            models.CheckConstraint(
                condition=Q(likelihood__isnull=True) | Q(likelihood__gte=1, likelihood__lte=4),
                name="signal_likelihood_in_scale",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="signal_not_merged_into_itself"
            ),
        ]
        indexes = [models.Index(fields=["state", "visibility"])]

    def __str__(self) -> str:
        return f"{self.reference} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("signal_detail", args=[self.reference])

    @property
    def country_name(self) -> str:
        from convenant.portfolios.identifiers import country_name

        return country_name(self.country) if self.country else ""

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None and self.state in {State.SHARED, State.CLOSED}

    @property
    def is_assessed(self) -> bool:
        return None not in (self.scale, self.scope, self.irremediability, self.likelihood)

    def is_team(self, actor: Actor) -> bool:
        return actor.is_secretariat or any(
            actor.has_role(pid) for pid in (self.reporting_party_id, self.handling_party_id)
        )

    def is_filed_by(self, user: Any) -> bool:
        """Whether this person filed the signal: they may not also verify it or judge it
        unsubstantiated (four eyes)."""
        return self.reported_by_id is not None and self.reported_by_id == getattr(user, "pk", None)

    def can_handle(self, actor: Actor) -> bool:
        """Triage it: the secretariat, or an editor of the handling party (of the reporting
        party while no party handles it)."""
        if actor.is_secretariat:
            return True
        party = self.handling_party_id or self.reporting_party_id
        return actor.has_role(party, Role.EDITOR)

    def reader_tier(self, actor: Actor) -> int:
        """The closest tier the reader belongs to (see ``Tier``)."""
        if self.is_team(actor):
            return Tier.TEAM
        # .all() uses the list's prefetch of the shares, so a page asks once, not per field.
        if actor.party_ids & {share.party_id for share in self.shares.all()}:
            return Tier.NAMED
        # Shared with every holder: a holding fund (told by a full alert) counts as named.
        if (
            self.share_with_holders
            and actor.fund_ids
            and self.alerts.filter(fund_id__in=actor.fund_ids, full=True).exists()
        ):
            return Tier.NAMED
        if actor.is_covenant_member:
            return Tier.MEMBERS
        return Tier.EVERYONE

    def shows(self, field: str, actor: Actor) -> bool:
        """Whether the reader sees a redactable field. Hidden unless the handler said
        otherwise; the handling team sees everything."""
        minimum = int(self.redactions.get(field, Tier.TEAM))
        return self.reader_tier(actor) >= minimum

    @property
    def severity_inputs(self) -> tuple[int, int, int, int] | None:
        if not self.is_assessed:
            return None
        return (self.scale, self.scope, self.irremediability, self.likelihood)  # type: ignore[return-value]


def hash_receipt(code: str) -> str:
    """Receipt codes are high-entropy secrets; a plain SHA-256 keeps them unrecoverable."""
    normalized = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalized.encode()).hexdigest()


class SignalShare(models.Model):
    """A party named on a restricted signal: its members may read it once it is shared."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="shares")
    party = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("named party")
        verbose_name_plural = _("named parties")
        ordering = ["signal", "party"]
        constraints = [
            models.UniqueConstraint(fields=["signal", "party"], name="signal_share_once"),
        ]

    def __str__(self) -> str:
        return f"{self.signal_id} → {self.party_id}"


class SignalIssuerQuerySet(access.RestrictedQuerySet["SignalIssuer"]):
    def visible_to(self, user: Any) -> SignalIssuerQuerySet:
        return self.filter(signal_visibility_q(access.actor_for(user), "signal__"))


class SignalIssuer(models.Model):
    """A signal linked to an issuer of the register, with how the link was made."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="issuer_links")
    issuer = models.ForeignKey("portfolios.Issuer", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("linked by"), max_length=20)
    confidence = models.DecimalField(_("confidence"), max_digits=4, decimal_places=1)
    linked_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(_("linked on"), auto_now_add=True)

    objects = SignalIssuerQuerySet.as_manager()

    class Meta:
        verbose_name = _("linked issuer")
        verbose_name_plural = _("linked issuers")
        ordering = ["signal", "issuer__legal_name"]
        constraints = [
            models.UniqueConstraint(fields=["signal", "issuer"], name="signal_issuer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.signal_id} → {self.issuer_id}"


class SignalEventQuerySet(access.RestrictedQuerySet["SignalEvent"]):
    def visible_to(self, user: Any) -> SignalEventQuerySet:
        """The history of a signal (with the reasons given) is the handling team's."""
        return self.filter(team_q(access.actor_for(user), "signal__")).filter(
            signal_visibility_q(access.actor_for(user), "signal__")
        )


class SignalEvent(models.Model):
    """One step in a signal's history: who did what, when and why. Kept with the signal it
    happened to, so a merge keeps both records' histories."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        STATE = "state", _("State changed")
        ASSIGNED = "assigned", _("Handler assigned")
        ASSESSED = "assessed", _("Assessed")
        LINKED = "linked", _("Issuer linked")
        UNLINKED = "unlinked", _("Issuer unlinked")
        MERGED = "merged", _("Merged")
        SHARED = "shared", _("Shared")
        MESSAGE = "message", _("Message")

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    from_state = models.CharField(max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=State.choices, blank=True)
    reason = models.TextField(_("why"), blank=True)

    objects = SignalEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("signal event")
        verbose_name_plural = _("signal events")
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.signal_id} {self.kind} {self.occurred_at:%Y-%m-%d}"


class SignalMessageQuerySet(access.RestrictedQuerySet["SignalMessage"]):
    def visible_to(self, user: Any) -> SignalMessageQuerySet:
        """Questions and answers between handler and reporter: the handling team only."""
        actor = access.actor_for(user)
        return self.filter(team_q(actor, "signal__")).filter(signal_visibility_q(actor, "signal__"))


class SignalMessage(models.Model):
    """A question of the handler to the reporter, or the reporter's answer. An anonymous
    reporter reads and answers with the receipt code."""

    class Author(models.TextChoices):
        HANDLER = "handler", _("Handler")
        REPORTER = "reporter", _("Reporter")

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(_("from"), max_length=10, choices=Author.choices)
    written_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    objects = SignalMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.signal_id} {self.author} {self.created_at:%Y-%m-%d}"


class SignalAttachmentQuerySet(access.RestrictedQuerySet["SignalAttachment"]):
    def visible_to(self, user: Any) -> SignalAttachmentQuerySet:
        """Evidence files follow their signal; whether the reader may open them is the
        signal's ``shows("attachments", …)``, checked where they are served."""
        return self.filter(signal_visibility_q(access.actor_for(user), "signal__"))


class SignalAttachment(models.Model):
    """An evidence file, checked by its content, with its metadata (EXIF and the like)
    stripped before it was stored. Served only through the access policy."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file"), max_length=120)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=100, unique=True, editable=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = SignalAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.filename


class SignalAlertQuerySet(access.RestrictedQuerySet["SignalAlert"]):
    def visible_to(self, user: Any) -> SignalAlertQuerySet:
        """A fund's inbox is its own people's."""
        return self.filter(access.member_of_q(access.actor_for(user), "fund"))


class SignalAlert(models.Model):
    """An inbox item of a fund that holds a company named in a shared signal (or its
    parent). ``full``: the fund may read the signal. Otherwise the fund learns only that a
    restricted signal exists on a company it holds, and whom to ask."""

    fund = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="+")
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="alerts")
    issuer = models.ForeignKey("portfolios.Issuer", on_delete=models.PROTECT, related_name="+")
    full = models.BooleanField(_("the fund may read the signal"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = SignalAlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("signal alert")
        verbose_name_plural = _("signal alerts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "signal"], name="alert_once_per_fund"),
        ]

    def __str__(self) -> str:
        return f"{self.fund_id} ← {self.signal_id}"
