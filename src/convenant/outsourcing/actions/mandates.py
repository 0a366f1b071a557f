"""Actions of outsourcing: service providers kept once for the covenant (the secretariat merges
duplicates), a fund's mandates with them, the model clauses each contract holds at which version
(verbatim, adapted with its diff, or not included with a reason), superseded clauses and renewal
tasks.

Who may do what: any editor of a party in the covenant (or the secretariat) adds a provider;
the secretariat merges duplicates. A fund's mandates, their clauses and renewal tasks are
written by the fund's editors; the secretariat reads them for administration only.

Clauses at a superseded version: a clause recorded *as new* must hold the version in force.
A superseded version is accepted only when the contract date says the contract was made while
that version was in force (adopted on or before the contract date, superseded after it): the
contract then holds what the toolkit offered when it was signed, and the mandate shows it as
holding an older version than the one in force.
"""

from __future__ import annotations

import datetime
import secrets
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

import pycountry
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from stdnum import lei as stdnum_lei
from stdnum.exceptions import ValidationError as StdnumError

from convenant.core import access, limits, uploads
from convenant.core.audit import record_event, snapshot
from convenant.core.errors import ActionError
from convenant.outsourcing.models import (
    AssetClass,
    Mandate,
    MandateClause,
    Provider,
    ProviderKind,
    RenewalTask,
)
from convenant.parties.models import Party
from convenant.toolkit.models import ModelText, TextKind, TextVersion, VersionStatus

WHY = "outsourcing mandates: the action checks the actor"

# Evidence of a clause: office documents and PDFs, told by their content, not their name.
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
}
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024

# Words of a legal form that do not tell two providers apart ("Beheer B.V." = "Beheer").
LEGAL_FORMS = {
    "bv",
    "nv",
    "b",
    "v",
    "n",
    "ltd",
    "limited",
    "plc",
    "inc",
    "llc",
    "llp",
    "lp",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "se",
    "ab",
    "asa",
    "co",
    "corp",
    "corporation",
    "company",
}


def evidence_storage() -> FileSystemStorage:
    """Clause evidence lives outside the web root, beside the other uploads, and is served
    only by a view that checks who asks (views.mandates.clause_evidence)."""
    location = settings.OUTSOURCING_UPLOAD_DIR
    return FileSystemStorage(location=str(location), base_url="/no-public-url/")


def _text(value: str | None, limit: int, field: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("This field is required."), field=field)
    return limits.check_length(value, limit, field=field)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (or earlier), on the month's last day where it has none."""
    index = day.year * 12 + day.month - 1 + months
    if index < 12:  # before the year 1: the calendar's first day
        return datetime.date.min
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 exists in every month


def notice_months() -> int:
    return settings.OUTSOURCING_RENEWAL_NOTICE_MONTHS


# --- Providers ---------------------------------------------------------------------------


