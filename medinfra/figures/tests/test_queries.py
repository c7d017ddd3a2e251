"""Each published figure is shown beside the registry's count for its metric, place and date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from medinfra.core.services import retract_record
from medinfra.figures.queries import (
    RegistryCount,
    agrees,
    metric_summaries,
    metric_timeline,
    region_index,
)
from medinfra.figures.services import record_figure
from medinfra.geography.queries import region_by_code
from medinfra.geography.services import set_access_status
from medinfra.incidents.services import set_verification

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def figure(actor: Any, make_source: Callable[..., Any]) -> Callable[..., Any]:
    def make(metric: str, value: int, as_of: dt.date, **fields: Any) -> Any:
        fields.setdefault("country", "UA")
        fields.setdefault("source", make_source(publisher=fields.pop("publisher", "Ministry")))
        return record_figure(actor=actor, metric=metric, value=value, as_of=as_of, **fields)

    return make


def test_destroyed_facilities_over_time_stand_beside_the_registry_count(
    figure: Any, make_facility: Any, assess: Any
) -> None:
    for _ in range(3):
        assess(make_facility(region="UA-63"), D(2023, 5, 1), "destroyed")
    assess(make_facility(region="UA-14"), D(2024, 5, 1), "destroyed")
    figure("facilities_destroyed", 4, D(2024, 6, 1))
    figure("facilities_destroyed", 3, D(2023, 10, 6))

    entries = metric_timeline("facilities_destroyed")

    assert [(e.as_of, e.value, e.registry.value) for e in entries] == [
        (D(2023, 10, 6), 3, 3),
        (D(2024, 6, 1), 4, 4),
    ]
    assert [e.difference for e in entries] == [0, 0]
    assert all(e.agrees for e in entries)


def test_the_difference_is_the_registry_count_minus_the_published_number(
    figure: Any, make_facility: Any, assess: Any
) -> None:
    assess(make_facility(), D(2023, 1, 1), "partial")
    figure("facilities_damaged", 5, D(2023, 6, 1), qualifier="almost")

    [entry] = metric_timeline("facilities_damaged")

    assert (entry.registry.value, entry.difference, entry.agrees) == (1, Decimal(-4), False)


def test_a_regional_figure_is_compared_with_that_region_only(
    figure: Any, make_facility: Any, assess: Any
) -> None:
    assess(make_facility(region="UA-63"), D(2023, 1, 1), "destroyed")
    assess(make_facility(region="UA-14"), D(2023, 1, 1), "destroyed")
    figure("facilities_destroyed", 1, D(2023, 6, 1), region="UA-63")

    [entry] = metric_timeline("facilities_destroyed", region=region_by_code("UA-63"))

    assert (entry.region_code, entry.registry.value) == ("UA-63", 1)


def test_damage_in_an_inaccessible_region_is_not_assessable_never_zero(
    figure: Any, actor: Any
) -> None:
    set_access_status(region_by_code("UA-09"), status="inaccessible", actor=actor)
    figure("facilities_destroyed", 40, D(2023, 6, 1), region="UA-09")

    [entry] = metric_timeline("facilities_destroyed")

    assert entry.registry == RegistryCount(RegistryCount.NOT_ASSESSABLE)
    assert entry.difference is None and entry.agrees is None


def test_the_public_comparison_counts_verified_attacks_only(
    figure: Any, make_incident: Any, other_actor: Any
) -> None:
    verified = make_incident(occurred_on=D(2024, 3, 1))
    set_verification(verified, actor=other_actor, state="verified")
    make_incident(occurred_on=D(2024, 3, 1))  # reported, not verified
    figure("attacks_recorded", 2, D(2024, 8, 31), as_of_precision="month")

    [entry] = metric_timeline("attacks_recorded")

    assert entry.registry.value == 1


def test_ambulances_compare_with_vehicles_by_worst_status(figure: Any, make_vehicle: Any) -> None:
    make_vehicle(events=((D(2022, 4, 1), "damaged"), (D(2022, 6, 1), "seized")))
    make_vehicle(events=((D(2022, 5, 1), "destroyed"),))
    figure("ambulances_seized", 1, D(2023, 1, 1))
    figure("ambulances_lost", 2, D(2023, 1, 1))

    assert metric_timeline("ambulances_seized")[0].registry.value == 1
    assert metric_timeline("ambulances_lost")[0].registry.value == 2


def test_metrics_the_registry_does_not_count_and_countries_it_does_not_hold_say_so(
    figure: Any,
) -> None:
    figure("recovery_needs_usd", 6_400_000_000, D(2023, 6, 1))
    figure("facilities_destroyed", 10, D(2024, 12, 31), country="RU")

    assert metric_timeline("recovery_needs_usd")[0].registry.status == "not_counted"
    assert metric_timeline("facilities_destroyed")[0].registry.status == "not_covered"


def test_retracted_figures_and_figures_of_retracted_sources_are_not_shown(
    figure: Any, actor: Any
) -> None:
    wrong = figure("facilities_destroyed", 999, D(2023, 6, 1))
    retract_record(wrong, actor=actor, reason="misread")
    withdrawn = figure("facilities_destroyed", 888, D(2023, 6, 1))
    retract_record(withdrawn.source, actor=actor, reason="not a real publication")
    figure("facilities_destroyed", 190, D(2023, 10, 6))

    assert [e.value for e in metric_timeline("facilities_destroyed")] == [190]


def test_a_timeline_reads_the_registry_once_per_place_and_date(
    figure: Any, django_assert_num_queries: Any
) -> None:
    for value in (10, 11, 12):
        figure("facilities_destroyed", value, D(2023, 10, 6))
    figure("facilities_destroyed", 20, D(2024, 6, 1))

    # figures, the country's presence, then one damage count per date.
    with django_assert_num_queries(4):
        entries = metric_timeline("facilities_destroyed")
    assert len(entries) == 4


@pytest.mark.parametrize(
    ("qualifier", "reported", "registry", "expected"),
    [
        ("exact", 305, 305, True),
        ("exact", 305, 304, False),
        ("at_least", 700, 734, True),
        ("at_least", 700, 699, False),
        ("almost", 1500, 1487, True),
        ("almost", 1500, 1501, False),
        ("almost", 1500, 1300, False),
        ("approximately", 2000, 1850, True),
        ("approximately", 2000, 2300, False),
        ("at_most", 100, 100, True),
        ("at_most", 100, 101, False),
    ],
)
def test_the_registry_agrees_with_a_figure_as_its_qualifier_reads(
    qualifier: str, reported: int, registry: int, expected: bool
) -> None:
    assert agrees(qualifier, Decimal(reported), registry) is expected


def test_the_index_lists_every_metric_with_its_latest_national_figure(
    figure: Any, make_facility: Any, assess: Any
) -> None:
    assess(make_facility(), D(2023, 1, 1), "destroyed")
    figure("facilities_destroyed", 190, D(2023, 10, 6))
    figure("facilities_destroyed", 305, D(2025, 3, 1), publisher="Another outlet")
    figure("facilities_destroyed", 12, D(2025, 4, 1), region="UA-63")

    summaries = {s.metric: s for s in metric_summaries(country="UA", today=D(2025, 6, 1))}

    destroyed = summaries["facilities_destroyed"]
    assert destroyed.figures == 2
    assert destroyed.latest is not None and destroyed.latest.value == 305
    assert destroyed.registry_today.value == 1
    assert summaries["hospitals_closed"].figures == 0
    assert summaries["hospitals_closed"].registry_today.status == "not_counted"


def test_region_names_come_from_the_registry_or_else_the_packaged_list(db: None, ua: Any) -> None:
    from medinfra.figures.extraction import extract_figures

    [figure] = extract_figures(
        "In Kharkiv Oblast 12 hospitals were destroyed.", regions=region_index(["UA"])
    )
    assert figure.region == "UA-63"
    assert region_index(["PL"]).regions == {}


def test_the_index_reads_the_ledger_once_and_each_counting_rule_once(
    figure: Any, django_assert_num_queries: Any
) -> None:
    for metric in ("facilities_destroyed", "attacks_recorded", "ambulances_seized"):
        figure(metric, 10, D(2023, 10, 6))
        figure(metric, 20, D(2024, 6, 1))

    # Figures, the country's presence, then the damage, attack and vehicle counts twice: on
    # the date of the latest figures and today.
    with django_assert_num_queries(8):
        metric_summaries(country="UA", today=D(2025, 1, 1))


# -- published figures over time ---------------------------------------------------------------


def test_published_figures_by_month_carry_the_latest_forward_and_start_empty(figure: Any) -> None:
    from medinfra.figures.queries import published_by_month

    figure("facilities_destroyed", 100, D(2022, 3, 20))
    figure("facilities_destroyed", 120, D(2022, 5, 2))
    figure("facilities_destroyed", 125, D(2022, 5, 2))  # same day, entered later: wins
    figure("attacks_recorded", 40, D(2022, 4, 30))
    figure("attacks_recorded", 999, D(2022, 4, 30), region="UA-63")  # a region's: not national
    figure("hospitals_closed", 7, D(2022, 4, 1))  # not followed over time
    figure("facilities_destroyed", 200, D(2022, 7, 1))  # after the date asked: not yet known

    series = published_by_month(country="UA", as_of=D(2022, 6, 15))

    assert series.metrics == ["facilities_destroyed", "attacks_recorded"]
    assert [(m.month, m.values) for m in series.months] == [
        (D(2022, 3, 1), {"facilities_destroyed": 100, "attacks_recorded": None}),
        (D(2022, 4, 1), {"facilities_destroyed": 100, "attacks_recorded": 40}),
        (D(2022, 5, 1), {"facilities_destroyed": 125, "attacks_recorded": 40}),
        (D(2022, 6, 1), {"facilities_destroyed": 125, "attacks_recorded": 40}),
    ]


def test_figures_of_a_retracted_source_leave_the_series(
    figure: Any, make_source: Any, actor: Any
) -> None:
    from medinfra.figures.queries import published_by_month

    withdrawn = make_source(publisher="Withdrawn")
    figure("facilities_destroyed", 100, D(2022, 3, 20), source=withdrawn)
    retract_record(withdrawn, actor=actor, reason="The publisher withdrew the report.")

    assert published_by_month(country="UA", as_of=D(2022, 6, 15)).months == []
