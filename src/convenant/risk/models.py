"""Reference datasets about countries (labour rights, ratifications, modern slavery) and the
goods list, kept by edition with their source and licence, so every risk result can name
what it rests on."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from convenant.core import access
from convenant.core.models import TimeStampedModel
from convenant.portfolios.identifiers import country_name


class PublicQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> PublicQuerySet:
        """Reference data is public: published facts, shown with their citation."""
        return self.all()


class ReferenceDataset(TimeStampedModel):
    """One edition of a published dataset, loaded from a library folder with a manifest."""

    key = models.SlugField(_("dataset"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    edition = models.CharField(_("edition"), max_length=20)
    publisher = models.CharField(_("publisher"), max_length=200)
    source = models.URLField(_("source"))
    citation = models.CharField(_("citation"), max_length=300)
    licence = models.TextField(_("licence"))
    provenance = models.TextField(_("provenance"))
    rows = models.PositiveIntegerField(_("rows"), default=0)
    indicators = models.JSONField(default=dict, help_text="indicator key → label")
    # A methodology edition's parameters as loaded, so an older edition can still be
    # recomputed beside the one in force after its file has changed.
    parameters = models.JSONField(default=dict, blank=True)

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("reference dataset")
        verbose_name_plural = _("reference datasets")
        ordering = ["name", "-edition"]
        constraints = [
            models.UniqueConstraint(fields=["key", "edition"], name="dataset_edition_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.edition}"

    def get_absolute_url(self) -> str:
        return reverse("dataset_detail", args=[self.pk])


class CountryIndicator(models.Model):
    """A dataset's value for a country. A country absent from a dataset is *not rated* by
    it — never a low risk."""

    dataset = models.ForeignKey(
        ReferenceDataset, on_delete=models.CASCADE, related_name="country_values"
    )
    country = models.CharField(_("country"), max_length=2)
    indicator = models.SlugField(_("indicator"), max_length=40)
    value = models.CharField(_("value"), max_length=40, blank=True)
    number = models.DecimalField(
        _("number"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    line = models.PositiveIntegerField(_("line in the file"))

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("country indicator")
        verbose_name_plural = _("country indicators")
        ordering = ["dataset", "country", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "country", "indicator"], name="indicator_once_per_country"
            ),
        ]
        indexes = [models.Index(fields=["indicator", "country"])]

    def __str__(self) -> str:
        return f"{self.country} {self.indicator}={self.value}"

    @property
    def country_name(self) -> str:
        return country_name(self.country)


class GoodsListing(models.Model):
    """A good the US DoL lists as produced with child or forced labour in a country."""

    dataset = models.ForeignKey(ReferenceDataset, on_delete=models.CASCADE, related_name="goods")
    country = models.CharField(_("country"), max_length=2)
    good = models.CharField(_("good"), max_length=120)
    sector = models.CharField(_("sector"), max_length=40)
    child_labour = models.BooleanField(_("child labour"))
    forced_labour = models.BooleanField(_("forced labour"))
    forced_child_labour = models.BooleanField(_("forced child labour"))
    derived = models.BooleanField(_("produced with listed inputs"))
    line = models.PositiveIntegerField(_("line in the file"))

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("listed good")
        verbose_name_plural = _("listed goods")
        ordering = ["dataset", "country", "good"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "country", "good"], name="good_once_per_country"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.good} ({self.country})"

    @property
    def country_name(self) -> str:
        return country_name(self.country)


class ThemeQuerySet(PublicQuerySet):
    def in_force(self) -> ThemeQuerySet:
        """The themes of the taxonomy's edition in force: the latest one loaded, as
        scoring takes the latest edition of each dataset. Older editions stay for the
        results that cite them, but are no longer offered."""
        latest = ReferenceDataset.objects.filter(key="themes").order_by("-edition").values("pk")[:1]
        return self.filter(dataset=models.Subquery(latest))


class Theme(models.Model):
    """A theme of the taxonomy (an edition of the themes dataset): what an impact is about."""

    dataset = models.ForeignKey(ReferenceDataset, on_delete=models.CASCADE, related_name="themes")
    key = models.SlugField(_("theme"), max_length=40)
    name = models.CharField(_("name"), max_length=160)
    name_en = models.CharField(_("name in English"), max_length=160)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["dataset", "order"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "key"], name="theme_once_per_edition"),
        ]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if get_language() == "en" else self.name


class SectorThemeRisk(models.Model):
    """The inherent severity of a theme in a sector, with the guidance it rests on."""

    class Severity(models.IntegerChoices):
        LOW = 1, _("Low")
        MEDIUM = 2, _("Medium")
        HIGH = 3, _("High")
        VERY_HIGH = 4, _("Very high")

    dataset = models.ForeignKey(
        ReferenceDataset, on_delete=models.CASCADE, related_name="sector_risks"
    )
    scheme = models.CharField(_("sector scheme"), max_length=10)
    sector_code = models.CharField(_("sector code"), max_length=20)
    sector_name = models.CharField(_("sector"), max_length=120)
    sector_name_nl = models.CharField(_("sector in Dutch"), max_length=120, blank=True)
    theme = models.SlugField(_("theme"), max_length=40)
    severity = models.PositiveSmallIntegerField(_("inherent severity"), choices=Severity.choices)
    reason = models.CharField(_("reason"), max_length=300)
    reason_nl = models.CharField(_("reason in Dutch"), max_length=300, blank=True)
    citation = models.CharField(_("source"), max_length=300)
    citation_nl = models.CharField(_("source in Dutch"), max_length=300, blank=True)

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("sector risk")
        verbose_name_plural = _("sector risks")
        ordering = ["dataset", "sector_code", "-severity", "theme"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "scheme", "sector_code", "theme"],
                name="sector_theme_once_per_edition",
            ),
            models.CheckConstraint(
                condition=models.Q(severity__gte=1, severity__lte=4),
                name="sector_severity_in_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sector_name}: {self.theme} ({self.severity})"

    @property
    def localised_reason(self) -> str:
        from django.utils.translation import get_language

        return self.reason if get_language() == "en" or not self.reason_nl else self.reason_nl

    @property
    def localised_sector_name(self) -> str:
        from django.utils.translation import get_language

        english = get_language() == "en" or not self.sector_name_nl
        return self.sector_name if english else self.sector_name_nl

    @property
    def localised_citation(self) -> str:
        from django.utils.translation import get_language

        return self.citation if get_language() == "en" or not self.citation_nl else self.citation_nl


class SectorGood(models.Model):
    """A good of the US DoL list that companies in a sector produce, process or source (an
    entry of the sector risk map): where the good is listed for a country, it raises the
    likelihood of child or forced labour for those companies there."""

    dataset = models.ForeignKey(
        ReferenceDataset, on_delete=models.CASCADE, related_name="sector_goods"
    )
    scheme = models.CharField(_("sector scheme"), max_length=10)
    sector_code = models.CharField(_("sector code"), max_length=20)
    good = models.CharField(_("good"), max_length=120)
    reason = models.CharField(_("reason"), max_length=300)
    citation = models.CharField(_("source"), max_length=300)

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("good in a sector")
        verbose_name_plural = _("goods in sectors")
        ordering = ["dataset", "sector_code", "good"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "scheme", "sector_code", "good"],
                name="sector_good_once_per_edition",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sector_code}: {self.good}"


class CovenantQuerySet(access.RestrictedQuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        """Facts about companies for the covenant, not for the public: the members of its
        parties and the secretariat. (A finding carries a signal's reference, never its
        content; conduct data is licensed for the covenant only.)"""
        from convenant.core import access

        actor = access.actor_for(user)
        return self.all() if actor.is_secretariat or actor.is_covenant_member else self.none()


class CompanyFindingQuerySet(CovenantQuerySet):
    def active(self) -> CompanyFindingQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class CompanyFinding(TimeStampedModel):
    """What a verified signal established about a company on one theme, assessed on the
    methodology's scales: the methodology's company-specific input. Recorded by the signals
    app through an action; risk knows nothing of signals beyond the reference."""

    issuer = models.ForeignKey(
        "portfolios.Issuer", on_delete=models.PROTECT, related_name="risk_findings"
    )
    theme = models.SlugField(_("theme"), max_length=40)
    reference = models.CharField(_("reference"), max_length=40)
    scale = models.PositiveSmallIntegerField(_("scale"))
    scope = models.PositiveSmallIntegerField(_("scope"))
    irremediability = models.PositiveSmallIntegerField(_("irremediable character"))
    likelihood = models.PositiveSmallIntegerField(_("likelihood"))
    actual = models.BooleanField(_("actual impact"))
    source = models.CharField(_("source"), max_length=200)
    recorded_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = CompanyFindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("company finding")
        verbose_name_plural = _("company findings")
        ordering = ["issuer", "theme", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "theme", "reference"], name="finding_once_per_issuer_theme"
            ),
        ]
        indexes = [models.Index(fields=["reference"])]

    def __str__(self) -> str:
        return f"{self.reference}: {self.issuer_id}/{self.theme}"


class RiskAssessment(models.Model):
    """The methodology's answer for a sector, theme and country with given reference
    editions. Shared by every holding with the same sector and country, so a million
    positions need a few thousand assessments, and each one can be recomputed from what it
    records."""

    methodology = models.CharField(_("methodology"), max_length=20)
    editions = models.JSONField(default=dict)
    editions_key = models.CharField(max_length=200, editable=False)
    sector_code = models.CharField(_("sector code"), max_length=20)
    theme = models.SlugField(_("theme"), max_length=40)
    country = models.CharField(_("country"), max_length=2)
    # Empty for the shared assessment; for a company with findings, a digest of the findings
    # that went in (their references and scales), so a changed finding gives a new one.
    findings_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    scale = models.PositiveSmallIntegerField(_("scale"))
    scope = models.PositiveSmallIntegerField(_("scope"))
    irremediability = models.PositiveSmallIntegerField(_("irremediable character"))
    severity = models.PositiveSmallIntegerField(_("severity"))
    # Continuous from edition 2026.2 (indicators are read on a sliding scale), 1.00–4.00.
    likelihood = models.DecimalField(_("likelihood"), max_digits=3, decimal_places=2)
    priority = models.CharField(_("priority"), max_length=10)
    # Severity × likelihood: orders the rows within a band (1.00–16.00).
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=2, default=0)
    # Company-specific evidence went in (a finding, a conduct record of a violation, the
    # fund's judgement of an actual impact): an actual or evidenced risk, not only potential.
    evidence = models.BooleanField(_("company evidence"), default=False)
    reasons = models.JSONField(default=list)

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "methodology",
                    "editions_key",
                    "sector_code",
                    "theme",
                    "country",
                    "findings_key",
                ],
                name="assessment_once_per_inputs",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sector_code}/{self.theme}/{self.country}: {self.priority}"


class RiskResultQuerySet(access.RestrictedQuerySet["RiskResult"]):
    def visible_to(self, user: Any) -> RiskResultQuerySet:
        """A fund's risks follow its holdings: its own people only."""
        from convenant.portfolios.models import Snapshot

        return self.filter(snapshot__in=Snapshot.objects.visible_to(user))

    def filtered(
        self,
        *,
        priority: str = "",
        theme: str = "",
        country: str = "",
        sector: str = "",
        evidence: bool | None = None,
    ) -> RiskResultQuerySet:
        """The filters of the risks page, its exports and the API; an unknown priority or
        country filters nothing (the caller shows what was applied). ``sector`` is the
        sector map's entry the assessment rests on; ``evidence`` keeps only risks with (or
        without) company-specific evidence."""
        from convenant.portfolios.identifiers import country_code

        results = self
        if priority in RiskResult.Priority.values:
            results = results.filter(priority=priority)
        if theme:
            results = results.filter(theme=theme)
        code = country_code(country) if country else None
        if code:
            results = results.filter(assessment__country=code)
        if sector:
            results = results.filter(assessment__sector_code=sector)
        if evidence is not None:
            results = results.filter(evidence=evidence)
        return results

    def aggregatable_by(self, user: Any) -> RiskResultQuerySet:
        """Results that may enter covenant-wide totals (never listed one by one)."""
        from convenant.core import access

        actor = access.actor_for(user)
        return self.all() if access.can_see_covenant_aggregates(actor) else self.none()


