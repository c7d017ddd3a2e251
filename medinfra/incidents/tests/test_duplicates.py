"""Possible duplicates: the same place, dates a few days apart, an attack type in common."""

import datetime as dt

from medinfra.core.services import retract_record
from medinfra.incidents.queries import possible_duplicates
from medinfra.incidents.services import set_verification

D = dt.date


def ids(incidents):
    return [i.pk for i in incidents]


def test_same_facility_days_apart_and_same_type_is_a_possible_duplicate(
    make_incident, make_facility
):
    facility = make_facility()
    first = make_incident(facility=facility, occurred_on=D(2024, 3, 10))
    second = make_incident(facility=facility, occurred_on=D(2024, 3, 12))

    assert ids(possible_duplicates(first)) == [second.pk]
    assert ids(possible_duplicates(second)) == [first.pk]


def test_the_window_is_inclusive_and_nothing_beyond_it_is_offered(make_incident, make_facility):
    facility = make_facility()
    first = make_incident(facility=facility, occurred_on=D(2024, 3, 10))
    at_edge = make_incident(facility=facility, occurred_on=D(2024, 3, 13))
    make_incident(facility=facility, occurred_on=D(2024, 3, 14))
    make_incident(facility=facility, occurred_on=D(2024, 3, 6))

    assert ids(possible_duplicates(first, days=3)) == [at_edge.pk]
    assert len(possible_duplicates(first, days=4)) == 3


def test_nearest_in_date_comes_first(make_incident, make_facility):
    facility = make_facility()
    first = make_incident(facility=facility, occurred_on=D(2024, 3, 10))
    far = make_incident(facility=facility, occurred_on=D(2024, 3, 7))
    near = make_incident(facility=facility, occurred_on=D(2024, 3, 11))

    assert ids(possible_duplicates(first)) == [near.pk, far.pk]


def test_a_different_attack_type_is_not_a_duplicate_one_type_in_common_is(
    make_incident, make_facility
):
    facility = make_facility()
    first = make_incident(facility=facility, attack_types=["heavy_weapons", "setting_fire"])
    make_incident(facility=facility, attack_types=["psychological"])
    shared = make_incident(facility=facility, attack_types=["setting_fire", "military_use"])

    assert ids(possible_duplicates(first)) == [shared.pk]


def test_another_facility_is_not_a_duplicate(make_incident, make_facility):
    first = make_incident(facility=make_facility(settlement="Харків"))
    make_incident(facility=make_facility(settlement="Харків"))

    assert possible_duplicates(first) == []


def test_retracted_incidents_are_never_offered_rejected_ones_are(
    make_incident, make_facility, actor, other_actor
):
    facility = make_facility()
    first = make_incident(facility=facility)
    retract_record(make_incident(facility=facility), actor=actor, reason="typing error")
    rejected = make_incident(facility=facility)
    set_verification(rejected, actor=other_actor, state="rejected", reason="not an attack")

    found = possible_duplicates(first)

    assert ids(found) == [rejected.pk]
    assert found[0].verification == "rejected"


def test_without_a_facility_the_region_and_settlement_must_match(make_incident):
    first = make_incident(region="UA-63", settlement="Ізюм")
    same = make_incident(region="UA-63", settlement="  ізюм ")
    make_incident(region="UA-63", settlement="Балаклія")
    make_incident(region="UA-14", settlement="Ізюм")

    assert ids(possible_duplicates(first)) == [same.pk]


def test_a_facility_report_matches_a_report_naming_only_its_settlement(
    make_incident, make_facility
):
    facility = make_facility(region="UA-63", settlement="Ізюм")
    with_facility = make_incident(facility=facility)
    without = make_incident(region="UA-63", settlement="Ізюм")

    assert ids(possible_duplicates(with_facility)) == [without.pk]
    assert ids(possible_duplicates(without)) == [with_facility.pk]


def test_blank_settlements_in_one_region_match_each_other_only(make_incident):
    first = make_incident(region="UA-14")
    blank = make_incident(region="UA-14")
    make_incident(region="UA-14", settlement="Бахмут")

    assert ids(possible_duplicates(first)) == [blank.pk]


def test_a_month_precision_date_spans_its_month(make_incident, make_facility):
    facility = make_facility()
    month = make_incident(facility=facility, occurred_on=D(2024, 3, 1), date_precision="month")
    late_in_month = make_incident(facility=facility, occurred_on=D(2024, 3, 29))
    make_incident(facility=facility, occurred_on=D(2024, 4, 10))

    assert ids(possible_duplicates(month)) == [late_in_month.pk]
    assert ids(possible_duplicates(late_in_month)) == [month.pk]


def test_the_query_count_does_not_grow_with_the_candidates(
    make_incident, make_facility, django_assert_max_num_queries
):
    facility = make_facility()
    first = make_incident(facility=facility)
    for _ in range(6):
        make_incident(facility=facility)

    with django_assert_max_num_queries(7):
        found = possible_duplicates(first)
        for other in found:
            list(other.attack_types.all())
            list(other.sources.all())
            str(other.region)
    assert len(found) == 6