def normalised_name(name: str) -> str:
    """A provider's name as compared for duplicates: no accents, case, punctuation or legal
    form ("Noordzee Vermogensbeheer B.V." = "noordzee vermogensbeheer")."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    words = "".join(c if c.isalnum() else " " for c in plain).split()
    return " ".join(w for w in words if w not in LEGAL_FORMS)


def kept_provider(provider: Provider) -> Provider:
    """The provider kept in place of a merged one (itself when not merged)."""
    seen = set()
    while provider.merged_into_id is not None and provider.pk not in seen:
        seen.add(provider.pk)
        provider = Provider.objects.unrestricted(WHY).get(pk=provider.merged_into_id)
    return provider


def find_duplicate(
    *, name: str, country: str, lei: str = "", excluding: int | None = None
) -> Provider | None:
    """The kept provider that a new one would duplicate: the same LEI, or the same normalised
    name in the same country."""
    rows = Provider.objects.unrestricted(WHY).order_by("pk")
    if excluding is not None:
        rows = rows.exclude(pk=excluding)
    if lei:
        found = rows.filter(lei=lei).first()
        if found is not None:
            return kept_provider(found)
    key = normalised_name(name)
    for candidate in rows.filter(country=country).only("pk", "name", "merged_into"):
        if normalised_name(candidate.name) == key:
            return kept_provider(candidate)
    return None


def _lei(value: str) -> str:
    value = (value or "").strip().upper().replace(" ", "")
    if not value:
        return ""
    try:
        return str(stdnum_lei.validate(value))
    except StdnumError:
        raise ActionError(
            _("This is not a valid LEI (20 characters with a correct check number)."),
            field="lei",
        ) from None


def _country(value: str) -> str:
    value = (value or "").strip().upper()
    if not value:
        return ""
    if len(value) != 2 or pycountry.countries.get(alpha_2=value) is None:
        raise ActionError(_("Give the country as its two-letter code, e.g. NL."), field="country")
    return value


def _website(value: str) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    value = _text(value, 200, "website")
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise ActionError(_("Give the website as https://…"), field="website") from None
    return value


def can_add_provider(user: Any) -> bool:
    actor = access.actor_for(user)
    return actor.is_secretariat or bool(actor.party_ids_with(access.Role.EDITOR))


@transaction.atomic(durable=True)
def add_provider(
    *, by: Any, name: str, kind: str, lei: str = "", country: str = "", website: str = ""
) -> Provider:
    """A provider, kept once for the covenant: refused when it is already kept (the same
    LEI, or the same name in the same country), naming the one to use instead."""
    actor = access.actor_for(by, fresh=True)
    if not (actor.is_secretariat or actor.party_ids_with(access.Role.EDITOR)):
        raise ActionError(
            _("Only an editor of a party in the covenant may add a provider."), code="forbidden"
        )
    name = _text(name, limits.LINE, "name", required=True)
    if kind not in ProviderKind.values:
        raise ActionError(_("Choose the kind of provider."), field="kind")
    lei, country, website = _lei(lei), _country(country), _website(website)
    existing = find_duplicate(name=name, country=country, lei=lei)
    if existing is not None:
        raise ActionError(
            _(
                "This provider is already kept: %(name)s (number %(pk)s). Choose it instead "
                "of adding it again."
            )
            % {"name": existing.name, "pk": existing.pk},
            field="lei" if lei and existing.lei == lei else "name",
            code="conflict",
        )
    provider = Provider.objects.create(
        name=name, kind=kind, lei=lei, country=country, website=website, created_by=by
    )
    record_event(
        actor=by,
        verb="outsourcing.add_provider",
        obj=provider,
        after=snapshot(provider, ["name", "kind", "lei", "country", "website"]),
    )
    return provider


@transaction.atomic(durable=True)
def merge_provider(*, by: Any, duplicate: Provider, kept: Provider) -> Provider:
    """The secretariat merges a duplicate into the provider kept: the duplicate's mandates
    move to the kept one; the duplicate stays, pointing at it."""
    actor = access.actor_for(by, fresh=True)
    if not actor.is_secretariat:
        raise ActionError(_("Only the secretariat merges providers."), code="forbidden")
    duplicate = Provider.objects.unrestricted(WHY).select_for_update().get(pk=duplicate.pk)
    kept = Provider.objects.unrestricted(WHY).select_for_update().get(pk=kept.pk)
    if duplicate.pk == kept.pk:
        raise ActionError(_("A provider cannot be merged into itself."), field="kept")
    if duplicate.merged_into_id is not None:
        raise ActionError(_("This provider was already merged."), code="conflict")
    if kept.merged_into_id is not None:
        raise ActionError(
            _("%(name)s was itself merged: merge into the provider kept.") % {"name": kept.name},
            field="kept",
        )
    moved = list(
        Mandate.objects.unrestricted(WHY).filter(provider=duplicate).values_list("pk", flat=True)
    )
    Mandate.objects.unrestricted(WHY).filter(pk__in=moved).update(provider=kept)
    # Providers merged into the duplicate before follow it to the one kept.
    Provider.objects.unrestricted(WHY).filter(merged_into=duplicate).update(merged_into=kept)
    duplicate.merged_into = kept
    duplicate.save(update_fields=["merged_into", "updated_at"])
    record_event(
        actor=by,
        verb="outsourcing.merge_provider",
        obj=duplicate,
        before={"merged_into": None},
        after={"merged_into": kept.pk, "kept": kept.name, "mandates_moved": len(moved)},
    )
    return kept


# --- Mandates ----------------------------------------------------------------------------


def can_edit(user: Any, fund_id: int) -> bool:
    """A fund's mandates are written by its editors (the secretariat only reads them)."""
    return access.actor_for(user).has_role(fund_id, access.Role.EDITOR)


