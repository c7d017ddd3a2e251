"""Dates in a text: the day, month or year a figure is as of, and the numbers they contain."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from medinfra.figures.extraction.text import Prepared
from medinfra.figures.extraction.vocabulary import WORD_END, WORD_START
from medinfra.figures.models import DatePrecision

_EN_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
# nominative, genitive (after a day), locative (after a preposition)
_UK_MONTHS = [
    ("січень", "січня", "січні"),
    ("лютий", "лютого", "лютому"),
    ("березень", "березня", "березні"),
    ("квітень", "квітня", "квітні"),
    ("травень", "травня", "травні"),
    ("червень", "червня", "червні"),
    ("липень", "липня", "липні"),
    ("серпень", "серпня", "серпні"),
    ("вересень", "вересня", "вересні"),
    ("жовтень", "жовтня", "жовтні"),
    ("листопад", "листопада", "листопаді"),
    ("грудень", "грудня", "грудні"),
]
MONTHS: dict[str, int] = {}
for _number, _name in enumerate(_EN_MONTHS, 1):
    MONTHS[_name] = _number
    if _name != "may":
        MONTHS[_name[:3]] = _number
MONTHS["sept"] = 9
for _number, _forms in enumerate(_UK_MONTHS, 1):
    for _form in _forms:
        MONTHS[_form] = _number

_MONTH = "(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|-?го)?(?:\s?-\s?(?P<last_day>\d{1,2}))?"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?:\s?(?:року|р\.|р\b|year))?"
_SINCE = re.compile(
    WORD_START
    + r"(?:since|from|starting|beginning|start|after|з|із|від|починаючи з|після|початку)"
    + r"(?:\s+(?:the|of|in|у|в))*\s+$"
)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"), DatePrecision.DAY),
    (
        re.compile(r"\b(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4}|\d{2})\b"),
        DatePrecision.DAY,
    ),
    (
        re.compile(r"\b(?P<first>\d{1,2})/(?P<second>\d{1,2})/(?P<year>\d{4})\b"),
        DatePrecision.DAY,
    ),
    (re.compile(WORD_START + _DAY + r"\s+" + _MONTH + r",?\s+" + _YEAR), DatePrecision.DAY),
    (re.compile(WORD_START + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR), DatePrecision.DAY),
    (re.compile(WORD_START + _MONTH + r",?\s+" + _YEAR), DatePrecision.MONTH),
    (re.compile(WORD_START + _DAY + r"\s+" + _MONTH + WORD_END), DatePrecision.DAY),
    (re.compile(WORD_START + _MONTH + r"\s+" + _DAY + r"(?!\d)"), DatePrecision.DAY),
    (
        re.compile(
            WORD_START
            + r"(?:(?:in|since|by|until|till|from|during|throughout|of|for|early|late|mid|"
            + r"end of|beginning of|у|в|з|із|від|до|протягом|упродовж|на початку|наприкінці|"
            + r"у першій половині|у другій половині)-?\s+)"
            + r"(?P<year>(?:19|20)\d\d)"
            + WORD_END
        ),
        DatePrecision.YEAR,
    ),
    (
        re.compile(WORD_START + r"(?P<year>(?:19|20)\d\d)\s?(?:року|році|рік|р\.|р\b)"),
        DatePrecision.YEAR,
    ),
]


@dataclass(frozen=True)
class DateMention:
    """A date written in the text: where, the first and last day it can mean, and how exactly."""

    start: int
    end: int
    first: dt.date
    last: dt.date
    precision: str
    # "since February 2022" is where a count starts, not the date it is as of.
    is_start: bool = False


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _month_number(text: str) -> int:
    return int(text) if text.isdigit() else MONTHS[text.rstrip(".")]


def _guess_year(month: int, day: int, document_date: dt.date | None) -> int | None:
    """A day and month without a year: the document's year, or the year before if later."""
    if document_date is None:
        return None
    year = document_date.year
    try:
        if dt.date(year, month, day) > document_date + dt.timedelta(days=31):
            year -= 1
    except ValueError:
        return None
    return year


def _mention(
    match: re.Match[str], precision: str, document_date: dt.date | None, is_english: bool
) -> tuple[dt.date, dt.date] | None:
    parts = match.groupdict()
    try:
        if "first" in parts and parts.get("first"):
            first_number, second_number = int(parts["first"]), int(parts["second"])
            # 10/06/2023 is month first in English texts, day first elsewhere.
            if is_english and (second_number > 12 or first_number <= 12):
                month, day = first_number, second_number
            else:
                day, month = first_number, second_number
            year = int(parts["year"])
            return dt.date(year, month, day), dt.date(year, month, day)
        month = _month_number(parts["month"])
        if parts.get("year"):
            year_text = parts["year"]
            year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        elif precision == DatePrecision.YEAR:
            return None
        else:
            guessed = _guess_year(month, int(parts["day"]), document_date)
            if guessed is None:
                return None
            year = guessed
        if precision == DatePrecision.MONTH:
            return dt.date(year, month, 1), dt.date(year, month, _last_day(year, month))
        day = int(parts["day"])
        last_day = int(parts["last_day"]) if parts.get("last_day") else day
        return dt.date(year, month, day), dt.date(year, month, last_day)
    except (ValueError, KeyError):
        return None


def _year_mention(match: re.Match[str]) -> tuple[dt.date, dt.date]:
    year = int(match.group("year"))
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def dates(
    prepared: Prepared, *, document_date: dt.date | None, is_english: bool
) -> list[DateMention]:
    """Every date in the text, longest reading first where two overlap."""
    folded = prepared.folded
    found: list[DateMention] = []
    # The characters an earlier (longer) reading took: a match is kept only where none is
    # taken. Marking them costs each match its length, where comparing each match with every
    # date found before took a text of ten thousand dates minutes.
    taken = bytearray(len(folded))
    for pattern, precision in _PATTERNS:
        for match in pattern.finditer(folded):
            if taken.find(1, match.start(), match.end()) >= 0:
                continue
            if precision == DatePrecision.YEAR:
                span: tuple[dt.date, dt.date] | None = _year_mention(match)
            else:
                span = _mention(match, precision, document_date, is_english)
            if span is None:
                continue
            # The words before the first digit or month name say whether the count starts here.
            digits = min(match.start(g) for g in match.groupdict() if match.group(g))
            start_cue = _SINCE.search(folded[max(0, digits - 40) : digits])
            found.append(
                DateMention(
                    start=match.start(),
                    end=match.end(),
                    first=span[0],
                    last=span[1],
                    precision=precision,
                    is_start=bool(start_cue),
                )
            )
            taken[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
    return sorted(found, key=lambda m: m.start)


def dateline(prepared: Prepared, mentions: list[DateMention]) -> dt.date | None:
    """A line near the top that holds only a full date: the document's date."""
    plain = prepared.plain
    offset = 0
    for number, line in enumerate(plain.split("\n")):
        if number > 12:
            break
        stripped = line.strip()
        if stripped:
            start = offset + line.index(stripped)
            for mention in mentions:
                if (
                    mention.start == start
                    and mention.end == start + len(stripped.rstrip("."))
                    and mention.precision == DatePrecision.DAY
                    and mention.first == mention.last
                ):
                    return mention.first
        offset += len(line) + 1
    return None
