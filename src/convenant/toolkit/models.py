"""The broad track's toolkit (DESIGN §3): model texts that help a fund embed the OECD
Guidelines and the UNGPs in its policy and its contracts, and the fund's own policy
self-assessment against a requirement tree.

**Model texts.** A text has a stable identifier and versions. Each version holds the text in
Dutch and in English (the two language versions are one record, so they never drift apart)
and moves draft → consultation → adopted → superseded. Parties comment in consultation. A
*release* of the toolkit ("Toolkit 2022") gathers versions; the steering group adopts a
release by a decision (the governance effect ``adopt_toolkit_version``), which adopts its
versions and supersedes the versions they replace. An adopted version never changes.

**Self-assessment.** The requirement tree is a versioned library file
(``toolkit/data/requirements/``), every node citing its source paragraph. A fund answers each
requirement per year (met, partly met, not met, not applicable) with evidence; next year's
assessment starts from this year's answers, each marked "to confirm".

Who reads what (DESIGN §5): adopted and superseded versions, releases and the requirement
tree are public; drafts, versions in consultation and comments are the covenant's (every
party's members and the secretariat); a fund's self-assessment, answers and evidence are that
fund's members' only (the secretariat administers deadlines without reading the content).
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

# --- Model texts ---------------------------------------------------------------------------


class TextKind(models.TextChoices):
    POLICY_CLAUSE = "policy_clause", _("Policy clause")
    CONTRACT_CLAUSE = "contract_clause", _("Contract clause")
    REPORTING_REQUIREMENT = "reporting_requirement", _("Reporting requirement for providers")
    THEME_DOCUMENT = "theme_document", _("Theme document")


class Audience(models.TextChoices):
    """For whom a contract clause or reporting requirement is written (the provider's kind)."""

    ANY = "", _("Any provider")
    ASSET_MANAGER = "asset_manager", _("Asset managers")
    FIDUCIARY_MANAGER = "fiduciary_manager", _("Fiduciary managers")
    ENGAGEMENT_PROVIDER = "engagement_provider", _("Engagement providers")
    VOTING_PROVIDER = "voting_provider", _("Voting providers")
    ESG_DATA_PROVIDER = "esg_data_provider", _("ESG-data providers")


class PublicQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        """What a text is and its adopted wording are public, as the covenant publishes them."""
        return self.all()


class ModelText(TimeStampedModel):
    identifier = models.SlugField(_("identifier"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=TextKind.choices)
    audience = models.CharField(
        _("for"), max_length=24, choices=Audience.choices, default=Audience.ANY, blank=True
    )
    theme = models.SlugField(_("theme"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("model text")
        verbose_name_plural = _("model texts")
        ordering = ["kind", "order", "identifier"]

    def __str__(self) -> str:
        return self.identifier


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONSULTATION = "consultation", _("In consultation")
    ADOPTED = "adopted", _("Adopted")
    SUPERSEDED = "superseded", _("Superseded")


PUBLISHED_STATUSES = (VersionStatus.ADOPTED, VersionStatus.SUPERSEDED)


def covenant_reader(actor: access.Actor) -> bool:
    return actor.is_secretariat or actor.is_covenant_member


class TextVersionQuerySet(access.RestrictedQuerySet["TextVersion"]):
    def visible_to(self, user: Any) -> TextVersionQuerySet:
        """Adopted and superseded versions: everyone; drafts and consultation: the
        covenant's parties and the secretariat."""
        if covenant_reader(access.actor_for(user)):
            return self.all()
        return self.filter(status__in=PUBLISHED_STATUSES)

    def in_force(self) -> TextVersionQuerySet:
        return self.filter(status=VersionStatus.ADOPTED)


class TextVersion(TimeStampedModel):
    """One version of a model text, in both languages. Adopted: never changed again."""

    text = models.ForeignKey(ModelText, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=14, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    title = models.CharField(_("title (Dutch)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    body = models.TextField(_("text (Dutch)"))
    body_en = models.TextField(_("text (English)"))
    # Why this version differs from the one before: a note, or the steering group's
    # recommendation (e.g. a deep-track lesson put forward) that led to it.
    change_note = models.TextField(_("what changed and why"), blank=True)
    recommendation = models.ForeignKey(
        "governance.Proposal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consultation_closes_on = models.DateField(_("consultation closes on"), null=True, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    superseded_on = models.DateField(_("superseded on"), null=True, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = TextVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("text version")
        verbose_name_plural = _("text versions")
        ordering = ["text", "number"]
        constraints = [
            models.UniqueConstraint(fields=["text", "number"], name="text_version_once"),
            models.UniqueConstraint(
                fields=["text"],
                condition=Q(status="adopted"),
                name="one_adopted_version_per_text",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["adopted", "superseded"]) | Q(adopted_on__isnull=False),
                name="an_adopted_version_has_its_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text_id} v{self.number}"

    def title_in(self, language: str | None = None) -> str:
        return (
            self.title_en if (language or get_language() or "nl").startswith("en") else self.title
        )

    def body_in(self, language: str | None = None) -> str:
        return self.body_en if (language or get_language() or "nl").startswith("en") else self.body


class CommentQuerySet(access.RestrictedQuerySet["Comment"]):
    def visible_to(self, user: Any) -> CommentQuerySet:
        """The consultation's comments: the covenant's parties and the secretariat."""
        return self.all() if covenant_reader(access.actor_for(user)) else self.none()


class Comment(TimeStampedModel):
    """A party's comment on a version in consultation."""

    version = models.ForeignKey(TextVersion, on_delete=models.CASCADE, related_name="comments")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    # Which language version it is about, and the passage it quotes (optional).
    language = models.CharField(_("language"), max_length=2, default="nl")
    passage = models.CharField(_("passage"), max_length=500, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["version", "created_at"]

    def __str__(self) -> str:
        return f"{self.version_id}: {self.party_id}"


class ReleaseQuerySet(access.RestrictedQuerySet["Release"]):
    def visible_to(self, user: Any) -> ReleaseQuerySet:
        """Adopted releases are public; one in preparation is the covenant's."""
        if covenant_reader(access.actor_for(user)):
            return self.all()
        return self.filter(status=Release.Status.ADOPTED)


class Release(TimeStampedModel):
    """A version of the toolkit as a whole ("Toolkit 2022"): the text versions the steering
    group adopts together by one decision."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("In preparation")
        PROPOSED = "proposed", _("Proposed to the steering group")
        ADOPTED = "adopted", _("Adopted")

    label = models.CharField(_("release"), max_length=40, unique=True)
    versions = models.ManyToManyField(TextVersion, related_name="releases", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREPARING
    )
    proposal = models.ForeignKey(
        "governance.Proposal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.ForeignKey(
        "governance.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("toolkit release")
        verbose_name_plural = _("toolkit releases")
        ordering = ["-adopted_on", "-label"]

    def __str__(self) -> str:
        return self.label


# --- The requirement tree: a versioned library file ---------------------------------------


class Requirement(models.Model):
    """A node of the requirement tree of an edition (``toolkit/data/requirements``): what a
    fund's policy must contain, with the paragraph it rests on and the model texts that close
    a gap on it."""

    edition = models.CharField(_("edition"), max_length=20)
    key = models.CharField(_("requirement"), max_length=20)  # "2.3": its place in the tree
    parent_key = models.CharField(max_length=20, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title (Dutch)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    description = models.TextField(_("what it asks (Dutch)"), blank=True)
    description_en = models.TextField(_("what it asks (English)"), blank=True)
    source = models.CharField(_("source"), max_length=300)  # "OECD Guidelines (2023) II.A.10"
    # The model texts (identifiers) that close a gap on this requirement.
    closed_by = ArrayField(models.SlugField(max_length=40), default=list, blank=True)

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["edition", "order"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="requirement_once"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"


# --- A fund's self-assessment ------------------------------------------------------------


def fund_q(actor: access.Actor, prefix: str = "") -> Q:
    """A fund's own records: its members only (DESIGN §5)."""
    return Q(**{f"{prefix}fund_id__in": actor.party_ids})


class FundQuerySet(access.RestrictedQuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        return self.filter(fund_q(access.actor_for(user)))


class SelfAssessment(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Being answered")
        COMPLETED = "completed", _("Completed")

    fund = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    edition = models.CharField(_("requirements edition"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # Last year's assessment it started from (its answers copied, each "to confirm").
    started_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = FundQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["fund", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "year"], name="one_self_assessment_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.year}"


class AssessmentPartQuerySet(access.RestrictedQuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        return self.filter(fund_q(access.actor_for(user), "assessment__"))


class EvidenceDocument(TimeStampedModel):
    """A document of the fund (its policy, a board decision) that answers cite, page by page.
    Stored outside the web root and served only through the access policy."""

    fund = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="toolkit/evidence/%Y/")
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = FundQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")
        ordering = ["fund", "title"]

    def __str__(self) -> str:
        return self.title


class Answer(TimeStampedModel):
    class Status(models.TextChoices):
        UNANSWERED = "", _("Not answered")
        MET = "met", _("Met")
        PARTLY_MET = "partly_met", _("Partly met")
        NOT_MET = "not_met", _("Not met")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="answers")
    requirement_key = models.CharField(_("requirement"), max_length=20)
    status = models.CharField(
        _("answer"), max_length=16, choices=Status.choices, default=Status.UNANSWERED, blank=True
    )
    # Copied from last year's answer: stands until the fund confirms or changes it.
    to_confirm = models.BooleanField(_("to confirm"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    evidence = models.ForeignKey(
        EvidenceDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="answers"
    )
    passage = models.CharField(_("page or passage"), max_length=300, blank=True)
    answered_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = AssessmentPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["assessment", "requirement_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "requirement_key"], name="one_answer_per_requirement"
            ),
            models.CheckConstraint(
                condition=Q(evidence__isnull=True) | ~Q(passage=""),
                name="evidence_names_its_page_or_passage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.requirement_key}: {self.status}"
