"""Engagement: how a fund uses its leverage on what due diligence found (DESIGN §3).

An engagement targets an issuer, a sector or an issue; parties take part in it with a role;
its objectives move through four milestones; its activities climb an escalation ladder
(versioned reference data). It links to the risks and signals it answers, and its leverage
is computed from the participating funds' holdings, never typed.

Who may read what: an engagement is its participating parties' and the secretariat's; at
``covenant`` level every party's members see it, at ``public`` level everyone. An activity
can be more closed than its engagement (its own level), never more open.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from convenant.core import access
from convenant.core.access import Visibility
from convenant.core.models import TimeStampedModel


def engagement_q(actor: access.Actor, prefix: str = "") -> Q:
    """Engagements the actor may read: the secretariat all; members of a participating
    party (current or past participation); at covenant level every active party's members;
    public ones everyone."""
    if actor.is_secretariat:
        return Q(pk__isnull=False) if not prefix else Q(**{f"{prefix}pk__isnull": False})
    readable = Q(**{f"{prefix}visibility": Visibility.PUBLIC})
    if actor.is_covenant_member:
        readable |= Q(**{f"{prefix}visibility": Visibility.COVENANT})
    if actor.party_ids:
        readable |= Q(**{f"{prefix}participants__party_id__in": actor.party_ids})
    return readable


class EngagementQuerySet(access.RestrictedQuerySet["Engagement"]):
    def visible_to(self, user: Any) -> EngagementQuerySet:
        return self.filter(engagement_q(access.actor_for(user))).distinct()


# --- The escalation ladder: versioned reference data -------------------------------------


class LadderStepQuerySet(models.QuerySet["LadderStep"]):
    def visible_to(self, user: Any) -> LadderStepQuerySet:
        return self.all()  # public reference data

    def in_force(self) -> LadderStepQuerySet:
        """The steps of the latest edition loaded."""
        latest = LadderStep.objects.order_by("-edition").values_list("edition", flat=True).first()
        return self.filter(edition=latest or "")


class LadderStep(models.Model):
    """A rung of the escalation ladder (an edition of `engagement/data/ladder`)."""

    edition = models.CharField(_("edition"), max_length=20)
    key = models.SlugField(_("step"), max_length=40)
    order = models.PositiveSmallIntegerField()
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    # An AGM vote is recorded per fund with the item and the fund's own vote.
    is_vote = models.BooleanField(default=False)

    objects = LadderStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ["edition", "order"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="ladder_step_once"),
        ]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if get_language() == "en" else self.name


# --- Engagements -------------------------------------------------------------------------


class Engagement(TimeStampedModel):
    class Target(models.TextChoices):
        ISSUER = "issuer", _("A company")
        SECTOR = "sector", _("A sector")
        ISSUE = "issue", _("An issue")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=300)
    target = models.CharField(_("target"), max_length=10, choices=Target.choices)
    issuer = models.ForeignKey(
        "portfolios.Issuer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sector_code = models.CharField(_("sector (GICS)"), max_length=20, blank=True)
    issue = models.CharField(_("issue"), max_length=300, blank=True)
    themes = ArrayField(models.SlugField(max_length=40), default=list, blank=True)
    lead_party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    visibility = models.CharField(
        _("who may read it"),
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.RESTRICTED,
    )
    start_date = models.DateField(_("start date"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    # The lead party's own key for it in its stewardship system: a sync finds it again.
    external_id = models.CharField(_("external reference"), max_length=100, blank=True)
    # A deep-track case's engagements (its step B, leverage).
    case = models.ForeignKey(
        "engagement.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="engagements",
        verbose_name=_("deep-track case"),
    )
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = EngagementQuerySet.as_manager()

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target="issuer", issuer__isnull=False)
                | Q(target="sector") & ~Q(sector_code="")
                | Q(target="issue") & ~Q(issue=""),
                name="engagement_names_its_target",
            ),
            models.CheckConstraint(
                condition=Q(status="active", closed_on__isnull=True)
                | Q(status="closed", closed_on__isnull=False),
                name="a_closed_engagement_has_its_date",
            ),
            models.UniqueConstraint(
                fields=["lead_party", "external_id"],
                condition=~Q(external_id=""),
                name="engagement_external_id_once_per_lead",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EngagementPartQuerySet(access.RestrictedQuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        return self.filter(engagement__in=Engagement.objects.visible_to(user))


class Participant(TimeStampedModel):
    """A party in an engagement, with its role, over a period (history kept)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        CO_LEAD = "co_lead", _("Co-lead")
        SUPPORTING = "supporting", _("Supporting")

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="participants"
    )
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    objects = EngagementPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["engagement", "role", "start"]

    def __str__(self) -> str:
        return f"{self.engagement_id}/{self.party_id}: {self.role}"


