"""Governance of the covenant: its bodies (the steering group deciding by unanimity, working
groups, the monitoring committee), the seats and the people in them over time, meetings with
agendas, minutes and action items, proposals decided one vote per seat, the decision log
whose entries take effect in other apps, and the budget and external communication.

Who may read what (DESIGN §5): a body's proposals, votes and draft minutes are for its
members and the secretariat; decisions are public unless marked confidential.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from convenant.core import access
from convenant.core.models import TimeStampedModel


def body_q(actor: access.Actor, body_field: str = "body") -> Q:
    """Rows of the bodies the actor sits in; the secretariat sees every body's."""
    if actor.is_secretariat:
        # Not an empty Q(): OR-ed with another condition, an empty Q() drops out of it.
        return Q(pk__isnull=False)
    return Q(**{f"{body_field}__in": actor.body_ids}) if actor.body_ids else access.nothing()


class DatedQuerySet(access.RestrictedQuerySet[Any]):
    def current(self, on: datetime.date | None = None) -> Any:
        """In force on a date (today): started, and not ended before it."""
        on = on or timezone.localdate()
        return self.filter(Q(start__lte=on), Q(end__isnull=True) | Q(end__gt=on))


# --- Bodies, seats and people ------------------------------------------------------------


class BodyQuerySet(models.QuerySet["Body"]):
    def visible_to(self, user: Any) -> BodyQuerySet:
        """Which bodies exist and who sits in them is public, as in the covenant's own
        reports; what they discuss is not (see the models below)."""
        return self.all()