def _require_fund_editor(by: Any, fund_id: int) -> None:
    if not access.actor_for(by, fresh=True).has_role(fund_id, access.Role.EDITOR):
        raise ActionError(
            _("Only an editor of the fund may change its mandates."), code="forbidden"
        )


def _provider(provider: Provider | int | None) -> Provider:
    """A kept provider; a merged one stands for the one kept; an unknown one is refused."""
    if provider is None or provider == "":
        raise ActionError(_("Choose the provider."), field="provider")
    pk = provider.pk if isinstance(provider, Provider) else provider
    try:
        found = Provider.objects.unrestricted(WHY).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise ActionError(
            _("There is no provider with number %(pk)s: choose one of the providers kept.")
            % {"pk": pk},
            field="provider",
        )
    return kept_provider(found)


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except (InvalidOperation, ValueError):
        raise ActionError(_("Give the invested amount in euros."), field="invested_eur") from None
    if not amount.is_finite() or amount < 0:
        raise ActionError(_("The invested amount cannot be negative."), field="invested_eur")
    if amount >= Decimal(10) ** 14:
        raise ActionError(_("This amount is too large."), field="invested_eur")
    return amount.quantize(Decimal("0.01"))


def _dates(
    start: datetime.date | None, end: datetime.date | None, renewal: datetime.date | None
) -> None:
    if start is None:
        raise ActionError(_("Give the start date."), field="start_date")
    if end is not None and end < start:
        raise ActionError(
            _("The mandate cannot end (%(end)s) before it starts (%(start)s).")
            % {"end": date_format(end), "start": date_format(start)},
            field="end_date",
        )
    if renewal is not None and renewal < start:
        raise ActionError(_("The renewal date cannot be before the start."), field="renewal_date")


def _plan_renewal(mandate: Mandate) -> RenewalTask | None:
    """One task per renewal date, due the notice period before it."""
    if mandate.renewal_date is None:
        return None
    task, _made = RenewalTask.objects.unrestricted(WHY).get_or_create(
        mandate=mandate,
        renewal_date=mandate.renewal_date,
        defaults={"due_on": add_months(mandate.renewal_date, -notice_months())},
    )
    return task


MANDATE_FIELDS = [
    "provider",
    "asset_class",
    "invested_eur",
    "start_date",
    "end_date",
    "contract_reference",
    "renewal_date",
]


@transaction.atomic(durable=True)
def record_mandate(
    *,
    by: Any,
    fund: Party,
    provider: Provider | int | None,
    asset_class: str,
    start_date: datetime.date | None,
    invested_eur: Any = 0,
    end_date: datetime.date | None = None,
    contract_reference: str = "",
    renewal_date: datetime.date | None = None,
) -> Mandate:
    _require_fund_editor(by, fund.pk)
    if fund.type != Party.Type.PENSION_FUND:
        raise ActionError(_("Only a pension fund records mandates."), field="fund")
    kept = _provider(provider)
    if asset_class not in AssetClass.values:
        raise ActionError(_("Choose the asset class."), field="asset_class")
    _dates(start_date, end_date, renewal_date)
    assert start_date is not None  # _dates refuses a mandate without one
    mandate = Mandate.objects.create(
        fund=fund,
        provider=kept,
        asset_class=asset_class,
        invested_eur=_amount(invested_eur),
        start_date=start_date,
        end_date=end_date,
        contract_reference=_text(contract_reference, 100, "contract_reference"),
        renewal_date=renewal_date,
        created_by=by,
    )
    task = _plan_renewal(mandate)
    record_event(
        actor=by,
        verb="outsourcing.record_mandate",
        obj=mandate,
        party_id=fund.pk,
        after=snapshot(mandate, MANDATE_FIELDS)
        | {"renewal_task_due": task.due_on.isoformat() if task else None},
    )
    return mandate


