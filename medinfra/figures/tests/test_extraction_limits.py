"""What fuzzing found in the extractor: fractions read as counts of things, and texts of many
numbers, dates or names read in time that grew with the square of their length. The time is
measured by benchmarks/figures_extraction_scaling.py; here the rewritten parts are checked
against what they replaced, and degenerate texts for what they give."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medinfra.figures.extraction import RegionIndex, extract_figures
from medinfra.figures.extraction.dates import dates
from medinfra.figures.extraction.reading import _Nearest, _nearest, _objects, _Spans
from medinfra.figures.extraction.text import NOT_COUNTS, not_counts, prepare

REGIONS = RegionIndex.packaged(["UA"])
TODAY = dt.date(2025, 6, 30)


def figures(text: str, **options: object) -> list[tuple[str, Decimal]]:
    return [
        (c.metric, c.value)
        for c in extract_figures(text, regions=REGIONS, today=TODAY, **options)  # type: ignore[arg-type]
    ]


# -- fractions are not counts ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2.5 hospitals were destroyed.",
        "0.5 attacks on health care were recorded.",
        "Two and a half hospitals were destroyed.",
        "1,5 автомобіля швидкої допомоги знищено.",
        "3,5 медика загинули.",
        "Два з половиною медзаклади зруйновано.",
    ],
)
def test_a_fraction_of_counted_things_is_no_figure(text: str) -> None:
    assert figures(text) == []


def test_a_fraction_leaves_the_whole_counts_beside_it() -> None:
    assert figures("2.5 hospitals were destroyed and 3 were damaged.") == [
        ("facilities_damaged", Decimal(3))
    ]


@pytest.mark.parametrize(
    ("text", "metric", "value"),
    [
        ("1,500 hospitals were damaged.", "facilities_damaged", 1500),
        ("2,020 of these damaged facilities", "facilities_damaged", 2020),
        ("1 500 лікарень пошкоджено.", "facilities_damaged", 1500),
        ("1\u00a0500 лікарень пошкоджено.", "facilities_damaged", 1500),
        ("1\u202f500 лікарень пошкоджено.", "facilities_damaged", 1500),
        ("2,5 тис. закладів пошкоджено.", "facilities_damaged", 2500),
        ("1.5 thousand hospitals were damaged.", "facilities_damaged", 1500),
        ("Півтори тисячі лікарень пошкоджено.", "facilities_damaged", 1500),
    ],
)
def test_thousands_separators_and_scaled_fractions_are_whole_counts(
    text: str, metric: str, value: int
) -> None:
    assert figures(text) == [(metric, Decimal(value))]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The recovery of health care needs USD 1,234.56.", "1234.56"),
        ("The recovery of health care needs $12.5.", "12.5"),
        ("Recovery needs USD 2.5 billion.", "2500000000"),
        ("На відновлення потрібно 6,4 млрд доларів.", "6400000000"),
    ],
)
def test_money_may_be_a_fraction(text: str, value: str) -> None:
    assert figures(text) == [("recovery_needs_usd", Decimal(value))]


# -- degenerate texts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "unit",
    ["1234567890", "1.1.1.", "1,2,3,", "1 234 ", "-.,;:()«»!?/ ", "hospitals ", "1 march 2023 "],
)
def test_long_runs_of_digits_punctuation_and_words_give_no_figure(unit: str) -> None:
    assert figures(unit * (20_000 // len(unit))) == []


def test_a_figure_said_thousands_of_times_in_one_sentence_is_one_candidate() -> None:
    text = "5 hospitals were destroyed in Kharkiv Oblast on 1 March 2023, " * 1500
    candidates = extract_figures(text, regions=REGIONS, today=TODAY)
    assert [(c.metric, c.value, c.region, c.as_of) for c in candidates] == [
        ("facilities_destroyed", Decimal(5), "UA-63", dt.date(2023, 3, 1))
    ]


def test_a_long_text_reads_as_its_parts_do() -> None:
    report = (
        "As of 6 October 2023, more than 2,300 healthcare facilities were damaged or "
        "destroyed, the Ministry of Health said. In Kharkiv Oblast, 116 ambulances were "
        "damaged. See https://moz.gov.ua/1 or moz.gov.ua.\n\n"
    )
    one = extract_figures(report, regions=REGIONS, today=TODAY)
    many = extract_figures(report + "1.1.1." * 5000 + "\n\n" + report, regions=REGIONS, today=TODAY)
    assert [(c.metric, c.value, c.region, c.as_of, c.attributed_to) for c in many] == [
        (c.metric, c.value, c.region, c.as_of, c.attributed_to) for c in one
    ]


# -- the rewritten parts, against what they replaced --------------------------------------------

PIECES = st.sampled_from(
    [
        "1",
        "20",
        ".",
        "-",
        " ",
        "a",
        "com",
        ".com",
        ".UA",
        "moz.gov.ua",
        "www.",
        "https://",
        "+38",
        "(044)",
        "@",
        "#",
        "tel ",
        "№",
        "12:30",
        "COVID-19",
        "x" * 260,
        "1." * 130,
        "\n",
        "/",
        "1 March 2023",
        "березня 2024 року",
        "in 2023",
        "Kharkiv Oblast",
        "Харківської області",
        "Kharkiv",
    ]
)
TEXTS = st.lists(PIECES, max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=TEXTS)
def test_not_counts_finds_what_its_pattern_finds(text: str) -> None:
    prepared = prepare(text)
    assert not_counts(prepared) == [
        (m.start(), m.end()) for m in NOT_COUNTS.finditer(prepared.plain)
    ]


def _first_of_overlapping(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans that overlap no span before them: the reading the old loops made."""
    kept: list[tuple[int, int]] = []
    for start, end in spans:
        if not any(s < end and start < e for s, e in kept):
            kept.append((start, end))
    return kept


