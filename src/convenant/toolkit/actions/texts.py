"""Actions of toolkit: model texts and their versions in Dutch and English (draft, consultation
with the parties' comments, adopted by the steering group's decision on a release, superseded),
the word-level diff between versions (also as PDF), the public toolkit page and each text as
DOCX and PDF.

Who may do what:

- **Texts, versions, releases**: the secretariat writes them (a text with its first draft, a
  draft edited, a new draft copied from the latest version, consultation opened and a version
  sent back to draft, versions gathered in a release, the release put to the steering group).
- **Comments**: an editor of a party in the covenant (one with a constituency) comments on a
  version in consultation until its closing date, per language, optionally quoting a passage.
- **Adoption**: only the steering group's adopted ``adopt_toolkit_version`` decision on a
  release (``apply_adoption``, registered in ``hooks_texts``). No other path adopts.

An adopted or superseded version never changes: every edit refuses it.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.core import access, limits
from convenant.core.audit import record_event
from convenant.core.errors import ActionError
from convenant.parties.models import Party
from convenant.toolkit.models import (
    PUBLISHED_STATUSES,
    Audience,
    Comment,
    ModelText,
    Release,
    TextKind,
    TextVersion,
    VersionStatus,
)

WHY = "model texts: the action decides access"
OPEN_STATUSES = (VersionStatus.DRAFT, VersionStatus.CONSULTATION)
LANGUAGES = ("nl", "en")
_IDENTIFIER = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


# --- Who may -----------------------------------------------------------------------------


def can_write(actor: access.Actor) -> bool:
    return actor.is_secretariat


def commenting_parties(actor: access.Actor) -> list[Party]:
    """The parties this person comments for: those in the covenant with a constituency for
    which they are an editor."""
    editing = actor.party_ids_with(access.Role.EDITOR)
    if not editing:
        return []
    parties = Party.objects.filter(pk__in=editing, constituency__isnull=False).active()
    return list(parties.order_by("name"))


def _require_secretariat(by: Any) -> None:
    access.require(can_write(access.actor_for(by, fresh=True)))


# --- Checks on what is sent ---------------------------------------------------------------


def _text(value: str, limit: int, field: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("This field is required."), field=field)
    return limits.check_length(value, limit, field=field)


def _wording(title: str, title_en: str, body: str, body_en: str) -> dict[str, str]:
    return {
        "title": _text(title, limits.LINE, "title", required=True),
        "title_en": _text(title_en, limits.LINE, "title_en", required=True),
        "body": _text(body, limits.TEXT, "body", required=True),
        "body_en": _text(body_en, limits.TEXT, "body_en", required=True),
    }


def _snap(version: TextVersion) -> dict[str, Any]:
    return {
        "text": version.text.identifier,
        "number": version.number,
        "status": version.status,
        "title": version.title,
        "title_en": version.title_en,
        "change_note": version.change_note,
        "consultation_closes_on": (
            version.consultation_closes_on.isoformat() if version.consultation_closes_on else None
        ),
    }


def _lock(version: TextVersion) -> TextVersion:
    return (
        TextVersion.objects.unrestricted(WHY)
        .select_for_update()
        .select_related("text")
        .get(pk=version.pk)
    )


def deciding_release(version: TextVersion) -> Release | None:
    """The release holding this version that the steering group is deciding on, if any."""
    for release in Release.objects.unrestricted(WHY).filter(
        versions=version, status=Release.Status.PROPOSED
    ):
        if release_is_deciding(release):
            return release
    return None


def release_is_deciding(release: Release) -> bool:
    """Proposed and the proposal still open (a rejected or withdrawn one frees it again)."""
    if release.status != Release.Status.PROPOSED or release.proposal_id is None:
        return False
    from convenant.governance.models import Proposal

    proposal = Proposal.objects.unrestricted(WHY).filter(pk=release.proposal_id).first()
    return proposal is not None and proposal.state in (
        Proposal.State.DRAFT,
        Proposal.State.OPEN,
    )


def _refuse_fixed(version: TextVersion) -> None:
    """An adopted or superseded version never changes; one the steering group is deciding on
    does not change under its seats."""
    if version.status in PUBLISHED_STATUSES:
        raise ActionError(
            _("Version %(n)s is adopted or superseded: an adopted version never changes.")
            % {"n": version.number},
            code="conflict",
        )
    if deciding_release(version) is not None:
        raise ActionError(
            _("The steering group is deciding on this version; it cannot change meanwhile."),
            code="conflict",
        )


# --- Texts and versions -------------------------------------------------------------------


def create_text(
    *,
    by: Any,
    identifier: str,
    kind: str,
    title: str,
    title_en: str,
    body: str,
    body_en: str,
    audience: str = "",
    theme: str = "",
    change_note: str = "",
    order: int = 0,
) -> TextVersion:
    """The secretariat writes a new model text and its first draft (version 1)."""
    _require_secretariat(by)
    identifier = (identifier or "").strip().lower()
    if not _IDENTIFIER.match(identifier):
        raise ActionError(
            _("An identifier is a short key of lower-case letters, digits and dashes."),
            field="identifier",
        )
    if kind not in TextKind.values:
        raise ActionError(_("Choose the kind of text."), field="kind")
    if (audience or "") not in Audience.values:
        raise ActionError(_("Choose for whom the text is written."), field="audience")
    theme = (theme or "").strip().lower()
    if theme and not _IDENTIFIER.match(theme):
        raise ActionError(_("A theme is a short key such as biodiversity."), field="theme")
    wording = _wording(title, title_en, body, body_en)
    note = _text(change_note, limits.MESSAGE, "change_note")
    with transaction.atomic(durable=True):
        if ModelText.objects.filter(identifier=identifier).exists():
            raise ActionError(_("Another text already has this identifier."), field="identifier")
        text = ModelText.objects.create(
            identifier=identifier, kind=kind, audience=audience or "", theme=theme, order=order
        )
        version = TextVersion.objects.create(
            text=text, number=1, change_note=note, created_by=by, **wording
        )
        record_event(
            actor=by,
            verb="toolkit.create_text",
            obj=version,
            after=_snap(version) | {"kind": kind, "audience": audience, "theme": theme},
        )
    return version


def update_draft(
    *,
    by: Any,
    version: TextVersion,
    title: str,
    title_en: str,
    body: str,
    body_en: str,
    change_note: str = "",
    recommendation: Any = None,
) -> TextVersion:
    """The secretariat edits a draft (a version in consultation goes back to draft first)."""
    _require_secretariat(by)
    wording = _wording(title, title_en, body, body_en)
    note = _text(change_note, limits.MESSAGE, "change_note")
    with transaction.atomic(durable=True):
        version = _lock(version)
        _refuse_fixed(version)
        if version.status != VersionStatus.DRAFT:
            raise ActionError(
                _("Only a draft is edited: send the version back to draft first."),
                code="conflict",
            )
        before = _snap(version)
        for name, value in wording.items():
            setattr(version, name, value)
        version.change_note = note
        if recommendation is not None:
            version.recommendation = recommendation
        version.save()
        record_event(
            actor=by, verb="toolkit.update_draft", obj=version, before=before, after=_snap(version)
        )
    return version


def new_version(*, by: Any, text: ModelText, change_note: str = "") -> TextVersion:
    """A new draft copied from the text's latest version; one open version at a time."""
    _require_secretariat(by)
    note = _text(change_note, limits.MESSAGE, "change_note")
    with transaction.atomic(durable=True):
        text = ModelText.objects.select_for_update().get(pk=text.pk)
        versions = TextVersion.objects.unrestricted(WHY).filter(text=text)
        if versions.filter(status__in=OPEN_STATUSES).exists():
            raise ActionError(
                _("This text already has a draft or a version in consultation."),
                code="conflict",
            )
        latest = versions.order_by("-number").first()
        if latest is None:  # pragma: no cover - a text is created with its first version
            raise ActionError(_("This text has no version to copy."), code="conflict")
        version = TextVersion.objects.create(
            text=text,
            number=latest.number + 1,
            title=latest.title,
            title_en=latest.title_en,
            body=latest.body,
            body_en=latest.body_en,
            change_note=note,
            created_by=by,
        )
        record_event(
            actor=by,
            verb="toolkit.new_version",
            obj=version,
            after=_snap(version) | {"copied_from": latest.number},
        )
    return version


