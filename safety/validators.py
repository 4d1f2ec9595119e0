"""Validators shared by every form and model that takes the same kind of value."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A mainland mobile number (11 digits, 13x–19x), or a landline with its area code (010,
# 0571 …), the hyphen optional, then optionally an extension ("-123", "转123" or "#123").
PHONE_PATTERN = r"^(1[3-9][0-9]{9}|0[1-9][0-9]{1,2}-?[1-9][0-9]{6,7}((-|转|#)[0-9]{1,6})?)$"
_PHONE = re.compile(PHONE_PATTERN)
# The numbers that can receive an SMS (mainland mobiles).
MOBILE_PATTERN = r"^1[3-9][0-9]{9}$"
_MOBILE = re.compile(MOBILE_PATTERN)


# What a phone number must look like, in the words every error message uses.
PHONE_RULE = _(
    "enter a mobile number (11 digits starting with 1) or a landline number with its area "
    "code, such as 0571-12345678 (an extension may follow: -123)."
)


def is_valid_phone(value: str) -> bool:
    """True for a mainland mobile number or a landline with its area code."""
    return bool(_PHONE.match(value or ""))


def is_mobile(value: str) -> bool:
    """True for a mainland mobile number (one that can receive an SMS)."""
    return bool(_MOBILE.match(value or ""))


def validate_phone(value: str) -> None:
    """The one phone validator: every field where a phone number is typed uses it (accounts,
    units, responsibility holders, the holder import, incident reporters). Empty is left to
    the field's `blank`/`required`."""
    if value and not is_valid_phone(value):
        raise ValidationError(
            _("This is not a phone number: %(rule)s"),
            code="invalid_phone",
            params={"rule": PHONE_RULE},
        )
