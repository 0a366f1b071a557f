"""Writes of the signals app: intake, triage, linking, merging, sharing, alerts and the
conversation with the reporter. Each action checks the policy against the current state,
writes in one transaction with its audit event and the signal's own history, and sends
e-mail or feeds the risk results only after the commit.

An anonymous report leaves no trace of its reporter: no user, no address, no browser detail
(the intake middleware removed them before the view ran); its audit event names "system".
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from convenant.core import access
from convenant.core.access import Role, Visibility
from convenant.core.audit import record_event
from convenant.core.errors import ActionError
from convenant.core.mail import send_email_later
from convenant.core.models import User
from convenant.parties.models import Membership, Party
from convenant.portfolios.matching import Matcher, Query
from convenant.portfolios.models import Issuer, Position
from convenant.risk import actions as risk_actions
from convenant.signals import jobs as signal_jobs
from convenant.signals.attachments import CleanFile, clean_uploads
from convenant.signals.models import (
    LEVELS,
    REDACTABLE,
    TRANSITIONS,
    Channel,
    Sharing,
    Signal,
    SignalAlert,
    SignalAttachment,
    SignalEvent,
    SignalIssuer,
    SignalMessage,
    SignalShare,
    State,
    Tier,
    hash_receipt,
    level_rank,
)
from convenant.signals.validation import (
    MAX_MESSAGE,
    Report,
    check_message,
    check_report,
    no_named_parties,
    report_closed,
    unknown_organisation,
    unknown_receipt,
)

logger = logging.getLogger(__name__)
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to copy by hand
RECEIPT_LENGTH = 28  # 28 × 5 bits = 140 bits of entropy


def storage() -> Any:
    return storages["signals"]


def new_receipt_code() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _i in range(RECEIPT_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def _next_reference() -> str:
    """SIG-<year>-<number>, numbered per year; an advisory lock keeps two intakes apart."""
    year = timezone.localdate().year
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('signals.reference'))")
    prefix = f"SIG-{year}-"
    last = (
        Signal.objects.unrestricted("next reference: the action decides access")
        .filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _event(signal: Signal, kind: str, by: Any = None, reason: str = "", **states: str) -> None:
    SignalEvent.objects.create(
        signal=signal,
        actor=by if by is not None and getattr(by, "is_authenticated", False) else None,
        kind=kind,
        reason=reason,
        from_state=states.get("from_state", ""),
        to_state=states.get("to_state", ""),
    )


def _reference_matcher() -> Matcher:
    """Only reference issuers (GLEIF, secretariat): one a fund's import proposed would tell
    the reader that the fund holds it."""
    return Matcher.for_register()


def _auto_link(signal: Signal) -> None:
    """At intake, link the company only on an exact ISIN or LEI; anything else waits for the
    handler, who sees the matcher's suggestions."""
    if not (signal.company_isin or signal.company_lei):
        return
    match = _reference_matcher().match(
        [Query(key=0, name="", country="", isin=signal.company_isin, lei=signal.company_lei)]
    )[0]
    if match.issuer_id is not None and match.method in {"isin", "lei"}:
        SignalIssuer.objects.create(
            signal=signal, issuer_id=match.issuer_id, method=match.method, confidence=100
        )
        signal.needs_linking = False
        signal.save(update_fields=["needs_linking", "updated_at"])


def _store_files(signal: Signal, files: Iterable[CleanFile]) -> list[str]:
    stored = []
    for clean in files:
        name = storage().save(clean.stored_name(), ContentFile(clean.content))
        stored.append(name)
        SignalAttachment.objects.create(
            signal=signal,
            filename=clean.filename,
            content_type=clean.content_type,
            size=len(clean.content),
            sha256=clean.sha256,
            stored_name=name,
        )
    return stored


def _remove_files_on_rollback(names: list[str]) -> None:
    for name in names:
        storage().delete(name)


