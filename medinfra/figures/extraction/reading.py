"""Reading a press text: each number that counts something the ledger knows becomes a
candidate figure, with its metric, qualifier, place, date, source and the span it came from."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar

from django.utils import timezone

from medinfra.figures.extraction import vocabulary as v
from medinfra.figures.extraction.dates import DateMention, dateline, dates
from medinfra.figures.extraction.numbers import NumberMention, numbers
from medinfra.figures.extraction.places import (
    THE_COUNTRY,
    CountryIndex,
    CountryMention,
    PlaceMention,
    RegionIndex,
)
from medinfra.figures.extraction.text import (
    Prepared,
    Sentence,
    clause_breaks,
    is_not_a_count,
    is_ukrainian,
    not_counts,
    prepare,
    sentences,
)
from medinfra.figures.models import DatePrecision, Metric, Qualifier

JSON_KEYS = ("metric", "value", "qualifier", "region", "country", "as_of", "span")


@dataclass(frozen=True)
class Candidate:
    """A figure read from a text, for a reviewer to confirm, correct or drop."""

    metric: str
    value: Decimal
    qualifier: str
    region: str | None
    country: str
    as_of: dt.date | None
    as_of_precision: str
    span: str
    start: int
    end: int
    attributed_to: str = ""

    def as_json(self) -> dict[str, Any]:
        """The candidate as the command prints it."""
        value: int | float = int(self.value) if self.value == int(self.value) else float(self.value)
        return {
            "metric": self.metric,
            "value": value,
            "qualifier": self.qualifier,
            "region": self.region,
            "country": self.country,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "span": self.span,
        }


@functools.cache
def _countries() -> CountryIndex:
    return CountryIndex()


@dataclass(frozen=True)
class _Organisation:
    start: int
    end: int
    name: str


def _organisations(prepared: Prepared) -> list[_Organisation]:
    found = []
    for pattern, case_matters, name in v.ORGANISATIONS:
        flags = 0 if case_matters else re.IGNORECASE
        for match in re.finditer(pattern, prepared.plain, flags):
            found.append(_Organisation(match.start(), match.end(), name))
    return sorted(found, key=lambda o: o.start)


class _Span(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


S = TypeVar("S", bound=_Span)


class _Spans(Generic[S]):
    """Things found in the text, in order of where they start, looked up by bisection: each
    number asks for those around it, and must not compare itself with every one in the text."""

    def __init__(self, items: list[S]) -> None:
        self.items = items
        self.starts = [item.start for item in items]

    def within(self, start: int, end: int) -> list[S]:
        """The items that lie between start and end, in their order."""
        low = bisect.bisect_left(self.starts, start)
        high = bisect.bisect_left(self.starts, end, low)
        return [item for item in self.items[low:high] if item.end <= end]


class _Nearest(Generic[S]):
    """_nearest(items, position) for many positions at the cost of a bisection each: the item
    with an end (start or end) nearest to the position, the first in the list of those as
    near."""

    def __init__(self, items: list[S]) -> None:
        self.items = items
        self.first_at: dict[int, int] = {}
        for index, item in enumerate(items):
            self.first_at.setdefault(item.start, index)
            self.first_at.setdefault(item.end, index)
        self.points = sorted(self.first_at)

    def __call__(self, position: int) -> S:
        i = bisect.bisect_left(self.points, position)
        distances = []
        if i < len(self.points):
            distances.append(self.points[i] - position)
        if i > 0:
            distances.append(position - self.points[i - 1])
        distance = min(distances)
        return self.items[
            min(
                self.first_at[point]
                for point in (position - distance, position + distance)
                if point in self.first_at
            )
        ]


@dataclass
class _Reading:
    """What one text holds, found once and shared by every number in it."""

    prepared: Prepared
    document_date: dt.date | None
    today: dt.date
    default_country: str
    dates: list[DateMention]
    regions: list[PlaceMention]
    region_index: RegionIndex | None
    countries: list[CountryMention]
    organisations: list[_Organisation]
    sentences: list[Sentence]
    last_context: _Context = field(default_factory=lambda: _Context())
    # The lists above (each in order of position), for lookups by bisection.
    date_spans: _Spans[DateMention] = field(init=False, repr=False)
    region_spans: _Spans[PlaceMention] = field(init=False, repr=False)
    country_spans: _Spans[CountryMention] = field(init=False, repr=False)
    organisation_spans: _Spans[_Organisation] = field(init=False, repr=False)
    _countries_before: list[str | None] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.date_spans = _Spans(self.dates)
        self.region_spans = _Spans(self.regions)
        self.country_spans = _Spans(self.countries)
        self.organisation_spans = _Spans(self.organisations)

    def country_before(self, index: int) -> str | None:
        """The first country named in the nearest sentence before this one that names one."""
        if self._countries_before is None:
            before: list[str | None] = []
            latest: str | None = None
            for sentence in self.sentences:
                before.append(latest)
                named = self.country_spans.within(sentence.start, sentence.end)
                if named:
                    latest = str(named[0].code)
            self._countries_before = before
        return self._countries_before[index]


@dataclass
class _Context:
    """The previous figure of the sentence, whose noun and events an ellipsis repeats."""

    thing: str | None = None
    states: frozenset[str] = frozenset()


def _is_whole(value: Decimal) -> bool:
    # Not `value % 1`: a number of more digits than the decimal context holds (a string of
    # thirty nines) cannot be divided, but can be compared.
    return value == value.to_integral_value()


def _nearest(items: list[Any], position: int) -> Any:
    return min(items, key=lambda i: min(abs(i.start - position), abs(i.end - position)))


def _qualifier(folded: str, number: NumberMention, clause_start: int) -> tuple[str, int]:
    """The qualifier written before (or after) the number, and where it starts."""
    prefix_start = max(clause_start, number.start - 60)
    prefix = folded[prefix_start : number.start]
    currency = v.USD_BEFORE.search(prefix) or v.OTHER_MONEY_BEFORE.search(prefix)
    if currency:
        prefix = prefix[: currency.start()]
    match = v.QUALIFIER_BEFORE.search(prefix)
    if match:
        for qualifier in v.QUALIFIERS_BEFORE:
            if match.group(str(qualifier)):
                return str(qualifier), prefix_start + match.start()
    after = folded[number.end : number.end + 20]
    for pattern, qualifier in v.QUALIFIER_AFTER:
        if pattern.match(after):
            return str(qualifier), number.start
    return str(Qualifier.EXACT), number.start


def _money(folded: str, number: NumberMention, clause_start: int) -> tuple[str | None, int, int]:
    """'USD' or another currency written beside the number, and the span with it."""
    before = folded[max(clause_start, number.start - 8) : number.start]
    after = folded[number.end : number.end + 16]
    if match := v.USD_BEFORE.search(before):
        return "usd", number.start - len(before) + match.start(), number.end
    if match := v.USD_AFTER.match(after):
        return "usd", number.start, number.end + match.end()
    if v.OTHER_MONEY_BEFORE.search(before) or v.OTHER_MONEY_AFTER.match(after):
        return "other", number.start, number.end
    return None, number.start, number.end


_SPACE = re.compile(r"\s*")
_HEAD_WORDS = 6


def _head(folded: str, position: int, limit: int) -> tuple[str | None, str, int]:
    """The noun the number counts, if it follows it: (kind, 'head'|'elliptic'|'blocked', end)."""
    for _ in range(_HEAD_WORDS):
        position = _SPACE.match(folded, position).end()  # type: ignore[union-attr]
        if position >= limit or not (folded[position].isalnum() or folded[position] == "'"):
            return None, "elliptic", -1
        for kind, pattern in v.OBJECTS:
            match = pattern.match(folded, position)
            if match and match.end() <= limit:
                return kind, "head", match.end()
        if match := v.ANY_STATE.match(folded, position):
            position = match.end()
            continue
        if v.CONTINUATIONS.match(folded, position) or folded[position].isdigit():
            return None, "elliptic", -1
        if match := v.MODIFIERS.match(folded, position):
            position = match.end()
            continue
        # Any other word is a noun the ledger does not count: "5 regions", "14 ministers".
        return None, "blocked", -1
    return None, "elliptic", -1


def _split(folded: str, start: int, end: int) -> tuple[int, int]:
    """Where the words between two numbers divide: at the last conjunction, else at the end."""
    last = None
    for match in v.CONJUNCTIONS.finditer(folded, start, end):
        last = match
    if last is None:
        return end, end
    return last.start(), last.end()


def _states(folded: str, start: int, end: int, skip: tuple[int, int]) -> list[tuple[str, int, int]]:
    found = []
    for kind, pattern in v.STATES:
        for match in pattern.finditer(folded, start, end):
            if match.start() < skip[1] and skip[0] < match.end():
                continue
            found.append((kind, match.start(), match.end()))
    return found


def _objects(folded: str, start: int, end: int) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []
    # The characters an earlier kind's match took, marked, so that each match is checked in
    # its own length rather than against every match found before it.
    taken = bytearray(max(0, end - start))
    for kind, pattern in v.OBJECTS:
        for match in pattern.finditer(folded, start, end):
            first, last = match.start() - start, match.end() - start
            if taken.find(1, first, last) < 0:
                found.append((kind, match.start(), match.end()))
                taken[first:last] = b"\x01" * (last - first)
    return found


_BARE = re.compile(r"(?:[\s,;:.\-]|" + v.ELLIPSIS_WORDS.pattern + r")*")


class _Sentence:
    """One sentence's numbers read in order, each in its own part of its clause."""

    def __init__(self, reading: _Reading, index: int, mentions: list[NumberMention]) -> None:
        self.reading = reading
        self.index = index
        self.sentence = reading.sentences[index]
        self.mentions = mentions
        self.folded = reading.prepared.folded
        # Each object pattern's next match after a position, as (position, match or None).
        self._next_objects: dict[re.Pattern[str], tuple[int, re.Match[str] | None]] = {}

    def read(self) -> list[Candidate]:
        breaks = clause_breaks(self.reading.prepared, self.sentence, v.ANY_STATE)
        clauses = list(itertools.pairwise(breaks))
        clause_starts = [s for s, _ in clauses]

        def clause_index(start: int) -> int:
            i = bisect.bisect_right(clause_starts, start) - 1
            return i if i >= 0 and start < clauses[i][1] else len(clauses) - 1

        clause_of = {n: clause_index(n.start) for n in self.mentions}
        segments: dict[NumberMention, tuple[int, int]] = {
            n: clauses[clause_of[n]] for n in self.mentions
        }
        for first, second in itertools.pairwise(self.mentions):
            if clause_of[first] != clause_of[second]:
                continue
            left_end, right_start = _split(self.folded, first.end, second.start)
            segments[first] = (segments[first][0], left_end)
            segments[second] = (right_start, segments[second][1])
        # Clauses without numbers ("In Kharkiv Oblast alone, …, the ministry said") lend their
        # place and date to the number beside them.
        with_numbers = set(clause_of.values())
        context = _Context()
        if self._refers_back:
            context = self.reading.last_context
        found = []
        for index, number in enumerate(self.mentions):
            left, right = segments[number]
            here = clause_of[number]
            if index == 0 or clause_of[self.mentions[index - 1]] != here:
                opening = here
                while opening > 0 and opening - 1 not in with_numbers:
                    opening -= 1
                left = clauses[opening][0]
            if index == len(self.mentions) - 1 or clause_of[self.mentions[index + 1]] != here:
                closing = here
                while closing < len(clauses) - 1 and closing + 1 not in with_numbers:
                    closing += 1
                right = clauses[closing][1]
            candidate = self.candidate(
                number, clauses[here][0], segments[number], (left, right), context
            )
            if candidate is not None:
                found.append(candidate)
        self.reading.last_context = context
        return found

    def candidate(
        self,
        number: NumberMention,
        clause_start: int,
        segment: tuple[int, int],
        around: tuple[int, int],
        context: _Context,
    ) -> Candidate | None:
        folded = self.folded
        qualifier, qualifier_start = _qualifier(folded, number, clause_start)
        if number.needs_qualifier and qualifier == Qualifier.EXACT:
            return None
        currency, money_start, money_end = _money(folded, number, clause_start)
        if currency == "other":
            return None
        left, right = segment
        thing, status, head_end = _head(folded, money_end, right)
        if currency == "usd":
            thing, status = v.MONEY, "head"
        if status == "blocked" or (number.is_year_like and status != "head"):
            return None
        evidence = [(qualifier_start, number.end), (money_start, money_end)]
        if status == "head":
            evidence.append((number.end, head_end))
        states = _states(folded, left, right, (number.start, number.end))
        state_kinds = frozenset(kind for kind, _, _ in states)
        if thing is None:
            objects = _objects(folded, left, right)
            if objects:
                kind, start, end = min(objects, key=lambda o: abs(o[1] - number.start))
                thing = kind
                evidence.append((start, end))
            elif context.thing is not None:
                thing = context.thing
            else:
                thing = self._object_after(number.end)
        if not states and context.thing is not None:
            if self._is_bare((qualifier_start, number.end), segment):
                thing, state_kinds = context.thing, context.states
            elif context.states & v.RESTORATION_STATES:
                for pattern, kind in v.ADVERB_STATES:
                    if match := pattern.search(folded, left, right):
                        states.append((kind, match.start(), match.end()))
                state_kinds = frozenset(kind for kind, _, _ in states)
        if thing is None:
            return None
        context.thing, context.states = thing, state_kinds
        metric = v.metric_of(thing, set(state_kinds))
        if metric is None:
            return None
        # "2.5 hospitals" and "1,5 автомобіля" count nothing: only money may be a fraction.
        if metric not in v.FRACTIONAL_METRICS and not _is_whole(number.value):
            return None
        if metric != Metric.RECOVERY_NEEDS_USD and v.FUTURE.search(folded, left, right):
            return None
        for kind in v.EVIDENCE[metric] & state_kinds:
            _, s, e = min(
                (st for st in states if st[0] == kind),
                key=lambda st: abs(st[1] - number.start),
                default=(kind, number.start, number.end),
            )
            evidence.append((s, e))
        start = min(s for s, _ in evidence)
        end = max(e for _, e in evidence)
        region = self._region(number, around)
        country = self._country(around, region)
        as_of, precision = self._as_of(number, around)
        return Candidate(
            metric=str(metric),
            value=(
                Decimal(int(number.value)) if _is_whole(number.value) else number.value.normalize()
            ),
            qualifier=qualifier,
            region=region,
            country=country,
            as_of=as_of,
            as_of_precision=precision,
            span=self.reading.prepared.text[start:end],
            start=start,
            end=end,
            attributed_to=self._organisation(number, country),
        )

    def _object_after(self, start: int) -> str | None:
        """The kind of the first object pattern that matches between start and the sentence's
        end (as _objects(...)[0] would give it)."""
        # Numbers are read left to right, and a pattern's next match serves every number
        # before it: a sentence of a thousand bare numbers is searched once, not a thousand
        # times (which took minutes for a long pasted text).
        for kind, pattern in v.OBJECTS:
            searched_from, match = self._next_objects.get(pattern, (-1, None))
            if (
                searched_from < 0
                or searched_from > start
                or (match is not None and match.start() < start)
            ):
                match = pattern.search(self.folded, start, self.sentence.end)
                self._next_objects[pattern] = (start, match)
            if match is not None:
                return kind
        return None

    def _is_bare(self, number: tuple[int, int], segment: tuple[int, int]) -> bool:
        """Nothing but 'and', 'another', a place: "…, and in Kyiv Oblast, 121"."""
        text = list(self.folded[segment[0] : segment[1]])
        for start, end in [number] + [
            (p.start, p.end) for p in self.reading.region_spans.within(*segment)
        ]:
            for i in range(max(start, segment[0]), min(end, segment[1])):
                text[i - segment[0]] = " "
        return bool(_BARE.fullmatch("".join(text)))

    # What the whole sentence (or the one before it) holds is found once per sentence, not
    # once per number: a sentence of thousands of numbers would search itself thousands of
    # times.

    @functools.cached_property
    def _region_codes(self) -> set[str]:
        return {p.code for p in self.reading.region_spans.within(*self._bounds)}

    @functools.cached_property
    def _country_codes(self) -> set[str]:
        return {c.code for c in self.reading.country_spans.within(*self._bounds)}

    @property
    def _bounds(self) -> tuple[int, int]:
        return self.sentence.start, self.sentence.end

    @functools.cached_property
    def _refers_back(self) -> bool:
        return self.index > 0 and bool(v.ANAPHORA.search(self.folded, *self._bounds))

    @functools.cached_property
    def _previous_bounds(self) -> tuple[int, int] | None:
        """The sentence before, where this one refers back to it ("of them", "цих")."""
        if not self._refers_back:
            return None
        previous = self.reading.sentences[self.index - 1]
        return previous.start, previous.end

    @functools.cached_property
    def _opening_dates(self) -> _Nearest[DateMention] | None:
        """Dates before the sentence's first number, else (if it refers back) the sentence
        before's: the dates of a number that has none of its own."""
        mentions = self._usable_dates(self.sentence.start, self.mentions[0].start)
        if not mentions and self._previous_bounds is not None:
            mentions = self._usable_dates(*self._previous_bounds)
        return _Nearest(mentions) if mentions else None

    @functools.cached_property
    def _organisations_here(self) -> _Nearest[_Organisation] | None:
        own = self.reading.organisation_spans.within(*self._bounds)
        if not own and self._previous_bounds is not None:
            own = self.reading.organisation_spans.within(*self._previous_bounds)
        return _Nearest(own) if own else None

    def _region(self, number: NumberMention, around: tuple[int, int]) -> str | None:
        own = self.reading.region_spans.within(*around)
        if own:
            return str(_nearest(own, number.start).code)
        codes = self._region_codes
        return next(iter(codes)) if len(codes) == 1 else None

    def _country(self, around: tuple[int, int], region: str | None) -> str:
        if region is not None and self.reading.region_index is not None:
            return self.reading.region_index.country_of(region)
        own = self.reading.country_spans.within(*around)
        if own:
            return str(own[0].code)
        if THE_COUNTRY.search(self.folded, *around):
            earlier = self.reading.country_before(self.index)
            if earlier is not None:
                return earlier
        codes = self._country_codes
        return next(iter(codes)) if len(codes) == 1 else self.reading.default_country

    def _usable_dates(self, start: int, end: int) -> list[DateMention]:
        latest = min(self.reading.document_date or self.reading.today, self.reading.today)
        return [
            d
            for d in self.reading.date_spans.within(start, end)
            if not d.is_start and d.first <= latest
        ]

    def _as_of(self, number: NumberMention, around: tuple[int, int]) -> tuple[dt.date | None, str]:
        mentions = self._usable_dates(*around)
        document_date = self.reading.document_date
        if mentions:
            mention = _nearest(mentions, number.start)
        elif self._opening_dates is not None:
            # A date that opens the sentence, before its first number, holds for all of them.
            mention = self._opening_dates(number.start)
        else:
            return document_date, str(
                DatePrecision.DAY if document_date else DatePrecision.NOT_STATED
            )
        as_of = mention.last
        if document_date is not None and mention.first <= document_date <= mention.last:
            return document_date, str(DatePrecision.DAY)
        return min(as_of, self.reading.today), str(mention.precision)

    def _organisation(self, number: NumberMention, country: str) -> str:
        if self._organisations_here is None:
            return ""
        name = str(self._organisations_here(number.start).name)
        if name == "Ministry of Health" and country == "UA":
            return "Ministry of Health of Ukraine"
        return name


