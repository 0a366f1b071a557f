"""Amounts in euros as people read them, in both languages."""

from decimal import Decimal

import pytest
from django.utils import translation

from convenant.parties.templatetags.humanize_eur import eur_billions


@pytest.mark.parametrize(
    ("value", "en", "nl"),
    [
        (Decimal("1180000000000"), "€ 1,180.0 billion", "€ 1.180,0 mld"),
        (Decimal("12500000"), "€ 12.5 million", "€ 12,5 mln"),
        (Decimal("250000000"), "€ 250 million", "€ 250 mln"),
        (Decimal("1010"), "€ 1,010", "€ 1.010"),
        (None, "—", "—"),
    ],
)
def test_amounts(value: Decimal | None, en: str, nl: str) -> None:
    with translation.override("en"):
        assert eur_billions(value) == en
    with translation.override("nl"):
        assert eur_billions(value) == nl