def _create(
    report: Report,
    files: list[CleanFile],
    *,
    channel: str,
    language: str,
    by: User | None,
    reporting_party: Party | None,
    handling_party: Party | None,
    receipt_hash: str | None,
) -> Signal:
    stored: list[str] = []
    try:
        with transaction.atomic(durable=True):
            signal = Signal.objects.create(
                reference=_next_reference(),
                channel=channel,
                language=language,
                reported_by=by,
                reporting_party=reporting_party,
                handling_party=handling_party,
                title=report.title,
                company_name=report.company_name,
                company_isin=report.company_isin,
                company_lei=report.company_lei,
                country=report.country,
                site=report.site,
                themes=report.themes,
                description=report.description,
                occurred_on=report.occurred_on,
                occurred_period=report.occurred_period,
                affected_count=report.affected_count,
                affected_groups=report.affected_groups,
                people=report.people,
                impact=report.impact,
                sources=report.sources,
                visibility=report.visibility,
                reporter_level=report.visibility,
                sharing=report.sharing,
                receipt_hash=receipt_hash,
            )
            if report.shared_with:
                SignalShare.objects.bulk_create(
                    SignalShare(signal=signal, party_id=pid) for pid in report.shared_with
                )
            stored = _store_files(signal, files)
            _auto_link(signal)
            if signal.needs_linking and signal.company_name.strip():
                # The matcher runs in a worker, which keeps the register's index; the page
                # then only reads what it found.
                signal_jobs.queue_issuer_suggestions(signal, by)
            _event(signal, SignalEvent.Kind.RECEIVED, by, to_state=State.RECEIVED)
            record_event(
                actor=by,
                verb="signals.submit_signal",
                obj=signal,
                party_id=reporting_party.pk if reporting_party else None,
                after={
                    "channel": channel,
                    "visibility": signal.visibility,
                    "sharing": signal.sharing,
                    "files": len(stored),
                },
            )
    except BaseException:
        _remove_files_on_rollback(stored)
        raise
    return signal


def _check_named_parties(report: Report) -> None:
    if report.visibility == Visibility.RESTRICTED and not report.shared_with:
        raise ActionError(
            _("Name the parties that may read a restricted report."), field="shared_with"
        )
    if report.shared_with:
        found = Party.objects.active().filter(pk__in=report.shared_with).count()
        if found != len(set(report.shared_with)):
            raise ActionError(_("Choose the parties from the list."), field="shared_with")


def submit_signal(
    *,
    by: User,
    party: Party,
    report: Report,
    files: list[tuple[str, bytes]] | None = None,
    language: str = "nl",
) -> Signal:
    """A member of a party files a signal for that party. The reporting party's editors
    handle it until another party or the secretariat takes it on."""
    actor = access.actor_for(by, fresh=True)
    if not actor.has_role(party.pk, Role.VIEWER):
        raise access.PermissionDenied
    report = check_report(report)
    _check_named_parties(report)
    clean = clean_uploads(files or [])
    return _create(
        report,
        clean,
        channel=Channel.MEMBER,
        language=language,
        by=by,
        reporting_party=party,
        handling_party=None,
        receipt_hash=None,
    )


def intake_parties() -> Any:
    """The organisations an anonymous reporter can address: active unions and NGOs (the
    secretariat receives everything in any case)."""
    return Party.objects.active().filter(type__in=[Party.Type.UNION, Party.Type.NGO])


def submit_anonymous_signal(
    *,
    report: Report,
    files: list[tuple[str, bytes]] | None = None,
    addressed_to: Party | None = None,
    language: str = "nl",
) -> tuple[Signal, str]:
    """A report through the public intake. Returns the signal and the receipt code, which is
    shown once to the reporter; only its hash is kept."""
    report = check_report(report)
    if report.shared_with:
        raise no_named_parties()
    if addressed_to is not None and not intake_parties().filter(pk=addressed_to.pk).exists():
        raise unknown_organisation()
    clean = clean_uploads(files or [])
    code = new_receipt_code()
    signal = _create(
        report,
        clean,
        channel=Channel.ANONYMOUS,
        language=language,
        by=None,
        reporting_party=None,
        handling_party=addressed_to,
        receipt_hash=hash_receipt(code),
    )
    return signal, code


# --- Triage ----------------------------------------------------------------------------------


def _locked(signal: Signal, by: Any) -> Signal:
    """The signal, locked, after checking that the person may handle it."""
    locked = (
        Signal.objects.unrestricted("locked: the action decides access")
        .select_for_update()
        .get(pk=signal.pk)
    )
    access.require(locked.can_handle(access.actor_for(by, fresh=True)))
    return locked


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Give the reason; it is kept in the signal's history."), field="reason")
    if len(reason) > MAX_MESSAGE:
        raise ActionError(
            _("This text is too long: at most %(n)s characters.") % {"n": MAX_MESSAGE},
            field="reason",
        )
    return reason


# Judgements a second person takes: not the one who filed the signal (four eyes).
FOUR_EYES = frozenset({State.VERIFIED, State.UNSUBSTANTIATED})


