"""The issuer register: companies the funds invest in, their identifiers and the other names
they are known by."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from convenant.core import access
from convenant.core.models import TimeStampedModel
from convenant.portfolios.identifiers import country_code, country_name, isin_problem


def validate_country(value: str) -> None:
    if country_code(value) != value:
        raise ValidationError(
            _("“%(value)s” is not an ISO 3166 country code."), params={"value": value}
        )


# An issuer in the register, seen by everyone signed in (not a fund's own proposal).
IN_REGISTER = Q(proposed_by_party__isnull=True)


# GLEIF registration statuses of LEI records that stand for no entity of their own.
NOT_AN_ENTITY = ("ANNULLED", "DUPLICATE")


class IssuerQuerySet(access.RestrictedQuerySet["Issuer"]):
    def visible_to(self, user: Any) -> IssuerQuerySet:
        """Reference issuers (from GLEIF or added by the secretariat) are visible to everyone
        who is signed in. An issuer first proposed by a fund's holdings import would reveal
        that the fund holds it, so until the secretariat adopts it only that fund and the
        secretariat see it."""
        actor = access.actor_for(user)
        if not actor.is_authenticated:
            return self.none()
        if actor.is_secretariat:
            return self.all()
        return self.filter(IN_REGISTER | access.member_of_q(actor, "proposed_by_party"))

    def in_register(self) -> IssuerQuerySet:
        """The covenant's register: reference issuers (GLEIF, the secretariat), without those a
        fund's import proposed, which would tell whose holdings they came from."""
        return self.filter(IN_REGISTER)

    def current(self) -> IssuerQuerySet:
        """Issuers not merged into another one, and not a LEI record GLEIF annulled (issued
        in error) or marked a duplicate of another entity: never a candidate for a match."""
        return self.filter(merged_into__isnull=True).exclude(registration_status__in=NOT_AN_ENTITY)

    def search(self, text: str) -> IssuerQuerySet:
        """By the start of the name (as normalised), a part of the legal name, the LEI or an
        ISIN: what a person types to find a company in the register."""
        from convenant.portfolios.names import normalize_name

        text = text.strip()[:200]
        if not text:
            return self
        upper = text.upper()
        return self.filter(
            models.Q(normalized_name__startswith=normalize_name(text))
            | models.Q(lei=upper)
            | models.Q(identifiers__value=upper)
            | models.Q(legal_name__icontains=text)
        ).distinct()


