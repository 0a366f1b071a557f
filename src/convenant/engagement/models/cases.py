"""The deep track (DESIGN §3): up to six cases that one fund cannot solve alone, worked by
the covenant's parties together.

Any party nominates a company, sector or issue with evidence against the five selection
criteria; each constituency scores the nominations in a selection round; the steering
group's adopted decision selects the cases (the governance effect ``select_cases``). A
selected case gets a sub-working group (a governance body: its memberships are the case's
people, each with a case role that carries rights, see ``engagement.case_rules``), a
collaboration plan, and runs the steps A–E, each with its own records and exit criteria,
then closes with an outcome and lessons at three levels.

Who may read what (DESIGN §5): a case is its sub-working group's and the steering group's
(and the secretariat's, which runs the process); a record at the ``group`` level only the
sub-working group's people read, whatever their standing elsewhere: consultations where
people are at risk belong there. Everyone else reads only the public communications the
group approved and published. Nominations and their scores are read by the members of all
parties, as the selection is the covenant's own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from convenant.core import access
from convenant.core.models import TimeStampedModel


class Criterion(models.TextChoices):
    """The five selection criteria of DESIGN §3."""

    SEVERITY = "severity", _("Severity: scale, scope and irremediability")
    LIKELIHOOD = "likelihood", _("Likelihood")
    ADDED_VALUE = "added_value", _("Added value of working together and of diversity")
    LABOUR_RIGHTS = "labour_rights", _("Focus on labour and human rights")
    LEARNING = "learning", _("Learning value and relevance for the sector")


class Step(models.TextChoices):
    ASSESSMENT = "A", _("A · Assessment")
    LEVERAGE = "B", _("B · Leverage")
    REMEDIATION = "C", _("C · Remediation")
    MONITORING = "D", _("D · Monitoring")
    COMMUNICATION = "E", _("E · Communication")


class CaseRole(models.TextChoices):
    LEAD_FUND = "lead_fund", _("Lead fund")
    SUPPORTING_FUND = "supporting_fund", _("Supporting fund")
    UNION_EXPERT = "union_expert", _("Union expert")
    NGO_EXPERT = "ngo_expert", _("NGO expert")
    GOVERNMENT_EXPERT = "government_expert", _("Government expert")
    SECRETARY = "secretary", _("Secretary")


class CaseLevel(models.TextChoices):
    """Who reads a case's record: everyone who reads the case, or only its group."""

    CASE = "case", _("The case's readers (sub-working group and steering group)")
    GROUP = "group", _("The sub-working group only")


def group_member_q(actor: access.Actor, prefix: str = "") -> Q:
    """Cases whose sub-working group the person sits in today."""
    if not actor.user_id:
        return Q(pk__in=[])
    return Q(**{f"{prefix}body_id__in": actor.body_ids})


def case_q(actor: access.Actor, prefix: str = "") -> Q:
    """Cases the actor reads: the secretariat and the steering group all; the sub-working
    group its own; the monitoring committee, to which a closure is reported, the closed
    cases (their outcome and lessons, and records at the case level, never the group's own).
    Nobody else (they read the published communications only)."""
    if actor.is_secretariat or actor.is_steering_group:
        return Q(**{f"{prefix}pk__isnull": False})
    if actor.is_monitoring_committee:
        return group_member_q(actor, prefix) | Q(**{f"{prefix}status": "closed"})
    return group_member_q(actor, prefix)


def level_q(actor: access.Actor, prefix: str = "") -> Q:
    """Records of readable cases at the actor's level: ``group`` records only for the
    group's own people (the secretariat and the steering group included only as members)."""
    readable = case_q(actor, f"{prefix}case__") & Q(**{f"{prefix}level": CaseLevel.CASE})
    return readable | group_member_q(actor, f"{prefix}case__")


# --- Nominations and the selection round -------------------------------------------------


