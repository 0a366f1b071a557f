"""The checks of an import request that need no reading of the file, and the exchange rates
of its date."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.core import access
from convenant.core.access import Role
from convenant.core.errors import ActionError
from convenant.core.models import User
from convenant.parties.models import Party
from convenant.portfolios.models import ExchangeRate

Progress = Callable[[str, float], None]  # (stage, share done 0..1)


def rates_on(on: datetime.date) -> tuple[dict[str, Decimal], datetime.date | None]:
    """The rates of the last day on or before ``on`` that has rates, looking back at most
    EXCHANGE_RATE_LOOKBACK_DAYS (the ECB publishes none on weekends and holidays), and that
    day; None when no day in that window has any. Euro itself is always 1."""
    earliest = on - datetime.timedelta(days=settings.EXCHANGE_RATE_LOOKBACK_DAYS)
    day = (
        ExchangeRate.objects.filter(date__lte=on, date__gte=earliest)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    rates: dict[str, Decimal] = (
        dict(ExchangeRate.objects.filter(date=day).values_list("currency", "units_per_eur"))
        if day is not None
        else {}
    )
    rates["EUR"] = Decimal(1)
    return rates, day


def check_request(by: User, fund: Party, as_of: datetime.date) -> None:
    actor = access.actor_for(by, fresh=True)
    access.require(actor.has_role(fund.pk, Role.EDITOR))
    if not fund.is_fund:
        raise ActionError(_("Only pension funds import holdings."), code="not_a_fund")
    if as_of > timezone.localdate():
        raise ActionError(
            _("The as-of date %(date)s lies in the future.") % {"date": as_of.isoformat()},
            field="as_of",
        )
