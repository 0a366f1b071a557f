"""Outsourcing (DESIGN §3, the broad track's second and third obligations): a fund anchors
its policy in the contracts with its external service providers and monitors them.

**Providers** (asset managers, fiduciary managers, engagement, voting and ESG-data providers,
consultants) are kept once for the whole covenant; the secretariat merges duplicates (the
merged one points at the one kept, its mandates follow). **Mandates** are a fund's contracts
with a provider: asset class, invested amount, dates, contract reference, renewal date. For
each mandate the fund records which model clauses (toolkit) the contract holds, at which
version: verbatim, adapted (the wording kept, with its diff against the model) or not
included (with a reason). A renewal date creates a task some months ahead to re-check the
clauses. The **reporting requirements** agreed per mandate and the provider **reports**
received per period show what is missing. The shares of a fund's mandates with clauses and
with reporting in place, by count and by invested amount, feed the reporting KPIs.

Who reads what (DESIGN §5): providers are the covenant's (every party's members and the
secretariat); a fund's mandates and everything under them are that fund's members', and the
secretariat's for administration; the monitoring committee reads them only through
submitted reports (the reporting app).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from convenant.core import access
from convenant.core.models import TimeStampedModel


class ProviderKind(models.TextChoices):
    ASSET_MANAGER = "asset_manager", _("Asset manager")
    FIDUCIARY_MANAGER = "fiduciary_manager", _("Fiduciary manager")
    ENGAGEMENT_PROVIDER = "engagement_provider", _("Engagement provider")
    VOTING_PROVIDER = "voting_provider", _("Voting provider")
    ESG_DATA_PROVIDER = "esg_data_provider", _("ESG-data provider")
    CONSULTANT = "consultant", _("Consultant")


class ProviderQuerySet(access.RestrictedQuerySet["Provider"]):
    def visible_to(self, user: Any) -> ProviderQuerySet:
        actor = access.actor_for(user)
        return self.all() if actor.is_secretariat or actor.is_covenant_member else self.none()

    def kept(self) -> ProviderQuerySet:
        """Providers not merged into another."""
        return self.filter(merged_into__isnull=True)


class Provider(TimeStampedModel):
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=24, choices=ProviderKind.choices)
    lei = models.CharField(_("LEI"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    website = models.URLField(_("website"), blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = ProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["lei"], condition=~Q(lei=""), name="provider_lei_once"),
            models.CheckConstraint(
                condition=~Q(merged_into=F("pk")), name="provider_not_merged_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.name


def mandate_q(actor: access.Actor, prefix: str = "") -> Q:
    """A fund's mandates: its members; the secretariat for administration."""
    if actor.is_secretariat:
        return Q(**{f"{prefix}pk__isnull": False})
    return Q(**{f"{prefix}fund_id__in": actor.party_ids})


class MandateQuerySet(access.RestrictedQuerySet["Mandate"]):
    def visible_to(self, user: Any) -> MandateQuerySet:
        return self.filter(mandate_q(access.actor_for(user)))

    def running(self, on: Any = None) -> MandateQuerySet:
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(Q(start_date__lte=on), Q(end_date__isnull=True) | Q(end_date__gte=on))


class AssetClass(models.TextChoices):
    LISTED_EQUITY = "listed_equity", _("Listed equity")
    FIXED_INCOME = "fixed_income", _("Fixed income")
    REAL_ESTATE = "real_estate", _("Real estate")
    PRIVATE_EQUITY = "private_equity", _("Private equity")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    HEDGE_FUNDS = "hedge_funds", _("Hedge funds")
    MULTI_ASSET = "multi_asset", _("Multi-asset")
    SERVICES = "services", _("Services (no assets)")