def open_consultation(*, by: Any, version: TextVersion, closes_on: datetime.date) -> TextVersion:
    """The parties may comment on the draft until ``closes_on``."""
    _require_secretariat(by)
    if closes_on is None or closes_on < timezone.localdate():
        raise ActionError(
            _("The consultation closes today or later."), field="consultation_closes_on"
        )
    with transaction.atomic(durable=True):
        version = _lock(version)
        _refuse_fixed(version)
        if version.status != VersionStatus.DRAFT:
            raise ActionError(_("Only a draft goes into consultation."), code="conflict")
        before = _snap(version)
        version.status = VersionStatus.CONSULTATION
        version.consultation_closes_on = closes_on
        version.save(update_fields=["status", "consultation_closes_on", "updated_at"])
        record_event(
            actor=by,
            verb="toolkit.open_consultation",
            obj=version,
            before=before,
            after=_snap(version),
        )
    return version


def back_to_draft(*, by: Any, version: TextVersion) -> TextVersion:
    """A version in consultation goes back to draft (its comments stay)."""
    _require_secretariat(by)
    with transaction.atomic(durable=True):
        version = _lock(version)
        _refuse_fixed(version)
        if version.status != VersionStatus.CONSULTATION:
            raise ActionError(_("This version is not in consultation."), code="conflict")
        before = _snap(version)
        version.status = VersionStatus.DRAFT
        version.save(update_fields=["status", "updated_at"])
        record_event(
            actor=by, verb="toolkit.back_to_draft", obj=version, before=before, after=_snap(version)
        )
    return version


