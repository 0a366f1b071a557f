"""Actions of reporting's cycles: the secretariat prepares a cycle (dates, framework version,
targets), opens it — which freezes the framework and gives every party that must report its
submission, with an e-mail to its editors and administrators — and closes it. A party that
joins while a cycle is open gets its submission too (``add_joiner``, called by the parties
app's hook). Nothing is deleted: a party that leaves keeps its submission."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from convenant.core import access, limits
from convenant.core.audit import record_event
from convenant.core.errors import ActionError
from convenant.core.mail import send_email_later
from convenant.core.models import User
from convenant.parties.models import Membership, Party
from convenant.reporting.models import (
    Cycle,
    Framework,
    Indicator,
    Questionnaire,
    Submission,
    Target,
)

WHY = "reporting cycles: the secretariat's administration, checked first"
# Who reports on which questionnaire: the funds on the framework, unions and NGOs on the
# effort obligation for their own invested assets.
QUESTIONNAIRE_OF = {
    Party.Type.PENSION_FUND: Questionnaire.FUND,
    Party.Type.UNION: Questionnaire.EFFORT,
    Party.Type.NGO: Questionnaire.EFFORT,
}
CYCLE_FIELDS = [
    "label",
    "name",
    "kind",
    "framework",
    "reference_date",
    "opens_on",
    "closes_on",
    "corrections_until",
]


def _secretariat(by: Any) -> None:
    actor = access.actor_for(by, fresh=True)
    if not actor.is_secretariat:
        raise ActionError(
            _("Only the secretariat prepares, opens and closes a cycle."), code="forbidden"
        )


def main_indicator_codes(framework: Framework) -> list[str]:
    return list(
        Indicator.objects.filter(
            framework=framework, parent__isnull=True, questionnaire=Questionnaire.FUND
        )
        .order_by("order")
        .values_list("code", flat=True)
    )


def _clean_targets(framework: Framework, targets: dict[str, Any]) -> dict[str, Decimal]:
    codes = main_indicator_codes(framework)
    clean: dict[str, Decimal] = {}
    for code, raw in targets.items():
        if code not in codes:
            raise ActionError(
                _("%(code)s is not a main indicator of framework %(version)s.")
                % {"code": code, "version": framework.version},
                field="targets",
            )
        if raw is None or str(raw).strip() == "":
            continue
        try:
            share = Decimal(str(raw).strip().replace(",", "."))
        except InvalidOperation:
            share = Decimal(-1)
        if not share.is_finite() or not 0 <= share <= 100:
            raise ActionError(_("A target is a percentage from 0 to 100."), field=f"target_{code}")
        clean[code] = share.quantize(Decimal("0.01"))
    return clean


def _check_dates(values: dict[str, Any]) -> None:
    if values["opens_on"] > values["closes_on"]:
        raise ActionError(_("A cycle cannot close before it opens."), field="closes_on")
    until = values.get("corrections_until")
    if until is not None and until < values["closes_on"]:
        raise ActionError(
            _("The correction window cannot end before the deadline."), field="corrections_until"
        )


def _check_fields(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    values["label"] = limits.check_length(str(values["label"]).strip(), 20, field="label")
    values["name"] = limits.check_length(str(values["name"]).strip(), 200, field="name")
    if not values["label"] or not all(c.isalnum() or c in "-_" for c in values["label"]):
        raise ActionError(
            _("A label is a short code of letters, digits and hyphens, like 2021-1."),
            field="label",
        )
    if not values["name"]:
        raise ActionError(_("Give the cycle a name."), field="name")
    if values["kind"] not in Cycle.Kind.values:
        raise ActionError(_("Choose a baseline, progress or final measurement."), field="kind")
    if not isinstance(values["framework"], Framework):
        raise ActionError(_("Choose a framework version."), field="framework")
    _check_dates(values)
    return values


def _targets_snapshot(cycle: Cycle) -> dict[str, str]:
    return {
        t.indicator_code: str(t.share) for t in Target.objects.unrestricted(WHY).filter(cycle=cycle)
    }


def _snapshot(cycle: Cycle) -> dict[str, Any]:
    data: dict[str, Any] = {
        "label": cycle.label,
        "name": cycle.name,
        "kind": cycle.kind,
        "state": cycle.state,
        "framework": cycle.framework.version,
        "reference_date": cycle.reference_date.isoformat(),
        "opens_on": cycle.opens_on.isoformat(),
        "closes_on": cycle.closes_on.isoformat(),
        "corrections_until": cycle.corrections_until.isoformat()
        if cycle.corrections_until
        else None,
    }
    data["targets"] = _targets_snapshot(cycle)
    return data


def _set_targets(cycle: Cycle, targets: dict[str, Decimal]) -> None:
    Target.objects.unrestricted(WHY).filter(cycle=cycle).exclude(
        indicator_code__in=list(targets)
    ).delete()
    for code, share in targets.items():
        Target.objects.unrestricted(WHY).update_or_create(
            cycle=cycle, indicator_code=code, defaults={"share": share}
        )


def create_cycle(
    *,
    by: User,
    label: str,
    name: str,
    kind: str,
    framework: Framework,
    reference_date: datetime.date,
    opens_on: datetime.date,
    closes_on: datetime.date,
    corrections_until: datetime.date | None = None,
    targets: dict[str, Any] | None = None,
) -> Cycle:
    """A cycle in preparation: nothing is asked of anyone until it opens."""
    _secretariat(by)
    values = _check_fields(
        {
            "label": label,
            "name": name,
            "kind": kind,
            "framework": framework,
            "reference_date": reference_date,
            "opens_on": opens_on,
            "closes_on": closes_on,
            "corrections_until": corrections_until,
        }
    )
    clean_targets = _clean_targets(framework, targets or {})
    covenant = _covenant_of(by)
    try:
        with transaction.atomic(durable=True):
            cycle = Cycle.objects.unrestricted(WHY).create(
                covenant=covenant, created_by=by, **values
            )
            _set_targets(cycle, clean_targets)
            record_event(actor=by, verb="reporting.create_cycle", obj=cycle, after=_snapshot(cycle))
    except IntegrityError as error:
        raise ActionError(
            _("Another cycle already has the label %(label)s.") % {"label": values["label"]},
            field="label",
            code="conflict",
        ) from error
    return cycle


def _covenant_of(by: User) -> Any:
    from convenant.parties.models import Covenant

    party = Party.objects.filter(pk__in=access.actor_for(by).party_ids).first()
    if party is not None:
        return party.covenant
    return Covenant.objects.order_by("pk").first()


def _lock(cycle: Cycle) -> Cycle:
    return (
        Cycle.objects.unrestricted(WHY)
        .select_for_update()
        .select_related("framework")
        .get(pk=cycle.pk)
    )


def update_cycle(*, by: User, cycle: Cycle, changes: dict[str, Any]) -> Cycle:
    """Change a cycle while it is in preparation. ``changes`` holds fields of CYCLE_FIELDS and
    optionally ``targets`` (main indicator → percent; blank leaves it without target)."""
    _secretariat(by)
    unknown = set(changes) - set(CYCLE_FIELDS) - {"targets"}
    if unknown:
        raise ActionError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    try:
        with transaction.atomic(durable=True):
            locked = _lock(cycle)
            if locked.state != Cycle.State.DRAFT:
                raise ActionError(
                    _("An opened cycle no longer changes: its framework and dates are fixed."),
                    code="conflict",
                )
            before = _snapshot(locked)
            targets = changes.get("targets")
            values = _check_fields({f: changes.get(f, getattr(locked, f)) for f in CYCLE_FIELDS})
            for f, v in values.items():
                setattr(locked, f, v)
            locked.save()
            if targets is not None:
                _set_targets(locked, _clean_targets(locked.framework, targets))
            elif "framework" in changes:
                # Targets belong to the version's main indicators.
                codes = main_indicator_codes(locked.framework)
                Target.objects.unrestricted(WHY).filter(cycle=locked).exclude(
                    indicator_code__in=codes
                ).delete()
            record_event(
                actor=by,
                verb="reporting.update_cycle",
                obj=locked,
                before=before,
                after=_snapshot(locked),
            )
    except IntegrityError as error:
        raise ActionError(
            _("Another cycle already has the label %(label)s.") % {"label": changes.get("label")},
            field="label",
            code="conflict",
        ) from error
    return locked


def reporting_day(cycle: Cycle) -> datetime.date:
    """The day on which a party must be in the covenant to report in the cycle: today, or the
    cycle's deadline if that has passed (a cycle opened after its deadline, as when an earlier
    measurement is entered afterwards, asks the parties of that time, not today's)."""
    return min(timezone.localdate(), cycle.closes_on)


