"""Reading one cell of an import file: its text into a typed value, or a message saying why not.

Messages are written for the person who keeps the spreadsheet: they say what the cell holds,
what was expected, and give an example.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from medinfra.exchange.schemas import (
    BOOLEAN,
    CHOICE,
    DATE,
    DECIMAL,
    INTEGER,
    LIST,
    Column,
)


class CellProblem(ValueError):
    """A cell's text is not what its column holds; the message says what was expected."""


TRUE = {"true", "yes", "y", "1", "так", "t", "істина", "да"}
FALSE = {"false", "no", "n", "0", "ні", "f", "хибність", "нет", ""}
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
DOTTED_MONTH = re.compile(r"^(\d{1,2})\.(\d{4})$")
SPACES = re.compile(r"[\s\u00a0\u202f']")
LIST_SEPARATORS = re.compile(r"[;|,]")
INTEGER_TEXT = re.compile(r"-?\d+(\.0+)?")


def _date(year: str, month: str, day: str, text: str) -> dt.date:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise CellProblem(
            _("“%(text)s” is not a real date (there is no such day).") % {"text": text}
        ) from None


def parse_date(text: str, *, today: dt.date | None = None) -> tuple[dt.date, bool]:
    """A date and whether only its month was given (2023-05 or 05.2023: the first day).

    ``today`` is the local date to compare with (asked of the clock when not given)."""
    value = text.strip()
    # Spreadsheet programs add a time to dates: 2023-05-04 00:00:00.
    if " " in value and value.split(" ", 1)[1].strip("0: ") == "":
        value = value.split(" ", 1)[0]
    if match := ISO_DATE.match(value):
        date = _date(match[1], match[2], match[3], text)
        month_only = False
    elif match := DOTTED_DATE.match(value):
        date = _date(match[3], match[2], match[1], text)
        month_only = False
    elif match := ISO_MONTH.match(value):
        date, month_only = _date(match[1], match[2], "1", text), True
    elif match := DOTTED_MONTH.match(value):
        date, month_only = _date(match[2], match[1], "1", text), True
    else:
        raise CellProblem(
            _(
                "“%(text)s” is not a date in a form we read: write it as YYYY-MM-DD "
                "(2023-02-28) or DD.MM.YYYY (28.02.2023)."
            )
            % {"text": text}
        )
    if date > (today or timezone.localdate()):
        raise CellProblem(
            _(
                "The date %(date)s is after today: events are recorded after they happen. "
                "Check the year, and the order of day and month."
            )
            % {"date": date.isoformat()}
        )
    return date, month_only


def parse_integer(text: str) -> int:
    if text.isascii() and text.isdigit():
        return int(text)
    value = SPACES.sub("", text)
    if INTEGER_TEXT.fullmatch(value):
        return int(value.split(".")[0])
    raise CellProblem(_("“%(text)s” is not a whole number (such as 0, 3 or 120).") % {"text": text})


def parse_decimal(text: str) -> Decimal:
    value = SPACES.sub("", text)
    # A decimal comma (49,99) is the Ukrainian way of writing a decimal point.
    if value.count(",") == 1 and "." not in value:
        value = value.replace(",", ".")
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise CellProblem(
            _("“%(text)s” is not a number: write it like 1234.56 (no currency signs).")
            % {"text": text}
        )
    return number


def parse_boolean(text: str) -> bool:
    value = text.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise CellProblem(_("“%(text)s” is neither true nor false.") % {"text": text})


@cache
def _choice_words(choices: type[models.Choices], language: str) -> dict[str, str]:
    """Every way of writing each allowed value: its code, and its name in either language."""
    words: dict[str, str] = {}
    for language_code in ("en", "uk"):
        with translation.override(language_code):
            for value, label in choices.choices:
                words.setdefault(str(label).strip().lower(), str(value))
    for value in choices.values:
        words[str(value).lower()] = str(value)
        words[str(value).lower().replace("_", " ")] = str(value)
    return words


def parse_choice(text: str, column: Column) -> Any:
    assert column.choices is not None
    words = _choice_words(column.choices, "")
    found = words.get(text.strip().lower())
    if found is None:
        raise CellProblem(
            _("“%(text)s” is not one of the allowed values: %(values)s.")
            % {"text": text, "values": ", ".join(column.choice_values())}
        )
    if issubclass(column.choices, models.IntegerChoices):
        return int(found)
    return found


def parse_list(text: str, column: Column) -> list[str]:
    items = [item.strip() for item in LIST_SEPARATORS.split(text) if item.strip()]
    if column.choices is None:
        return items
    words = _choice_words(column.choices, "")
    unknown = [item for item in items if item.lower() not in words]
    if unknown:
        raise CellProblem(
            _("%(items)s: not among the allowed values %(values)s. Separate values by semicolons.")
            % {
                "items": ", ".join(f"“{item}”" for item in unknown),
                "values": ", ".join(column.choice_values()),
            }
        )
    return list(dict.fromkeys(words[item.lower()] for item in items))


def cell_parser(column: Column) -> Callable[[str, dt.date | None], Any]:
    """parse_cell() for one column, the choice of reader made once: (text, today) -> value."""
    readers: dict[str, Callable[[str, dt.date | None], Any]] = {
        DATE: lambda text, today: parse_date(text, today=today)[0],
        INTEGER: lambda text, today: parse_integer(text),
        DECIMAL: lambda text, today: parse_decimal(text),
        BOOLEAN: lambda text, today: parse_boolean(text),
        CHOICE: lambda text, today: parse_choice(text, column),
        LIST: lambda text, today: parse_list(text, column),
    }
    return readers.get(column.datatype, lambda text, today: text.strip())


def parse_cell(text: str, column: Column, *, today: dt.date | None = None) -> Any:
    """The typed value of a non-empty cell, or CellProblem."""
    if column.datatype == DATE:
        return parse_date(text, today=today)[0]
    if column.datatype == INTEGER:
        return parse_integer(text)
    if column.datatype == DECIMAL:
        return parse_decimal(text)
    if column.datatype == BOOLEAN:
        return parse_boolean(text)
    if column.datatype == CHOICE:
        return parse_choice(text, column)
    if column.datatype == LIST:
        return parse_list(text, column)
    return text.strip()
