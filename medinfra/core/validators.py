"""Field validators shared by the domain apps."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone


def not_in_future(value: dt.date | None) -> None:
    """Events are recorded after they happen: a date after today is a typing error."""
    if value is not None and value > timezone.localdate():
        raise ValidationError(f"The date {value.isoformat()} is in the future.")


currency_code = RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO 4217 code, e.g. USD, UAH.")
