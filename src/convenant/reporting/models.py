"""Annual reporting and monitoring (DESIGN §3): the KPI framework, the reporting cycles, each
party's submission, the monitoring committee's review and its monitoring report.

**The framework** is a versioned library file (``reporting/data/frameworks/``): four main
indicators (policy; outsourcing; monitoring of outsourcing; reporting and transparency), their
sub-indicators and the questions behind each. A party is positive on a main indicator only if
it is positive on *all* its sub-indicators; a missing answer is never positive; how "not
applicable" counts is set per indicator and stored with the version. A cycle freezes the
version when it opens. A new version names, per question, the identifier it continues
(``previous_code``), so that years stay comparable. Unions and NGOs answer the shorter
``effort`` questionnaire about their own invested assets.

**A cycle** (baseline, progress or final measurement) opens with one submission per party that
must report. **A submission** moves not started → in progress → submitted (locked) → under
review → questions raised → resubmitted → accepted. After acceptance, within the cycle's
correction window, a correction is a new version (``corrects``) and the accepted one is
superseded: figures it changes are marked as restated. Answers pre-filled from what the
platform knows stand as "pre-filled — confirm" until the party confirms or changes them.

**Review.** The committee threads its questions per question, confirms or corrects each
sub-indicator's score with a reason, and writes findings and recommendations.

**The report** freezes the figures at sign-off (``MonitoringReport.figures`` and its digest);
HTML, PDF and XLSX are rendered from that snapshot only. The steering group approves it by a
decision (the governance effect ``approve_report``), and the public summary by another
(``approve_summary``), after which it is published.

Who reads what (DESIGN §5):

- the framework: everyone; a cycle and its targets: the covenant's parties, the secretariat
  and the committee (everyone, once its report is published);
- a submission's row (its state, dates, completeness): the party's members, the secretariat
  (for administration) and the monitoring committee;
- its content (answers, evidence, scores, review threads): the party's members; the
  secretariat and the committee only once the version has been submitted — a draft, and a
  correction not yet submitted, are the party's own;
- findings and the report: the committee and the secretariat; the steering group once signed
  off; everyone once published (and then only through disclosure control);
- reminders: the secretariat and the party reminded.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from convenant.core import access
from convenant.core.models import TimeStampedModel


def _english(language: str | None) -> bool:
    return (language or get_language() or "nl").startswith("en")


class PublicQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        """The KPI framework is public: parties, the committee and anyone else read what is
        asked and how it is scored."""
        return self.all()


# --- The KPI framework: a versioned library file --------------------------------------------


class Framework(TimeStampedModel):
    version = models.CharField(_("version"), max_length=20, unique=True)  # "2019.1"
    title = models.CharField(_("title (Dutch)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    # The library file's SHA-256: a changed file needs a new version, never a silent reload.
    digest = models.CharField(max_length=64)
    # The version it continues: its questions' ``previous_code`` point into that one.
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("KPI framework")
        verbose_name_plural = _("KPI frameworks")
        ordering = ["version"]

    def __str__(self) -> str:
        return self.version

    def title_in(self, language: str | None = None) -> str:
        return self.title_en if _english(language) else self.title


class Questionnaire(models.TextChoices):
    FUND = "fund", _("Pension funds")
    # Unions and NGOs report on their own invested assets: an effort obligation.
    EFFORT = "effort", _("Unions and NGOs (own invested assets)")


class NotApplicable(models.TextChoices):
    """How a "not applicable" answer on an indicator counts."""

    EXCLUDED = "excluded", _("Left out: neither positive nor counted")
    POSITIVE = "positive", _("Counts as positive")
    NEGATIVE = "negative", _("Counts as not positive")


class Indicator(models.Model):
    """A main indicator (no parent) or one of its sub-indicators."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="indicators")
    code = models.SlugField(_("indicator"), max_length=40)  # "policy", "policy-scope"
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="subindicators"
    )
    questionnaire = models.CharField(
        max_length=8, choices=Questionnaire.choices, default=Questionnaire.FUND
    )
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name (Dutch)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    description = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    not_applicable = models.CharField(
        _("not applicable counts as"),
        max_length=10,
        choices=NotApplicable.choices,
        default=NotApplicable.EXCLUDED,
    )

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="indicator_once"),
        ]

    def __str__(self) -> str:
        return f"{self.framework_id}:{self.code}"

    @property
    def is_main(self) -> bool:
        return self.parent_id is None

    def name_in(self, language: str | None = None) -> str:
        return self.name_en if _english(language) else self.name


