"""The priority score: its documented parts, weights that change the ranking, unknown parts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from medinfra.core.services import retract_record
from medinfra.geography.queries import region_by_code
from medinfra.geography.services import set_access_status
from medinfra.recovery.queries import facility_score, population_part, priority_ranking
from medinfra.recovery.services import record_population_served, set_priority_weights

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2025, 1, 1)


@pytest.mark.parametrize(
    ("population", "part"),
    [
        (None, None),
        (50, Decimal(0)),
        (100, Decimal(0)),
        (1_000, Decimal("0.33")),
        (10_000, Decimal("0.67")),
        (100_000, Decimal(1)),
        (2_000_000, Decimal(1)),
    ],
)
def test_population_part_grows_by_powers_of_ten(population: int | None, part: Any) -> None:
    assert population_part(population) == part


def test_a_destroyed_idle_hospital_in_controlled_territory_scores_full_marks(
    make_facility: Callable, assess: Callable
) -> None:
    hospital = make_facility(kind="hospital")
    assess(hospital, D(2022, 5, 1), "destroyed", "none")

    score = facility_score(hospital, as_of=TODAY)

    assert score is not None
    assert score.score == Decimal("100.0")
    parts = {p.name: (p.value, p.weight, p.points) for p in score.parts}
    # Population is not known: it is left out with its weight (30 + 25 + 15 + 10 = 80).
    assert parts == {
        "damage": (Decimal(1), 30, Decimal("37.5")),
        "services": (Decimal(1), 25, Decimal("31.3")),
        "population": (None, 20, None),
        "operation": (Decimal(1), 15, Decimal("18.8")),
        "access": (Decimal(1), 10, Decimal("12.5")),
    }


def test_every_part_is_read_from_the_registry(
    make_facility: Callable, assess: Callable, actor: Any
) -> None:
    set_access_status(region_by_code("UA-63"), status="frontline", actor=actor)
    centre = make_facility(region="UA-63", kind="primary_care_centre")
    assess(centre, D(2022, 5, 1), "partial", "none")
    assess(centre, D(2023, 5, 1), "partial", "partial")
    record_population_served(centre, actor=actor, population=10_000, as_of=D(2023, 1, 1))

    score = facility_score(centre, as_of=TODAY)

    assert score is not None
    values = {p.name: p.value for p in score.parts}
    assert values == {
        "damage": Decimal("0.5"),
        "services": Decimal("0.7"),
        "population": Decimal("0.67"),
        "operation": Decimal("0.5"),
        "access": Decimal("0.5"),
    }
    # 30 x 0.5 + 25 x 0.7 + 20 x 0.67 + 15 x 0.5 + 10 x 0.5 = 58.4 of 100
    assert score.score == Decimal("58.4")
    bases = {p.name: p.basis for p in score.parts}
    assert bases["population"] == "10,000 people"
    assert bases["access"] == "frontline"


def test_a_region_under_occupation_scores_nothing_for_access(
    make_facility: Callable, assess: Callable, actor: Any
) -> None:
    set_access_status(region_by_code("UA-43"), status="occupied", actor=actor)
    facility = make_facility(region="UA-43")
    assess(facility, D(2022, 5, 1), "destroyed", "none")

    score = facility_score(facility, as_of=TODAY)

    assert score is not None and score.part("access").points == Decimal("0.0")
    assert score.score == Decimal("87.5")


def test_changing_the_weights_reorders_the_ranking(
    make_facility: Callable, assess: Callable, actor: Any
) -> None:
    clinic = make_facility(kind="outpatient_clinic")
    hospital = make_facility(kind="hospital")
    assess(clinic, D(2022, 5, 1), "destroyed", "none")
    assess(hospital, D(2022, 5, 1), "partial", "none")

    before = priority_ranking(as_of=TODAY, country="UA")
    set_priority_weights(actor=actor, damage=0)
    after = priority_ranking(as_of=TODAY, country="UA")

    # Damage first: 30 + 15 + 15 + 10 = 70 of 80 against 15 + 25 + 15 + 10 = 65 of 80.
    assert [(s.facility, s.score) for s in before] == [
        (clinic, Decimal("87.5")),
        (hospital, Decimal("81.3")),
    ]
    # Without damage: 15 + 15 + 10 = 40 of 50 against 25 + 15 + 10 = 50 of 50.
    assert [(s.facility, s.score, s.rank) for s in after] == [
        (hospital, Decimal("100.0"), 1),
        (clinic, Decimal("80.0"), 2),
    ]


def test_only_damaged_facilities_are_ranked(make_facility: Callable, assess: Callable) -> None:
    intact = make_facility()
    assess(intact, D(2022, 5, 1), "none", "full")
    later = make_facility()
    assess(later, D(2025, 3, 1), "partial", "none")

    assert priority_ranking(as_of=TODAY, country="UA") == []
    assert facility_score(intact, as_of=TODAY) is None
    assert facility_score(later, as_of=TODAY) is None


def test_a_retracted_assessment_does_not_rank_a_facility(
    make_facility: Callable, assess: Callable, actor: Any
) -> None:
    facility = make_facility()
    retract_record(assess(facility, D(2022, 5, 1), "destroyed", "none"), actor=actor, reason="x")

    assert priority_ranking(as_of=TODAY, country="UA") == []


def test_with_only_unknown_parts_weighted_every_score_is_zero(
    make_facility: Callable, assess: Callable, actor: Any
) -> None:
    assess(make_facility(), D(2022, 5, 1), "destroyed", "none")
    set_priority_weights(actor=actor, damage=0, services=0, operation=0, access=0)

    [only] = priority_ranking(as_of=TODAY, country="UA")

    assert only.score == Decimal("0.0")


def test_ranking_filters_by_region_and_kind(make_facility: Callable, assess: Callable) -> None:
    in_kharkiv = make_facility(region="UA-63", kind="hospital")
    in_donetsk = make_facility(region="UA-14", kind="pharmacy")
    for facility in (in_kharkiv, in_donetsk):
        assess(facility, D(2022, 5, 1), "partial", "none")

    by_region = priority_ranking(as_of=TODAY, region=region_by_code("UA-14"))
    by_kind = priority_ranking(as_of=TODAY, kind="hospital")

    assert [s.facility for s in by_region] == [in_donetsk]
    assert [s.facility for s in by_kind] == [in_kharkiv]


def test_ranking_reads_a_fixed_number_of_queries(
    make_facility: Callable, assess: Callable, django_assert_num_queries: Any
) -> None:
    for _ in range(10):
        assess(make_facility(), D(2022, 5, 1), "partial", "none")

    with django_assert_num_queries(2):  # the weights, then the facilities with their parts
        priority_ranking(as_of=TODAY, country="UA")
