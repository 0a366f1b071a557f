"""Actions of the deep track's step E: a case's communications.

A **public** communication's text is generated, never typed: it reads only the fields the
group marked publishable (``Case.publishable``), each through ``READINGS`` (field → how it
reads, in Dutch or English), and keeps which fields it used (``generated_from``). The
company's name appears only when ``names_company`` is chosen, and that choice is part of
what the group approves; a publishable text that names the company without that choice is
left out (``Generated.withheld``), so the name never slips in through a title or an
objective. A **confidential** communication (a letter to the company, a note to a regulator)
is written by the drafter and is sent outside the platform once approved.

The flow: draft (``draft_communication`` right; regenerate or rewrite) → proposed (asks the
group) → each party of the group approves once (``approve_communication`` right, for the
party the person sits for) → approved once every party with a current member who may
approve has approved → published (``publish`` right; public ones only; sets
``published_on``) or withdrawn. Any change of the text after an approval voids the
approvals: the group approves a text, not a draft.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from convenant.core import access, limits
from convenant.core.audit import record_event, snapshot
from convenant.core.errors import ActionError
from convenant.core.mail import send_email_later
from convenant.engagement import case_rules
from convenant.engagement.models import (
    Case,
    CaseMember,
    CaseMilestone,
    Communication,
    CommunicationApproval,
    Step,
)
from convenant.parties.models import Party

WHY = "deep-track communications: the action decides access"
LANGUAGES = ("nl", "en")
AUDITED = ["kind", "title", "text", "generated_from", "names_company", "status", "published_on"]
STATUS = Communication.Status
ASK_MAIL = "engagement.communication_approval"


# --- Generating a public text -------------------------------------------------------------


@dataclass
class Generated:
    title: str
    text: str
    fields: list[str] = field(default_factory=list)  # the publishable fields it was made of
    withheld: list[str] = field(default_factory=list)  # left out: they name the company


def _theme_names(themes: list[str]) -> str:
    from convenant.signals.themes import theme_names

    names = theme_names()
    return ", ".join(names.get(t, t) for t in themes)


def _read_themes(case: Case, names_company: bool) -> str:
    if not case.themes:
        return ""
    return _("Themes: %(themes)s.") % {"themes": _theme_names(list(case.themes))}


def _read_target(case: Case, names_company: bool) -> str:
    if case.target == "issuer":
        if names_company and case.issuer is not None:
            return _("The case concerns the company %(name)s.") % {"name": case.issuer.legal_name}
        return _("The case concerns a company; its name is not made public.")
    if case.target == "sector":
        return _("The case concerns the sector with GICS code %(code)s.") % {
            "code": case.sector_code
        }
    return _("The case concerns the issue: %(issue)s.") % {"issue": case.issue}


def _read_objectives(case: Case, names_company: bool) -> str:
    if not case.plan_objectives.strip():
        return ""
    return _("What the group aims for:") + "\n" + case.plan_objectives.strip()


def _read_milestones(case: Case, names_company: bool) -> str:
    reached = (
        CaseMilestone.objects.unrestricted(WHY)
        .filter(case=case, reached_on__isnull=False)
        .order_by("reached_on", "pk")
    )
    lines = [
        _("%(date)s: %(milestone)s")
        % {"date": date_format(m.reached_on, "DATE_FORMAT"), "milestone": m.title}
        for m in reached
    ]
    if not lines:
        return ""
    return _("Milestones reached:") + "\n" + "\n".join(f"- {line}" for line in lines)


def _read_step(case: Case, names_company: bool) -> str:
    if case.status == Case.Status.CLOSED:
        return _("The case is closed.")
    return _("The case stands at step %(step)s.") % {"step": Step(case.step).label}


def _read_outcome(case: Case, names_company: bool) -> str:
    if not case.outcome:
        return ""
    text = _("Outcome: %(outcome)s.") % {"outcome": Case.Outcome(case.outcome).label}
    if case.outcome_rationale.strip():
        text += "\n" + case.outcome_rationale.strip()
    return text


# The publishable fields (``case_rules.PUBLISHABLE``, the group's checklist) and how each
# reads in a public text, in this order. A key without a reading is never published.
READINGS: dict[str, Callable[[Case, bool], str]] = {
    "target": _read_target,
    "themes": _read_themes,
    "step": _read_step,
    "plan_objectives": _read_objectives,
    "milestones": _read_milestones,
    "outcome": _read_outcome,
}


def _names(text: str, case: Case) -> bool:
    return case.issuer is not None and case.issuer.legal_name.casefold() in text.casefold()


def generate(case: Case, *, names_company: bool = False, language: str = "nl") -> Generated:
    """The public text of the case from its publishable fields only, in ``language``."""
    publishable = set(case.publishable)
    with translation.override(language if language in LANGUAGES else "nl"):
        # Without a publishable title, the reference: it is public anyway (the page's address).
        out = Generated(
            title=_("Deep-track case %(reference)s") % {"reference": case.reference}, text=""
        )
        if "title" in publishable:
            if not names_company and _names(case.title, case):
                out.withheld.append("title")
            else:
                out.title = case.title
                out.fields.append("title")
        paragraphs = [
            _(
                "The parties of the covenant work together on this case in the deep track: "
                "investors, unions, civil-society organisations and the government."
            )
        ]
        for key, read in READINGS.items():
            if key not in publishable:
                continue
            text = read(case, names_company)
            if not text:
                continue
            if key != "target" and not names_company and _names(text, case):
                out.withheld.append(key)
                continue
            # A name or issue ending in a full stop ("Inc.") ends the sentence itself.
            paragraphs.append(text.replace("..", ".") if text.endswith("..") else text)
            out.fields.append(key)
        out.text = "\n\n".join(paragraphs)
    return out


# --- Who may do what ----------------------------------------------------------------------


def _rights(by: Any, case: Case) -> frozenset[str]:
    return case_rules.actor_rights(access.actor_for(by, fresh=True), case)


def _require(by: Any, case: Case, right: str) -> None:
    access.require(right in _rights(by, case))


def _approving_roles() -> list[str]:
    return [r for r, rights in case_rules.RIGHTS.items() if "approve_communication" in rights]


def approving_parties(case: Case) -> set[int]:
    """The parties that must approve: those with a current member of the group whose role
    may approve a communication."""
    return set(
        CaseMember.objects.unrestricted(WHY)
        .filter(case=case, role__in=_approving_roles())
        .filter(case_rules.current_membership_q("membership__"))
        .values_list("membership__party_id", flat=True)
    )


def approver_party(by: Any, case: Case) -> Party | None:
    """The party a person approves for: the one they sit for in the group today."""
    member = (
        CaseMember.objects.unrestricted(WHY)
        .filter(case=case, role__in=_approving_roles(), membership__user_id=by.pk)
        .filter(case_rules.current_membership_q("membership__"))
        .select_related("membership__party")
        .first()
    )
    return member.membership.party if member else None


def _ask_the_group(communication: Communication, by: Any) -> int:
    """Ask each person who approves for a party of the group, the asker aside, to read the
    text: one e-mail each, sent once the change is committed. Returns how many were asked."""
    case = communication.case
    people = [
        member.membership.user
        for member in CaseMember.objects.unrestricted(WHY)
        .filter(case=case, role__in=_approving_roles())
        .filter(case_rules.current_membership_q("membership__"))
        .exclude(membership__user_id=by.pk)
        .select_related("membership__user")
        .order_by("pk")
        if member.membership.user.is_active
    ]
    url = settings.BASE_URL + reverse("case_communication", args=[case.reference])
    for person in people:
        language = person.language or settings.LANGUAGE_CODE
        with translation.override(language):
            send_email_later(
                to=person.email,
                subject=_("Case %(reference)s: a text awaits your party's approval")
                % {"reference": case.reference},
                body=_(
                    "The sub-working group of the deep-track case %(title)s is asked to approve "
                    "the communication “%(text_title)s” (%(kind)s). Each party approves once; a "
                    "change of the text voids the approvals.\n\nRead and approve it: %(url)s"
                )
                % {
                    "title": case.title,
                    "kind": communication.get_kind_display().lower(),
                    "text_title": communication.title,
                    "url": url,
                },
                purpose=ASK_MAIL,
                language=language,
            )
    return len(people)


def _locked(communication: Communication) -> Communication:
    return (
        Communication.objects.unrestricted(WHY)
        .select_for_update(of=("self",))
        .select_related("case__issuer")
        .get(pk=communication.pk)
    )


def _check_names_company(case: Case, kind: str, names_company: bool) -> None:
    if not names_company:
        return
    if kind != Communication.Kind.PUBLIC:
        raise ActionError(
            _("Only a public communication names the company by choice."), field="names_company"
        )
    if case.target != "issuer" or case.issuer is None:
        raise ActionError(
            _("This case is not about a company: there is no name to publish."),
            field="names_company",
        )
    if "target" not in case.publishable:
        raise ActionError(
            _("The group has not marked the target publishable: the company cannot be named."),
            field="names_company",
        )


def _written(title: str, text: str) -> tuple[str, str]:
    title = limits.check_length((title or "").strip(), limits.LINE, field="title")
    text = limits.check_length((text or "").strip(), limits.TEXT, field="text")
    if not title:
        raise ActionError(_("Give the communication a title."), field="title")
    if not text:
        raise ActionError(_("Write the text of the communication."), field="text")
    return title, text


# --- The flow -----------------------------------------------------------------------------


def draft_communication(
    *,
    by: Any,
    case: Case,
    kind: str,
    names_company: bool = False,
    language: str = "nl",
    title: str = "",
    text: str = "",
) -> Communication:
    """Start a communication: a public one generated from the publishable fields, a
    confidential one as written (``title``, ``text``)."""
    _require(by, case, "draft_communication")
    if kind not in Communication.Kind.values:
        raise ActionError(_("Choose public or confidential."), field="kind")
    if language not in LANGUAGES:
        raise ActionError(_("Choose Dutch or English."), field="language")
    case = Case.objects.unrestricted(WHY).select_related("issuer").get(pk=case.pk)
    _check_names_company(case, kind, names_company)
    generated_from: list[str] = []
    if kind == Communication.Kind.PUBLIC:
        generated = generate(case, names_company=names_company, language=language)
        title, text, generated_from = generated.title, generated.text, generated.fields
    else:
        title, text = _written(title, text)
    with transaction.atomic(durable=True):
        communication = Communication.objects.create(
            case=case,
            kind=kind,
            title=title,
            text=text,
            generated_from=generated_from,
            names_company=names_company,
            created_by=by,
        )
        record_event(
            actor=by,
            verb="engagement.draft_communication",
            obj=communication,
            after=snapshot(communication, AUDITED) | {"case": case.reference},
        )
    return communication


def update_communication(
    *,
    by: Any,
    communication: Communication,
    names_company: bool = False,
    language: str = "nl",
    title: str = "",
    text: str = "",
) -> Communication:
    """Regenerate a public text (after the publishable fields or the naming changed) or
    rewrite a confidential one, until it is published. A change after an approval voids
    every approval: the text goes back to the group."""
    case = communication.case
    _require(by, case, "draft_communication")
    if language not in LANGUAGES:
        raise ActionError(_("Choose Dutch or English."), field="language")
    with transaction.atomic(durable=True):
        communication = _locked(communication)
        case = communication.case
        if communication.status in (STATUS.PUBLISHED, STATUS.WITHDRAWN):
            raise ActionError(
                _("A %(status)s communication is not changed.")
                % {"status": communication.get_status_display().lower()},
                code="conflict",
            )
        _check_names_company(case, communication.kind, names_company)
        before = snapshot(communication, AUDITED)
        if communication.kind == Communication.Kind.PUBLIC:
            generated = generate(case, names_company=names_company, language=language)
            new = (generated.title, generated.text, generated.fields)
        else:
            new = (*_written(title, text), [])
        old = (communication.title, communication.text, list(communication.generated_from))
        if new == old and names_company == communication.names_company:
            return communication
        communication.title, communication.text, communication.generated_from = new
        communication.names_company = names_company
        voided, _kinds = (
            CommunicationApproval.objects.unrestricted(WHY)
            .filter(communication=communication)
            .delete()
        )
        if communication.status == STATUS.APPROVED:
            communication.status = STATUS.PROPOSED
        communication.save()
        if voided and communication.status == STATUS.PROPOSED:
            _ask_the_group(communication, by)  # the group approves the new text afresh
        record_event(
            actor=by,
            verb="engagement.update_communication",
            obj=communication,
            before=before,
            after=snapshot(communication, AUDITED) | {"approvals_voided": voided},
        )
    return communication


def propose_communication(*, by: Any, communication: Communication) -> Communication:
    """Put a draft to the group for approval."""
    _require(by, communication.case, "draft_communication")
    with transaction.atomic(durable=True):
        communication = _locked(communication)
        if communication.status != STATUS.DRAFT:
            raise ActionError(_("Only a draft is put to the group."), code="conflict")
        communication.status = STATUS.PROPOSED
        communication.save(update_fields=["status", "updated_at"])
        asked = _ask_the_group(communication, by)
        record_event(
            actor=by,
            verb="engagement.propose_communication",
            obj=communication,
            after={"status": communication.status, "asked": asked},
        )
    return communication


def approve_communication(*, by: Any, communication: Communication) -> Communication:
    """Approve the text as it stands for the party the person sits for in the group. Once
    every party that must approve has, the communication is approved."""
    case = communication.case
    _require(by, case, "approve_communication")
    party = approver_party(by, case)
    if party is None:
        raise ActionError(_("You do not sit in the group for a party that approves."))
    with transaction.atomic(durable=True):
        communication = _locked(communication)
        if communication.status != STATUS.PROPOSED:
            raise ActionError(
                _("Only a communication put to the group is approved; this one is %(status)s.")
                % {"status": communication.get_status_display().lower()},
                code="conflict",
            )
        approvals = CommunicationApproval.objects.unrestricted(WHY).filter(
            communication=communication
        )
        if approvals.filter(party=party).exists():
            raise ActionError(
                _("%(party)s approved this text already.") % {"party": party.display_name},
                code="conflict",
            )
        CommunicationApproval.objects.create(
            communication=communication, party=party, approved_by=by
        )
        approved = set(approvals.values_list("party_id", flat=True))
        if approving_parties(case) <= approved:
            communication.status = STATUS.APPROVED
            communication.save(update_fields=["status", "updated_at"])
        record_event(
            actor=by,
            verb="engagement.approve_communication",
            obj=communication,
            after={"party": party.code, "status": communication.status},
        )
    return communication


def publish_communication(
    *, by: Any, communication: Communication, on: datetime.date | None = None
) -> Communication:
    """Publish an approved public communication: from now on it is on the public case page."""
    _require(by, communication.case, "publish")
    with transaction.atomic(durable=True):
        communication = _locked(communication)
        if communication.kind != Communication.Kind.PUBLIC:
            raise ActionError(
                _(
                    "A confidential communication is not published: once approved, it is sent "
                    "outside the platform."
                ),
                code="conflict",
            )
        if communication.status != STATUS.APPROVED:
            raise ActionError(
                _("Only a text the whole group approved is published; this one is %(status)s.")
                % {"status": communication.get_status_display().lower()},
                code="conflict",
            )
        communication.status = STATUS.PUBLISHED
        communication.published_on = on or timezone.localdate()
        communication.save(update_fields=["status", "published_on", "updated_at"])
        record_event(
            actor=by,
            verb="engagement.publish_communication",
            obj=communication,
            after={"status": communication.status, "published_on": str(communication.published_on)},
        )
    return communication


def withdraw_communication(*, by: Any, communication: Communication) -> Communication:
    """Withdraw a communication at any point; a published one leaves the public page."""
    rights = _rights(by, communication.case)
    access.require(bool(rights & {"draft_communication", "publish"}))
    with transaction.atomic(durable=True):
        communication = _locked(communication)
        if communication.status == STATUS.WITHDRAWN:
            raise ActionError(_("This communication was withdrawn already."), code="conflict")
        before = communication.status
        communication.status = STATUS.WITHDRAWN
        communication.save(update_fields=["status", "updated_at"])
        record_event(
            actor=by,
            verb="engagement.withdraw_communication",
            obj=communication,
            before={"status": before},
            after={"status": communication.status},
        )
    return communication