class Question(models.Model):
    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("Yes or no")
        CHOICE = "choice", _("Choice")
        NUMBER = "number", _("Number")
        PERCENTAGE = "percentage", _("Percentage")
        TEXT = "text", _("Text")
        DATE = "date", _("Date")
        EVIDENCE = "evidence", _("Evidence")

    class Role(models.TextChoices):
        """What else an answer is used for, beyond its indicator."""

        NONE = "", _("None")
        INVESTED_ASSETS = "invested_assets", _("Invested assets at the reference date (EUR)")
        PUBLIC_REPORT_URL = "public_report_url", _("Link to the party's public report")

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="questions")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="questions")
    code = models.CharField(_("question"), max_length=30)  # "P1.2": stable within a version
    # The identifier this question continues in the previous version (blank: new).
    previous_code = models.CharField(max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.NONE, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("question (Dutch)"))
    text_en = models.TextField(_("question (English)"))
    help = models.TextField(_("help (Dutch)"), blank=True)
    help_en = models.TextField(_("help (English)"), blank=True)
    # For a choice: [{"value": "…", "label": "…", "label_en": "…"}].
    choices = models.JSONField(default=list, blank=True)
    # When the answer makes its indicator positive: {"equals": true}, {"in": [...]},
    # {"at_least": 50}, {"at_most": 10}, {"answered": true}. Empty: it informs, it does not
    # decide.
    positive_when = models.JSONField(default=dict, blank=True)
    required = models.BooleanField(default=True)
    allows_not_applicable = models.BooleanField(default=False)
    # Asked only when the answer to ``depends_on`` (a code of the same version) equals
    # ``depends_value``.
    depends_on = models.CharField(max_length=30, blank=True)
    depends_value = models.JSONField(null=True, blank=True)
    # The pre-fill source (a key of ``reporting.prefill``'s registry), blank for none.
    prefill = models.CharField(max_length=60, blank=True)

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="question_once"),
        ]

    def __str__(self) -> str:
        return f"{self.framework_id}:{self.code}"

    def text_in(self, language: str | None = None) -> str:
        return self.text_en if _english(language) else self.text

    def help_in(self, language: str | None = None) -> str:
        return self.help_en if _english(language) else self.help


# --- Cycles ---------------------------------------------------------------------------------


def _reader(actor: access.Actor) -> bool:
    return actor.is_covenant_member or actor.is_secretariat or actor.is_monitoring_committee


class CycleQuerySet(access.RestrictedQuerySet["Cycle"]):
    def visible_to(self, user: Any) -> CycleQuerySet:
        """The covenant's parties, the secretariat and the committee; everyone once the
        cycle's report is published."""
        if _reader(access.actor_for(user)):
            return self.all()
        return self.filter(report__state=MonitoringReport.State.PUBLISHED)


