"""Security and entity identifiers: ISIN (ISO 6166) and LEI (ISO 17442), with their check
digits computed by python-stdnum, and the problems named in words a person can act on.
Pure functions, no database. Countries live in ``countries`` (re-exported here for callers
that import them from this module)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from stdnum import isin as stdnum_isin
from stdnum import lei as stdnum_lei
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError
from stdnum.iso7064 import mod_97_10

from convenant.portfolios.countries import USER_ASSIGNED, country_code, country_name

__all__ = [
    "USER_ASSIGNED",
    "country_code",
    "country_name",
    "is_valid_isin",
    "is_valid_lei",
    "isin_check_digit",
    "isin_problem",
    "lei_check_digits",
    "lei_problem",
]

ISIN_PATTERN = re.compile(r"^[A-Z]{2}[A-Z0-9]{9}[0-9]$")
LEI_PATTERN = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")


def isin_check_digit(first_eleven: str) -> int:
    """The Luhn check digit over the expanded first eleven characters of an ISIN."""
    return int(stdnum_isin.calc_check_digit(first_eleven.upper()))


def is_valid_isin(value: str) -> bool:
    """Format, check digit and prefix: stdnum accepts an ISO 3166 country or one of the
    prefixes of the international issuing agencies (XS, EU, XA…), as ISO 6166 does."""
    value = value.strip().upper()
    return bool(ISIN_PATTERN.match(value)) and stdnum_isin.is_valid(value)


def lei_check_digits(first_eighteen: str) -> str:
    """ISO 17442 / ISO 7064 MOD 97-10: the two digits that make the number ≡ 1 (mod 97)."""
    return str(mod_97_10.calc_check_digits(first_eighteen.upper()))


def is_valid_lei(value: str) -> bool:
    value = value.strip().upper()
    return bool(LEI_PATTERN.match(value)) and stdnum_lei.is_valid(value)


def isin_problem(value: str) -> str | None:
    """Why a value is not a valid ISIN, in words a person can act on; None when valid."""
    value = value.strip().upper()
    if len(value) != 12:
        return _("an ISIN has 12 characters, “%(value)s” has %(n)s") % {
            "value": value,
            "n": len(value),
        }
    if not ISIN_PATTERN.match(value):
        return _("an ISIN is two letters, nine letters or digits and one check digit")
    try:
        stdnum_isin.validate(value)
    except InvalidComponent:
        return _(
            "“%(prefix)s” does not begin an ISIN: the first two letters are the issuer's "
            "country (ISO 3166) or the prefix of an international issuing agency, such as XS"
        ) % {"prefix": value[:2]}
    except InvalidChecksum:
        return _("the check digit of “%(value)s” is wrong (expected %(digit)s)") % {
            "value": value,
            "digit": isin_check_digit(value[:11]),
        }
    except ValidationError:  # the pattern above already rules out the rest
        return _("an ISIN is two letters, nine letters or digits and one check digit")
    return None


def lei_problem(value: str) -> str | None:
    value = value.strip().upper()
    if len(value) != 20:
        return _("an LEI has 20 characters, “%(value)s” has %(n)s") % {
            "value": value,
            "n": len(value),
        }
    if not LEI_PATTERN.match(value):
        return _("an LEI is 18 letters or digits followed by two check digits")
    if not stdnum_lei.is_valid(value):
        return _("the check digits of “%(value)s” are wrong (expected %(digits)s)") % {
            "value": value,
            "digits": lei_check_digits(value[:18]),
        }
    return None
