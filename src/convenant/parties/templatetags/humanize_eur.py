"""Template filters for amounts in euros."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def eur_billions(value: Decimal | int | None) -> str:
    """€ 1,180 billion style (€ 1.180 mld in Dutch) for large amounts, millions below a
    billion, whole euros below a million."""
    if value is None:
        return "—"
    billions = Decimal(value) / Decimal(1_000_000_000)
    if billions >= 1:
        return _("€ %(amount)s billion") % {
            "amount": number_format(billions, 1, force_grouping=True)
        }
    millions = Decimal(value) / Decimal(1_000_000)
    if millions >= 1:
        return _("€ %(amount)s million") % {
            "amount": number_format(millions, 1 if millions < 100 else 0, force_grouping=True)
        }
    return f"€ {number_format(Decimal(value), 0, force_grouping=True)}"