@transaction.atomic(durable=True)
def update_mandate(*, by: Any, mandate: Mandate, **changes: Any) -> Mandate:
    """Change what was recorded; only the fields given change. A new renewal date plans its
    own task (the earlier date's task stays, done or not)."""
    _require_fund_editor(by, mandate.fund_id)
    mandate = Mandate.objects.unrestricted(WHY).select_for_update().get(pk=mandate.pk)
    unknown = set(changes) - set(MANDATE_FIELDS)
    if unknown:
        raise ActionError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    before = snapshot(mandate, MANDATE_FIELDS)
    if "provider" in changes:
        mandate.provider = _provider(changes["provider"])
    if "asset_class" in changes:
        if changes["asset_class"] not in AssetClass.values:
            raise ActionError(_("Choose the asset class."), field="asset_class")
        mandate.asset_class = changes["asset_class"]
    if "invested_eur" in changes:
        mandate.invested_eur = _amount(changes["invested_eur"])
    if "contract_reference" in changes:
        mandate.contract_reference = _text(changes["contract_reference"], 100, "contract_reference")
    for name in ("start_date", "end_date", "renewal_date"):
        if name in changes:
            setattr(mandate, name, changes[name])
    _dates(mandate.start_date, mandate.end_date, mandate.renewal_date)
    mandate.save()
    task = _plan_renewal(mandate)
    after = snapshot(mandate, MANDATE_FIELDS)
    record_event(
        actor=by,
        verb="outsourcing.update_mandate",
        obj=mandate,
        party_id=mandate.fund_id,
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before[k] != v}
        | ({"renewal_task_due": task.due_on.isoformat()} if task else {}),
    )
    return mandate


@transaction.atomic(durable=True)
def end_mandate(*, by: Any, mandate: Mandate, end_date: datetime.date | None = None) -> Mandate:
    _require_fund_editor(by, mandate.fund_id)
    mandate = Mandate.objects.unrestricted(WHY).select_for_update().get(pk=mandate.pk)
    end_date = end_date or timezone.localdate()
    if mandate.end_date is not None and mandate.end_date <= timezone.localdate():
        raise ActionError(_("This mandate has already ended."), code="conflict")
    _dates(mandate.start_date, end_date, None)
    before = mandate.end_date
    mandate.end_date = end_date
    mandate.save(update_fields=["end_date", "updated_at"])
    # Open renewal tasks after the end no longer need doing.
    RenewalTask.objects.unrestricted(WHY).filter(
        mandate=mandate, done_on__isnull=True, renewal_date__gt=end_date
    ).delete()
    record_event(
        actor=by,
        verb="outsourcing.end_mandate",
        obj=mandate,
        party_id=mandate.fund_id,
        before={"end_date": before.isoformat() if before else None},
        after={"end_date": end_date.isoformat()},
    )
    return mandate


