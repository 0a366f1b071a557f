"""The checks of an import request that need no reading of the file, and the exchange rates
of its date."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.core import access
from convenant.core.access import Role
from convenant.core.errors import ActionError
from convenant.core.models import User
from convenant.parties.models import Party
from convenant.portfolios.models import ExchangeRate

Progress = Callable[[str, float], None]  # (stage, share done 0..1)


def rates_on(on: datetime.date) -> dict[str, Decimal]:
    rates = dict(ExchangeRate.objects.filter(date=on).values_list("currency", "units_per_eur"))
    rates["EUR"] = Decimal(1)
    return rates


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