def four_eyes_error(signal: Signal) -> ActionError:
    party = signal.handling_party or signal.reporting_party
    return ActionError(
        _(
            "You filed this signal, so someone else verifies it or judges it unsubstantiated: "
            "another handler of %(party)s or the secretariat."
        )
        % {"party": party.name if party else _("the handling party")},
        field="state",
        code="four_eyes",
    )


def change_state(*, by: User, signal: Signal, to: str, reason: str) -> Signal:
    """Move a signal along received → in review → verified / unsubstantiated → closed,
    with the reason. Sharing and merging have their own actions. Whoever filed the signal
    cannot verify it or judge it unsubstantiated: another handler or the secretariat does
    (four eyes; the audit event names who)."""
    reason = _reason(reason)
    with transaction.atomic(durable=True):
        signal = _locked(signal, by)
        if to not in TRANSITIONS.get(signal.state, set()):
            raise ActionError(
                _("A signal that is “%(from)s” cannot become “%(to)s”.")
                % {
                    "from": State(signal.state).label,
                    "to": State(to).label if to in State.values else to,
                },
                field="state",
                code="conflict",
            )
        if to in FOUR_EYES and signal.is_filed_by(by):
            raise four_eyes_error(signal)
        before = signal.state
        signal.state = to
        signal.save(update_fields=["state", "updated_at"])
        _event(signal, SignalEvent.Kind.STATE, by, reason, from_state=before, to_state=to)
        record_event(
            actor=by,
            verb="signals.change_state",
            obj=signal,
            before={"state": before},
            after={"state": to, "reason": reason, "filed_by": signal.reported_by_id},
        )
        if to == State.UNSUBSTANTIATED:
            signal_jobs.queue_withdraw_findings(signal.reference, by)
    return signal


def handler_choices(signal: Signal) -> QuerySet[User]:
    """Who may be chosen to handle a signal: the active editors and administrators of its
    handling party (of the reporting party while none handles it) and of the secretariat.
    Offered to those who triage it, who need not otherwise see these people."""
    party_ids = [p for p in (signal.handling_party_id or signal.reporting_party_id,) if p]
    return (
        User.objects.unrestricted("the people who may handle a signal")
        .filter(
            is_active=True,
            memberships__role__in=[Role.EDITOR, Role.ADMINISTRATOR],
            memberships__party__in=Party.objects.filter(pk__in=party_ids)
            | Party.objects.filter(type=Party.Type.SECRETARIAT),
        )
        .distinct()
        .order_by("full_name")
    )


def assign_handler(
    *, by: User, signal: Signal, handler: User | None, party: Party | None = None
) -> Signal:
    """Who handles the signal: a person of the handling party (or of the secretariat).
    The secretariat can hand a signal to another party; everyone who may read the signal
    sees who is handling it."""
    actor = access.actor_for(by, fresh=True)
    with transaction.atomic(durable=True):
        signal = _locked(signal, by)
        before = {"handling_party": signal.handling_party_id, "handler": signal.handler_id}
        if party is not None and party.pk != signal.handling_party_id:
            access.require(actor.is_secretariat)
            if not Party.objects.active().filter(pk=party.pk).exists():
                raise ActionError(_("That party is not in the covenant."), field="party")
            signal.handling_party = party
        if handler is not None:
            parties = [signal.handling_party_id or signal.reporting_party_id]
            allowed = (
                Membership.objects.unrestricted("assign handler: the action decides access")
                .filter(
                    user=handler, role__in=[Role.EDITOR, Role.ADMINISTRATOR], user__is_active=True
                )
                .filter(
                    Q(party_id__in=[p for p in parties if p])
                    | Q(party__type=Party.Type.SECRETARIAT)
                )
            )
            if not allowed.exists():
                raise ActionError(
                    _("The handler must be an editor of the handling party or of the secretariat."),
                    field="handler",
                )
        signal.handler = handler
        signal.save(update_fields=["handling_party", "handler", "updated_at"])
        _event(
            signal,
            SignalEvent.Kind.ASSIGNED,
            by,
            handler.full_name if handler else "",
        )
        record_event(
            actor=by,
            verb="signals.assign_handler",
            obj=signal,
            before=before,
            after={"handling_party": signal.handling_party_id, "handler": signal.handler_id},
        )
    return signal