class Body(TimeStampedModel):
    class Kind(models.TextChoices):
        STEERING_GROUP = "steering_group", _("Steering group")
        WORKING_GROUP = "working_group", _("Working group")
        SUB_WORKING_GROUP = "sub_working_group", _("Sub-working group")
        MONITORING_COMMITTEE = "monitoring_committee", _("Monitoring committee")

    covenant = models.ForeignKey("parties.Covenant", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("mandate"), blank=True)
    # A working group reports to the steering group; a sub-working group to its working group.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # A sub-working group of the deep track works on one case (engagement, once it exists):
    # the case's reference, so governance needs nothing of the app above it.
    case_reference = models.CharField(_("case"), max_length=40, blank=True)
    # How the body decides: an abstention does not block unless this says so.
    abstention_blocks = models.BooleanField(_("an abstention blocks a decision"), default=False)
    # Members may propose amendments to draft minutes for this many days after they go out.
    amendment_window_days = models.PositiveSmallIntegerField(
        _("days to propose amendments to the minutes"), default=7
    )
    # Reminders to seats without a vote, this many days before a proposal closes.
    reminder_days = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True, size=6)
    established_on = models.DateField(_("established on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if get_language() == "en" and self.name_en else self.name


class SeatQuerySet(models.QuerySet["Seat"]):
    def visible_to(self, user: Any) -> SeatQuerySet:
        return self.all()  # public, as the bodies are


class Seat(TimeStampedModel):
    """A place at a body's table. The steering group has one per constituency, each one vote
    whoever of its people casts it, and the chair's seat, which does not vote."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="seats")
    label = models.CharField(_("seat"), max_length=120)
    constituency = models.ForeignKey(
        "parties.Constituency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    has_vote = models.BooleanField(_("has a vote"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = SeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["body", "order"]
        constraints = [
            models.UniqueConstraint(fields=["body", "label"], name="seat_label_once_per_body"),
        ]

    def __str__(self) -> str:
        return self.label


class SeatAssignmentQuerySet(DatedQuerySet):
    def visible_to(self, user: Any) -> SeatAssignmentQuerySet:
        """Who holds which seat, and since when, is public (names of representatives)."""
        return self.all()


class SeatAssignment(TimeStampedModel):
    """A person in a seat, as holder or deputy, for the party they represent, over a period.
    History is kept: an assignment ends, it is never deleted."""

    class Role(models.TextChoices):
        HOLDER = "holder", _("Holder")
        DEPUTY = "deputy", _("Deputy")

    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    # The party they sit for: if they leave it, the seat is vacant (current_body_ids).
    party = models.ForeignKey(
        "parties.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    objects = SeatAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("seat assignment")
        verbose_name_plural = _("seat assignments")
        ordering = ["seat", "role", "-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="seat_assignment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seat_id}/{self.role}: {self.user_id}"


class BodyMembershipQuerySet(DatedQuerySet):
    def visible_to(self, user: Any) -> BodyMembershipQuerySet:
        return self.all()  # public: who is in a working group or the committee


class BodyMembership(TimeStampedModel):
    """A person in a body without a seat of their own (a working group's members, the
    monitoring committee, the secretary), over a period."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MEMBER = "member", _("Member")
        SECRETARY = "secretary", _("Secretary")
        OBSERVER = "observer", _("Observer")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(
        "parties.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    objects = BodyMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("body membership")
        verbose_name_plural = _("body memberships")
        ordering = ["body", "role", "-start"]

    def __str__(self) -> str:
        return f"{self.body_id}/{self.role}: {self.user_id}"


# --- Meetings ----------------------------------------------------------------------------


class BodyContentQuerySet(access.RestrictedQuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        """A body's own business: its members and the secretariat."""
        return self.filter(body_q(access.actor_for(user)))


class Meeting(TimeStampedModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AGENDA_PUBLISHED = "agenda_published", _("Agenda published")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")
        MINUTES_APPROVED = "minutes_approved", _("Minutes approved")

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    # The annual covenant meeting, open to every party: its pack is generated from live data.
    annual = models.BooleanField(_("annual covenant meeting"), default=False)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_sent_at = models.DateTimeField(_("draft minutes sent"), null=True, blank=True)
    minutes_approved_at = models.DateTimeField(_("minutes approved"), null=True, blank=True)

    objects = BodyContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MeetingPartQuerySet(access.RestrictedQuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        return self.filter(body_q(access.actor_for(user), "meeting__body"))


class AgendaItem(TimeStampedModel):
    class Outcome(models.TextChoices):
        NONE = "", _("No outcome yet")
        INFORMATION = "information", _("Information")
        DECISION = "decision", _("Decision")
        ACTION = "action", _("Action")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    presenter = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), default=15)
    handled = models.BooleanField(_("handled"), default=False)
    # Not handled: it moves to the next meeting's agenda, which keeps where it came from.
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.NONE, blank=True
    )
    outcome_text = models.TextField(_("outcome"), blank=True)
    proposal = models.ForeignKey(
        "Proposal", null=True, blank=True, on_delete=models.SET_NULL, related_name="agenda_items"
    )

    objects = MeetingPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order"]

    def __str__(self) -> str:
        return self.title


class AgendaDocumentQuerySet(access.RestrictedQuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        return self.filter(body_q(access.actor_for(user), "item__meeting__body"))


class AgendaDocument(TimeStampedModel):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="governance/agenda/%Y/")
    uploaded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = AgendaDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        ordering = ["item", "title"]

    def __str__(self) -> str:
        return self.title


class Attendance(TimeStampedModel):
    class Presence(models.TextChoices):
        PRESENT = "present", _("Present")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(
        "parties.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    presence = models.CharField(_("presence"), max_length=10, choices=Presence.choices)

    objects = MeetingPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "user"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.user_id}: {self.presence}"


class MinutesAmendment(TimeStampedModel):
    """A member's proposed change to draft minutes, within the body's window."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="amendments")
    proposed_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("amendment"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PROPOSED
    )
    answer = models.TextField(_("answer"), blank=True)

    objects = MeetingPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("amendment to the minutes")
        verbose_name_plural = _("amendments to the minutes")
        ordering = ["meeting", "created_at"]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.state}"


class ActionItemQuerySet(access.RestrictedQuerySet["ActionItem"]):
    def visible_to(self, user: Any) -> ActionItemQuerySet:
        """The body's members and the secretariat, and whoever owns the action (a person, or
        the members of the owning party) — it shows on their dashboard."""
        actor = access.actor_for(user)
        owned = Q(owner_user_id=actor.user_id) if actor.user_id else access.nothing()
        return self.filter(body_q(actor) | owned | access.member_of_q(actor, "owner_party"))


class ActionItem(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="actions")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    title = models.CharField(_("action"), max_length=300)
    owner_user = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_party = models.ForeignKey(
        "parties.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_user__isnull=False) | Q(owner_party__isnull=False),
                name="action_item_has_an_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()


class CalendarFeed(TimeStampedModel):
    """A person's calendar (iCalendar) at a secret URL: only a digest of the token is kept,
    and renewing it makes the old URL stop working."""

    user = models.OneToOneField("core.User", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    renewed_at = models.DateTimeField(_("renewed at"))

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"calendar of {self.user_id}"


# --- Proposals, votes and decisions ------------------------------------------------------


class Proposal(TimeStampedModel):
    class Kind(models.TextChoices):
        ADMIT_PARTY = "admit_party", _("Admit a party")
        EXPEL_PARTY = "expel_party", _("Expel a party")
        ADOPT_TOOLKIT_VERSION = "adopt_toolkit_version", _("Adopt a toolkit version")
        SELECT_CASES = "select_cases", _("Select deep-track cases")
        APPROVE_REPORT = "approve_report", _("Approve a monitoring report")
        APPROVE_SUMMARY = "approve_summary", _("Approve a monitoring report's public summary")
        RECOMMENDATION = "recommendation", _("Recommendation")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for votes")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Outcome(models.TextChoices):
        PENDING = "", _("Not closed yet")
        ADOPTED = "adopted", _("Adopted")
        REJECTED = "rejected", _("Not adopted: a seat objected")
        NOT_DECIDED = "not_decided", _("Not decided: not every seat voted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="proposals")
    number = models.PositiveIntegerField(_("number"), unique=True)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    # What the decision will do when adopted (e.g. {"party_id": 12}); checked by the effect
    # type registered for the kind.
    effect_params = models.JSONField(default=dict, blank=True)
    closes_at = models.DateTimeField(_("closes at"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING, blank=True
    )
    outcome_statement = models.TextField(_("outcome statement"), blank=True)
    review_on = models.DateField(_("review on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    confidential = models.BooleanField(_("confidential"), default=False)
    proposed_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = BodyContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"


class ProposalPartQuerySet(access.RestrictedQuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        return self.filter(body_q(access.actor_for(user), "proposal__body"))


class ProposalVersion(TimeStampedModel):
    """The text as it stood: amending a proposal makes a new version, and consents given to
    an older one are stale."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    text = models.TextField(_("text"))
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    written_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = ProposalPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal version")
        verbose_name_plural = _("proposal versions")
        ordering = ["proposal", "number"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="proposal_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} v{self.number}"


class ProposalAttachmentQuerySet(access.RestrictedQuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        return self.filter(body_q(access.actor_for(user), "version__proposal__body"))


class ProposalAttachment(TimeStampedModel):
    version = models.ForeignKey(
        ProposalVersion, on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="governance/proposals/%Y/")

    objects = ProposalAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title


class ProxyQuerySet(access.RestrictedQuerySet["Proxy"]):
    def visible_to(self, user: Any) -> ProxyQuerySet:
        return self.filter(body_q(access.actor_for(user), "seat__body"))


class Proxy(TimeStampedModel):
    """A seat's explicit proxy to a named person, for one proposal or one meeting; revocable
    until used; the seat's own vote overrides it."""

    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="proxies")
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="proxies"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="proxies"
    )
    grantee = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    objects = ProxyQuerySet.as_manager()

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        constraints = [
            models.CheckConstraint(
                condition=Q(proposal__isnull=False, meeting__isnull=True)
                | Q(proposal__isnull=True, meeting__isnull=False),
                name="proxy_for_one_proposal_or_one_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"proxy of seat {self.seat_id} to {self.grantee_id}"


class Vote(TimeStampedModel):
    """One seat's vote on a proposal. Every vote cast is kept; the one that counts is the
    seat's ``current`` vote, and the database allows exactly one of those per seat and
    proposal, so two people casting the seat's vote at the same moment cannot both count."""

    class Choice(models.TextChoices):
        CONSENT = "consent", _("Consent")
        OBJECTION = "objection", _("Objection")
        ABSTENTION = "abstention", _("Abstention")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="votes")
    version = models.ForeignKey(ProposalVersion, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("vote"), max_length=10, choices=Choice.choices)
    reason = models.TextField(_("reason"), blank=True)
    cast_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    proxy = models.ForeignKey(
        Proxy, null=True, blank=True, on_delete=models.PROTECT, related_name="votes"
    )
    current = models.BooleanField(default=True)

    objects = ProposalPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["proposal", "seat", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "seat"],
                condition=Q(current=True),
                name="one_current_vote_per_seat",
            ),
            models.CheckConstraint(
                condition=~Q(choice="objection") | ~Q(reason=""),
                name="an_objection_gives_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}/{self.seat_id}: {self.choice}"


class DecisionQuerySet(access.RestrictedQuerySet["Decision"]):
    def visible_to(self, user: Any) -> DecisionQuerySet:
        """The decision log is public, except decisions marked confidential: those stay with
        the deciding body and the secretariat."""
        actor = access.actor_for(user)
        return self.filter(Q(confidential=False) | body_q(actor))


class Decision(TimeStampedModel):
    """An entry of the decision log: numbered, append-only; a correction is a new entry that
    points at the one it corrects. Its effect in another app is applied by an action of that
    app, registered for the effect type (DESIGN §4), and linked both ways."""

    class EffectState(models.TextChoices):
        NONE = "none", _("No effect in the system")
        PENDING = "pending", _("Pending: the app that applies it does not exist yet")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed")

    number = models.PositiveIntegerField(_("number"), unique=True)
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="decisions")
    proposal = models.OneToOneField(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="decision"
    )
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("decision"))
    decided_on = models.DateField(_("decided on"))
    confidential = models.BooleanField(_("confidential"), default=False)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    effect_type = models.CharField(_("effect"), max_length=40, blank=True)
    effect_params = models.JSONField(default=dict, blank=True)
    effect_state = models.CharField(
        _("effect state"), max_length=10, choices=EffectState.choices, default=EffectState.NONE
    )
    effect_note = models.CharField(_("effect"), max_length=300, blank=True)
    # What the effect made or changed, so it links back: "parties.party:12".
    effect_object = models.CharField(max_length=80, blank=True)
    effect_applied_at = models.DateTimeField(null=True, blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


# --- Budget and external communication ---------------------------------------------------


class FinanceQuerySet(access.RestrictedQuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        """The budget is the steering group's and the secretariat's."""
        actor = access.actor_for(user)
        return self.all() if actor.is_secretariat or actor.is_steering_group else self.none()


class BudgetLine(TimeStampedModel):
    covenant = models.ForeignKey("parties.Covenant", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("budget line"), max_length=200)
    amount_eur = models.DecimalField(_("budget (EUR)"), max_digits=14, decimal_places=2)

    objects = FinanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["covenant", "year", "code"], name="budget_line_once_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.code} {self.name}"


class Contribution(TimeStampedModel):
    covenant = models.ForeignKey("parties.Covenant", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    amount_eur = models.DecimalField(_("contribution (EUR)"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    objects = FinanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["year", "party"]
        constraints = [
            models.UniqueConstraint(
                fields=["covenant", "year", "party"], name="contribution_once_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.party_id}"


class Spending(TimeStampedModel):
    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="spending")
    spent_on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    amount_eur = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2)
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = FinanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("spending")
        verbose_name_plural = _("spending")
        ordering = ["-spent_on"]

    def __str__(self) -> str:
        return f"{self.spent_on} {self.description}"


class PublicOrBodyQuerySet(access.RestrictedQuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        """Approved agreements and statements are public; drafts are the steering group's
        and the secretariat's."""
        actor = access.actor_for(user)
        if actor.is_secretariat or actor.is_steering_group:
            return self.all()
        return self.filter(decision__isnull=False, decision__confidential=False)


class CommunicationAgreement(TimeStampedModel):
    """What may be said publicly about the covenant, and by whom; in force once a
    steering-group decision approves it."""

    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("agreement"))
    spokespeople = models.TextField(_("who may speak"), blank=True)
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = PublicOrBodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("communication agreement")
        verbose_name_plural = _("communication agreements")
        ordering = ["-valid_from", "title"]

    def __str__(self) -> str:
        return self.title


class PressStatement(TimeStampedModel):
    """A press statement, each approved by a steering-group decision before it goes out."""

    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    spokesperson = models.CharField(_("spokesperson"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = PublicOrBodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("press statement")
        verbose_name_plural = _("press statements")
        ordering = ["-published_on", "title"]

    def __str__(self) -> str:
        return self.title
