import datetime as dt

from medinfra.incidents.queries import attack_counts, public_incidents
from medinfra.incidents.services import set_verification

D = dt.date


def test_public_count_is_verified_incidents_only(make_incident, other_actor):
    verified = make_incident(certainty="confirmed")
    make_incident(certainty="probable")
    set_verification(verified, actor=other_actor, state="verified")

    counts = attack_counts(as_of=D(2025, 1, 1))

    assert counts.verified == 1
    assert public_incidents(as_of=D(2025, 1, 1)).count() == 1


def test_staff_counts_every_incident_by_certainty(make_incident, other_actor):
    make_incident(certainty="confirmed")
    make_incident(certainty="probable")
    rejected = make_incident(certainty="possible")
    set_verification(rejected, actor=other_actor, state="rejected", reason="not an attack")

    counts = attack_counts(as_of=D(2025, 1, 1))

    assert counts.by_certainty("confirmed") == 1
    assert counts.by_certainty("probable") == 1
    assert counts.by_certainty("possible") == 0
    assert counts.by_certainty("possible", include_rejected=True) == 1
    assert counts.by_state("reported") == 2


def test_one_facility_may_be_attacked_many_times(make_incident, make_facility, other_actor):
    facility = make_facility()
    for day in (1, 2, 3):
        incident = make_incident(facility=facility, occurred_on=D(2023, 1, day))
        set_verification(incident, actor=other_actor, state="verified")

    assert attack_counts(as_of=D(2025, 1, 1)).verified == 3


def test_incidents_after_the_as_of_date_do_not_count(make_incident, other_actor):
    incident = make_incident(occurred_on=D(2024, 6, 1))
    set_verification(incident, actor=other_actor, state="verified")

    assert attack_counts(as_of=D(2024, 5, 31)).verified == 0
    assert attack_counts(as_of=D(2024, 6, 1)).verified == 1