def assess_signal(
    *, by: User, signal: Signal, scale: int, scope: int, irremediability: int, likelihood: int
) -> Signal:
    """The handler's assessment on the methodology's 1–4 scales (scale, scope, irremediable
    character; likelihood for a potential impact)."""
    values = {
        "scale": scale,
        "scope": scope,
        "irremediability": irremediability,
        "likelihood": likelihood,
    }
    for name, value in values.items():
        if not isinstance(value, int) or not 1 <= value <= 4:
            raise ActionError(_("Choose a value from 1 to 4."), field=name)
    with transaction.atomic(durable=True):
        signal = _locked(signal, by)
        if signal.state in {State.CLOSED, State.DUPLICATE}:
            raise ActionError(_("This signal is closed."), code="conflict")
        before = {k: getattr(signal, k) for k in values}
        for name, value in values.items():
            setattr(signal, name, value)
        signal.save(update_fields=[*values, "updated_at"])
        _event(
            signal,
            SignalEvent.Kind.ASSESSED,
            by,
            f"{scale}/{scope}/{irremediability}/{likelihood}",
        )
        record_event(
            actor=by, verb="signals.assess_signal", obj=signal, before=before, after=values
        )
    return signal


def _match_suggestions(signal: Signal, limit: int = 3) -> list[list[float]]:
    query = Query(
        key=0,
        name=signal.company_name,
        country=signal.country,
        isin=signal.company_isin,
        lei=signal.company_lei,
    )
    found = _reference_matcher().candidates([query], limit=limit)[0]
    return [[c.issuer_id, c.score] for c in found if c.score >= _SUGGESTION_SCORE]


# Below the matcher's review threshold a candidate is not worth a handler's attention.
_SUGGESTION_SCORE = 80.0


def store_issuer_suggestions(signal_id: int) -> int:
    """Work out and keep what the matcher proposes for a signal's company (a job at
    intake). Returns how many issuers it proposes."""
    signal = (
        Signal.objects.unrestricted("issuer suggestions: a job for this signal")
        .filter(pk=signal_id)
        .first()
    )
    if signal is None:
        return 0
    found = _match_suggestions(signal)  # reads only: outside the transaction
    with transaction.atomic(durable=True):
        Signal.objects.unrestricted("issuer suggestions: a job for this signal").filter(
            pk=signal_id
        ).update(suggested_issuers=found)
        record_event(
            actor=None,
            verb="signals.suggest_issuers",
            obj=signal,
            after={"suggestions": len(found)},
        )
    return len(found)


def issuer_suggestions(signal: Signal) -> list[tuple[Issuer, float]]:
    """What the issuer matcher proposes for the reported company (reference issuers only),
    best first: as stored at intake; worked out now only for a signal from before that."""
    found = signal.suggested_issuers
    if found is None:
        found = _match_suggestions(signal) if signal.company_name.strip() else []
    issuers = {
        issuer.pk: issuer
        for issuer in Issuer.objects.unrestricted("issuer suggestions: the action decides access")
        .in_register()
        .filter(pk__in=[int(issuer_id) for issuer_id, _score in found])
        .select_related("parent")
    }
    suggestions: list[tuple[Issuer, float]] = []
    for issuer_id, score in found:
        issuer = issuers.get(int(issuer_id))
        if issuer is not None:
            resolved = issuer.resolved()
            if all(resolved.pk != s.pk for s, _c in suggestions):
                suggestions.append((resolved, float(score)))
    return suggestions


def link_issuer(*, by: User, signal: Signal, issuer: Issuer, with_parent: bool = False) -> Signal:
    """Link the signal to an issuer of the register (and, if asked, to its parent); a merged
    duplicate is followed to the issuer that stands."""
    issuer = issuer.resolved()
    if issuer.proposed_by_party_id is not None:
        raise ActionError(
            _("Link only to issuers of the register, not to one a fund proposed."),
            field="issuer",
        )
    targets = [issuer]
    if with_parent and issuer.parent_id:
        parent = (
            Issuer.objects.unrestricted("link issuer: the action decides access")
            .get(pk=issuer.parent_id)
            .resolved()
        )
        if parent.proposed_by_party_id is None:
            targets.append(parent)
    with transaction.atomic(durable=True):
        signal = _locked(signal, by)
        if signal.state in {State.CLOSED, State.DUPLICATE}:
            raise ActionError(_("This signal is closed."), code="conflict")
        added = []
        for target in targets:
            _link, created = SignalIssuer.objects.unrestricted(
                "link issuer: the action decides access"
            ).get_or_create(
                signal=signal,
                issuer=target,
                defaults={"method": "handler", "confidence": 100, "linked_by": by},
            )
            if created:
                added.append(target)
        if not added:
            raise ActionError(_("The signal is already linked to this issuer."), code="conflict")
        signal.needs_linking = False
        signal.save(update_fields=["needs_linking", "updated_at"])
        for target in added:
            _event(signal, SignalEvent.Kind.LINKED, by, target.legal_name)
        record_event(
            actor=by,
            verb="signals.link_issuer",
            obj=signal,
            after={"issuers": [t.pk for t in added]},
        )
        if signal.is_shared:
            signal_jobs.queue_after_share(signal, by)
    return signal