@settings(max_examples=200, deadline=None)
@given(text=TEXTS)
def test_dates_places_and_objects_keep_the_first_of_overlapping_readings(text: str) -> None:
    prepared = prepare(text)
    folded = prepared.folded
    found = dates(prepared, document_date=TODAY, is_english=True)
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))
    places = REGIONS.mentions(prepared)
    assert all(a.end <= b.start for a, b in itertools.pairwise(places))
    by_length = sorted(
        (
            (m.start(), m.end())
            for _code, pattern in REGIONS._patterns
            for m in pattern.finditer(folded)
        ),
        key=lambda s: (-(s[1] - s[0]), s[0]),
    )
    assert [(p.start, p.end) for p in places] == sorted(_first_of_overlapping(by_length))
    objects = [(s, e) for _kind, s, e in _objects(folded, 0, len(folded))]
    assert objects == _first_of_overlapping(objects)


class _At:
    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end


SPANS = st.lists(
    st.tuples(st.integers(0, 60), st.integers(1, 12)).map(lambda t: _At(t[0], t[0] + t[1])),
    min_size=1,
    max_size=12,
).map(lambda items: sorted(items, key=lambda i: i.start))


@settings(max_examples=300, deadline=None)
@given(items=SPANS, position=st.integers(0, 80), end=st.integers(0, 80))
def test_bisected_lookups_answer_as_the_scans_did(
    items: list[_At], position: int, end: int
) -> None:
    assert _Nearest(items)(position) is _nearest(items, position)
    assert _Spans(items).within(position, end) == [
        i for i in items if position <= i.start and i.end <= end
    ]


def test_a_url_beside_a_run_of_dotted_digits_is_still_a_link() -> None:
    text = "1." * 400 + " see moz.gov.ua/news/1234 and 5 hospitals were destroyed"
    spans = not_counts(prepare(text))
    link = re.search(r"moz\.gov\.ua/news/1234", text)
    assert link is not None
    assert any(s <= link.start() and link.end() <= e for s, e in spans)
    assert figures(text) == [("facilities_destroyed", Decimal(5))]