class Issuer(TimeStampedModel):
    """A company (or other entity) that issues securities. A subsidiary points to its parent,
    so exposure can roll up to the listed group. A merged duplicate keeps its row, pointing
    to the issuer it was merged into, so old links and identifiers still lead somewhere."""

    class Source(models.TextChoices):
        GLEIF = "gleif", _("GLEIF reference data")
        SECRETARIAT = "secretariat", _("Added by the secretariat")
        HOLDINGS = "holdings", _("Proposed by a holdings import")
        DEMO = "demo", _("Demo data (fictional)")

    legal_name = models.CharField(_("legal name"), max_length=300)
    normalized_name = models.CharField(max_length=300, db_index=True, editable=False)
    country_of_incorporation = models.CharField(
        _("country of incorporation"), max_length=2, blank=True, validators=[validate_country]
    )
    country_of_operations = models.CharField(
        _("country of main operations"), max_length=2, blank=True, validators=[validate_country]
    )
    sector_scheme = models.CharField(
        _("sector scheme"), max_length=20, blank=True, help_text=_("e.g. GICS or NACE")
    )
    sector_code = models.CharField(_("sector code"), max_length=20, blank=True)
    sector_name = models.CharField(_("sector"), max_length=120, blank=True)
    industry_name = models.CharField(_("industry"), max_length=160, blank=True)
    ticker = models.CharField(_("ticker"), max_length=20, blank=True)
    # An entity has at most one LEI (ISO 17442); ISINs, one per security, are identifiers.
    lei = models.CharField(_("LEI"), max_length=20, unique=True, null=True, blank=True)
    # As GLEIF publishes them: the LEI's registration (ISSUED, LAPSED, RETIRED, ANNULLED,
    # MERGED, …) and the entity (ACTIVE, INACTIVE). Empty for issuers not from GLEIF.
    registration_status = models.CharField(
        _("LEI registration status"), max_length=20, blank=True, default="", db_default=""
    )
    entity_status = models.CharField(
        _("entity status"), max_length=20, blank=True, default="", db_default=""
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subsidiaries",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    proposed_by_party = models.ForeignKey(
        "parties.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept by PostgreSQL itself, GIN-indexed: global search over millions of GLEIF entities.
    search_vector = models.GeneratedField(
        expression=SearchVector("legal_name", "ticker", "lei", config="dutch", weight="A")
        + SearchVector("legal_name", "ticker", "lei", config="english", weight="A"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = IssuerQuerySet.as_manager()

    class Meta:
        verbose_name = _("issuer")
        verbose_name_plural = _("issuers")
        ordering = ["legal_name"]
        indexes = [
            models.Index(fields=["country_of_incorporation", "normalized_name"]),
            GinIndex(fields=["search_vector"], name="issuer_search_vector"),
            # icontains on the name (the search box's substring match) uses this index.
            GinIndex(OpClass(Upper("legal_name"), name="gin_trgm_ops"), name="issuer_name_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="issuer_not_merged_into_itself"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="issuer_not_its_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        from convenant.portfolios.names import normalize_name

        self.normalized_name = normalize_name(self.legal_name)
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "normalized_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("issuer_detail", args=[self.pk])

    @property
    def country_name(self) -> str:
        return country_name(self.country_of_incorporation) if self.country_of_incorporation else ""

    def resolved(self) -> Issuer:
        """Follow merges to the issuer that stands today."""
        issuer = self
        while issuer.merged_into_id is not None:
            issuer = issuer.merged_into  # type: ignore[assignment]
        return issuer


class ClassificationQuerySet(access.RestrictedQuerySet["IssuerClassification"]):
    def visible_to(self, user: Any) -> ClassificationQuerySet:
        return self.filter(issuer__in=Issuer.objects.visible_to(user))


class IssuerClassification(TimeStampedModel):
    """An issuer's code in one industry classification, so schemes sit side by side (GICS
    beside NACE). The issuer's own sector fields hold the one the covenant aggregates by."""

    class Scheme(models.TextChoices):
        GICS = "GICS", "GICS"
        NACE = "NACE", "NACE Rev. 2"
        ICB = "ICB", "ICB"

    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="classifications")
    scheme = models.CharField(_("scheme"), max_length=10, choices=Scheme.choices)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=160, blank=True)

    objects = ClassificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")
        ordering = ["issuer", "scheme"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "scheme"], name="classification_once_per_scheme"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.code} {self.name}".strip()


class IdentifierQuerySet(access.RestrictedQuerySet["IssuerIdentifier"]):
    def visible_to(self, user: Any) -> IdentifierQuerySet:
        return self.filter(issuer__in=Issuer.objects.visible_to(user))


class IssuerIdentifier(TimeStampedModel):
    """A security identifier (an ISIN) of an issuer. It stays on its issuer when that issuer
    is merged into another: a lookup then follows ``merged_into`` to the one that stands."""

    class Scheme(models.TextChoices):
        ISIN = "isin", "ISIN"

    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(_("scheme"), max_length=10, choices=Scheme.choices)
    value = models.CharField(_("value"), max_length=20)

    objects = IdentifierQuerySet.as_manager()

    class Meta:
        verbose_name = _("identifier")
        verbose_name_plural = _("identifiers")
        ordering = ["scheme", "value"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "value"], name="identifier_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.value}"

    def clean(self) -> None:
        problem = isin_problem(self.value)
        if problem:
            raise ValidationError({"value": problem})


class AliasQuerySet(access.RestrictedQuerySet["IssuerAlias"]):
    def visible_to(self, user: Any) -> AliasQuerySet:
        """A register alias (no ``learned_from_party``) follows its issuer. A fund's own
        alias (a name it confirmed, or the name of its proposal merged into a register
        issuer) records a match decision of that fund: its members see it, nobody else, not
        even the secretariat (DESIGN §5)."""
        actor = access.actor_for(user)
        return self.filter(issuer__in=Issuer.objects.visible_to(user)).filter(
            Q(learned_from_party__isnull=True) | access.member_of_q(actor, "learned_from_party")
        )

    def register(self) -> AliasQuerySet:
        """Aliases every fund's import uses: only the secretariat makes them."""
        return self.filter(learned_from_party__isnull=True)

    def for_fund(self, fund_id: int) -> AliasQuerySet:
        """What one fund's import matches by: the register's aliases and its own."""
        return self.filter(Q(learned_from_party__isnull=True) | Q(learned_from_party_id=fund_id))


class IssuerAlias(TimeStampedModel):
    """Another name an issuer is known by (a former or trade name, a name as a holdings list
    writes it, or the name of a duplicate merged into it), optionally only within a country.

    An alias with ``learned_from_party`` is that fund's own: it came from the fund's match
    decisions, only the fund's imports use it and only its members see it. Each fund keeps
    its own choice for a name, whatever another fund chose. Aliases without it belong to the
    register and serve every fund; only the secretariat makes them."""

    class Source(models.TextChoices):
        GLEIF = "gleif", _("GLEIF other name")
        MERGE = "merge", _("Merged duplicate")
        CONFIRMED_MATCH = "confirmed", _("Confirmed match")
        MANUAL = "manual", _("Added by hand")
        # GLEIF's Latin transliteration of a name written in another script.
        TRANSLITERATED = "transliterated", _("GLEIF transliterated name")

    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("name"), max_length=300)
    normalized_name = models.CharField(max_length=300, editable=False)
    country = models.CharField(_("country"), max_length=2, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    # The fund whose own alias this is; empty for the register's.
    learned_from_party = models.ForeignKey(
        "parties.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = AliasQuerySet.as_manager()

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        ordering = ["name"]
        constraints = [
            # One register alias per name and country, and one per fund: two funds may name
            # the same text differently without either knowing of the other.
            models.UniqueConstraint(
                fields=["normalized_name", "country"],
                condition=Q(learned_from_party__isnull=True),
                name="alias_unique_in_register",
            ),
            models.UniqueConstraint(
                fields=["learned_from_party", "normalized_name", "country"],
                condition=Q(learned_from_party__isnull=False),
                name="alias_unique_per_fund",
            ),
        ]
        indexes = [models.Index(fields=["normalized_name"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        from convenant.portfolios.names import normalize_name

        self.normalized_name = normalize_name(self.name)
        super().save(*args, **kwargs)


# --- Holdings ------------------------------------------------------------------------------


class ExchangeRateQuerySet(models.QuerySet["ExchangeRate"]):
    def visible_to(self, user: Any) -> ExchangeRateQuerySet:
        """Exchange rates are reference data for everyone signed in."""
        return self.all() if access.actor_for(user).is_authenticated else self.none()


class ExchangeRate(TimeStampedModel):
    """How many units of a currency one euro buys on a date (as the ECB publishes them).
    Kept by the secretariat; an import needs the rate of its as-of date for every currency
    in the file, and a missing rate is an error, never a guess."""

    currency = models.CharField(_("currency"), max_length=3)
    date = models.DateField(_("date"))
    units_per_eur = models.DecimalField(_("units per euro"), max_digits=18, decimal_places=8)

    objects = ExchangeRateQuerySet.as_manager()

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["-date", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="rate_once_per_day"),
            models.CheckConstraint(condition=Q(units_per_eur__gt=0), name="rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 EUR = {self.units_per_eur} {self.currency} ({self.date})"


class SnapshotQuerySet(access.RestrictedQuerySet["Snapshot"]):
    def visible_to(self, user: Any) -> SnapshotQuerySet:
        """A fund's holdings are that fund's: its members see them, nobody else. Not even the
        secretariat reads positions; it sees covenant-wide aggregates only (DESIGN §5)."""
        return self.filter(access.member_of_q(access.actor_for(user), "fund"))

    def editable_by(self, user: Any) -> SnapshotQuerySet:
        return self.filter(access.member_of_q(access.actor_for(user), "fund", access.Role.EDITOR))

    def latest_per_fund(self) -> SnapshotQuerySet:
        """The most recent complete snapshot of each fund: a partial one never becomes the
        fund's current holdings on dashboards, risks or reports."""
        newest = Snapshot.objects.filter(fund=models.OuterRef("fund"), partial=False).order_by(
            "-as_of"
        )
        return self.filter(pk=models.Subquery(newest.values("pk")[:1]))


class Snapshot(TimeStampedModel):
    """A fund's holdings on one date. Importing the same (fund, date) again replaces it in one
    transaction; snapshots of other dates stay as history."""

    fund = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="snapshots")
    as_of = models.DateField(_("as of"))
    source_name = models.CharField(_("file"), max_length=255, blank=True)
    imported_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    positions_count = models.PositiveIntegerField(_("positions"), default=0)
    total_value_eur = models.DecimalField(
        _("total value (EUR)"), max_digits=20, decimal_places=2, default=0
    )
    matched_value_eur = models.DecimalField(
        _("value with a confirmed issuer (EUR)"), max_digits=20, decimal_places=2, default=0
    )
    # Lines that are not companies (cash, FX forwards, futures, funds): kept apart, never
    # matched to an issuer; their value is part of the total.
    other_value_eur = models.DecimalField(
        _("value not in companies (EUR)"), max_digits=20, decimal_places=2, default=0
    )
    # A file much smaller than the fund's previous snapshot that the person said is only
    # part of the holdings: kept, but never the fund's current snapshot.
    partial = models.BooleanField(_("partial"), default=False)
    # The day whose exchange rates converted the values (the last business day on or before
    # the as-of date); empty when every value was in euro.
    rate_date = models.DateField(_("exchange rates of"), null=True, blank=True)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("holdings snapshot")
        verbose_name_plural = _("holdings snapshots")
        ordering = ["fund", "-as_of"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "as_of"], name="snapshot_once_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.fund} – {self.as_of}"

    @property
    def coverage(self) -> float:
        """Share of the value in companies that is held in issuers matched for certain: cash,
        FX forwards, derivatives and funds are never matched, so they do not lower it."""
        in_companies = self.total_value_eur - self.other_value_eur
        if in_companies <= 0:
            return 0.0
        return float(self.matched_value_eur / in_companies)


class PositionQuerySet(access.RestrictedQuerySet["Position"]):
    def visible_to(self, user: Any) -> PositionQuerySet:
        """A position is seen exactly where its snapshot is: by its fund's own people."""
        return self.filter(snapshot__in=Snapshot.objects.visible_to(user))

    def aggregatable_by(self, user: Any) -> PositionQuerySet:
        """Positions that may enter covenant-wide totals for this person (never listed one by
        one): all of them for whoever may see covenant aggregates, none for anyone else."""
        actor = access.actor_for(user)
        return self.all() if access.can_see_covenant_aggregates(actor) else self.none()

    def in_latest_snapshots(self) -> PositionQuerySet:
        """Positions in each fund's most recent snapshot."""
        return self.filter(snapshot__in=Snapshot.objects.latest_per_fund())

    def joint_leverage_for(
        self, user: Any, fund_id: int, issuer_ids: Iterable[int]
    ) -> dict[int, dict[str, Any]]:
        """Per issuer on a fund's page: how many funds hold it in their latest snapshot and
        their combined value, where at least AGGREGATE_MIN_FUNDS funds *besides this one*
        hold it (so subtracting its own position still leaves a total of several); where
        fewer do, only ``withheld``. Never which funds."""
        from django.conf import settings

        if not access.can_see_joint_leverage(access.actor_for(user), fund_id):
            return {}
        # Totals over every fund, never rows: the rule above is the policy's own.
        # The latest snapshots are read first, as ids: given as a subquery, the planner
        # expects one snapshot and scans every fund's positions once per snapshot.
        latest = list(
            Snapshot.objects.unrestricted("joint leverage, counts only")
            .latest_per_fund()
            .values_list("pk", flat=True)
        )
        rows = (
            self.unrestricted("joint leverage, counts only")
            .filter(snapshot_id__in=latest)
            .filter(issuer_id__in=list(issuer_ids), status=Position.Status.MATCHED)
            .order_by()
            .values("issuer_id")
            .annotate(
                funds=models.Count("snapshot__fund", distinct=True),
                others=models.Count(
                    "snapshot__fund", distinct=True, filter=~models.Q(snapshot__fund_id=fund_id)
                ),
                value=models.Sum("value_eur"),
            )
        )
        return {
            row["issuer_id"]: (
                {"funds": row["funds"], "value": row["value"]}
                if row["others"] >= settings.AGGREGATE_MIN_FUNDS
                else {"withheld": True}
            )
            for row in rows
        }


class Position(models.Model):
    """One row of a holdings file, as read, with its value in EUR and how it was matched to
    an issuer. The table is partitioned by snapshot (migration 0003): an import loads a new
    partition with COPY and attaches it, and replacing a snapshot drops its partition, so a
    million positions are written and replaced without a row-by-row insert or delete."""

    pk = models.CompositePrimaryKey("snapshot", "row")

    class Status(models.TextChoices):
        MATCHED = "matched", _("Matched")
        REVIEW = "review", _("Needs review")
        NEW = "new", _("New issuer proposed")
        NOT_A_COMPANY = "other", _("Not a company")

    class Kind(models.TextChoices):
        """What a line holds. Only companies are matched to issuers."""

        COMPANY = "company", _("Company")
        CASH = "cash", _("Cash and deposits")
        FX = "fx", _("Currency forward")
        DERIVATIVE = "derivative", _("Future, swap or option")
        FUND = "fund", _("Fund")

    # The partition key; the primary key (snapshot, row) indexes it.
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, related_name="positions", db_index=False
    )
    row = models.PositiveIntegerField(_("row"))
    issuer = models.ForeignKey(
        Issuer, null=True, blank=True, on_delete=models.PROTECT, related_name="positions"
    )
    name = models.CharField(_("name in the file"), max_length=300, blank=True)
    isin = models.CharField(_("ISIN in the file"), max_length=12, blank=True)
    lei = models.CharField(_("LEI in the file"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    sector = models.CharField(_("sector in the file"), max_length=160, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    market_value = models.DecimalField(_("market value"), max_digits=20, decimal_places=2)
    value_eur = models.DecimalField(_("value (EUR)"), max_digits=20, decimal_places=2)
    quantity = models.DecimalField(
        _("shares or nominal"), max_digits=22, decimal_places=4, null=True, blank=True
    )
    ownership_pct = models.DecimalField(
        _("ownership %"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    voting_pct = models.DecimalField(
        _("voting %"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    status = models.CharField(_("match"), max_length=10, choices=Status.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.COMPANY)
    match_method = models.CharField(_("matched by"), max_length=20)
    match_confidence = models.DecimalField(_("confidence"), max_digits=4, decimal_places=1)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["snapshot", "row"]
        indexes = [
            # Only the rows a person still has to look at: a small index, cheap to build on
            # an import, where an index of every status would cost a sort of all rows.
            models.Index(
                fields=["snapshot", "status"],
                condition=~models.Q(status="matched"),
                name="portfolios_position_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name or self.isin} ({self.value_eur} EUR)"


class ColumnMappingQuerySet(access.RestrictedQuerySet["ColumnMapping"]):
    def visible_to(self, user: Any) -> ColumnMappingQuerySet:
        return self.filter(access.member_of_q(access.actor_for(user), "fund"))


class ColumnMapping(TimeStampedModel):
    """A column heading in a fund's files and the field it holds, remembered for the next
    import of that fund."""

    fund = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="+")
    heading = models.CharField(_("column heading"), max_length=200)
    field = models.CharField(_("field"), max_length=40)

    objects = ColumnMappingQuerySet.as_manager()

    class Meta:
        ordering = ["fund", "heading"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "heading"], name="mapping_once_per_heading"),
        ]

    def __str__(self) -> str:
        return f"{self.heading} → {self.field}"


class ImportJobQuerySet(access.RestrictedQuerySet["ImportJob"]):
    def visible_to(self, user: Any) -> ImportJobQuerySet:
        """An import belongs to its fund: its people follow it, nobody else."""
        return self.filter(access.member_of_q(access.actor_for(user), "fund"))


class ImportJob(TimeStampedModel):
    """One upload of a holdings file: what was uploaded (file, fund, date, columns) and, at
    the end, the import's outcome: a snapshot, columns to name, or the rows that cannot be
    read. Running it is a core Job (``job``, the latest run): its state, attempts, progress,
    heartbeat and failure message are the one record of how far it got; ``status`` reads
    both for the pages."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        COLUMNS = "columns", _("Columns to name")
        REJECTED = "rejected", _("Rows refused")
        SMALLER = "smaller", _("Smaller than the previous snapshot")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        DONE = "done", _("Imported")

    class Outcome(models.TextChoices):
        COLUMNS = "columns", _("Columns to name")
        REJECTED = "rejected", _("Rows refused")
        # Much smaller than the fund's previous snapshot: the person confirms it is complete
        # or imports it as partial.
        SMALLER = "smaller", _("Smaller than the previous snapshot")
        DONE = "done", _("Imported")

    fund = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField(_("as of"))
    filename = models.CharField(_("file"), max_length=255)
    stored_name = models.CharField(max_length=80, editable=False)
    import_valid_rows = models.BooleanField(default=False)
    columns = models.JSONField(null=True, blank=True)
    # The currency of every value in the file, when neither a heading nor a column says it.
    currency = models.CharField(_("currency of the file"), max_length=3, blank=True)
    # The person's answer to "much smaller than the previous snapshot": it is complete
    # (size_confirmed), or it is only part of the holdings (partial).
    size_confirmed = models.BooleanField(default=False)
    partial = models.BooleanField(_("partial"), default=False)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    # Blank while the latest run has not reached an outcome (queued, running, failed or
    # cancelled: the job says which).
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    # The outcome's own message (which columns are missing, how many rows were refused); a
    # failure's message is the job's.
    message = models.TextField(blank=True)
    report = models.JSONField(default=dict, blank=True)
    snapshot = models.ForeignKey(
        Snapshot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("holdings import")
        verbose_name_plural = _("holdings imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.fund}, {self.as_of})"

    @property
    def status(self) -> str:
        """The outcome once there is one; before that, the state of the latest run."""
        if self.outcome:
            return self.outcome
        state = self.job.state if self.job is not None else "failed"
        return {
            "queued": self.Status.QUEUED,
            "running": self.Status.RUNNING,
            "cancelled": self.Status.CANCELLED,
        }.get(state, self.Status.FAILED)

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def status_message(self) -> str:
        if self.outcome:
            return self.message
        return self.job.message if self.job is not None else ""

    @property
    def finished(self) -> bool:
        return self.status not in {self.Status.QUEUED, self.Status.RUNNING}