def unlink_issuer(*, by: User, signal: Signal, issuer: Issuer) -> Signal:
    with transaction.atomic(durable=True):
        signal = _locked(signal, by)
        deleted, _d = (
            SignalIssuer.objects.unrestricted("unlink issuer: the action decides access")
            .filter(signal=signal, issuer=issuer)
            .delete()
        )
        if not deleted:
            raise ActionError(_("The signal is not linked to this issuer."), code="conflict")
        signal.needs_linking = not signal.issuer_links.exists()
        signal.save(update_fields=["needs_linking", "updated_at"])
        _event(signal, SignalEvent.Kind.UNLINKED, by, issuer.legal_name)
        record_event(
            actor=by, verb="signals.unlink_issuer", obj=signal, before={"issuer": issuer.pk}
        )
    return signal


def merge_signals(*, by: User, duplicate: Signal, into: Signal, reason: str) -> Signal:
    """Merge a duplicate into another signal. Both keep their history; the duplicate points
    to the one that stands, which gains its themes and linked issuers."""
    reason = _reason(reason)
    if duplicate.pk == into.pk:
        raise ActionError(_("A signal cannot be merged into itself."), field="into")
    with transaction.atomic(durable=True):
        first, second = sorted([duplicate.pk, into.pk])
        locked = {
            s.pk: s
            for s in Signal.objects.unrestricted("merge signals: the action decides access")
            .select_for_update()
            .filter(pk__in=[first, second])
        }
        duplicate, into = locked[duplicate.pk], locked[into.pk]
        actor = access.actor_for(by, fresh=True)
        access.require(duplicate.can_handle(actor) and into.can_handle(actor))
        if duplicate.state in {State.SHARED, State.CLOSED, State.DUPLICATE}:
            raise ActionError(
                _("A shared, closed or already merged signal cannot be merged."), code="conflict"
            )
        if into.merged_into_id is not None or into.state == State.DUPLICATE:
            raise ActionError(_("Merge into the signal that stands."), field="into")
        before = duplicate.state
        duplicate.state = State.DUPLICATE
        duplicate.merged_into = into
        duplicate.save(update_fields=["state", "merged_into", "updated_at"])
        into.themes = sorted(set(into.themes) | set(duplicate.themes))
        into.save(update_fields=["themes", "updated_at"])
        for link in duplicate.issuer_links.all():
            SignalIssuer.objects.unrestricted(
                "merge signals: the action decides access"
            ).get_or_create(
                signal=into,
                issuer_id=link.issuer_id,
                defaults={"method": "merge", "confidence": link.confidence, "linked_by": by},
            )
        if into.issuer_links.exists() and into.needs_linking:
            into.needs_linking = False
            into.save(update_fields=["needs_linking", "updated_at"])
        _event(
            duplicate,
            SignalEvent.Kind.MERGED,
            by,
            f"→ {into.reference}: {reason}",
            from_state=before,
            to_state=State.DUPLICATE,
        )
        _event(into, SignalEvent.Kind.MERGED, by, f"← {duplicate.reference}: {reason}")
        record_event(
            actor=by,
            verb="signals.merge_signals",
            obj=duplicate,
            before={"state": before},
            after={"merged_into": into.reference, "reason": reason},
        )
        signal_jobs.queue_withdraw_findings(duplicate.reference, by)
    return into


# --- Sharing, alerts and the risk results ----------------------------------------------------