def must_report(cycle: Cycle, on: datetime.date | None = None) -> list[Party]:
    """The parties of the cycle's covenant that report: in the covenant on ``on`` (by default
    the cycle's reporting day)."""
    return list(
        Party.objects.active(on or reporting_day(cycle))
        .filter(covenant_id=cycle.covenant_id, type__in=list(QUESTIONNAIRE_OF))
        .order_by("name")
    )


def _writers(party: Party) -> list[User]:
    """Who fills in a party's submission: its editors and administrators."""
    ids = (
        Membership.objects.unrestricted("whom a submission's e-mail goes to")
        .filter(party=party, role__in=[access.Role.EDITOR, access.Role.ADMINISTRATOR])
        .values_list("user_id", flat=True)
    )
    return list(
        User.objects.unrestricted("whom a submission's e-mail goes to").filter(
            pk__in=list(ids), is_active=True
        )
    )


def submission_url(submission: Submission) -> str:
    return settings.BASE_URL + reverse("submission_detail", args=[submission.pk])


def mail_writers(
    submission: Submission, subject: Any, template: str, purpose: str, **context: Any
) -> list[Any]:
    """One e-mail job per editor and administrator of the submission's party, in each one's
    language. Without a party on the job the secretariat follows it on the jobs page (whom
    a cycle's e-mail went to is nobody's secret). Returns the jobs."""
    from convenant.core.jobs import enqueue_job
    from convenant.core.mail import SEND_EMAIL

    jobs = []
    for user in _writers(submission.party):
        language = user.language or settings.LANGUAGE_CODE
        with translation.override(language):
            body = render_to_string(
                template,
                {
                    **context,
                    "user": user,
                    "submission": submission,
                    "cycle": submission.cycle,
                    "party": submission.party,
                    "url": submission_url(submission),
                },
            )
            subject_text = str(subject) % {
                "cycle": submission.cycle.name,
                "party": submission.party.display_name,
            }
            reminder = context.get("reminder")
            if reminder is not None:
                # The reminder is the job's subject: the secretariat's overview shows each
                # reminder's e-mails and whether they went out.
                jobs.append(
                    enqueue_job(
                        SEND_EMAIL,
                        subject=reminder,
                        params={
                            "to": user.email,
                            "subject": subject_text,
                            "body": body,
                            "purpose": purpose,
                        },
                        language=language,
                    )
                )
            else:
                jobs.append(
                    send_email_later(
                        to=user.email,
                        subject=subject_text,
                        body=body,
                        purpose=purpose,
                        language=language,
                    )
                )
    return jobs