class ScoredSnapshotQuerySet(access.RestrictedQuerySet["ScoredSnapshot"]):
    def visible_to(self, user: Any) -> ScoredSnapshotQuerySet:
        from convenant.portfolios.models import Snapshot

        return self.filter(snapshot__in=Snapshot.objects.visible_to(user))


class ScoredSnapshot(models.Model):
    """A token that changes each time a snapshot's results are written (scored whole, or some
    companies rescored), in the same transaction. Totals counted from the results can be kept
    in the cache under it: a new token is a new key, so a stale total is never read, across
    processes and after a restore alike (the token is random, not a counter)."""

    snapshot = models.OneToOneField(
        "portfolios.Snapshot", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    token = models.UUIDField(default=uuid.uuid4)
    written_at = models.DateTimeField(auto_now=True)

    objects = ScoredSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("scored snapshot")
        verbose_name_plural = _("scored snapshots")

    def __str__(self) -> str:
        return f"{self.snapshot_id}: {self.token}"


class RiskResult(models.Model):
    """One (issuer, theme) risk in a fund's snapshot: the shared assessment, the position as
    leverage beside it, and (later) the fund's own judgement."""

    class Status(models.TextChoices):
        COMPUTED = "computed", _("Computed")
        CONFIRMED = "confirmed", _("Confirmed")
        ADJUSTED = "adjusted", _("Adjusted")
        DISMISSED = "dismissed", _("Dismissed")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")
        VERY_HIGH = "very-high", _("Very high")

    snapshot = models.ForeignKey(
        "portfolios.Snapshot", on_delete=models.CASCADE, related_name="risks"
    )
    issuer = models.ForeignKey("portfolios.Issuer", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(RiskAssessment, on_delete=models.PROTECT, related_name="+")
    # Copied from the assessment for filtering and ordering without a join.
    theme = models.SlugField(_("theme"), max_length=40)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    rank = models.PositiveSmallIntegerField(editable=False)  # 4 very high … 1 low
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=2, default=0)
    evidence = models.BooleanField(_("company evidence"), default=False)
    value_eur = models.DecimalField(_("position (EUR)"), max_digits=20, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.COMPUTED
    )

    objects = RiskResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["-rank", "-score", "-evidence", "-value_eur"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "issuer", "theme"], name="risk_once_per_issuer_theme"
            ),
        ]
        indexes = [models.Index(fields=["snapshot", "-rank", "-score"])]

    def __str__(self) -> str:
        return f"{self.issuer_id} {self.theme}: {self.priority}"


