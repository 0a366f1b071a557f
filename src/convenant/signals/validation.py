"""What a report must contain, checked in one place for the party form, the public intake
and the API. Every problem is a clear message on the field it concerns; nothing is saved
while one remains. These messages are shown on the public intake too, so they are
translated into all four intake languages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.core.errors import ActionError
from convenant.portfolios.identifiers import country_code, is_valid_isin, is_valid_lei
from convenant.signals.models import LEVELS, AffectedGroup, Impact, Sharing
from convenant.signals.themes import theme_keys

MAX_TEXT = 20_000
MAX_LINE = 300
MAX_MESSAGE = 5_000


@dataclass(frozen=True)
class Report:
    """What a reporter tells, before it is checked and stored."""

    title: str
    company_name: str
    description: str
    themes: list[str]
    impact: str
    visibility: str
    sharing: str
    company_isin: str = ""
    company_lei: str = ""
    country: str = ""
    site: str = ""
    occurred_on: datetime.date | None = None
    occurred_period: str = ""
    affected_count: int | None = None
    affected_groups: list[str] = field(default_factory=list)
    people: str = ""
    sources: str = ""
    shared_with: list[int] = field(default_factory=list)  # party ids (restricted)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Report:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


def _text(value: Any) -> str:
    return str(value or "").replace("\x00", "").strip()


def check_report(report: Report) -> Report:
    """The report cleaned up, or an ``ActionError`` naming the first problem."""
    r = replace(
        report,
        title=_text(report.title),
        company_name=_text(report.company_name),
        description=_text(report.description),
        company_isin=_text(report.company_isin).upper().replace(" ", ""),
        company_lei=_text(report.company_lei).upper().replace(" ", ""),
        site=_text(report.site),
        occurred_period=_text(report.occurred_period),
        people=_text(report.people),
        sources=_text(report.sources),
        themes=sorted({_text(t) for t in report.themes or [] if _text(t)}),
        affected_groups=sorted({_text(g) for g in report.affected_groups or [] if _text(g)}),
    )
    if not r.title:
        raise ActionError(_("Give the report a short title."), field="title")
    if not r.company_name:
        raise ActionError(_("Name the company the report is about."), field="company_name")
    if not r.description:
        raise ActionError(_("Describe what happened."), field="description")
    if not r.themes:
        raise ActionError(_("Choose at least one theme."), field="themes")
    unknown = [t for t in r.themes if t not in theme_keys()]
    if unknown:
        raise ActionError(_("Choose the themes from the list."), field="themes")
    if r.impact not in Impact.values:
        raise ActionError(_("Say whether it has happened or may happen."), field="impact")
    if r.visibility not in [level.value for level in LEVELS]:
        raise ActionError(_("Choose who may read the report."), field="visibility")
    if r.sharing not in Sharing.values:
        raise ActionError(_("Say whether and how the report may be shared."), field="sharing")
    for name, value, limit in (
        ("title", r.title, 200),
        ("company_name", r.company_name, MAX_LINE),
        ("site", r.site, MAX_LINE),
        ("occurred_period", r.occurred_period, 100),
        ("description", r.description, MAX_TEXT),
        ("people", r.people, MAX_TEXT),
        ("sources", r.sources, MAX_TEXT),
    ):
        if len(value) > limit:
            raise ActionError(
                _("This text is too long: at most %(n)s characters.") % {"n": limit}, field=name
            )
    if r.company_isin and not is_valid_isin(r.company_isin):
        raise ActionError(
            _("“%(value)s” is not a valid ISIN. Check it, or leave it empty.")
            % {"value": r.company_isin},
            field="company_isin",
        )
    if r.company_lei and not is_valid_lei(r.company_lei):
        raise ActionError(
            _("“%(value)s” is not a valid LEI. Check it, or leave it empty.")
            % {"value": r.company_lei},
            field="company_lei",
        )
    country = ""
    if _text(report.country):
        country = country_code(_text(report.country)) or ""
        if not country:
            raise ActionError(_("Choose the country from the list."), field="country")
    if any(g not in AffectedGroup.values for g in r.affected_groups):
        raise ActionError(_("Choose who is affected from the list."), field="affected_groups")
    if r.affected_count is not None and not 0 < int(r.affected_count) <= 100_000_000:
        raise ActionError(
            _("Give the number of people affected as a positive whole number."),
            field="affected_count",
        )
    if r.occurred_on and r.occurred_on > timezone.localdate() + datetime.timedelta(days=1):
        raise ActionError(_("The date lies in the future."), field="occurred_on")
    return replace(r, country=country)


def check_message(text: str) -> str:
    """A question or an answer: not empty, not endless."""
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise ActionError(_("Write a message."), field="text")
    if len(text) > MAX_MESSAGE:
        raise ActionError(
            _("This text is too long: at most %(n)s characters.") % {"n": MAX_MESSAGE},
            field="text",
        )
    return text


def unknown_receipt() -> ActionError:
    return ActionError(_("This receipt code is not known."), field="code")


def report_closed() -> ActionError:
    return ActionError(_("This report is closed."), code="conflict")


def unknown_organisation() -> ActionError:
    return ActionError(_("Choose the organisation from the list."), field="addressed_to")


def no_named_parties() -> ActionError:
    return ActionError(_("Choose who may read the report."), field="visibility")