def share_signal(
    *,
    by: User,
    signal: Signal,
    visibility: str,
    redactions: dict[str, int],
    shared_with: list[Party] | None = None,
    shared_summary: str = "",
    title: str = "",
    reason: str,
    with_holders: bool = False,
) -> Signal:
    """Share a verified signal at a level no more open than the reporter allowed, with the
    handler's redaction: which fields (reporter, exact location, names, …) are hidden from
    whom. Funds holding a linked company (or its parent) are told after the commit.
    ``with_holders`` (restricted only): every such fund may read it too, without the handler
    learning which funds they are."""
    reason = _reason(reason)
    shared_summary = (shared_summary or "").strip()
    title = (title or "").strip()
    if visibility not in [level.value for level in LEVELS]:
        raise ActionError(_("Choose who may read the report."), field="visibility")
    cleaned: dict[str, int] = {}
    for field, tier in (redactions or {}).items():
        if field not in REDACTABLE or int(tier) not in Tier.values:
            raise ActionError(_("Choose for each field who may see it."), field="redactions")
        cleaned[field] = int(tier)
    with transaction.atomic(durable=True):
        signal = _locked(signal, by)
        if signal.state != State.VERIFIED:
            raise ActionError(_("Only a verified signal can be shared."), code="conflict")
        if signal.sharing == Sharing.NOT_SHARED:
            raise ActionError(
                _("The reporter asked that this signal is not shared."), code="conflict"
            )
        if level_rank(visibility) < level_rank(signal.reporter_level):
            raise ActionError(
                _("The reporter allowed no more than “%(level)s”.")
                % {"level": Visibility(signal.reporter_level).label},
                field="visibility",
            )
        if not signal.is_assessed:
            raise ActionError(_("Assess the signal before sharing it."), code="conflict")
        if not signal.issuer_links.exists():
            raise ActionError(_("Link the company to an issuer before sharing."), code="conflict")
        named = list(shared_with or [])
        with_holders = bool(with_holders) and visibility == Visibility.RESTRICTED
        if visibility == Visibility.RESTRICTED and not named and not with_holders:
            raise ActionError(
                _(
                    "Name the parties that may read a restricted report, or choose every "
                    "fund that holds the company."
                ),
                field="shared_with",
            )
        if signal.sharing == Sharing.REDACTED:
            exposed = [
                f
                for f in ("reporter", "site", "people", "description")
                if cleaned.get(f, Tier.TEAM) < Tier.TEAM
            ]
            if exposed:
                raise ActionError(
                    _(
                        "The reporter allowed only a redacted form: the reporter, exact "
                        "location, names and full account stay with those handling it."
                    ),
                    field="redactions",
                )
        if cleaned.get("description", Tier.TEAM) > Tier.EVERYONE and not shared_summary:
            raise ActionError(
                _("Write the shared account that readers see instead of the full account."),
                field="shared_summary",
            )
        before = {"state": signal.state, "visibility": signal.visibility}
        signal.state = State.SHARED
        signal.visibility = visibility
        signal.redactions = dict(cleaned)
        signal.share_with_holders = with_holders
        signal.shared_summary = shared_summary
        if title:
            signal.title = title[:200]
        signal.shared_at = timezone.now()
        signal.save(
            update_fields=[
                "state",
                "visibility",
                "redactions",
                "share_with_holders",
                "shared_summary",
                "title",
                "shared_at",
                "updated_at",
            ]
        )
        SignalShare.objects.filter(signal=signal).exclude(party__in=named).delete()
        for party in named:
            SignalShare.objects.get_or_create(signal=signal, party=party)
        _event(
            signal,
            SignalEvent.Kind.SHARED,
            by,
            reason,
            from_state=before["state"],
            to_state=State.SHARED,
        )
        record_event(
            actor=by,
            verb="signals.share_signal",
            obj=signal,
            before=before,
            after={
                "state": State.SHARED,
                "visibility": visibility,
                "shared_with": sorted(p.pk for p in named),
                "with_holders": with_holders,
                "redactions": signal.redactions,
                "reason": reason,
            },
        )
        signal_jobs.queue_after_share(signal, by)
    return signal


def _held_issuer_ids(signal: Signal) -> dict[int, int]:
    """Issuer id → the linked issuer it stands for: each linked issuer, its parents up the
    chain, and duplicates merged into any of them."""
    found: dict[int, int] = {}
    for link in signal.issuer_links.select_related("issuer"):
        issuer: Issuer | None = link.issuer
        depth = 0
        while issuer is not None and depth < 10:
            found.setdefault(issuer.pk, link.issuer_id)
            issuer = issuer.parent
            depth += 1
    merged = (
        Issuer.objects.unrestricted("held issuer ids: the action decides access")
        .filter(merged_into_id__in=list(found))
        .values_list("pk", "merged_into_id")
    )
    for pk, into in merged:
        found.setdefault(pk, found[into])
    return found


