"""The demo's reporting (after the mandates, order 42): for the demo funds' mandates, the
reporting requirements agreed with their providers and the reports received, through the real
actions, so that the outsourcing dashboard shows shares between 0 and 100 %.

Mandates take turns, in a fixed order: reported in full (following the toolkit's model
reporting requirement where the demo has one), the last quarter missing, an older half-year
missing (still in place: only the last complete period decides), and nothing agreed. All
fictional; the reports' notes say so."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from convenant.core.access import Role
from convenant.outsourcing import periods
from convenant.outsourcing.actions import monitoring as actions
from convenant.outsourcing.models import Mandate, ProviderReport, ReportingRequirement
from convenant.parties.models import Membership

WHY = "the demo's reporting requirements and provider reports (fictional)"
NOTE = "Ontvangen per e-mail (fictief)."


def _editor(fund_id: int) -> Any:
    membership = (
        Membership.objects.unrestricted(WHY)
        .filter(party_id=fund_id, role__in=[Role.EDITOR, Role.ADMINISTRATOR], user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _model_version() -> Any:
    from convenant.toolkit.models import TextKind, TextVersion

    return (
        TextVersion.objects.unrestricted(WHY)
        .in_force()
        .filter(text__kind=TextKind.REPORTING_REQUIREMENT)
        .order_by("text__order", "pk")
        .first()
    )


def _pdf() -> bytes:
    """A small real PDF, the report the demo's providers send."""
    from weasyprint import HTML

    html = (
        "<h1>Kwartaalrapportage verantwoord beleggen (fictief)</h1>"
        "<p>Stemgedrag, engagement en uitsluitingen over het kwartaal. Fictieve demogegevens.</p>"
    )
    return bytes(HTML(string=html).write_pdf())


def _report(
    by: Any,
    mandate: Mandate,
    period: periods.Period,
    covers: list[ReportingRequirement],
    today: datetime.date,
    data: bytes | None = None,
) -> None:
    received = min(period.end + datetime.timedelta(days=25), today)
    actions.record_provider_report(
        by=by,
        mandate=mandate,
        period_start=period.start,
        period_end=period.end,
        received_on=received,
        covers=covers,
        data=data,
        note=NOTE,
    )


def _since(mandate: Mandate, today: datetime.date, years_back: int) -> datetime.date:
    since = max(mandate.start_date, datetime.date(today.year - years_back, 1, 1))
    return min(since, mandate.end_date) if mandate.end_date else since


def load() -> str:
    today = timezone.localdate()
    mandates = list(Mandate.objects.unrestricted(WHY).order_by("fund_id", "start_date", "pk"))
    done = set(ReportingRequirement.objects.unrestricted(WHY).values_list("mandate_id", flat=True))
    model = _model_version()
    pdf: bytes | None = None
    made = 0
    for index, mandate in enumerate(mandates):
        if mandate.pk in done or mandate.start_date > today:
            continue
        by = _editor(mandate.fund_id)
        if by is None:
            continue
        turn = index % 4
        if turn == 3:
            continue  # nothing agreed with this provider yet
        if turn in (0, 1):
            quarterly = actions.agree_reporting_requirement(
                by=by,
                mandate=mandate,
                description="Stemgedrag en engagement per kwartaal (fictief)",
                frequency="quarterly",
                since=_since(mandate, today, 2),
                model_version=model if turn == 0 else None,
            )
            due = periods.due_periods("quarterly", quarterly.since, today, mandate.end_date)
            if turn == 1 and due:
                due = due[:-1]  # the last quarter has not come in
            for n, period in enumerate(due):
                data = None
                if turn == 0 and n == len(due) - 1 and made < 6:
                    pdf = pdf or _pdf()
                    data = pdf
                _report(by, mandate, period, [quarterly], today, data)
        else:
            half = actions.agree_reporting_requirement(
                by=by,
                mandate=mandate,
                description="Rapportage ESG-risico's en incidenten per halfjaar (fictief)",
                frequency="half_yearly",
                since=_since(mandate, today, 3),
            )
            due = periods.due_periods("half_yearly", half.since, today, mandate.end_date)
            for n, period in enumerate(due):
                if n == 1 and len(due) > 2:
                    continue  # an older half-year missing: shown, but not the last one
                _report(by, mandate, period, [half], today)
        made += 1
    reports = ProviderReport.objects.unrestricted(WHY).count()
    return f"Outsourcing reporting: requirements for {made} mandates, {reports} reports in all."