def _new_submission(cycle: Cycle, party: Party) -> Submission | None:
    questionnaire = QUESTIONNAIRE_OF.get(party.type)  # type: ignore[call-overload]
    if questionnaire is None:
        return None
    if Submission.objects.unrestricted(WHY).filter(cycle=cycle, party=party).exists():
        return None
    return Submission.objects.unrestricted(WHY).create(
        cycle=cycle, party=party, questionnaire=questionnaire
    )


def open_cycle(*, by: User, cycle: Cycle) -> Cycle:
    """Open the cycle: its framework version is frozen and every party that must report gets
    its submission (not started), and its editors and administrators an e-mail."""
    _secretariat(by)
    with transaction.atomic(durable=True):
        locked = _lock(cycle)
        if locked.state != Cycle.State.DRAFT:
            raise ActionError(_("The cycle has already been opened."), code="conflict")
        if not Indicator.objects.filter(framework=locked.framework).exists():
            raise ActionError(
                _("Framework %(version)s has no indicators.") % {"version": locked.framework},
                code="conflict",
            )
        locked.state = Cycle.State.OPEN
        locked.opened_at = timezone.now()
        locked.save(update_fields=["state", "opened_at", "updated_at"])
        created = []
        for party in must_report(locked):
            submission = _new_submission(locked, party)
            if submission is not None:
                created.append(submission)
                mail_writers(
                    submission,
                    _("Reporting %(cycle)s is open for %(party)s"),
                    "reporting/submissions/email_opened.txt",
                    "reporting.cycle_opened",
                )
        record_event(
            actor=by,
            verb="reporting.open_cycle",
            obj=locked,
            before={"state": Cycle.State.DRAFT},
            after={
                "state": locked.state,
                "framework": locked.framework.version,
                "submissions": len(created),
                "parties": [s.party.code for s in created],
            },
        )
    return locked


def close_cycle(*, by: User, cycle: Cycle) -> Cycle:
    """Close the cycle: what was not submitted stays as it is, shown as not submitted."""
    _secretariat(by)
    with transaction.atomic(durable=True):
        locked = _lock(cycle)
        if locked.state != Cycle.State.OPEN:
            raise ActionError(_("Only an open cycle can be closed."), code="conflict")
        locked.state = Cycle.State.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["state", "closed_at", "updated_at"])
        record_event(
            actor=by,
            verb="reporting.close_cycle",
            obj=locked,
            before={"state": Cycle.State.OPEN},
            after={"state": locked.state},
        )
    return locked


def add_joiner(party: Party) -> list[Submission]:
    """A party that joined while a cycle is open gets its submission in each open cycle (the
    parties app calls this once the party is committed)."""
    if party.type not in QUESTIONNAIRE_OF:
        return []
    created = []
    with transaction.atomic(durable=True):
        party = Party.objects.select_for_update().get(pk=party.pk)
        if party.left_on is not None and party.left_on <= timezone.localdate():
            return []
        cycles = Cycle.objects.unrestricted(WHY).filter(
            state=Cycle.State.OPEN, covenant_id=party.covenant_id
        )
        for cycle in cycles:
            if party.joined_on > cycle.closes_on:  # joined after the deadline: next cycle
                continue
            submission = _new_submission(cycle, party)
            if submission is None:
                continue
            created.append(submission)
            mail_writers(
                submission,
                _("Reporting %(cycle)s is open for %(party)s"),
                "reporting/submissions/email_opened.txt",
                "reporting.cycle_opened",
            )
            record_event(
                actor=None,
                verb="reporting.add_joiner",
                obj=submission,
                party_id=party.pk,
                after={
                    "cycle": cycle.label,
                    "party": party.code,
                    "questionnaire": submission.questionnaire,
                },
            )
    return created