class RiskLink(models.Model):
    """A risk (company and theme) the engagement answers: the risk shows "being engaged"."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="risks")
    issuer = models.ForeignKey("portfolios.Issuer", on_delete=models.PROTECT, related_name="+")
    theme = models.SlugField(_("theme"), max_length=40)

    objects = EngagementPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk engaged on")
        verbose_name_plural = _("risks engaged on")
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "issuer", "theme"], name="risk_link_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id}: {self.issuer_id}/{self.theme}"


class SignalLink(models.Model):
    """A signal the engagement follows up: the signal shows its follow-up."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="signals")
    signal = models.ForeignKey("signals.Signal", on_delete=models.PROTECT, related_name="+")

    objects = EngagementPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("signal followed up")
        verbose_name_plural = _("signals followed up")
        constraints = [
            models.UniqueConstraint(fields=["engagement", "signal"], name="signal_link_once"),
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id}: {self.signal_id}"


class Objective(TimeStampedModel):
    class Outcome(models.TextChoices):
        OPEN = "", _("Open")
        MET = "met", _("Met")
        PARTLY_MET = "partly_met", _("Partly met")
        NOT_MET = "not_met", _("Not met")
        DIVESTED = "divested", _("Ended by divestment")

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(_("objective"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    theme = models.SlugField(_("theme"), max_length=40, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.OPEN, blank=True
    )
    outcome_rationale = models.TextField(_("rationale"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = EngagementPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["engagement", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="") | ~Q(outcome_rationale=""),
                name="an_outcome_gives_its_rationale",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MilestoneQuerySet(access.RestrictedQuerySet["Milestone"]):
    def visible_to(self, user: Any) -> MilestoneQuerySet:
        return self.filter(objective__engagement__in=Engagement.objects.visible_to(user))


class Milestone(TimeStampedModel):
    """One of an objective's four milestones: 1 concern raised, 2 acknowledged by the company,
    3 plan or policy developed, 4 implemented."""

    class Number(models.IntegerChoices):
        RAISED = 1, _("Concern raised")
        ACKNOWLEDGED = 2, _("Acknowledged by the company")
        PLAN = 3, _("Plan or policy developed")
        IMPLEMENTED = 4, _("Implemented")

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="milestones")
    number = models.PositiveSmallIntegerField(_("milestone"), choices=Number.choices)
    target_on = models.DateField(_("target date"), null=True, blank=True)
    reached_on = models.DateField(_("reached on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["objective", "number"]
        constraints = [
            models.UniqueConstraint(fields=["objective", "number"], name="milestone_once"),
            models.CheckConstraint(
                condition=Q(reached_on__isnull=True) | ~Q(evidence=""),
                name="a_reached_milestone_gives_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.objective_id} M{self.number}"

    @property
    def overdue(self) -> bool:
        return (
            self.reached_on is None
            and self.target_on is not None
            and self.target_on < timezone.localdate()
        )


class ActivityQuerySet(access.RestrictedQuerySet["Activity"]):
    def visible_to(self, user: Any) -> ActivityQuerySet:
        """Through its engagement, and no wider than its own level: a restricted activity
        only for the participants and the secretariat, whatever the engagement's level."""
        actor = access.actor_for(user)
        engagements = Engagement.objects.visible_to(user)
        own = (
            Q()
            if actor.is_secretariat
            else Q(confidentiality=Visibility.PUBLIC)
            | (Q(confidentiality=Visibility.COVENANT) if actor.is_covenant_member else Q(pk=None))
            | Q(engagement__participants__party_id__in=actor.party_ids)
        )
        return self.filter(Q(engagement__in=engagements) & own).distinct()


class Activity(TimeStampedModel):
    """A step taken with the company, on the escalation ladder. After the lock period
    (``ENGAGEMENT_ACTIVITY_LOCK_DAYS``) it can be annotated, not edited."""

    class Vote(models.TextChoices):
        NONE = "", _("No vote")
        FOR = "for", _("For")
        AGAINST = "against", _("Against")
        ABSTAIN = "abstain", _("Abstain")

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="activities")
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    step = models.SlugField(_("step on the ladder"), max_length=40)
    ladder_edition = models.CharField(max_length=20)
    occurred_on = models.DateField(_("date"))
    # The fund that acted; an AGM vote is always one fund's own, never pooled.
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    participants = models.TextField(_("participants"), blank=True)
    company_response = models.TextField(_("the company's response"), blank=True)
    summary = models.TextField(_("summary"))
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.RESTRICTED,
    )
    agm_item = models.CharField(_("AGM item"), max_length=300, blank=True)
    vote = models.CharField(_("vote"), max_length=8, choices=Vote.choices, blank=True)
    vote_rationale = models.TextField(_("rationale of the vote"), blank=True)
    # The acting party's own key for it in its stewardship system: a sync finds it again.
    external_id = models.CharField(_("external reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "external_id"],
                condition=~Q(external_id=""),
                name="activity_external_id_once_per_party",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id} {self.step} {self.occurred_on}"


class ActivityPartQuerySet(access.RestrictedQuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        return self.filter(activity__in=Activity.objects.visible_to(user))


class ActivityNote(TimeStampedModel):
    """An annotation to a locked activity: the record stays as it was."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"))
    written_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = ActivityPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["activity", "created_at"]

    def __str__(self) -> str:
        return f"note on {self.activity_id}"


class ActivityAttachment(TimeStampedModel):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="engagement/activities/%Y/")
    uploaded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = ActivityPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title