class Cycle(TimeStampedModel):
    class Kind(models.TextChoices):
        BASELINE = "baseline", _("Baseline measurement")
        PROGRESS = "progress", _("Progress measurement")
        FINAL = "final", _("Final measurement")

    class State(models.TextChoices):
        DRAFT = "draft", _("In preparation")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    covenant = models.ForeignKey("parties.Covenant", on_delete=models.PROTECT, related_name="+")
    label = models.SlugField(_("label"), max_length=20, unique=True)  # "2021"
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.DRAFT)
    # Frozen when the cycle opens; may change while it is in preparation.
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="cycles")
    reference_date = models.DateField(_("reference date"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("deadline"))
    # Until when an accepted submission may be corrected (a new version).
    corrections_until = models.DateField(_("corrections until"), null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = CycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")
        ordering = ["-reference_date", "label"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__lte=models.F("closes_on")), name="cycle_opens_before_closing"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TargetQuerySet(access.RestrictedQuerySet["Target"]):
    def visible_to(self, user: Any) -> TargetQuerySet:
        """As the cycle."""
        return self.filter(cycle__in=Cycle.objects.visible_to(user))


class Target(models.Model):
    """The share of funds a cycle aims for on a main indicator, in percent."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="targets")
    indicator_code = models.SlugField(_("indicator"), max_length=40)
    share = models.DecimalField(_("target (% of funds)"), max_digits=5, decimal_places=2)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["cycle", "indicator_code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "indicator_code"], name="target_once"),
            models.CheckConstraint(
                condition=Q(share__gte=0) & Q(share__lte=100), name="target_is_a_percentage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.indicator_code}: {self.share}%"


# --- Submissions ----------------------------------------------------------------------------

# The states in which a version has been submitted: its content is no longer the party's alone.
SUBMITTED_STATES = (
    "submitted",
    "under_review",
    "questions_raised",
    "resubmitted",
    "accepted",
    "superseded",
)


class SubmissionQuerySet(access.RestrictedQuerySet["Submission"]):
    def visible_to(self, user: Any) -> SubmissionQuerySet:
        """The row (state, dates, completeness): the party's members, the secretariat and
        the committee."""
        actor = access.actor_for(user)
        if actor.is_secretariat or actor.is_monitoring_committee:
            return self.all()
        return self.filter(party_id__in=actor.party_ids)

    def in_force(self) -> SubmissionQuerySet:
        """Not superseded: per party its version in work, and the accepted one while a
        correction of it is being written."""
        return self.exclude(state=Submission.State.SUPERSEDED)


def content_q(actor: access.Actor, prefix: str = "") -> Q:
    """A submission's content: its party's members always; the secretariat and the committee
    once that version has been submitted."""
    own = Q(**{f"{prefix}party_id__in": actor.party_ids})
    if actor.is_secretariat or actor.is_monitoring_committee:
        return own | Q(**{f"{prefix}state__in": SUBMITTED_STATES})
    return own


class Submission(TimeStampedModel):
    class State(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        QUESTIONS_RAISED = "questions_raised", _("Questions raised")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        ACCEPTED = "accepted", _("Accepted")
        # An accepted version replaced by its correction: kept, never counted again.
        SUPERSEDED = "superseded", _("Superseded by a correction")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="submissions")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    questionnaire = models.CharField(max_length=8, choices=Questionnaire.choices)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.NOT_STARTED
    )
    # The assets that weigh this party in the asset-weighted shares, at the reference date.
    invested_assets_eur = models.DecimalField(
        _("invested assets (EUR)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    # The committee (or the secretariat) leaves a submission out of the figures, with a
    # reason; the report lists it apart.
    excluded = models.BooleanField(_("left out of the figures"), default=False)
    exclusion_reason = models.TextField(_("why left out"), blank=True)
    # Per main indicator, the fund's opt-in to publish its own result (never by default).
    public_indicators = ArrayField(models.SlugField(max_length=40), default=list, blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["cycle", "party", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "party", "version"], name="submission_version_once"
            ),
            # A correction is written while the version it corrects stays accepted (and
            # counted) until the correction is accepted in its turn.
            models.UniqueConstraint(
                fields=["cycle", "party"],
                condition=~Q(state__in=["accepted", "superseded"]),
                name="one_open_submission_per_party",
            ),
            models.UniqueConstraint(
                fields=["cycle", "party"],
                condition=Q(state="accepted"),
                name="one_accepted_submission_per_party",
            ),
            models.CheckConstraint(
                condition=Q(excluded=False) | ~Q(exclusion_reason=""),
                name="an_exclusion_has_its_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id}/{self.party_id} v{self.version}"

    @property
    def is_submitted(self) -> bool:
        return self.state in SUBMITTED_STATES

    @property
    def is_locked(self) -> bool:
        """Submitted versions are locked: only "questions raised" lets the party change."""
        return self.state in SUBMITTED_STATES and self.state != self.State.QUESTIONS_RAISED


class ContentQuerySet(access.RestrictedQuerySet[Any]):
    """Rows that hang from a submission: read as its content."""

    def visible_to(self, user: Any) -> Any:
        return self.filter(content_q(access.actor_for(user), "submission__"))


class Answer(TimeStampedModel):
    class State(models.TextChoices):
        EMPTY = "", _("Not answered")
        PREFILLED = "prefilled", _("Pre-filled — confirm")
        CONFIRMED = "confirmed", _("Pre-filled and confirmed")
        ANSWERED = "answered", _("Answered")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    # yes/no: bool; choice, text: str; number, percentage: a decimal as str; date: ISO date.
    value = models.JSONField(null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    comment = models.TextField(_("explanation"), blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.EMPTY, blank=True)
    # Where a pre-filled value came from, in words and as a link, and the value offered.
    source = models.CharField(_("source"), max_length=300, blank=True)
    source_url = models.CharField(max_length=500, blank=True)
    prefilled_value = models.JSONField(null=True, blank=True)
    answered_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["submission", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "question"], name="one_answer_each"),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}:{self.question_id}"


class Evidence(TimeStampedModel):
    """A document behind an answer. Stored outside the web root, served only through the
    access policy."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="evidence")
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="reporting/evidence/%Y/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["submission", "created_at"]

    def __str__(self) -> str:
        return self.title


class Outcome(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Not positive")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class Score(TimeStampedModel):
    """A sub-indicator's outcome for one submission: computed from the answers, then
    confirmed or corrected by the committee (with a reason). A main indicator's outcome is
    never stored: it follows from its sub-indicators."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    computed = models.CharField(_("from the answers"), max_length=16, choices=Outcome.choices)
    confirmed = models.CharField(
        _("the committee's score"), max_length=16, choices=Outcome.choices, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    confirmed_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["submission", "indicator__order"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "indicator"], name="one_score_each"),
            models.CheckConstraint(
                condition=Q(confirmed="") | Q(confirmed=models.F("computed")) | ~Q(reason=""),
                name="a_corrected_score_has_its_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}:{self.indicator_id} {self.outcome}"

    @property
    def outcome(self) -> str:
        return self.confirmed or self.computed


class ReviewThread(TimeStampedModel):
    """The committee's question about one question of a submission (or the whole of it),
    answered by the party in the platform before it resubmits."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="threads")
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("review question")
        verbose_name_plural = _("review questions")
        ordering = ["submission", "created_at"]

    def __str__(self) -> str:
        return f"{self.submission_id}:{self.question_id}"


class MessageQuerySet(access.RestrictedQuerySet["ReviewMessage"]):
    def visible_to(self, user: Any) -> MessageQuerySet:
        return self.filter(content_q(access.actor_for(user), "thread__submission__"))


class ReviewMessage(TimeStampedModel):
    thread = models.ForeignKey(ReviewThread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    # True when written for the committee, False when the party answers.
    from_committee = models.BooleanField(default=True)
    text = models.TextField(_("message"))

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("review message")
        verbose_name_plural = _("review messages")
        ordering = ["thread", "created_at"]

    def __str__(self) -> str:
        return f"{self.thread_id}: {self.author_id}"


class ReminderQuerySet(access.RestrictedQuerySet["Reminder"]):
    def visible_to(self, user: Any) -> ReminderQuerySet:
        actor = access.actor_for(user)
        if actor.is_secretariat:
            return self.all()
        return self.filter(submission__party_id__in=actor.party_ids)


class Reminder(TimeStampedModel):
    """One reminder about a submission: before or after the deadline (queued by the periodic
    task, once per ``due_key``), or sent by the secretariat. Each e-mail is a job."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("Before the deadline")
        AFTER = "after", _("After the deadline")
        MANUAL = "manual", _("Sent by the secretariat")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # "before-14", "after-7": the scheduled moment, so that a reminder goes out once.
    due_key = models.CharField(max_length=20, blank=True)
    recipients = models.PositiveSmallIntegerField(default=0)
    sent_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["submission", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "due_key"],
                condition=~Q(due_key=""),
                name="a_scheduled_reminder_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.kind} {self.due_key}"


# --- The committee's findings and its report ------------------------------------------------


def _report_reader_q(actor: access.Actor, prefix: str = "") -> Q:
    """Committee and secretariat: always; the steering group: once signed off; everyone:
    once published."""
    if actor.is_monitoring_committee or actor.is_secretariat:
        return Q()
    states = [MonitoringReport.State.PUBLISHED]
    if actor.is_steering_group:
        states += [MonitoringReport.State.SIGNED_OFF, MonitoringReport.State.APPROVED]
    return Q(**{f"{prefix}state__in": states})


class FindingQuerySet(access.RestrictedQuerySet["Finding"]):
    def visible_to(self, user: Any) -> FindingQuerySet:
        return self.filter(_report_reader_q(access.actor_for(user), "cycle__report__"))


class Finding(TimeStampedModel):
    class Kind(models.TextChoices):
        FINDING = "finding", _("Finding")
        RECOMMENDATION = "recommendation", _("Recommendation")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="findings")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # The main indicator it is about (blank: the covenant as a whole).
    indicator_code = models.SlugField(_("indicator"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    order = models.PositiveSmallIntegerField(default=0)
    written_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["cycle", "kind", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class ReportQuerySet(access.RestrictedQuerySet["MonitoringReport"]):
    def visible_to(self, user: Any) -> ReportQuerySet:
        return self.filter(_report_reader_q(access.actor_for(user)))


class MonitoringReport(TimeStampedModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED_OFF = "signed_off", _("Signed off by the committee")
        APPROVED = "approved", _("Approved by the steering group")
        PUBLISHED = "published", _("Published")

    cycle = models.OneToOneField(Cycle, on_delete=models.PROTECT, related_name="report")
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    # The figures frozen at sign-off (``reporting.figures``) and their SHA-256 over the
    # canonical JSON: every rendering comes from these and shows the digest.
    figures = models.JSONField(null=True, blank=True)
    figures_digest = models.CharField(max_length=64, blank=True)
    summary = models.TextField(_("public summary (Dutch)"), blank=True)
    summary_en = models.TextField(_("public summary (English)"), blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approval = models.ForeignKey(
        "governance.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary_approval = models.ForeignKey(
        "governance.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("monitoring report")
        verbose_name_plural = _("monitoring reports")
        ordering = ["-cycle__reference_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | (Q(figures__isnull=False) & ~Q(figures_digest="")),
                name="a_signed_off_report_has_its_figures",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.state}"

    def summary_in(self, language: str | None = None) -> str:
        return self.summary_en if _english(language) and self.summary_en else self.summary