class RiskJudgementQuerySet(access.RestrictedQuerySet["RiskJudgement"]):
    def visible_to(self, user: Any) -> RiskJudgementQuerySet:
        from convenant.core import access

        return self.filter(access.member_of_q(access.actor_for(user), "fund"))


class RiskJudgement(TimeStampedModel):
    """A fund's own judgement of a computed risk: confirmed, adjusted (with a reason) or
    dismissed, and whether the impact is actual or potential. Kept per (fund, issuer, theme)
    so it survives new snapshots and recomputation; the computed value stays beside it."""

    class Decision(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        ADJUSTED = "adjusted", _("Adjusted")
        DISMISSED = "dismissed", _("Dismissed")

    class Impact(models.TextChoices):
        POTENTIAL = "potential", _("Potential")
        ACTUAL = "actual", _("Actual")

    fund = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="+")
    issuer = models.ForeignKey("portfolios.Issuer", on_delete=models.PROTECT, related_name="+")
    theme = models.SlugField(_("theme"), max_length=40)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    priority = models.CharField(
        _("adjusted priority"), max_length=10, blank=True, choices=RiskResult.Priority.choices
    )
    impact = models.CharField(
        _("impact"), max_length=10, choices=Impact.choices, default=Impact.POTENTIAL
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = RiskJudgementQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk judgement")
        verbose_name_plural = _("risk judgements")
        ordering = ["fund", "issuer", "theme"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "issuer", "theme"], name="judgement_once_per_fund_issuer_theme"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund_id}/{self.issuer_id}/{self.theme}: {self.decision}"