def alert_funds(signal_id: int, by: Any = None) -> int:
    """Tell every fund that holds a linked company or its parent in its latest snapshot, in
    its inbox and by e-mail, at the level the signal allows. A secretariat-only signal
    tells no fund. Idempotent: a fund is told once per signal. Returns how many were told
    (shown to nobody but the secretariat: it reveals who holds the company)."""
    with transaction.atomic(durable=True):
        signal = (
            Signal.objects.unrestricted("alert funds: the action decides access")
            .select_for_update()
            .get(pk=signal_id)
        )
        if not signal.is_shared or signal.visibility == Visibility.SECRETARIAT:
            return 0
        held = _held_issuer_ids(signal)
        active_funds = set(Party.objects.active().funds().values_list("pk", flat=True))
        holders: dict[int, int] = {}
        for fund_id, issuer_id in (
            Position.objects.unrestricted("alert funds: the action decides access")
            .in_latest_snapshots()
            .filter(issuer_id__in=list(held))
            .values_list("snapshot__fund_id", "issuer_id")
            .distinct()
        ):
            if fund_id in active_funds:
                holders.setdefault(fund_id, issuer_id)
        named = set(signal.shares.values_list("party_id", flat=True))
        team = {signal.reporting_party_id, signal.handling_party_id}
        already = set(
            SignalAlert.objects.unrestricted("alert funds: the action decides access")
            .filter(signal=signal)
            .values_list("fund_id", flat=True)
        )
        new = [
            SignalAlert(
                fund_id=fund_id,
                signal=signal,
                issuer_id=issuer_id,
                full=signal.visibility in {Visibility.PUBLIC, Visibility.COVENANT}
                or signal.share_with_holders
                or fund_id in named
                or fund_id in team,
            )
            for fund_id, issuer_id in holders.items()
            if fund_id not in already
        ]
        SignalAlert.objects.bulk_create(new)
        if new:
            record_event(
                actor=by,
                verb="signals.alert_funds",
                obj=signal,
                after={"funds": len(new)},
            )
        _mail_alerts(signal.pk, [a.fund_id for a in new])
    return len(new)


def _mail_alerts(signal_id: int, fund_ids: list[int]) -> None:
    """One e-mail job per person of each fund told, in their language, with no content of
    the signal: the company, the reference and a link (or whom to ask). Queued inside the
    alerts' transaction: one bad address does not stop the others."""
    alerts = (
        SignalAlert.objects.unrestricted("mail alerts: the action decides access")
        .filter(signal_id=signal_id, fund_id__in=fund_ids)
        .select_related("signal", "issuer", "fund", "signal__handling_party")
    )
    for alert in alerts:
        people = (
            User.objects.unrestricted("mail alerts: the action decides access")
            .filter(memberships__party_id=alert.fund_id, is_active=True)
            .distinct()
        )
        for person in people:
            with translation.override(person.language or settings.LANGUAGE_CODE):
                context = {
                    "alert": alert,
                    "url": settings.BASE_URL + reverse("signal_inbox"),
                    "contact": _contact(alert.signal),
                }
                send_email_later(
                    to=person.email,
                    subject=_("Signal on %(company)s, which your fund holds")
                    % {"company": alert.issuer.legal_name},
                    body=render_to_string("signals/email/alert.txt", context),
                    purpose="signals.alert",
                    language=person.language or settings.LANGUAGE_CODE,
                    # Whom it went to says the fund holds the company: the fund's own.
                    party_id=alert.fund_id,
                )


def _contact(signal: Signal) -> str:
    """Whom to ask about a signal one may not read: its handling party and the secretariat."""
    names = [p.name for p in [signal.handling_party] if p is not None]
    names.append(str(_("the secretariat")))
    return " · ".join(names)


def contact_for(signal: Signal) -> str:
    return _contact(signal)


