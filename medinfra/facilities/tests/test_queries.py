import datetime as dt

import pytest

from medinfra.core.services import retract_record
from medinfra.facilities.queries import damage_counts, worst_condition
from medinfra.geography.queries import region_by_code

D = dt.date


def test_facility_damaged_then_destroyed_counts_once_as_destroyed(make_facility, assess):
    facility = make_facility()
    assess(facility, D(2022, 3, 1), "partial", "partial")
    assess(facility, D(2022, 9, 1), "destroyed", "none")

    counts = damage_counts(as_of=D(2023, 1, 1))

    assert (counts.damaged_or_destroyed, counts.partially_damaged, counts.destroyed) == (1, 0, 1)


def test_before_destruction_the_same_facility_counts_as_partially_damaged(make_facility, assess):
    facility = make_facility()
    assess(facility, D(2022, 3, 1), "partial", "partial")
    assess(facility, D(2022, 9, 1), "destroyed", "none")

    counts = damage_counts(as_of=D(2022, 8, 31))

    assert (counts.damaged_or_destroyed, counts.partially_damaged, counts.destroyed) == (1, 1, 0)


def test_assessment_without_damage_is_not_counted(make_facility, assess):
    assess(make_facility(), D(2023, 1, 1), "none", "full")

    assert damage_counts(as_of=D(2024, 1, 1)).damaged_or_destroyed == 0


def test_events_after_the_as_of_date_do_not_count(make_facility, assess):
    assess(make_facility(), D(2024, 5, 2), "destroyed", "none")

    assert damage_counts(as_of=D(2024, 5, 1)).destroyed == 0
    assert damage_counts(as_of=D(2024, 5, 2)).destroyed == 1


def test_restoration_keeps_a_facility_in_the_damaged_count(make_facility, assess, restore):
    facility = make_facility()
    assess(facility, D(2022, 4, 1), "partial", "none")
    restore(facility, D(2023, 2, 1), "fully_restored")
    assess(facility, D(2023, 2, 2), "none", "full")

    counts = damage_counts(as_of=D(2024, 1, 1))

    assert counts.damaged_or_destroyed == 1
    assert counts.partially_damaged == 1
    assert counts.fully_restored == 1
    assert counts.back_in_operation == 1


def test_latest_restoration_milestone_decides_fully_or_partially(make_facility, assess, restore):
    facility = make_facility()
    assess(facility, D(2022, 4, 1), "destroyed", "none")
    restore(facility, D(2023, 1, 1), "partially_restored")
    restore(facility, D(2024, 1, 1), "fully_restored")

    mid = damage_counts(as_of=D(2023, 6, 1))
    late = damage_counts(as_of=D(2024, 6, 1))

    assert (mid.partially_restored, mid.fully_restored) == (1, 0)
    assert (late.partially_restored, late.fully_restored) == (0, 1)


def test_back_in_operation_follows_the_latest_functionality(make_facility, assess):
    facility = make_facility()
    assess(facility, D(2022, 4, 1), "partial", "partial")
    assess(facility, D(2022, 6, 1), "partial", "none")

    assert damage_counts(as_of=D(2022, 5, 1)).back_in_operation == 1
    assert damage_counts(as_of=D(2022, 7, 1)).back_in_operation == 0


def test_counts_are_scoped_to_a_region(make_facility, assess):
    assess(make_facility(region="UA-63"), D(2022, 4, 1), "partial")
    assess(make_facility(region="UA-14"), D(2022, 4, 1), "destroyed")

    kharkiv = damage_counts(as_of=D(2023, 1, 1), region=region_by_code("UA-63"))

    assert (kharkiv.damaged_or_destroyed, kharkiv.destroyed) == (1, 0)


def test_retracted_assessment_no_longer_counts(make_facility, assess, actor):
    assessment = assess(make_facility(), D(2022, 4, 1), "destroyed")

    retract_record(assessment, actor=actor, reason="entered for the wrong facility")

    assert damage_counts(as_of=D(2023, 1, 1)).destroyed == 0


def test_retracted_facility_no_longer_counts(make_facility, assess, actor):
    facility = make_facility()
    assess(facility, D(2022, 4, 1), "partial")

    retract_record(facility, actor=actor, reason="duplicate of another facility")

    assert damage_counts(as_of=D(2023, 1, 1)).damaged_or_destroyed == 0


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ((), None),
        (("none",), "none"),
        (("partial", "none"), "partial"),
        (("partial", "destroyed", "none"), "destroyed"),
    ],
)
def test_worst_condition_is_the_worst_ever(make_facility, assess, history, expected):
    facility = make_facility()
    for day, condition in enumerate(history, start=1):
        assess(facility, D(2023, 1, day), condition)

    assert worst_condition(facility, as_of=D(2024, 1, 1)) == expected