def _overlap_test(spans: list[tuple[int, int]]) -> Callable[[int, int], bool]:
    """text.overlaps(spans, start, end), answered by bisection: a long text's thousands of
    numbers are not each compared with its thousands of dates and names."""
    ordered = sorted(spans)
    starts = [start for start, _ in ordered]
    reach = list(itertools.accumulate((end for _, end in ordered), max))

    def test(start: int, end: int) -> bool:
        before = bisect.bisect_left(starts, end)
        return before > 0 and reach[before - 1] > start

    return test


def extract_figures(
    text: str,
    *,
    document_date: dt.date | None = None,
    language: str | None = None,
    country: str = "UA",
    regions: RegionIndex | None = None,
    today: dt.date | None = None,
) -> list[Candidate]:
    """Candidate figures in a press text, in the order they are written; never invents one."""
    prepared = prepare(text)
    is_english = language == "en" if language else not is_ukrainian(text)
    mentions = dates(prepared, document_date=document_date, is_english=is_english)
    if document_date is None:
        document_date = dateline(prepared, mentions)
        if document_date is not None:
            mentions = dates(prepared, document_date=document_date, is_english=is_english)
    is_blocked = _overlap_test(not_counts(prepared) + [(m.start, m.end) for m in mentions])
    counted = [
        n
        for n in numbers(prepared)
        if not is_blocked(n.start, n.end) and not is_not_a_count(prepared, n.start, n.end)
    ]
    reading = _Reading(
        prepared=prepared,
        document_date=document_date,
        today=today or timezone.localdate(),
        default_country=country.upper(),
        dates=mentions,
        regions=regions.mentions(prepared) if regions is not None else [],
        region_index=regions,
        countries=_countries().mentions(prepared),
        organisations=_organisations(prepared),
        sentences=sentences(prepared),
    )
    found: list[Candidate] = []
    seen: set[tuple[Any, ...]] = set()
    starts = [n.start for n in counted]
    for index, sentence in enumerate(reading.sentences):
        inside = counted[
            bisect.bisect_left(starts, sentence.start) : bisect.bisect_left(starts, sentence.end)
        ]
        if not inside:
            reading.last_context = _Context()
            continue
        for candidate in _Sentence(reading, index, inside).read():
            # A text that says the same figure twice gives one candidate.
            key = (
                candidate.metric,
                candidate.value,
                candidate.qualifier,
                candidate.region,
                candidate.country,
                candidate.as_of,
            )
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


__all__ = ["JSON_KEYS", "Candidate", "extract_figures"]
