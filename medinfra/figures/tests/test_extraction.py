"""Extraction reads the figures a text holds, with metric, value and qualifier, and no others."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medinfra.figures.extraction import JSON_KEYS, Candidate, RegionIndex, extract_figures
from medinfra.figures.extraction.numbers import numbers
from medinfra.figures.extraction.text import prepare
from medinfra.figures.tests.cases import OWN, SEEDS, Case, Expected, seed_path

D = dt.date
REGIONS = RegionIndex.packaged(["UA"])


def read(case: Case) -> list[Candidate]:
    return extract_figures(
        case.text, document_date=case.document_date, language=case.language, regions=REGIONS
    )


def keys(candidates: list[Candidate]) -> list[tuple[str, Decimal, str]]:
    return sorted((c.metric, Decimal(c.value), c.qualifier) for c in candidates)


def found(candidates: list[Candidate], expected: Expected) -> Candidate:
    matches = [c for c in candidates if (c.metric, Decimal(c.value), c.qualifier) == expected.key]
    assert len(matches) == 1, f"{expected.key} found {len(matches)} times"
    return matches[0]


def check_details(case: Case, candidates: list[Candidate]) -> None:
    for expected in case.expected:
        candidate = found(candidates, expected)
        assert candidate.country == expected.country, expected
        if expected.region is not None:
            assert candidate.region == expected.region, expected
        if expected.as_of is not None:
            assert candidate.as_of == expected.as_of, expected
        if expected.span:
            assert candidate.span == expected.span, expected
    for candidate in candidates:
        assert candidate.span and candidate.span in case.text
        assert case.text[candidate.start : candidate.end] == candidate.span


# -- the seed texts --------------------------------------------------------------------------


def seed_case(prefix: str) -> Case:
    path = seed_path(prefix)
    if path is None:
        pytest.skip(f"seed text {prefix} not found; set MEDINFRA_SHARED_DIR")
    return Case(f"seed {prefix}", "en", path.read_text(encoding="utf-8"), SEEDS[prefix])


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_extraction_finds_every_figure_of_a_seed_text_and_nothing_else(prefix: str) -> None:
    case = seed_case(prefix)
    candidates = read(case)
    assert keys(candidates) == sorted(e.key for e in case.expected)
    check_details(case, candidates)


def test_seed_000_ambulances_and_restoration_read_with_their_qualifiers() -> None:
    candidates = read(seed_case("000"))
    by_metric = {c.metric: (int(c.value), c.qualifier) for c in candidates}
    assert by_metric["ambulances_damaged"] == (116, "exact")
    assert by_metric["ambulances_destroyed"] == (274, "exact")
    assert by_metric["ambulances_seized"] == (80, "exact")
    assert by_metric["facilities_fully_restored"] == (700, "at_least")
    assert by_metric["facilities_back_in_operation"] == (1000, "at_least")


def test_seed_000_who_count_is_dated_and_credited_from_the_sentence_before() -> None:
    candidates = read(seed_case("000"))
    who = found(candidates, Expected("attacks_recorded", 1940))
    assert (who.as_of, who.as_of_precision) == (D(2024, 8, 31), "month")
    assert who.attributed_to == "World Health Organization"
    ministry = found(candidates, Expected("facilities_destroyed", 305))
    assert ministry.attributed_to == "Ministry of Health of Ukraine"
    assert ministry.as_of is None  # the text has no date and none was given


def test_seed_000_figures_take_the_document_date_when_given() -> None:
    case = seed_case("000")
    candidates = extract_figures(case.text, document_date=D(2025, 3, 1), regions=REGIONS)
    assert found(candidates, Expected("facilities_destroyed", 305)).as_of == D(2025, 3, 1)
    assert found(candidates, Expected("attacks_recorded", 1940)).as_of == D(2024, 8, 31)


def test_seed_002_hospital_closures_are_about_russia_in_2024() -> None:
    [closures] = read(seed_case("002"))
    assert (closures.country, closures.as_of, closures.as_of_precision) == (
        "RU",
        D(2024, 12, 31),
        "year",
    )


def test_seed_004_dateline_dates_its_figures_and_session_numbers_are_not_figures() -> None:
    candidates = read(seed_case("004"))
    assert {c.as_of for c in candidates} == {D(2023, 10, 6)}
    values = {int(c.value) for c in candidates}
    assert not values & {73, 20, 29, 19, 2025, 14, 6, 2023}


def test_seed_003_has_no_figures() -> None:
    assert read(seed_case("003")) == []


# -- texts of our own ------------------------------------------------------------------------


@pytest.mark.parametrize("case", OWN, ids=lambda c: c.name)
def test_extraction_finds_the_figures_of_our_own_texts_and_nothing_else(case: Case) -> None:
    candidates = read(case)
    assert keys(candidates) == sorted(e.key for e in case.expected)
    check_details(case, candidates)


def test_own_texts_cover_both_languages_and_texts_without_figures() -> None:
    assert {c.language for c in OWN} == {"en", "uk"}
    assert [c for c in OWN if c.language == "en" and not c.expected]
    assert [c for c in OWN if c.language == "uk" and not c.expected]


@pytest.mark.parametrize(
    "text",
    [
        "On 24 February 2022 the hospital was destroyed.",
        "In 2023 the clinic was damaged.",
        "A 45-year-old nurse was killed.",
        "Doctors aged 60 were detained.",
        "The 73rd session noted that facilities were destroyed.",
        "For 19 months hospitals have been damaged.",
        "Call +380 44 123 45 67 if facilities were damaged.",
        "Read https://example.org/2024/damaged-facilities-305 about damaged facilities.",
        "Some 45% of hospitals were damaged.",
        "The hospital No. 5 was destroyed.",
        "24 лютого 2022 року лікарню зруйновано.",
        "73-тя сесія: заклади зруйновано.",
        "Уже 19 місяців лікарні пошкоджено.",
        "45-річного лікаря затримали.",
        "Лікарню №5 зруйновано.",
        "85 % лікарень пошкоджено.",
        "Телефон: 0 800 60 20 19; лікарні пошкоджено.",
    ],
)
def test_numbers_that_are_dates_ages_ordinals_durations_phones_links_or_shares_are_not_figures(
    text: str,
) -> None:
    assert extract_figures(text, document_date=D(2024, 6, 1), regions=REGIONS) == []


# -- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2,020", "2020"),
        ("2 020", "2020"),
        ("2\u00a0020", "2020"),
        ("1.5 thousand", "1500"),
        ("6.4 billion", "6400000000"),
        ("6,4 млрд", "6400000000"),
        ("1,5 тис.", "1500"),
        ("two and a half thousand", "2500"),
        ("seven hundred", "700"),
        ("a thousand", "1000"),
        ("twenty-five", "25"),
        ("half a million", "500000"),
        ("тисяча", "1000"),
        ("тисячу", "1000"),
        ("півтори тисячі", "1500"),
        ("дві з половиною тисячі", "2500"),
        ("двох тисяч трьохсот", "2300"),
        ("семисот", "700"),
        ("п’ятсот", "500"),
        ("двадцять п'ять", "25"),
    ],
)
def test_numbers_are_read_in_digits_and_in_words_of_both_languages(text: str, value: str) -> None:
    [number] = numbers(prepare(text))
    assert number.value == Decimal(value)


@pytest.mark.parametrize("text", ["thousands of people", "тисяч людей", "hundreds", "one"])
def test_vague_amounts_are_not_numbers(text: str) -> None:
    assert numbers(prepare(text)) == []


def test_bare_thousands_in_ukrainian_count_only_after_a_qualifier() -> None:
    assert extract_figures("Тисячі лікарень пошкоджено.", regions=REGIONS) == []
    [figure] = extract_figures("Пошкоджено близько тисячі лікарень.", regions=REGIONS)
    assert (figure.value, figure.qualifier) == (1000, "approximately")


# -- qualifiers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "qualifier"),
    [
        ("over", "at_least"),
        ("more than", "at_least"),
        ("at least", "at_least"),
        ("has exceeded", "at_least"),
        ("almost", "almost"),
        ("nearly", "almost"),
        ("about", "approximately"),
        ("around", "approximately"),
        ("up to", "at_most"),
        ("", "exact"),
    ],
)
def test_english_qualifiers_map_to_the_ledger_s_qualifiers(words: str, qualifier: str) -> None:
    text = f"The number of destroyed hospitals {words} 300.".replace("  ", " ")
    [figure] = extract_figures(text, regions=REGIONS)
    assert (figure.metric, figure.value, figure.qualifier) == (
        "facilities_destroyed",
        300,
        qualifier,
    )


@pytest.mark.parametrize(
    ("words", "qualifier"),
    [
        ("понад", "at_least"),
        ("більше ніж", "at_least"),
        ("щонайменше", "at_least"),
        ("майже", "almost"),
        ("близько", "approximately"),
        ("приблизно", "approximately"),
        ("не більше ніж", "at_most"),
    ],
)
def test_ukrainian_qualifiers_map_to_the_ledger_s_qualifiers(words: str, qualifier: str) -> None:
    [figure] = extract_figures(f"Зруйновано {words} 300 лікарень.", regions=REGIONS)
    assert (figure.metric, figure.value, figure.qualifier) == (
        "facilities_destroyed",
        300,
        qualifier,
    )


# -- places ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "code"),
    [
        ("in Kharkiv Oblast", "UA-63"),
        ("in the Kharkiv region", "UA-63"),
        ("in Kharkiv", "UA-63"),
        ("in Kyiv", "UA-30"),
        ("in Kyiv Oblast", "UA-32"),
        ("у Харківській області", "UA-63"),
        ("на Харківщині", "UA-63"),
        ("у Києві", "UA-30"),
        ("в Івано-Франківській області", "UA-26"),
        ("in Crimea", "UA-43"),
    ],
)
def test_regions_are_found_by_their_names_in_both_languages(place: str, code: str) -> None:
    [figure] = extract_figures(f"12 hospitals were destroyed {place}.", regions=REGIONS)
    assert (figure.region, figure.country) == (code, "UA")


def test_regions_come_from_the_region_table_when_given_one() -> None:
    from medinfra.figures.extraction import RegionName

    index = RegionIndex([RegionName("XX-01", "XX", "oblast", "Example Oblast", "Приклад")], [])
    [figure] = extract_figures(
        "In Example Oblast 3 hospitals were destroyed.", country="XX", regions=index
    )
    assert (figure.region, figure.country) == ("XX-01", "XX")


def test_a_figure_placed_in_another_country_takes_that_country() -> None:
    [figure] = extract_figures("In Russia, 150 hospitals have closed.", regions=REGIONS)
    assert figure.country == "RU"
    [figure] = extract_figures("Russian shelling destroyed 15 hospitals.", regions=REGIONS)
    assert figure.country == "UA"


# -- the command's form ----------------------------------------------------------------------


def test_a_candidate_prints_as_json_with_the_documented_keys() -> None:
    [figure] = extract_figures(
        "As of 1 May 2024, about 2.5 thousand facilities were damaged in Kherson Oblast.",
        regions=REGIONS,
    )
    printed = json.loads(json.dumps(figure.as_json()))
    assert tuple(printed) == JSON_KEYS
    assert printed == {
        "metric": "facilities_damaged",
        "value": 2500,
        "qualifier": "approximately",
        "region": "UA-65",
        "country": "UA",
        "as_of": "2024-05-01",
        "span": "about 2.5 thousand facilities were damaged",
    }


def test_a_date_after_the_document_date_is_not_an_as_of_date() -> None:
    [figure] = extract_figures(
        "By 1 December 2024 some 40 hospitals will be restored, and 12 were destroyed.",
        document_date=D(2024, 6, 1),
        regions=REGIONS,
    )
    assert (figure.metric, figure.as_of) == ("facilities_destroyed", D(2024, 6, 1))


# -- any text --------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        " ",
        ", ",
        ". ",
        "\n",
        "over ",
        "almost ",
        "понад ",
        "2,300",
        "2 020",
        "1.5 thousand",
        "півтори тисячі",
        "a thousand",
        " hospitals were destroyed",
        " ambulances seized",
        " закладів пошкоджено",
        " in Kharkiv Oblast",
        " на Харківщині",
        " 6 October 2023",
        " in 2024",
        " since 2022",
        " USD",
        "$",
        " and ",
        " і ",
        "73rd",
        "19 months",
        "+380 44 123 45 67",
        "https://example.org/1",
        "the country's",
        "According to these data",
        "%",
        "-",
        "№",
    ]
)


@given(st.lists(_PIECES | st.text(max_size=12), max_size=40).map("".join))
@settings(max_examples=300, deadline=None)
def test_any_text_gives_candidates_whose_spans_are_its_own_words(text: str) -> None:
    for candidate in extract_figures(text, regions=REGIONS):
        assert text[candidate.start : candidate.end] == candidate.span
        assert candidate.value >= 0
        assert candidate.qualifier in {"exact", "at_least", "almost", "approximately", "at_most"}