@transaction.atomic(durable=True)
def complete_renewal_task(*, by: Any, task: RenewalTask, note: str) -> RenewalTask:
    """The clauses were re-checked before the renewal: done, with what was found."""
    task = RenewalTask.objects.unrestricted(WHY).select_related("mandate").get(pk=task.pk)
    _require_fund_editor(by, task.mandate.fund_id)
    if task.done_on is not None:
        raise ActionError(_("This task is already done."), code="conflict")
    task.note = _text(note, limits.MESSAGE, "note", required=True)
    task.done_on = timezone.localdate()
    task.done_by = by
    task.save(update_fields=["note", "done_on", "done_by", "updated_at"])
    record_event(
        actor=by,
        verb="outsourcing.complete_renewal_task",
        obj=task,
        party_id=task.mandate.fund_id,
        after={"mandate": task.mandate_id, "renewal_date": task.renewal_date.isoformat()},
    )
    return task


# --- Clauses per mandate -----------------------------------------------------------------


def clause_texts(provider_kind: str) -> Any:
    """The model contract clauses written for a provider of this kind, or for any provider
    (what a text is, is public)."""
    return ModelText.objects.filter(
        kind=TextKind.CONTRACT_CLAUSE, audience__in=["", provider_kind]
    ).order_by("order", "identifier")


def in_force(text_ids: Any) -> dict[int, TextVersion]:
    """The version in force (adopted) of each text (adopted versions are public)."""
    return {
        v.text_id: v
        for v in TextVersion.objects.unrestricted("adopted versions are public")
        .filter(text_id__in=list(text_ids), status=VersionStatus.ADOPTED)
        .order_by()
    }


def successor(version: TextVersion) -> TextVersion | None:
    """The version adopted after a superseded one (the next adopted or superseded)."""
    return (
        TextVersion.objects.unrestricted("adopted versions are public")
        .filter(
            text_id=version.text_id,
            number__gt=version.number,
            status__in=[VersionStatus.ADOPTED, VersionStatus.SUPERSEDED],
        )
        .order_by("number")
        .first()
    )


def _version(text: ModelText, version: TextVersion | int | None, contract_date: Any) -> Any:
    if version is None or version == "":
        raise ActionError(_("Choose the version the contract holds."), field="version")
    pk = version.pk if isinstance(version, TextVersion) else version
    found = (
        TextVersion.objects.unrestricted("adopted versions are public")
        .filter(pk=pk, text=text, status__in=[VersionStatus.ADOPTED, VersionStatus.SUPERSEDED])
        .first()
    )
    if found is None:
        raise ActionError(_("Choose an adopted version of this clause."), field="version")
    if found.status == VersionStatus.SUPERSEDED:
        superseded_on = found.superseded_on
        made_then = (
            contract_date is not None
            and found.adopted_on is not None
            and found.adopted_on <= contract_date
            and (superseded_on is None or contract_date < superseded_on)
        )
        if not made_then:
            after = successor(found)
            raise ActionError(
                _(
                    "Version %(old)s was superseded by version %(new)s on %(date)s: record "
                    "the version in force, or give the contract date on which version "
                    "%(old)s was in force."
                )
                % {
                    "old": found.number,
                    "new": after.number if after else "?",
                    "date": date_format(superseded_on) if superseded_on else "?",
                },
                field="version",
            )
    return found


def _evidence(filename: str, data: bytes) -> tuple[str, str]:
    kind = uploads.checked_kind(
        data,
        types=DOCUMENT_TYPES,
        max_bytes=MAX_EVIDENCE_BYTES,
        wrong_type=_("The evidence must be a document: a PDF, Word or OpenDocument file."),
        field="evidence",
    )
    return f"evidence/{secrets.token_hex(16)}.{DOCUMENT_TYPES[kind]}", kind


CLAUSE_FIELDS = ["inclusion", "version", "contract_date", "passage"]