def consultation_open(version: TextVersion, on: datetime.date | None = None) -> bool:
    on = on or timezone.localdate()
    return version.status == VersionStatus.CONSULTATION and (
        version.consultation_closes_on is None or on <= version.consultation_closes_on
    )


def add_comment(
    *,
    by: Any,
    version: TextVersion,
    party: Party | None,
    text: str,
    language: str = "nl",
    passage: str = "",
) -> Comment:
    """An editor of a party comments on a version in consultation, until it closes."""
    actor = access.actor_for(by, fresh=True)
    parties = commenting_parties(actor)
    access.require(bool(parties))
    if party is None and len(parties) == 1:
        party = parties[0]
    if party is None or party.pk not in {p.pk for p in parties}:
        raise ActionError(_("Choose a party you comment for."), field="party")
    if language not in LANGUAGES:
        raise ActionError(_("Choose the language the comment is about."), field="language")
    text = _text(text, limits.MESSAGE, "text", required=True)
    passage = _text(passage, 500, "passage")
    with transaction.atomic(durable=True):
        version = _lock(version)
        if not consultation_open(version):
            raise ActionError(_("This version is not open for comments."), code="conflict")
        if passage and passage not in version.body_in(language):
            raise ActionError(
                _("The quoted passage is not in the text of this language."), field="passage"
            )
        comment = Comment.objects.create(
            version=version,
            party=party,
            author=by,
            text=text,
            language=language,
            passage=passage,
        )
        # The comment's words stay with the covenant: the event names who and where only.
        record_event(
            actor=by,
            verb="toolkit.add_comment",
            obj=version,
            party_id=party.pk,
            after={"comment": comment.pk, "party": party.code, "language": language},
        )
    return comment