def feed_risk(signal_id: int, by: Any) -> None:
    """A shared, verified signal becomes a company finding in the risk results of the funds
    that hold the company (one per linked issuer and theme); a secretariat-only signal stays
    with the secretariat and changes no fund's results. The source names the handling party
    (never the reporter). A theme the loaded taxonomy lacks is logged and skipped: the share
    itself has been committed. Run by the job queued when the signal was shared."""
    signal = Signal.objects.unrestricted("feed risk: the action decides access").get(pk=signal_id)
    inputs = signal.severity_inputs
    if not signal.is_shared or signal.visibility == Visibility.SECRETARIAT or inputs is None:
        return
    scale, scope, irremediability, likelihood = inputs
    party = signal.handling_party or signal.reporting_party
    source = f"{party.name if party else _('the secretariat')}, {signal.created_at:%Y}"
    for link in signal.issuer_links.select_related("issuer"):
        for theme in signal.themes:
            try:
                risk_actions.record_company_finding(
                    issuer=link.issuer,
                    theme=theme,
                    reference=signal.reference,
                    scale=scale,
                    scope=scope,
                    irremediability=irremediability,
                    likelihood=likelihood,
                    actual=signal.impact == "actual",
                    source=source,
                    by=by,
                )
            except ActionError as error:
                logger.warning(
                    "Signal %s: no finding recorded for theme %s (%s)",
                    signal.reference,
                    theme,
                    error.messages[0],
                )


def mark_alert_read(*, by: User, alert: SignalAlert) -> SignalAlert:
    actor = access.actor_for(by, fresh=True)
    access.require(actor.has_role(alert.fund_id))
    with transaction.atomic(durable=True):
        alert = (
            SignalAlert.objects.unrestricted("mark alert read: the action decides access")
            .select_for_update()
            .get(pk=alert.pk)
        )
        if alert.read_at is None:
            alert.read_at = timezone.now()
            alert.save(update_fields=["read_at"])
            record_event(actor=by, verb="signals.read_alert", obj=alert, party_id=alert.fund_id)
    return alert


# --- The conversation with the reporter ------------------------------------------------------


def post_message(*, by: User, signal: Signal, text: str) -> SignalMessage:
    """The handler asks the reporter a question, or a person of the reporting party answers."""
    text = check_message(text)
    actor = access.actor_for(by, fresh=True)
    with transaction.atomic(durable=True):
        signal = (
            Signal.objects.unrestricted("post message: the action decides access")
            .select_for_update()
            .get(pk=signal.pk)
        )
        if signal.can_handle(actor):
            author = SignalMessage.Author.HANDLER
        elif actor.has_role(signal.reporting_party_id):
            author = SignalMessage.Author.REPORTER
        else:
            raise access.PermissionDenied
        message = SignalMessage.objects.create(
            signal=signal, author=author, written_by=by, text=text
        )
        _event(signal, SignalEvent.Kind.MESSAGE, by, str(message.get_author_display()))
        record_event(actor=by, verb="signals.post_message", obj=signal, after={"author": author})
    return message


def find_by_receipt(code: str) -> Signal | None:
    """The signal a receipt code belongs to (None for a wrong code). Not an action: a read
    that the intake throttles."""
    if not code or len(code) > 64:
        return None
    return (
        Signal.objects.unrestricted("find by receipt: the action decides access")
        .filter(receipt_hash=hash_receipt(code))
        .first()
    )


def answer_with_receipt(
    *, code: str, text: str, files: list[tuple[str, bytes]] | None = None
) -> SignalMessage:
    """The anonymous reporter answers, proving with the receipt code that it is them, and may
    add evidence files (checked and stripped like those of the report itself)."""
    text = check_message(text)
    signal = find_by_receipt(code)
    if signal is None:
        raise unknown_receipt()
    clean = clean_uploads(files or [])
    stored: list[str] = []
    try:
        with transaction.atomic(durable=True):
            signal = (
                Signal.objects.unrestricted("answer with receipt: the action decides access")
                .select_for_update()
                .get(pk=signal.pk)
            )
            if signal.state == State.CLOSED:
                raise report_closed()
            message = SignalMessage.objects.create(
                signal=signal, author=SignalMessage.Author.REPORTER, text=text
            )
            stored = _store_files(signal, clean)
            _event(signal, SignalEvent.Kind.MESSAGE, None, str(message.get_author_display()))
            record_event(
                actor=None,
                verb="signals.answer_with_receipt",
                obj=signal,
                after={"author": "reporter", "files": len(stored)},
            )
    except BaseException:
        _remove_files_on_rollback(stored)
        raise
    return message


def clean_redactions(data: dict[str, Any]) -> dict[str, int]:
    """Redaction choices from a form: field → tier."""
    out = {}
    for field in REDACTABLE:
        value = data.get(f"redact_{field}")
        if value not in (None, ""):
            out[field] = int(value)
    return out
