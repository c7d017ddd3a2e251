"""The list queries of the public pages select what the headline figures count."""

import datetime as dt

import pytest

from medinfra.dashboard.queries import figure_sources, partnership_agreements, recovery_projects
from medinfra.facilities.queries import (
    FacilityStatus,
    damage_counts,
    facilities_with_status,
    worst_of,
)
from medinfra.geography.queries import region_by_code
from medinfra.incidents.queries import verified_incidents
from medinfra.incidents.services import set_verification
from medinfra.vehicles.queries import vehicle_counts, vehicles_with_losses

D = dt.date


@pytest.fixture
def facilities(make_facility, assess, restore):
    destroyed = make_facility(region="UA-63")
    assess(destroyed, D(2022, 3, 1), "partial", "partial")
    assess(destroyed, D(2022, 9, 1), "destroyed", "none")
    restored = make_facility(region="UA-63", kind="outpatient_clinic")
    assess(restored, D(2022, 4, 1), "partial", "none")
    restore(restored, D(2023, 1, 10), "partially_restored")
    restore(restored, D(2023, 6, 1), "fully_restored")
    assess(restored, D(2023, 6, 2), "none", "full")
    working = make_facility(region="UA-14")
    assess(working, D(2022, 5, 1), "partial", "partial")
    assess(make_facility(region="UA-14"), D(2022, 5, 1), "none", "full")
    make_facility(region="UA-46")
    return destroyed, restored, working


@pytest.mark.parametrize("as_of", [D(2022, 6, 1), D(2023, 3, 1), D(2024, 1, 1)])
def test_facility_statuses_select_exactly_what_each_figure_counts(facilities, as_of):
    counts = damage_counts(as_of=as_of)

    def number(status):
        return facilities_with_status(as_of=as_of, status=status).count()

    assert number(FacilityStatus.DAMAGED) == counts.damaged_or_destroyed
    assert number(FacilityStatus.PARTIALLY_DAMAGED) == counts.partially_damaged
    assert number(FacilityStatus.DESTROYED) == counts.destroyed
    assert number(FacilityStatus.FULLY_RESTORED) == counts.fully_restored
    assert number(FacilityStatus.PARTIALLY_RESTORED) == counts.partially_restored
    assert number(FacilityStatus.BACK_IN_OPERATION) == counts.back_in_operation
    assert number(FacilityStatus.NOT_DAMAGED) == 5 - counts.damaged_or_destroyed


def test_facility_list_annotates_the_worst_condition_and_latest_milestone(facilities):
    destroyed, restored, _ = facilities
    found = {f.pk: f for f in facilities_with_status(as_of=D(2024, 1, 1))}

    assert worst_of(found[destroyed.pk]) == "destroyed"
    assert worst_of(found[restored.pk]) == "partial"
    assert found[restored.pk].milestone == "fully_restored"
    assert found[restored.pk].functionality == "full"
    assert [worst_of(f) for f in found.values()].count(None) == 1


def test_facility_list_filters_by_region_and_type(facilities):
    in_kharkiv = facilities_with_status(as_of=D(2024, 1, 1), region=region_by_code("UA-63"))
    clinics = facilities_with_status(as_of=D(2024, 1, 1), kind="outpatient_clinic")

    assert in_kharkiv.count() == 2
    assert [f.pk for f in clinics] == [facilities[1].pk]


def test_vehicle_list_counts_each_vehicle_under_its_worst_status(make_vehicle):
    make_vehicle(events=((D(2022, 3, 1), "damaged"), (D(2022, 6, 1), "seized")))
    make_vehicle(events=((D(2022, 7, 1), "seized"), (D(2023, 3, 1), "destroyed")))
    make_vehicle(events=((D(2022, 4, 1), "damaged"),))
    make_vehicle()

    for as_of in (D(2023, 1, 1), D(2024, 1, 1)):
        listed = list(vehicles_with_losses(as_of=as_of))
        counts = vehicle_counts(as_of=as_of)
        by_status = {
            s: sum(v.worst_status == s for v in listed) for s in ("damaged", "seized", "destroyed")
        }
        assert by_status == {
            "damaged": counts.damaged,
            "seized": counts.seized,
            "destroyed": counts.destroyed,
        }
    seized = vehicles_with_losses(as_of=D(2023, 1, 1), status="seized")
    assert [len(v.losses) for v in seized] == [2, 1]


def test_verified_incident_list_leaves_out_every_other_state(
    make_incident, other_actor, make_facility
):
    hospital = make_facility(region="UA-63")
    kept = make_incident(facility=hospital, attack_types=["military_use"], certainty="probable")
    set_verification(kept, actor=other_actor, state="verified")
    make_incident(facility=hospital)
    rejected = make_incident(facility=hospital)
    set_verification(rejected, actor=other_actor, state="rejected", reason="duplicate")

    assert list(verified_incidents(as_of=D(2025, 1, 1))) == [kept]
    assert list(verified_incidents(as_of=D(2025, 1, 1), attack_type="military_use")) == [kept]
    assert not verified_incidents(as_of=D(2025, 1, 1), attack_type="heavy_weapons").exists()
    assert list(verified_incidents(as_of=D(2025, 1, 1), facility_kind="hospital")) == [kept]
    assert not verified_incidents(as_of=D(2025, 1, 1), certainty="confirmed").exists()


def test_figure_sources_count_the_records_behind_the_figures_and_skip_unverified(
    make_facility, assess, make_source, make_incident, other_actor
):
    report = make_source(title="Damage report")
    hospital = make_facility(region="UA-63")
    assess(hospital, D(2022, 3, 1), "destroyed", source=report)
    assess(make_facility(region="UA-63"), D(2022, 3, 1), "partial")
    verified = make_incident(facility=hospital, sources=[report])
    set_verification(verified, actor=other_actor, state="verified")
    make_incident(facility=hospital, sources=[make_source(title="Rumour")])

    found = figure_sources(as_of=D(2025, 1, 1), country="UA")

    assert [(u.source.title, u.assessments, u.incidents) for u in found.uses] == [
        ("Damage report", 1, 1)
    ]
    assert found.uncited == 1


def test_projects_and_agreements_filter_by_place_and_state(actor, make_facility):
    from medinfra.partnerships.services import record_agreement
    from medinfra.recovery.services import register_partner, register_project

    hospital = make_facility(region="UA-63")
    register_project(actor=actor, title_en="A", block=2, facility=hospital, stage="funded")
    register_project(actor=actor, title_en="B", block=3, region="UA-14")
    partner = register_partner(actor=actor, name_en="P", kind="foreign_hospital", country="PL")
    record_agreement(
        actor=actor, facility=hospital, partner=partner, kind="memorandum", signed_on=D(2023, 5, 1)
    )

    assert [p.title_en for p in recovery_projects(region=region_by_code("UA-63"))] == ["A"]
    assert [p.title_en for p in recovery_projects(block=3)] == ["B"]
    assert [p.title_en for p in recovery_projects(stage="funded", country="UA")] == ["A"]
    assert partnership_agreements(as_of=D(2023, 4, 30)).count() == 0
    assert partnership_agreements(as_of=D(2023, 5, 1), facility_id=hospital.pk).count() == 1