# --- Releases -----------------------------------------------------------------------------


def create_release(*, by: Any, label: str, note: str = "") -> Release:
    _require_secretariat(by)
    label = (label or "").strip()
    if not _LABEL.match(label) or label == "new":  # "new" is the address of the form
        raise ActionError(
            _("A release is named by a short label such as 2022, without spaces."), field="label"
        )
    note = _text(note, limits.MESSAGE, "note")
    with transaction.atomic(durable=True):
        if Release.objects.unrestricted(WHY).filter(label=label).exists():
            raise ActionError(_("Another release already has this label."), field="label")
        release = Release.objects.create(label=label, note=note)
        record_event(actor=by, verb="toolkit.create_release", obj=release, after={"label": label})
    return release


def _lock_release(release: Release) -> Release:
    return Release.objects.unrestricted(WHY).select_for_update().get(pk=release.pk)


def _refuse_settled(release: Release) -> None:
    if release.status == Release.Status.ADOPTED:
        raise ActionError(_("This release is adopted; it never changes."), code="conflict")
    if release_is_deciding(release):
        raise ActionError(
            _("The steering group is deciding on this release; it cannot change meanwhile."),
            code="conflict",
        )


def add_to_release(*, by: Any, release: Release, version: TextVersion) -> Release:
    """A draft or a version in consultation joins the release, replacing the text's other
    version in it."""
    _require_secretariat(by)
    with transaction.atomic(durable=True):
        release = _lock_release(release)
        _refuse_settled(release)
        version = _lock(version)
        if version.status not in OPEN_STATUSES:
            raise ActionError(
                _("Only a draft or a version in consultation joins a release."), field="version"
            )
        replaced = [v for v in release.versions.all() if v.text_id == version.text_id]
        release.versions.remove(*replaced)
        release.versions.add(version)
        record_event(
            actor=by,
            verb="toolkit.add_to_release",
            obj=release,
            after={
                "version": str(version),
                "replaced": [str(v) for v in replaced if v.pk != version.pk],
            },
        )
    return release


def steering_group() -> Any:
    from convenant.governance.models import Body

    return Body.objects.filter(kind=Body.Kind.STEERING_GROUP).order_by("pk").first()


def propose_release(
    *,
    by: Any,
    release: Release,
    closes_at: datetime.datetime,
    title: str = "",
    text: str = "",
) -> Any:
    """The secretariat puts the release to the steering group as an
    ``adopt_toolkit_version`` proposal (governance's own action writes it; the effect's
    check refuses what could not be adopted). The release links to the proposal."""
    from convenant.governance.actions import decisions as governance

    _require_secretariat(by)
    steering = steering_group()
    if steering is None:
        raise ActionError(_("The covenant has no steering group to decide."))
    title = _text(title, limits.LINE, "title") or _("Adoption of toolkit release %(label)s") % {
        "label": release.label
    }
    with transaction.atomic(durable=True):
        release = _lock_release(release)
        _refuse_settled(release)
        versions = list(release.versions.select_related("text").order_by("text__identifier"))
        listed = "\n".join(f"- {v.text.identifier} v{v.number}: {v.title}" for v in versions)
        body = _text(text, limits.TEXT, "text") or _(
            "The steering group adopts toolkit release %(label)s with these versions:\n%(list)s"
        ) % {"label": release.label, "list": listed}
        proposal = governance.create_proposal(
            by=by,
            body=steering,
            kind="adopt_toolkit_version",
            title=title,
            text=body,
            closes_at=closes_at,
            effect_params={"release": release.label},
            within_action=True,
        )
        release.status = Release.Status.PROPOSED
        release.proposal = proposal
        release.save(update_fields=["status", "proposal", "updated_at"])
        record_event(
            actor=by,
            verb="toolkit.propose_release",
            obj=release,
            after={"proposal": proposal.number, "versions": [str(v) for v in versions]},
        )
    return proposal


