"""Actions of reporting: what is published: the steering group's approval of a signed-off
monitoring report and of its public summary (the governance effects ``approve_report`` and
``approve_summary``), and its publication.

The secretariat puts each to the steering group from the report's approval page; governance's
own action writes the proposal, and the effect's check refuses what could not be applied
(a report not signed off, one approved already, a summary that is empty or approved already,
a proposal on it still open). An adopted decision applies through the actions here:

- ``approve_report``: the report becomes *approved* (``approval``);
- ``approve_summary``: the summary is approved (``summary_approval``) and the report is
  *published* on the public pages, ``published_on`` the decision's date.

Either may come first. A summary approved while its report is not yet approved waits: the
report is published when the report itself is approved, on that decision's date (the later
of the two), as nothing is public before the report is approved.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from convenant.core import access, limits
from convenant.core.audit import record_event
from convenant.core.errors import ActionError
from convenant.governance import effects
from convenant.reporting.models import MonitoringReport

WHY = "the report's approval and publication: the action checks the actor"

REPORT = "approve_report"
SUMMARY = "approve_summary"
KINDS = (REPORT, SUMMARY)
State = MonitoringReport.State


def steering_group() -> Any:
    from convenant.governance.models import Body

    return Body.objects.filter(kind=Body.Kind.STEERING_GROUP).order_by("pk").first()


def _require_secretariat(by: Any) -> access.Actor:
    actor = access.actor_for(by, fresh=True)
    access.require(actor.is_secretariat)
    return actor


def _label(params: Any) -> str:
    label = params.get("report") if isinstance(params, dict) else None
    if not isinstance(label, str) or not label.strip():
        raise ActionError(
            _('Name the report by its cycle, e.g. {"report": "2021"}.'), field="effect_params"
        )
    return label.strip()


def _report(label: str) -> MonitoringReport:
    report = (
        MonitoringReport.objects.unrestricted(WHY)
        .select_related("cycle")
        .filter(cycle__label=label)
        .first()
    )
    if report is None:
        raise ActionError(
            _("No monitoring report for cycle %(label)s.") % {"label": label},
            field="effect_params",
        )
    return report


def open_proposal(report: MonitoringReport, kind: str) -> Any:
    """The steering group's proposal of this kind on this report still open, if any."""
    from convenant.governance.models import Proposal

    return (
        Proposal.objects.unrestricted(WHY)
        .filter(
            kind=kind,
            effect_params__report=report.cycle.label,
            state__in=[Proposal.State.DRAFT, Proposal.State.OPEN],
        )
        .order_by("-pk")
        .first()
    )


def _refuse(report: MonitoringReport, kind: str) -> None:
    """What neither approval may be given for, in words."""
    label = report.cycle.label
    if report.state == State.DRAFT:
        raise ActionError(
            _("The monitoring report %(label)s has not been signed off by the committee.")
            % {"label": label},
            field="effect_params",
            code="conflict",
        )
    if kind == REPORT and report.state != State.SIGNED_OFF:
        raise ActionError(
            _("The monitoring report %(label)s has been approved already.") % {"label": label},
            field="effect_params",
            code="conflict",
        )
    if kind == SUMMARY:
        if report.summary_approval_id is not None:
            raise ActionError(
                _("The public summary of report %(label)s has been approved already.")
                % {"label": label},
                field="effect_params",
                code="conflict",
            )
        if not report.summary.strip():
            raise ActionError(
                _("The monitoring report %(label)s has no public summary to approve.")
                % {"label": label},
                field="effect_params",
                code="conflict",
            )


def check_approval(params: dict[str, Any], *, kind: str, proposing: bool = True) -> Any:
    """What an approval needs: a signed-off report not approved yet (for the summary: with
    a summary not approved yet), and no other proposal of the kind on it still open."""
    report = _report(_label(params))
    _refuse(report, kind)
    if proposing and open_proposal(report, kind) is not None:
        raise ActionError(
            _("The steering group is already deciding on this for report %(label)s.")
            % {"label": report.cycle.label},
            field="effect_params",
            code="conflict",
        )
    return report


def describe_report_approval(params: dict[str, Any]) -> str:
    label = _label(params)
    report = MonitoringReport.objects.unrestricted(WHY).filter(cycle__label=label).first()
    digest = report.figures_digest[:12] if report is not None else ""
    return _(
        "Approve the monitoring report %(label)s as the committee signed it off "
        "(figures %(digest)s)"
    ) % {"label": label, "digest": digest or "—"}


def describe_summary_approval(params: dict[str, Any]) -> str:
    return _(
        "Approve the public summary of the monitoring report %(label)s and publish it "
        "(once the report itself is approved)"
    ) % {"label": _label(params)}


def _snapshot(report: MonitoringReport) -> dict[str, Any]:
    return {
        "state": report.state,
        "approval": report.approval_id,
        "summary_approval": report.summary_approval_id,
        "published_on": report.published_on.isoformat() if report.published_on else None,
    }


