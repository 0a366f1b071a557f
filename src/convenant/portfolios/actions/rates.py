"""Writes of the exchange-rate table the secretariat keeps."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal, InvalidOperation

import pycountry
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.core import access
from convenant.core.audit import record_event
from convenant.core.errors import ActionError
from convenant.core.models import User
from convenant.portfolios.models import ExchangeRate


def parse_rates(text: str) -> list[tuple[datetime.date, str, Decimal]]:
    """Rows of ``date,currency,units_per_eur`` (comma or semicolon; a header is allowed).
    Every problem is reported with its line; nothing is returned half."""
    dialect = ";" if text.count(";") > text.count(",") else ","
    rows, problems = [], []
    for line, cells in enumerate(csv.reader(io.StringIO(text), delimiter=dialect), start=1):
        if not cells or not "".join(cells).strip():
            continue
        if line == 1 and cells[0].strip().lower() in {"date", "datum"}:
            continue
        if len(cells) != 3:
            problems.append(_("line %(line)s: expected date, currency and rate") % {"line": line})
            continue
        raw_date, currency, raw_rate = (c.strip() for c in cells)
        try:
            date = datetime.date.fromisoformat(raw_date)
        except ValueError:
            problems.append(
                _("line %(line)s, date: “%(value)s” is not a date as YYYY-MM-DD")
                % {"line": line, "value": raw_date}
            )
            continue
        currency = currency.upper()
        if pycountry.currencies.get(alpha_3=currency) is None:
            problems.append(
                _("line %(line)s, currency: “%(value)s” is not an ISO 4217 code")
                % {"line": line, "value": currency}
            )
            continue
        try:
            rate = Decimal(raw_rate.replace(",", "."))
        except InvalidOperation:
            rate = Decimal(-1)
        if rate <= 0 or not rate.is_finite():
            problems.append(
                _("line %(line)s, rate: “%(value)s” is not a positive number")
                % {"line": line, "value": raw_rate}
            )
            continue
        if date > timezone.localdate():
            problems.append(
                _("line %(line)s, date: %(value)s lies in the future")
                % {"line": line, "value": raw_date}
            )
            continue
        rows.append((date, currency, rate))
    if problems:
        raise ActionError("; ".join(problems[:20]), field="rates")
    if not rows:
        raise ActionError(_("No rates were given."), field="rates")
    return rows


def set_exchange_rates(*, by: User, rates: list[tuple[datetime.date, str, Decimal]]) -> int:
    """The secretariat enters or corrects rates (units of a currency per euro, per date)."""
    access.require(access.can_administer_covenant(access.actor_for(by, fresh=True)))
    if any(currency == "EUR" for _d, currency, _r in rates):
        raise ActionError(_("The euro is the reference currency; it needs no rate."), field="rates")
    with transaction.atomic(durable=True):
        changed = []
        for date, currency, rate in rates:
            row, created = ExchangeRate.objects.get_or_create(
                currency=currency, date=date, defaults={"units_per_eur": rate}
            )
            if not created and row.units_per_eur != rate:
                changed.append(
                    {
                        "currency": currency,
                        "date": date.isoformat(),
                        "before": str(row.units_per_eur),
                        "after": str(rate),
                    }
                )
                row.units_per_eur = rate
                row.save(update_fields=["units_per_eur", "updated_at"])
        record_event(
            actor=by,
            verb="portfolios.set_exchange_rates",
            after={"rates": len(rates), "corrected": changed[:50]},
        )
    return len(rates)