# --- The effect ``adopt_toolkit_version`` -------------------------------------------------


def check_adoption(params: dict[str, Any], *, proposing: bool = True) -> Release:
    """What an adoption needs: the release exists, is not adopted, and holds drafts or
    versions in consultation, one per text."""
    label = params.get("release") if isinstance(params, dict) else None
    if not isinstance(label, str) or not label:
        raise ActionError(
            _('Name the release to adopt, e.g. {"release": "2022"}.'), field="effect_params"
        )
    release = Release.objects.unrestricted(WHY).filter(label=label).first()
    if release is None:
        raise ActionError(
            _("No toolkit release %(label)s.") % {"label": label}, field="effect_params"
        )
    if release.status == Release.Status.ADOPTED:
        raise ActionError(
            _("Release %(label)s is adopted already.") % {"label": label}, field="effect_params"
        )
    if proposing and release_is_deciding(release):
        raise ActionError(
            _("The steering group is already deciding on release %(label)s.") % {"label": label},
            field="effect_params",
        )
    versions = list(release.versions.select_related("text"))
    if not versions:
        raise ActionError(
            _("Release %(label)s holds no versions.") % {"label": label}, field="effect_params"
        )
    settled = [str(v) for v in versions if v.status not in OPEN_STATUSES]
    if settled:
        raise ActionError(
            _("Only drafts and versions in consultation are adopted, not %(list)s.")
            % {"list": ", ".join(settled)},
            field="effect_params",
        )
    texts = [v.text_id for v in versions]
    if len(set(texts)) != len(texts):  # pragma: no cover - add_to_release keeps one per text
        raise ActionError(_("A release holds one version per text."), field="effect_params")
    return release


def describe_adoption(params: dict[str, Any]) -> str:
    label = str(params["release"])
    release = Release.objects.unrestricted(WHY).filter(label=label).first()
    count = release.versions.count() if release is not None else 0
    return _("Adopt toolkit release %(label)s (%(count)s texts)") % {
        "label": label,
        "count": count,
    }


def apply_adoption(decision: Any, by: Any) -> str:
    """In one transaction: each version of the release adopted on the decision's date, the
    version of the same text adopted before superseded, the release adopted with the
    decision. The only path by which a version becomes adopted."""
    release = check_adoption(decision.effect_params, proposing=False)
    on = decision.decided_on
    with transaction.atomic(durable=True):
        release = _lock_release(release)
        versions = list(
            TextVersion.objects.unrestricted(WHY)
            .select_for_update()
            .filter(pk__in=release.versions.values("pk"))
            .select_related("text")
        )
        if any(v.status not in OPEN_STATUSES for v in versions):
            raise ActionError(_("The release changed; apply the decision again."))
        adopted, superseded = [], []
        for version in versions:
            previous = TextVersion.objects.unrestricted(WHY).filter(
                text=version.text, status=VersionStatus.ADOPTED
            )
            superseded += [str(v) for v in previous]
            # Superseded first: a text has one adopted version at a time.
            previous.update(
                status=VersionStatus.SUPERSEDED, superseded_on=on, updated_at=timezone.now()
            )
            version.status = VersionStatus.ADOPTED
            version.adopted_on = on
            version.save(update_fields=["status", "adopted_on", "updated_at"])
            adopted.append(str(version))
        release.status = Release.Status.ADOPTED
        release.decision = decision
        release.adopted_on = on
        if release.proposal_id is None:
            release.proposal_id = decision.proposal_id
        release.save()
        record_event(
            actor=by,
            verb="toolkit.adopt_release",
            obj=release,
            after={
                "decision": decision.number,
                "adopted_on": on.isoformat(),
                "adopted": adopted,
                "superseded": superseded,
            },
        )
    return f"toolkit.release:{release.pk}"