class CovenantWideQuerySet(access.RestrictedQuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        """The selection is the covenant's: every party's members and the secretariat."""
        actor = access.actor_for(user)
        if actor.is_secretariat or actor.is_covenant_member:
            return self.all()
        return self.none()


class SelectionRound(TimeStampedModel):
    class State(models.TextChoices):
        OPEN = "open", _("Open for nominations and scores")
        CLOSED = "closed", _("Scoring closed")
        DECIDED = "decided", _("Decided")

    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("scores close on"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    # The steering group's proposal that selects from this round, once put forward.
    proposal = models.ForeignKey(
        "governance.Proposal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = CovenantWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("selection round")
        verbose_name_plural = _("selection rounds")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="round_closes_after_open"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Nomination(TimeStampedModel):
    """A company, sector or issue put forward for the deep track, with evidence against the
    five criteria. What the platform knows (linked risks, signals, holders) is computed when
    shown, so it is never stale."""

    class Target(models.TextChoices):
        ISSUER = "issuer", _("A company")
        SECTOR = "sector", _("A sector")
        ISSUE = "issue", _("An issue")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")

    reference = models.SlugField(_("reference"), max_length=40, unique=True)
    round = models.ForeignKey(
        SelectionRound,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    title = models.CharField(_("title"), max_length=300)
    target = models.CharField(_("target"), max_length=10, choices=Target.choices)
    issuer = models.ForeignKey(
        "portfolios.Issuer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sector_code = models.CharField(_("sector (GICS)"), max_length=20, blank=True)
    issue = models.CharField(_("issue"), max_length=300, blank=True)
    themes = ArrayField(models.SlugField(max_length=40), default=list, blank=True)
    party = models.ForeignKey(
        "parties.Party", on_delete=models.PROTECT, related_name="+", verbose_name=_("nominated by")
    )
    nominated_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField(_("why this case"))
    evidence_severity = models.TextField(_("evidence: severity"), blank=True)
    evidence_likelihood = models.TextField(_("evidence: likelihood"), blank=True)
    evidence_added_value = models.TextField(_("evidence: added value"), blank=True)
    evidence_labour_rights = models.TextField(_("evidence: labour and human rights"), blank=True)
    evidence_learning = models.TextField(_("evidence: learning value"), blank=True)
    state = models.CharField(
        _("state"), max_length=14, choices=State.choices, default=State.SUBMITTED
    )

    objects = CovenantWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target="issuer", issuer__isnull=False)
                | Q(target="sector") & ~Q(sector_code="")
                | Q(target="issue") & ~Q(issue=""),
                name="nomination_names_its_target",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def evidence(self, criterion: str) -> str:
        return str(getattr(self, f"evidence_{criterion}", ""))


class NominationScore(TimeStampedModel):
    """A constituency's score of a nomination on one criterion, 1 (weak) to 5 (strong). One
    per constituency and criterion: a new score replaces the old (audited)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="scores")
    constituency = models.ForeignKey(
        "parties.Constituency", on_delete=models.PROTECT, related_name="+"
    )
    criterion = models.CharField(_("criterion"), max_length=20, choices=Criterion.choices)
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    scored_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = CovenantWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "constituency", "criterion"], name="score_once"
            ),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="score_in_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.nomination_id}/{self.constituency_id}/{self.criterion}: {self.score}"


# --- Cases --------------------------------------------------------------------------------


class CaseQuerySet(access.RestrictedQuerySet["Case"]):
    def visible_to(self, user: Any) -> CaseQuerySet:
        return self.filter(case_q(access.actor_for(user)))

    def running(self) -> CaseQuerySet:
        return self.filter(status=Case.Status.ACTIVE)


class Case(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Running")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        OPEN = "", _("Open")
        SUCCESSFUL = "successful", _("Successful")
        PARTIAL = "partial", _("Partly successful")
        UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")
        DISCONTINUED = "discontinued", _("Discontinued")

    reference = models.SlugField(_("reference"), max_length=40, unique=True)
    nomination = models.OneToOneField(
        Nomination, null=True, blank=True, on_delete=models.PROTECT, related_name="case"
    )
    title = models.CharField(_("title"), max_length=300)
    target = models.CharField(_("target"), max_length=10, choices=Nomination.Target.choices)
    issuer = models.ForeignKey(
        "portfolios.Issuer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sector_code = models.CharField(_("sector (GICS)"), max_length=20, blank=True)
    issue = models.CharField(_("issue"), max_length=300, blank=True)
    themes = ArrayField(models.SlugField(max_length=40), default=list, blank=True)
    # The sub-working group: its memberships are the case's people (see CaseMember).
    body = models.OneToOneField(
        "governance.Body", on_delete=models.PROTECT, related_name="deep_track_case"
    )
    decision = models.ForeignKey(
        "governance.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    selected_on = models.DateField(_("selected on"))
    step = models.CharField(_("step"), max_length=1, choices=Step.choices, default=Step.ASSESSMENT)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    # The collaboration plan (its milestones are CaseMilestone rows).
    plan_objectives = models.TextField(_("objectives"), blank=True)
    plan_questions = models.TextField(_("questions for the company"), blank=True)
    plan_roles = models.TextField(_("roles"), blank=True)
    plan_communication = models.TextField(_("communication agreements"), blank=True)
    plan_agreed_on = models.DateField(_("plan agreed on"), null=True, blank=True)
    # The fields the group marked publishable: a public text is generated from these only.
    publishable = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=14, choices=Outcome.choices, default=Outcome.OPEN, blank=True
    )
    outcome_rationale = models.TextField(_("rationale"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("deep-track case")
        verbose_name_plural = _("deep-track cases")
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target="issuer", issuer__isnull=False)
                | Q(target="sector") & ~Q(sector_code="")
                | Q(target="issue") & ~Q(issue=""),
                name="case_names_its_target",
            ),
            models.CheckConstraint(
                condition=Q(status="active", outcome="", closed_on__isnull=True)
                | Q(status="closed", closed_on__isnull=False)
                & ~Q(outcome="")
                & ~Q(outcome_rationale=""),
                name="a_closed_case_has_outcome_and_rationale",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CasePartQuerySet(access.RestrictedQuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        return self.filter(case_q(access.actor_for(user), "case__"))


class LeveledQuerySet(access.RestrictedQuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        return self.filter(level_q(access.actor_for(user)))


class CaseMember(TimeStampedModel):
    """A person's role in a case. The person, their party and the dates are the sub-working
    group's membership (governance), so the two never disagree; the role carries rights."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    membership = models.OneToOneField(
        "governance.BodyMembership", on_delete=models.PROTECT, related_name="case_role"
    )
    role = models.CharField(_("role in the case"), max_length=20, choices=CaseRole.choices)

    objects = CasePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("case member")
        verbose_name_plural = _("case members")
        ordering = ["case", "role"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.membership_id} {self.role}"


class CaseMilestone(TimeStampedModel):
    """A milestone of the collaboration plan: progress is monitored against these (step D)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=300)
    target_on = models.DateField(_("target date"), null=True, blank=True)
    reached_on = models.DateField(_("reached on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = CasePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan milestone")
        verbose_name_plural = _("plan milestones")
        ordering = ["case", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reached_on__isnull=True) | ~Q(evidence=""),
                name="a_reached_plan_milestone_gives_evidence",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def overdue(self) -> bool:
        return (
            self.reached_on is None
            and self.target_on is not None
            and self.target_on < timezone.localdate()
        )


class StepMove(models.Model):
    """A case moving from one step to another: forward once the exit criteria hold (the
    checks as they stood are kept), back only with a reason."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="moves")
    from_step = models.CharField(max_length=1, choices=Step.choices)
    to_step = models.CharField(max_length=1, choices=Step.choices)
    moved_at = models.DateTimeField(default=timezone.now)
    moved_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    checks = models.JSONField(default=list, blank=True)

    objects = CasePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("step change")
        verbose_name_plural = _("step changes")
        ordering = ["case", "moved_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_step__gt=models.F("from_step")) | ~Q(reason=""),
                name="going_back_gives_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_step} → {self.to_step}"


# --- Step A: consultations ----------------------------------------------------------------


# Fields of a consultation the group can hide from readers outside it, as with signals.
CONSULTATION_REDACTABLE = {
    "people": _("Names of people"),
    "site": _("Exact location"),
    "findings": _("Findings"),
}


class Consultation(TimeStampedModel):
    """A consultation with stakeholders, local partners or affected groups (step A). Where
    people are at risk, it is kept at the group level or its names and location are hidden
    from everyone outside the group (``redactions``: field → level that may read it)."""

    class Kind(models.TextChoices):
        STAKEHOLDER = "stakeholder", _("Stakeholders")
        LOCAL_PARTNER = "local_partner", _("Local partner")
        AFFECTED_GROUP = "affected_group", _("Affected group")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consultations")
    held_on = models.DateField(_("held on"))
    kind = models.CharField(_("with"), max_length=20, choices=Kind.choices)
    with_whom = models.CharField(_("who"), max_length=300)
    # The groups consulted, as signals name them (signals.AffectedGroup).
    groups = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    people = models.TextField(_("names of people"), blank=True)
    site = models.CharField(_("exact location"), max_length=300, blank=True)
    findings = models.TextField(_("findings"))
    people_at_risk = models.BooleanField(_("people are at risk"), default=False)
    level = models.CharField(
        _("who may read it"), max_length=8, choices=CaseLevel.choices, default=CaseLevel.GROUP
    )
    redactions = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = LeveledQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["case", "-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.with_whom} {self.held_on}"

    def shows(self, field: str, in_group: bool) -> bool:
        """Whether a reader sees a redactable field: the group always; others only if the
        group opened it to the case's readers."""
        return in_group or self.redactions.get(field) == CaseLevel.CASE


class ConsultationNoteQuerySet(access.RestrictedQuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        """A note is read by whoever reads its consultation."""
        return self.filter(level_q(access.actor_for(user), "consultation__"))


class ConsultationNote(models.Model):
    """A note added to a consultation once it is locked: the record stands as written, what
    was learned later is added beside it."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"))
    written_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    objects = ConsultationNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation note")
        verbose_name_plural = _("consultation notes")
        ordering = ["consultation", "written_at", "pk"]

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.text[:40]}"


# --- Step C: remediation ------------------------------------------------------------------


class Remedy(TimeStampedModel):
    """Remedy for affected people, kept apart from the company's policy changes."""

    class Kind(models.TextChoices):
        REMEDY = "remedy", _("Remedy for affected people")
        POLICY_CHANGE = "policy_change", _("Company policy change")

    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("Identified")
        AGREED = "agreed", _("Agreed with the company")
        IN_PROGRESS = "in_progress", _("In progress")
        PROVIDED = "provided", _("Provided")
        REFUSED = "refused", _("Refused by the company")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="remedies")
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    what = models.TextField(_("what"))
    for_whom = models.CharField(_("for whom"), max_length=300, blank=True)
    by_whom = models.CharField(_("by whom"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IDENTIFIED
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status_on = models.DateField(_("status since"))
    evidence = models.TextField(_("evidence"), blank=True)
    level = models.CharField(
        _("who may read it"), max_length=8, choices=CaseLevel.choices, default=CaseLevel.CASE
    )
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = LeveledQuerySet.as_manager()

    class Meta:
        verbose_name = _("remedy")
        verbose_name_plural = _("remedies")
        ordering = ["case", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="remedy") | ~Q(for_whom=""), name="a_remedy_names_for_whom"
            ),
            models.CheckConstraint(
                condition=~Q(status="provided") | ~Q(evidence=""),
                name="a_provided_remedy_gives_evidence",
            ),
        ]

    def __str__(self) -> str:
        return self.what[:60]


# --- Step D: the grievance mechanism against UNGP 31 ------------------------------------


class GrievanceCriterion(models.TextChoices):
    """The eight effectiveness criteria of UN Guiding Principle 31."""

    LEGITIMATE = "legitimate", _("Legitimate")
    ACCESSIBLE = "accessible", _("Accessible")
    PREDICTABLE = "predictable", _("Predictable")
    EQUITABLE = "equitable", _("Equitable")
    TRANSPARENT = "transparent", _("Transparent")
    RIGHTS_COMPATIBLE = "rights_compatible", _("Rights-compatible")
    CONTINUOUS_LEARNING = "continuous_learning", _("A source of continuous learning")
    ENGAGEMENT = "engagement", _("Based on engagement and dialogue")


class GrievanceRating(models.IntegerChoices):
    ABSENT = 0, _("Absent")
    WEAK = 1, _("Weak")
    PARTLY = 2, _("Partly meets")
    MEETS = 3, _("Meets")


class GrievanceAssessment(TimeStampedModel):
    """An assessment of the company's grievance mechanism; repeated ones show the trend."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="grievance_assessments")
    assessed_on = models.DateField(_("assessed on"))
    mechanism = models.CharField(_("mechanism assessed"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    assessed_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = CasePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("grievance-mechanism assessment")
        verbose_name_plural = _("grievance-mechanism assessments")
        ordering = ["case", "assessed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.mechanism} {self.assessed_on}"


class GrievanceScoreQuerySet(access.RestrictedQuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        return self.filter(case_q(access.actor_for(user), "assessment__case__"))


class GrievanceScore(models.Model):
    assessment = models.ForeignKey(
        GrievanceAssessment, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.CharField(_("criterion"), max_length=20, choices=GrievanceCriterion.choices)
    rating = models.PositiveSmallIntegerField(_("rating"), choices=GrievanceRating.choices)
    evidence = models.TextField(_("evidence"))

    objects = GrievanceScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("criterion rating")
        verbose_name_plural = _("criterion ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="grievance_criterion_once"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=0, rating__lte=3), name="grievance_rating_in_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.criterion}: {self.rating}"


# --- Step E: communication ----------------------------------------------------------------


class CommunicationQuerySet(access.RestrictedQuerySet["Communication"]):
    def visible_to(self, user: Any) -> CommunicationQuerySet:
        """Published public communications are everyone's; the rest the case's readers'."""
        actor = access.actor_for(user)
        public = Q(kind=Communication.Kind.PUBLIC, status=Communication.Status.PUBLISHED)
        return self.filter(public | case_q(actor, "case__"))

    def published(self) -> CommunicationQuerySet:
        return self.filter(kind=Communication.Kind.PUBLIC, status=Communication.Status.PUBLISHED)


class Communication(TimeStampedModel):
    """A communication about the case. A public one is generated only from the fields the
    group marked publishable, approved by every party of the group, then published;
    naming the company is part of what they approve."""

    class Kind(models.TextChoices):
        PUBLIC = "public", _("Public")
        CONFIDENTIAL = "confidential", _("Confidential")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROPOSED = "proposed", _("Awaiting the group's approval")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="communications")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    # The publishable fields the text was generated from, as they stood.
    generated_from = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    names_company = models.BooleanField(_("names the company"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = CommunicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("communication")
        verbose_name_plural = _("communications")
        ordering = ["case", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_on__isnull=False),
                name="a_published_communication_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ApprovalQuerySet(access.RestrictedQuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        return self.filter(case_q(access.actor_for(user), "communication__case__"))


class CommunicationApproval(models.Model):
    """A party of the group approving a communication's text as it stands."""

    communication = models.ForeignKey(
        Communication, on_delete=models.CASCADE, related_name="approvals"
    )
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(default=timezone.now)

    objects = ApprovalQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [
            models.UniqueConstraint(
                fields=["communication", "party"], name="communication_approved_once_per_party"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.communication_id}: {self.party_id}"


# --- Lessons -------------------------------------------------------------------------------


class Lesson(TimeStampedModel):
    """What the group learned, yearly while the case runs and at its closure, at three
    levels. A lesson can be put to the steering group as a recommendation for the toolkit."""

    class Level(models.TextChoices):
        ISSUE = "issue", _("Issue: what approach works")
        COLLABORATION = "collaboration", _("Collaboration")
        POLICY = "policy", _("Policy implications")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="lessons")
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=14, choices=Level.choices)
    text = models.TextField(_("lesson"))
    at_closure = models.BooleanField(default=False)
    # The steering group's recommendation proposal made of it, for the toolkit.
    recommendation = models.ForeignKey(
        "governance.Proposal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = CasePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["case", "year", "level", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.year} {self.level}"


def in_group(actor: access.Actor, case: Case) -> bool:
    """Whether the person sits in the case's sub-working group today."""
    return bool(actor.user_id) and case.body_id in actor.body_ids
