"""The monthly series behind the dashboard's charts agree with the counting rules at every point."""

import datetime as dt
import random

import pytest

from medinfra.facilities.queries import damage_by_month, damage_counts
from medinfra.incidents.queries import attack_counts, verified_attacks_by_month
from medinfra.incidents.services import set_verification

D = dt.date


@pytest.fixture
def random_histories(make_facility, assess, restore):
    """Facilities with random assessments and restorations, through the services."""
    rng = random.Random(7)
    for n in range(14):
        facility = make_facility(region=rng.choice(["UA-63", "UA-14", "UA-46"]))
        on = D(2022, 2, 24) + dt.timedelta(days=rng.randrange(0, 300))
        damaged = False
        for _ in range(rng.randint(1, 4)):
            condition = rng.choice(["none", "partial", "partial", "destroyed"])
            assess(facility, on, condition, rng.choice(["full", "partial", "none"]))
            damaged = damaged or condition != "none"
            on += dt.timedelta(days=rng.randrange(0, 120))
            if damaged and rng.random() < 0.5:
                restore(facility, on, rng.choice(["partially_restored", "fully_restored"]))
                on += dt.timedelta(days=rng.randrange(0, 60))
        if n % 5 == 0 and damaged:  # two milestones on one day: the one recorded last counts
            restore(facility, on, "partially_restored")
            restore(facility, on, "fully_restored")


def test_damage_series_equals_the_counting_rules_at_the_end_of_every_month(random_histories):
    as_of = D(2023, 8, 17)
    series = damage_by_month(as_of=as_of)

    assert series, "the histories damage some facilities"
    for point in series:
        assert point.counts == damage_counts(as_of=point.as_of), point.month
    assert series[-1].as_of == as_of
    assert all(p.as_of.day >= 28 for p in series[:-1])


def test_damage_series_starts_at_the_first_damage_and_has_no_gaps(make_facility, assess):
    assess(make_facility(), D(2022, 3, 15), "none", "full")
    assess(make_facility(), D(2022, 5, 2), "partial", "none")

    series = damage_by_month(as_of=D(2022, 8, 1))

    assert [p.month for p in series] == [D(2022, m, 1) for m in (5, 6, 7, 8)]
    assert [p.counts.damaged_or_destroyed for p in series] == [1, 1, 1, 1]
    assert series[-1].as_of == D(2022, 8, 1)


def test_damaged_then_destroyed_moves_from_partial_to_destroyed_in_the_series(
    make_facility, assess
):
    facility = make_facility()
    assess(facility, D(2022, 3, 1), "partial", "partial")
    assess(facility, D(2022, 5, 20), "destroyed", "none")

    series = {p.month.month: p.counts for p in damage_by_month(as_of=D(2022, 6, 30))}

    assert (series[4].partially_damaged, series[4].destroyed) == (1, 0)
    assert (series[5].partially_damaged, series[5].destroyed) == (0, 1)
    assert series[5].back_in_operation == 0 and series[4].back_in_operation == 1


def test_damage_series_is_empty_without_damage(ua):
    assert damage_by_month(as_of=D(2024, 1, 1)) == []


def test_attack_series_counts_verified_attacks_once_and_under_each_type(make_incident, other_actor):
    both = make_incident(occurred_on=D(2022, 4, 3), attack_types=["heavy_weapons", "setting_fire"])
    later = make_incident(occurred_on=D(2022, 6, 9), attack_types=["obstruction"])
    make_incident(occurred_on=D(2022, 6, 10))  # reported only: never public
    for incident in (both, later):
        set_verification(incident, actor=other_actor, state="verified")

    series = verified_attacks_by_month(as_of=D(2022, 7, 31))

    assert [(p.month, p.total) for p in series] == [
        (D(2022, 4, 1), 1),
        (D(2022, 5, 1), 0),
        (D(2022, 6, 1), 1),
        (D(2022, 7, 1), 0),
    ]
    assert series[0].by_type == {"heavy_weapons": 1, "setting_fire": 1}
    assert sum(p.total for p in series) == attack_counts(as_of=D(2022, 7, 31)).verified


def test_attack_series_respects_the_date_and_the_region(make_incident, other_actor):
    for region, on in (
        ("UA-63", D(2022, 4, 3)),
        ("UA-14", D(2022, 4, 5)),
        ("UA-63", D(2023, 1, 2)),
    ):
        set_verification(
            make_incident(region=region, occurred_on=on), actor=other_actor, state="verified"
        )
    from medinfra.geography.queries import region_by_code

    kharkiv = verified_attacks_by_month(as_of=D(2022, 12, 31), region=region_by_code("UA-63"))

    assert sum(p.total for p in kharkiv) == 1
    assert kharkiv[-1].month == D(2022, 12, 1)