class ConductRecord(TimeStampedModel):
    """What a data source says about a company's conduct, as SFDR's principal adverse impact
    indicators 10 and 11 need it: involved in violations of the UN Global Compact principles
    or the OECD Guidelines, and whether it has processes to monitor compliance with them.
    ``None`` is "not known": never counted as "no"."""

    issuer = models.ForeignKey(
        "portfolios.Issuer", on_delete=models.PROTECT, related_name="conduct_records"
    )
    source = models.CharField(_("source"), max_length=200)
    as_of = models.DateField(_("as of"))
    violation = models.BooleanField(_("involved in violations"), null=True)
    monitoring = models.BooleanField(_("has compliance processes"), null=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # The themes of the taxonomy the violation concerns, where the source says so.
    themes = ArrayField(models.SlugField(max_length=40), default=list, blank=True)
    line = models.PositiveIntegerField(_("line in the file"))

    objects = CovenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("conduct record")
        verbose_name_plural = _("conduct records")
        ordering = ["issuer", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "source", "as_of"], name="conduct_once_per_source_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuer_id} {self.source} {self.as_of}"


class CovenantRiskQuerySet(access.RestrictedQuerySet[Any]):
    def visible_to(self, user: Any) -> CovenantRiskQuerySet:
        """Covenant-wide totals, for those who may see them (the secretariat): never listed
        row by row, only grouped under the k-minimum rule by the covenant risks page."""
        from convenant.core import access

        actor = access.actor_for(user)
        return self.all() if access.can_see_covenant_aggregates(actor) else self.none()


class CovenantRisk(models.Model):
    """How many funds' latest complete holdings carry a company's risk on a theme at one
    priority, how much they hold together, the highest score and how many of those funds'
    results rest on company evidence — refreshed from the results after they change
    (``refresh_covenant_risks``), so the covenant risks page reads a few thousand rows
    instead of grouping every fund's results. Kept per priority so that the priority filter
    counts only the funds whose result has it; the page applies the k-minimum rule after its
    filters. A row names no fund."""

    issuer = models.ForeignKey("portfolios.Issuer", on_delete=models.CASCADE, related_name="+")
    theme = models.SlugField(_("theme"), max_length=40)
    rank = models.PositiveSmallIntegerField()  # 4 very high … 1 low, as RiskResult.rank
    # The company's, copied at each refresh for the filters: the country its risk was
    # assessed for (operations, else incorporation) and its sector.
    country = models.CharField(_("country"), max_length=2, blank=True)
    sector = models.CharField(_("sector"), max_length=120, blank=True)
    funds = models.PositiveIntegerField(_("funds"))
    value = models.DecimalField(_("combined value (EUR)"), max_digits=22, decimal_places=2)
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=2, default=0)
    evidence_funds = models.PositiveIntegerField(_("funds with company evidence"), default=0)

    objects = CovenantRiskQuerySet.as_manager()

    class Meta:
        verbose_name = _("covenant risk")
        verbose_name_plural = _("covenant risks")
        ordering = ["-rank", "-score", "-funds", "-value"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "theme", "rank"], name="covenant_risk_once_per_priority"
            ),
            models.CheckConstraint(
                condition=models.Q(rank__gte=1, rank__lte=4), name="covenant_risk_rank_in_scale"
            ),
            models.CheckConstraint(
                condition=models.Q(funds__gte=1, evidence_funds__lte=models.F("funds")),
                name="covenant_risk_counts_funds",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuer_id} {self.theme} rank {self.rank}: {self.funds} funds"


