"""Writes of a person's privacy rights: their data exported (by themselves, or by the
secretariat with a reason), and erased on request by the secretariat. The pages and the
commands call these; what is exported and erased is in ``core.privacy``."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from convenant.core import access, privacy
from convenant.core.audit import record_event
from convenant.core.errors import ActionError
from convenant.core.models import User, normalize_email


def _locked(person: User) -> User:
    return (
        User.objects.unrestricted("a privacy action on one person, access decided above")
        .select_for_update()
        .get(pk=person.pk)
    )


def export_personal_data(*, by: User | None, person: User, reason: str = "") -> str:
    """The person's data as one JSON document (UTF-8, indented). A person exports their own;
    the secretariat anyone's, saying why. ``by=None`` is an operator on the server (the
    command), who gives a reason too. The export is audited."""
    reason = reason.strip()
    own = by is not None and by.pk == person.pk
    if not own:
        if by is not None:
            access.require(access.actor_for(by, fresh=True).is_secretariat)
        if not reason:
            raise ActionError(
                _("Say why you export this person's data (e.g. their request of 3 May)."),
                field="reason",
            )
    with transaction.atomic(durable=True):
        person = _locked(person)
        record_event(
            actor=by,
            verb="core.export_personal_data",
            obj=person,
            after={"reason": reason} if reason else None,
        )
        return privacy.export_json(person)


def erase_person(*, by: User | None, person: User, reason: str, confirm_email: str) -> str:
    """Erase a person on request (GDPR art. 17), by the secretariat with a reason, confirmed
    by typing the person's address. ``by=None`` is an operator on the server (the command).
    Returns the pseudonym the person now has everywhere, the audit log included."""
    reason = reason.strip()
    if by is not None:
        access.require(access.actor_for(by, fresh=True).is_secretariat)
    if not reason:
        raise ActionError(
            _("Say why this person is erased (e.g. their request of 3 May)."), field="reason"
        )
    if person.erased_at is not None:
        raise ActionError(_("This person's data was already erased."), code="conflict")
    if normalize_email(confirm_email or "") != normalize_email(person.email):
        raise ActionError(
            _("Type the person's e-mail address exactly to confirm the erasure."),
            field="confirm_email",
        )
    if by is not None and by.pk == person.pk:
        raise ActionError(_("You cannot erase yourself; ask a colleague."), code="conflict")
    with transaction.atomic(durable=True):
        person = _locked(person)
        reasons = privacy.refusals(person)
        if reasons:
            raise ActionError(" ".join(reasons), code="conflict")
        erasure = privacy.Erasure(
            user_id=person.pk,
            name=person.full_name,
            email=person.email,
            pseudonym=privacy.pseudonym_for(person.pk),
            address=privacy.erased_address(person.pk),
            reason=reason,
            former_names=privacy.former_names(person),
        )
        # Recorded first, so that the pseudonymisation below also replaces the name in it
        # (the object's name, and a reason that names the person).
        record_event(
            actor=by,
            verb="core.erase_person",
            obj=person,
            after={"pseudonym": erasure.pseudonym, "reason": reason},
        )
        privacy.erase(person, erasure)
    return erasure.pseudonym


def record_audit_export(
    *, by: User, filters: dict[str, Any], file_format: str, rows: int, cut: bool
) -> None:
    """An export of the audit log is itself in the log: who took which events out, and
    whether the export stopped at its limit. The view has checked the reader."""
    access.require(access.can_read_audit_log(access.actor_for(by, fresh=True)))
    with transaction.atomic(durable=True):
        record_event(
            actor=by,
            verb="core.export_audit_log",
            after={"filters": filters, "format": file_format, "rows": rows, "cut": cut},
        )
