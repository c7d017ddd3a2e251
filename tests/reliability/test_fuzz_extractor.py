"""Fuzzing the figure extractor: any text — any Unicode, numbers written with odd separators
and digits, Ukrainian and English mixed — gives a list of candidates and never an error, and
each candidate keeps the extractor's promises: a non-negative value, the words it was read
from quoted exactly from the text, and a metric, qualifier, date and place the ledger knows.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from hypothesis import example, given
from hypothesis import strategies as st

from medinfra.figures.extraction import Candidate, RegionIndex, extract_figures
from medinfra.figures.extraction.reading import _overlap_test, _Reading, _Sentence
from medinfra.figures.extraction.text import overlaps
from medinfra.figures.models import DatePrecision, Metric, Qualifier
from tests.reliability.budget import fuzz, tally

REGIONS = RegionIndex.packaged(["UA"])
TODAY = dt.date(2025, 6, 30)

# Ways of writing digits and of grouping them that texts (and copy-paste) bring.
DIGITS = (
    "0123456789",
    "٠١٢٣٤٥٦٧٨٩",  # Arabic-Indic
    "０１２３４５６７８９",  # fullwidth
    "०१२३४५६७८९",  # Devanagari
    "⁰¹²³⁴⁵⁶⁷⁸⁹",  # superscripts: digits to str.isdigit, not to int()
)
SEPARATORS = (",", ".", " ", "\u00a0", "\u202f", "\u2009", "'", "’", "_", "\u066c", "·", "")

WORDS = (
    "hospitals",
    "medical facilities",
    "health facilities",
    "ambulances",
    "attacks on health care",
    "health workers",
    "were destroyed",
    "have been damaged",
    "damaged or destroyed",
    "were seized",
    "fully restored",
    "back in operation",
    "killed",
    "injured",
    "лікарень",
    "закладів охорони здоров'я",
    "медичних закладів",
    "карет швидкої допомоги",
    "атак на медицину",
    "медиків",
    "зруйновано",
    "пошкоджено",
    "відновлено",
    "захоплено",
    "загинули",
    "over",
    "more than",
    "almost",
    "about",
    "at least",
    "up to",
    "понад",
    "близько",
    "майже",
    "щонайменше",
    "USD",
    "$",
    "€",
    "грн",
    "billion",
    "million",
    "thousand",
    "млрд",
    "млн",
    "тис.",
    "тисячі",
    "півтори тисячі",
    "two and a half thousand",
    "in Kharkiv Oblast",
    "на Харківщині",
    "in Luhansk region",
    "у Києві",
    "in Russia",
    "as of 6 October 2023",
    "станом на 1 січня 2024 року",
    "in 2024",
    "since February 2022",
    "у жовтні 2023",
    "WHO said",
    "МОЗ повідомило",
    "according to the ministry",
    "%",
    "per cent",
    "years",
    "днів",
    "№",
    "COVID-19",
    "+380 44 123 45 67",
    "https://moz.gov.ua/1",
    "73rd",
    "12-й",
    "and",
    "і",
    "та",
    ",",
    ".",
    ";",
    ":",
    "—",
    "-",
    "(",
    ")",
    "«",
    "»",
    '"',
    "\n",
    "\n\n",
)


@st.composite
def odd_numbers(draw: st.DrawFn) -> str:
    """A number in digits of one script, its groups joined by a separator, maybe a fraction."""
    digits = draw(st.sampled_from(DIGITS))
    groups = draw(
        st.lists(st.text(alphabet=digits, min_size=1, max_size=4), min_size=1, max_size=5)
    )
    separator = draw(st.sampled_from(SEPARATORS))
    number = separator.join(groups)
    if draw(st.booleans()):
        number += draw(st.sampled_from([".", ","])) + draw(
            st.text(alphabet=digits, min_size=1, max_size=3)
        )
    return number


pieces = st.one_of(
    st.sampled_from(WORDS),
    odd_numbers(),
    st.integers(min_value=0, max_value=10**40).map(str),
    st.text(max_size=8),
)
texts = st.one_of(
    st.lists(pieces, max_size=40).map(" ".join),
    st.lists(pieces, max_size=40).map("".join),
    st.text(max_size=300),
)


def assert_keeps_its_promises(text: str, candidate: Candidate) -> None:
    assert candidate.span, candidate
    assert text[candidate.start : candidate.end] == candidate.span, candidate
    assert candidate.value.is_finite() and candidate.value >= 0, candidate
    assert candidate.metric in Metric.values, candidate
    assert candidate.qualifier in Qualifier.values, candidate
    assert candidate.as_of_precision in DatePrecision.values, candidate
    assert candidate.as_of is None or candidate.as_of <= TODAY, candidate
    assert re.fullmatch(r"[A-Z]{2}", candidate.country), candidate
    assert candidate.region is None or candidate.region in REGIONS.regions, candidate
    # What `medinfra figures extract` prints is JSON that any reader takes.
    json.loads(json.dumps(candidate.as_json(), allow_nan=False))


@fuzz(1500, postgres_share=1)
@given(
    text=texts,
    language=st.sampled_from([None, "en", "uk"]),
    document_date=st.one_of(st.none(), st.dates(max_value=TODAY)),
)
@example(
    text="99999999999999999999999999 billion hospitals were destroyed",
    language=None,
    document_date=None,
)
@example(
    text="Понад 1.500 лікарень зруйновано; 2,5 тис. пошкоджено.", language="uk", document_date=None
)
@example(text="1٣ hospitals and １２ ambulances were destroyed", language=None, document_date=None)
@example(text="²³ hospitals were destroyed", language="en", document_date=None)
def test_any_text_gives_candidates_that_keep_the_extractors_promises(
    text: str, language: str | None, document_date: dt.date | None
) -> None:
    tally("figure extractor: texts")
    candidates = extract_figures(
        text, document_date=document_date, language=language, regions=REGIONS, today=TODAY
    )
    for candidate in candidates:
        assert_keeps_its_promises(text, candidate)


@fuzz(300, postgres_share=1)
@given(
    number=odd_numbers(),
    before=st.sampled_from(["", "over ", "понад ", "USD ", "$"]),
    after=st.sampled_from(
        [" hospitals were destroyed.", " лікарень зруйновано.", " billion is needed.", " млрд"]
    ),
)
def test_numbers_with_odd_separators_and_digits_are_read_or_left(
    number: str, before: str, after: str
) -> None:
    tally("figure extractor: numbers")
    text = before + number + after
    for candidate in extract_figures(text, regions=REGIONS, today=TODAY):
        assert_keeps_its_promises(text, candidate)


# -- the parts the crash and hang fixes rewrote, against what they replaced ---------------------


@fuzz(200, postgres_share=1)
@given(
    spans=st.lists(
        st.tuples(st.integers(0, 60), st.integers(0, 20)).map(lambda t: (t[0], t[0] + t[1])),
        max_size=12,
    ),
    start=st.integers(0, 80),
    length=st.integers(1, 10),
)
def test_the_bisected_overlap_test_answers_as_overlaps_does(
    spans: list[tuple[int, int]], start: int, length: int
) -> None:
    tally("figure extractor: overlap test")
    assert _overlap_test(spans)(start, start + length) == overlaps(spans, start, start + length)


@fuzz(100, postgres_share=1)
@given(text=st.lists(pieces, min_size=1, max_size=30).map(" ".join))
def test_the_next_object_after_a_number_is_the_first_objects_match(text: str) -> None:
    from medinfra.figures.extraction.reading import _objects
    from medinfra.figures.extraction.text import prepare, sentences

    tally("figure extractor: next object")
    prepared = prepare(text)
    for sentence in sentences(prepared):
        reading = _Reading(
            prepared=prepared,
            document_date=None,
            today=TODAY,
            default_country="UA",
            dates=[],
            regions=[],
            region_index=None,
            countries=[],
            organisations=[],
            sentences=[sentence],
        )
        reader = _Sentence(reading, 0, [])
        starts = list(range(sentence.start, sentence.end + 1, 3))
        # Left to right as numbers are read, then back, which must not reuse a later match.
        for start in starts + starts[::-1]:
            following = _objects(prepared.folded, start, sentence.end)
            assert reader._object_after(start) == (following[0][0] if following else None)