def record_clause(
    *,
    by: Any,
    mandate: Mandate,
    text: ModelText,
    inclusion: str,
    version: TextVersion | int | None = None,
    adapted_text: str = "",
    reason: str = "",
    contract_date: datetime.date | None = None,
    passage: str = "",
    evidence_name: str = "",
    evidence_data: bytes | None = None,
) -> MandateClause:
    """What the mandate's contract holds of a model clause: verbatim or adapted at a version,
    or not included with the reason. Recorded again, it replaces what was recorded (a new
    document replaces the old one; without one, the old one stays)."""
    _require_fund_editor(by, mandate.fund_id)
    provider = Provider.objects.unrestricted(WHY).get(pk=mandate.provider_id)
    if text.kind != TextKind.CONTRACT_CLAUSE or text.audience not in ("", provider.kind):
        raise ActionError(
            _("This model text is not a contract clause for this provider."), field="text"
        )
    if inclusion not in MandateClause.Inclusion.values:
        raise ActionError(_("Choose verbatim, adapted or not included."), field="inclusion")
    adapted_text = _text(adapted_text, limits.TEXT, "adapted_text")
    reason = _text(reason, limits.MESSAGE, "reason")
    passage = _text(passage, limits.LINE, "passage")
    if inclusion == MandateClause.Inclusion.NOT_INCLUDED:
        if not reason:
            raise ActionError(_("Say why the contract does not include it."), field="reason")
        chosen = None if version in (None, "") else _version(text, version, contract_date)
        adapted_text = ""
    else:
        chosen = _version(text, version, contract_date)
        reason = ""
        if inclusion == MandateClause.Inclusion.ADAPTED and not adapted_text:
            raise ActionError(_("Give the contract's own wording."), field="adapted_text")
        if inclusion == MandateClause.Inclusion.VERBATIM:
            adapted_text = ""
    stored = kind = ""
    if evidence_data:
        stored, kind = _evidence(evidence_name, evidence_data)
    storage = evidence_storage()
    if stored:
        stored = storage.save(stored, ContentFile(evidence_data or b""))
    try:
        with transaction.atomic(durable=True):
            clause = (
                MandateClause.objects.unrestricted(WHY)
                .select_for_update()
                .filter(mandate=mandate, text=text)
                .first()
            )
            before = snapshot(clause, CLAUSE_FIELDS) if clause else None
            old_file = clause.evidence.name if clause else ""
            if clause is None:
                clause = MandateClause(mandate=mandate, text=text, recorded_by=by)
            clause.inclusion = inclusion
            clause.version = chosen
            clause.adapted_text = adapted_text
            clause.reason = reason
            clause.contract_date = contract_date
            clause.passage = passage
            clause.recorded_by = by
            if stored:
                clause.evidence.name = stored
            clause.save()
            record_event(
                actor=by,
                verb="outsourcing.record_clause",
                obj=clause,
                party_id=mandate.fund_id,
                before=before,
                after=snapshot(clause, CLAUSE_FIELDS)
                | {"text": text.identifier, "evidence": bool(clause.evidence.name)}
                | ({"evidence_type": kind} if kind else {}),
            )
            if stored and old_file:
                transaction.on_commit(lambda: storage.delete(old_file))
    except BaseException:
        if stored:
            storage.delete(stored)  # nothing recorded: no file left behind either
        raise
    return clause


# --- Reading helpers for pages and the API -----------------------------------------------


def outdated(clauses: list[MandateClause], current: dict[int, TextVersion]) -> set[int]:
    """The clauses (pks) that hold a version older than the one in force."""
    return {
        c.pk
        for c in clauses
        if c.version is not None
        and c.text_id in current
        and current[c.text_id].number > c.version.number
    }


def mandates_with_outdated(user: Any, mandate_ids: Any) -> dict[int, int]:
    """Per mandate the reader may read, how many of its clauses hold a version older than
    the one in force."""
    rows = list(
        MandateClause.objects.visible_to(user)
        .filter(mandate_id__in=list(mandate_ids), version__isnull=False)
        .select_related("version")
    )
    current = in_force({c.text_id for c in rows})
    old = outdated(rows, current)
    counts: dict[int, int] = {}
    for clause in rows:
        if clause.pk in old:
            counts[clause.mandate_id] = counts.get(clause.mandate_id, 0) + 1
    return counts