class CovenantCompany(models.Model):
    """A company's line on the covenant risks page without a theme filter, for every
    priority (``level`` 0) and for each priority alone: its themes held by at least
    ``minimum`` funds (the k-minimum rule, applied at the refresh), highest first, and the
    company's highest rank, that rank's score, the most funds on one theme and their value —
    so the page, also filtered by priority, country or sector (facts of the company, not of
    a theme), is read in order from an index. A theme filter groups ``CovenantRisk``."""

    issuer = models.ForeignKey("portfolios.Issuer", on_delete=models.CASCADE, related_name="+")
    # 0: every priority counts; 1–4: the page filtered by that priority, where only the funds
    # whose result has it count.
    level = models.PositiveSmallIntegerField(default=0)
    rank = models.PositiveSmallIntegerField()
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=2, default=0)
    funds = models.PositiveIntegerField(_("funds"))
    value = models.DecimalField(_("combined value (EUR)"), max_digits=22, decimal_places=2)
    evidence = models.BooleanField(_("company evidence"), default=False)
    country = models.CharField(_("country"), max_length=2, blank=True)
    sector = models.CharField(_("sector"), max_length=120, blank=True)
    # [{theme, rank, funds, value, score, evidence}], in the page's order.
    themes = models.JSONField(default=list)
    # The k-minimum rule the row was built under: a stricter rule set later hides it until
    # the next refresh rather than showing what the new rule would withhold.
    minimum = models.PositiveSmallIntegerField()

    objects = CovenantRiskQuerySet.as_manager()

    class Meta:
        verbose_name = _("company in the covenant risks")
        verbose_name_plural = _("companies in the covenant risks")
        ordering = ["level", "-rank", "-score", "-funds", "-value", "issuer"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "level"], name="covenant_company_once"),
            models.CheckConstraint(
                condition=models.Q(level__lte=4), name="covenant_company_level_in_scale"
            ),
        ]
        indexes = [
            models.Index(
                fields=["level", "-rank", "-score", "-funds", "-value", "issuer"],
                name="covenant_company_page_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer_id}: rank {self.rank}, {self.funds} funds"


class CovenantRiskSource(models.Model):
    """Which snapshot of a fund the covenant risks count, since when, and the companies it
    contributed: a refresh for the fund recomputes exactly those and the ones its latest
    snapshot holds, so a replaced or deleted snapshot's contribution is gone at the next
    refresh even though its results are gone already."""

    fund = models.OneToOneField("parties.Party", on_delete=models.CASCADE, related_name="+")
    # Not a foreign key: the row must outlive the snapshot it counted.
    snapshot_id = models.BigIntegerField(null=True, blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    issuers = ArrayField(models.BigIntegerField(), default=list, blank=True)
    refreshed_at = models.DateTimeField(_("refreshed"))

    objects = CovenantRiskQuerySet.as_manager()

    class Meta:
        verbose_name = _("fund counted in the covenant risks")
        verbose_name_plural = _("funds counted in the covenant risks")
        ordering = ["fund"]

    def __str__(self) -> str:
        return f"{self.fund_id}: snapshot {self.snapshot_id}"