def _lock(report: MonitoringReport) -> MonitoringReport:
    return (
        MonitoringReport.objects.unrestricted(WHY)
        .select_for_update()
        .select_related("cycle")
        .get(pk=report.pk)
    )


def _decided_on(decision_id: int | None) -> datetime.date | None:
    from convenant.governance.models import Decision

    if decision_id is None:
        return None
    return (
        Decision.objects.unrestricted(WHY)
        .filter(pk=decision_id)
        .values_list("decided_on", flat=True)
        .first()
    )


def _apply(decision: Any, by: Any, kind: str) -> str:
    report = check_approval(decision.effect_params, kind=kind, proposing=False)
    with transaction.atomic(durable=True):
        report = _lock(report)
        _refuse(report, kind)  # as it is now, under the lock
        before = _snapshot(report)
        if kind == REPORT:
            report.approval = decision
            report.state = State.APPROVED
        else:
            report.summary_approval = decision
        published = report.state == State.APPROVED and report.summary_approval_id is not None
        if published:
            # Published on the later of the two decisions: the one that completes it.
            dates = [
                d
                for d in (_decided_on(report.approval_id), _decided_on(report.summary_approval_id))
                if d is not None
            ]
            report.state = State.PUBLISHED
            report.published_on = max(dates) if dates else decision.decided_on
        report.save(
            update_fields=["approval", "summary_approval", "state", "published_on", "updated_at"]
        )
        record_event(
            actor=by,
            verb="reporting.approve_report" if kind == REPORT else "reporting.approve_summary",
            obj=report,
            before=before,
            after={**_snapshot(report), "decision": decision.number},
        )
        if published:
            record_event(
                actor=by,
                verb="reporting.publish_report",
                obj=report,
                after={"published_on": str(report.published_on)},
            )
    return effects.object_ref("reporting.monitoringreport", report.pk)


def apply_report_approval(decision: Any, by: Any) -> str:
    """The steering group approves the report (and publishes it, if its summary was
    approved before)."""
    return _apply(decision, by, REPORT)


def apply_summary_approval(decision: Any, by: Any) -> str:
    """The steering group approves the public summary: published now if the report is
    approved, else when it is."""
    return _apply(decision, by, SUMMARY)


def propose_approval(
    *,
    by: Any,
    report: MonitoringReport,
    kind: str,
    closes_at: datetime.datetime,
    title: str = "",
    text: str = "",
) -> Any:
    """The secretariat puts the report's approval, or its public summary's, to the steering
    group (governance's own action writes the proposal, in this action's transaction)."""
    from convenant.governance.actions import decisions as governance

    _require_secretariat(by)
    if kind not in KINDS:
        raise ActionError(_("Choose what the steering group is to approve."), field="kind")
    steering = steering_group()
    if steering is None:
        raise ActionError(_("The covenant has no steering group to decide."))
    title = limits.check_length((title or "").strip(), limits.LINE, field="title")
    text = limits.check_length((text or "").strip(), limits.TEXT, field="text")
    with transaction.atomic(durable=True):
        report = _lock(report)
        label = report.cycle.label
        params = {"report": label}
        check_approval(params, kind=kind)
        name = report.cycle.name
        if kind == REPORT:
            title = title or _("Approval of the monitoring report %(name)s") % {"name": name}
            text = text or _(
                "The steering group approves the monitoring report %(name)s as the monitoring "
                "committee signed it off (figures %(digest)s)."
            ) % {"name": name, "digest": report.figures_digest[:12]}
        else:
            title = title or _(
                "Approval of the public summary of the monitoring report %(name)s"
            ) % {"name": name}
            text = text or _(
                "The steering group approves the public summary of the monitoring report "
                "%(name)s; it is published once the report is approved:\n\n%(summary)s"
            ) % {"name": name, "summary": report.summary}
        proposal = governance.create_proposal(
            by=by,
            body=steering,
            kind=kind,
            title=title[: limits.LINE],
            text=text,
            closes_at=closes_at,
            effect_params=params,
            within_action=True,
        )
        record_event(
            actor=by,
            verb=f"reporting.propose_{'report' if kind == REPORT else 'summary'}_approval",
            obj=report,
            after={"proposal": proposal.number, "kind": kind},
        )
    return proposal


def report_link(effect_object: str) -> str | None:
    """A decision on a report links to the report's page (its public page, once published);
    the page checks its reader again."""
    from django.urls import reverse

    model, _sep, pk = effect_object.partition(":")
    if model != "reporting.monitoringreport" or not pk.isdigit():
        return None
    report = (
        MonitoringReport.objects.unrestricted(WHY)
        .select_related("cycle")
        .filter(pk=int(pk))
        .first()
    )
    if report is None:
        return None
    if report.state == State.PUBLISHED:
        return reverse("monitoring_report", args=[report.cycle.label])
    return reverse("reporting_report", args=[report.cycle.label])