class Mandate(TimeStampedModel):
    fund = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="mandates")
    asset_class = models.CharField(_("asset class"), max_length=16, choices=AssetClass.choices)
    invested_eur = models.DecimalField(
        _("invested amount (EUR)"), max_digits=16, decimal_places=2, default=0
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    contract_reference = models.CharField(_("contract reference"), max_length=100, blank=True)
    renewal_date = models.DateField(_("renewal date"), null=True, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = MandateQuerySet.as_manager()

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["fund", "provider__name", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="a_mandate_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(invested_eur__gte=0), name="a_mandate_invests_no_negative_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund_id}: {self.provider_id} ({self.asset_class})"


class MandatePartQuerySet(access.RestrictedQuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        return self.filter(mandate_q(access.actor_for(user), "mandate__"))


class MandateClause(TimeStampedModel):
    """Whether a mandate's contract holds a model clause, at which version, and how."""

    class Inclusion(models.TextChoices):
        VERBATIM = "verbatim", _("Verbatim")
        ADAPTED = "adapted", _("Adapted")
        NOT_INCLUDED = "not_included", _("Not included")

    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="clauses")
    text = models.ForeignKey("toolkit.ModelText", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        "toolkit.TextVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    inclusion = models.CharField(_("in the contract"), max_length=14, choices=Inclusion.choices)
    # The contract's own wording, when adapted: its diff against the model version is shown.
    adapted_text = models.TextField(_("the contract's wording"), blank=True)
    reason = models.TextField(_("why not included"), blank=True)
    contract_date = models.DateField(_("contract date"), null=True, blank=True)
    evidence = models.FileField(_("evidence"), upload_to="outsourcing/evidence/%Y/", blank=True)
    passage = models.CharField(_("page or article"), max_length=300, blank=True)
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = MandatePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("clause in a mandate")
        verbose_name_plural = _("clauses in mandates")
        ordering = ["mandate", "text"]
        constraints = [
            models.UniqueConstraint(fields=["mandate", "text"], name="one_record_per_clause"),
            models.CheckConstraint(
                condition=~Q(inclusion="not_included") | ~Q(reason=""),
                name="a_clause_not_included_says_why",
            ),
            models.CheckConstraint(
                condition=~Q(inclusion="adapted") | ~Q(adapted_text=""),
                name="an_adapted_clause_keeps_its_wording",
            ),
            models.CheckConstraint(
                condition=Q(inclusion="not_included") | Q(version__isnull=False),
                name="an_included_clause_names_its_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mandate_id}: {self.text_id} {self.inclusion}"


class RenewalTask(TimeStampedModel):
    """Re-check a mandate's clauses before its contract renews (made when the renewal date
    is set, ``OUTSOURCING_RENEWAL_NOTICE_MONTHS`` ahead)."""

    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="renewal_tasks")
    renewal_date = models.DateField(_("renewal date"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    objects = MandatePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("renewal task")
        verbose_name_plural = _("renewal tasks")
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["mandate", "renewal_date"], name="one_task_per_renewal"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mandate_id} {self.due_on}"


class ReportingRequirement(TimeStampedModel):
    """What the provider agreed to report under a mandate, and how often."""

    class Frequency(models.TextChoices):
        QUARTERLY = "quarterly", _("Quarterly")
        HALF_YEARLY = "half_yearly", _("Half-yearly")
        YEARLY = "yearly", _("Yearly")

    mandate = models.ForeignKey(
        Mandate, on_delete=models.CASCADE, related_name="reporting_requirements"
    )
    # The toolkit's model reporting requirement it follows, if any.
    model_version = models.ForeignKey(
        "toolkit.TextVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("what is reported"), max_length=300)
    frequency = models.CharField(_("how often"), max_length=12, choices=Frequency.choices)
    since = models.DateField(_("agreed from"))

    objects = MandatePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting requirement")
        verbose_name_plural = _("reporting requirements")
        ordering = ["mandate", "description"]

    def __str__(self) -> str:
        return self.description


class ProviderReport(TimeStampedModel):
    """A report received from the provider for a period, and which agreed requirements it
    covers: what is due and not covered is missing."""

    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="reports")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    received_on = models.DateField(_("received on"))
    covers = models.ManyToManyField(ReportingRequirement, related_name="reports", blank=True)
    file = models.FileField(_("report"), upload_to="outsourcing/reports/%Y/", blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = MandatePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("provider report")
        verbose_name_plural = _("provider reports")
        ordering = ["mandate", "-period_end"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="a_report_period_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mandate_id} {self.period_start}–{self.period_end}"
