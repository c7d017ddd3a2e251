"""Submitting a draft: through the real services when valid; when not, errors named per
field, the registry unchanged and the draft kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from medinfra.core.models import AuditEvent
from medinfra.facilities.models import Assessment, Restoration
from medinfra.incidents.models import Incident
from medinfra.reporting.models import Draft, DraftState
from medinfra.sources.models import Source
from medinfra.vehicles.models import Vehicle, VehicleEvent

D = dt.date


def registry_rows() -> dict[str, int]:
    return {
        "incidents": Incident.all_objects.count(),
        "assessments": Assessment.all_objects.count(),
        "restorations": Restoration.all_objects.count(),
        "vehicles": Vehicle.all_objects.count(),
        "vehicle events": VehicleEvent.all_objects.count(),
        "sources": Source.all_objects.count(),
        "audit events": AuditEvent.objects.count(),
    }


def incident_data(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "attack_types": ["heavy_weapons"],
        "resources": ["facility", "personnel"],
        "occurred_on": "2024-03-10",
        "date_precision": "day",
        "region": "UA-63",
        "facility": "",
        "settlement": "Ізюм",
        "latitude": "",
        "longitude": "",
        "health_workers_killed": "1",
        "health_workers_injured": "",
        "health_workers_detained": "0",
        "patients_killed": "0",
        "patients_injured": "4",
        "patients_detained": "0",
        "description": "Private details.",
        "public_summary": "A hospital was shelled.",
        "sources": [],
        "source_numbers": "",
        "new_source_publisher": "",
        "new_source_title": "",
        "new_source_url": "",
        "new_source_published_on": "",
        "new_source_language": "",
        "action": "submit",
    }
    data.update(fields)
    return data


def submit(reporter: Any, kind: str, data: dict[str, Any]) -> Any:
    return reporter.client.post(f"/reports/new/{kind}/", data)


# -- incidents -----------------------------------------------------------------------------------


def test_a_valid_incident_is_recorded_as_reported_by_its_reporter(
    reporter: Any, make_source: Any, make_facility: Any
) -> None:
    source = make_source()
    facility = make_facility(region="UA-63")
    data = incident_data(
        facility=str(facility.pk),
        sources=[str(source.pk)],
        new_source_publisher="Міська рада",
        new_source_title="Повідомлення про обстріл",
        new_source_url="https://example.org/news/1",
        new_source_published_on="2024-03-11",
        new_source_language="uk",
    )

    response = submit(reporter, "incident", data)

    draft = Draft.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == f"/reports/?submitted={draft.pk}"
    incident = Incident.objects.get()
    assert draft.state == DraftState.SUBMITTED
    assert draft.submitted_at is not None
    assert draft.incident == incident
    assert incident.reported_by == reporter
    assert incident.verification == "reported"
    assert incident.facility == facility
    assert incident.health_workers_killed == 1
    assert incident.health_workers_injured == 0
    assert incident.patients_injured == 4
    assert sorted(incident.resources.values_list("resource", flat=True)) == [
        "facility",
        "personnel",
    ]
    titles = sorted(incident.sources.values_list("title", flat=True))
    assert titles == sorted([source.title, "Повідомлення про обстріл"])
    assert AuditEvent.objects.filter(model="incidents.incident", actor=reporter).count() == 1

    listed = reporter.client.get(response["Location"]).content.decode()
    assert f"Incident #{incident.pk} is reported" in listed


def test_the_region_may_come_from_the_facility_and_a_month_date_from_any_day(
    reporter: Any, make_source: Any, make_facility: Any
) -> None:
    facility = make_facility(region="UA-48")
    data = incident_data(
        region="",
        facility=str(facility.pk),
        occurred_on="2024-02-17",
        date_precision="month",
        source_numbers=str(make_source().pk),
    )

    assert submit(reporter, "incident", data).status_code == 302
    incident = Incident.objects.get()
    assert incident.region.code == "UA-48"
    assert incident.occurred_on == D(2024, 2, 1)


@pytest.mark.parametrize(
    ("fields", "field", "anchor"),
    [
        ({"attack_types": []}, "attack_types", "id_attack_types_0"),
        ({"resources": []}, "resources", "id_resources_0"),
        ({"occurred_on": "2024-13-45"}, "occurred_on", "id_occurred_on"),
        ({"occurred_on": "2999-01-01"}, "occurred_on", "id_occurred_on"),
        ({"region": "", "facility": ""}, "region", "id_region"),
        ({"facility": "abc"}, "facility", "id_facility"),
        ({"facility": "987654"}, "facility", "id_facility"),
        ({"patients_killed": "-2"}, "patients_killed", "id_patients_killed"),
        ({"latitude": "49.2"}, "longitude", "id_longitude"),
        ({"source_numbers": ""}, "sources", "id_sources_0"),
        ({"source_numbers": "12x"}, "source_numbers", "id_source_numbers"),
        ({"source_numbers": "424242"}, "source_numbers", "id_source_numbers"),
        ({"new_source_publisher": "Half a source"}, "new_source_title", "id_new_source_title"),
        ({"new_source_url": "not a url", "new_source_title": "T"}, "new_source_url", None),
    ],
)
def test_an_invalid_incident_names_the_field_and_changes_nothing(
    reporter: Any, make_source: Any, fields: dict[str, Any], field: str, anchor: str | None
) -> None:
    data = incident_data(source_numbers=str(make_source().pk))
    data.update(fields)
    before = registry_rows()

    response = submit(reporter, "incident", data)

    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert f'href="#{anchor or "id_" + field}"' in page
    assert f'id="id_{field}_error"' in page
    assert registry_rows() == before
    draft = Draft.objects.get()
    assert draft.state == DraftState.OPEN
    assert "Your draft is saved; the report was not submitted." in page
    assert f'action="/reports/drafts/{draft.pk}/"' in page


def test_a_problem_only_the_service_finds_is_shown_beside_its_field(
    reporter: Any, make_source: Any
) -> None:
    data = incident_data(source_numbers=str(make_source().pk), latitude="48.85", longitude="2.35")
    before = registry_rows()

    response = submit(reporter, "incident", data)

    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_latitude"' in page
    assert "lies outside Ukraine" in page
    assert registry_rows() == before


def test_a_new_source_is_not_kept_when_the_incident_is_refused(reporter: Any) -> None:
    data = incident_data(
        latitude="48.85",
        longitude="2.35",
        new_source_publisher="Publisher",
        new_source_title="Title",
    )

    assert submit(reporter, "incident", data).status_code == 400
    assert not Source.all_objects.exists()


def test_a_submitted_draft_is_not_saved_or_submitted_again(reporter: Any, make_source: Any) -> None:
    submit(reporter, "incident", incident_data(source_numbers=str(make_source().pk)))
    draft = Draft.objects.get()

    again = reporter.client.post(
        f"/reports/drafts/{draft.pk}/",
        incident_data(draft_version=str(draft.version), source_numbers=str(draft.incident_id)),
    )

    assert again.status_code == 409
    assert "already submitted or discarded" in again.content.decode()
    assert Incident.objects.count() == 1


def test_a_stale_submit_is_refused(reporter: Any, make_source: Any) -> None:
    reporter.client.post("/reports/new/incident/", {"settlement": "a", "action": "save"})
    draft = Draft.objects.get()
    reporter.client.post(f"/reports/drafts/{draft.pk}/autosave/", {"draft_version": "1"})

    response = reporter.client.post(
        f"/reports/drafts/{draft.pk}/",
        incident_data(draft_version="1", source_numbers=str(make_source().pk)),
    )

    assert response.status_code == 409
    assert not Incident.objects.exists()


# -- assessments, restorations, vehicle losses ---------------------------------------------------


def test_a_valid_assessment_is_recorded(
    reporter: Any, make_facility: Any, make_source: Any
) -> None:
    facility = make_facility()
    source = make_source()

    response = submit(
        reporter,
        "assessment",
        {
            "facility": f"#{facility.pk}",
            "assessed_on": "2024-04-01",
            "condition": "partial",
            "functionality": "partial",
            "repair_cost": "1500000",
            "repair_cost_currency": "uah",
            "assessed_by": "Обласна адміністрація",
            "sources": [str(source.pk)],
            "action": "submit",
        },
    )

    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.facility, assessment.condition) == (facility, "partial")
    assert assessment.repair_cost_currency == "UAH"
    assert assessment.source == source
    assert Draft.objects.get().assessment == assessment


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"condition": ""}, "condition"),
        ({"facility": "x1"}, "facility"),
        ({"repair_cost_currency": ""}, "repair_cost_currency"),
        ({"repair_cost": "-5"}, "repair_cost"),
        ({"source_numbers": "1, 2"}, "sources"),
    ],
)
def test_an_invalid_assessment_names_the_field_and_changes_nothing(
    reporter: Any, make_facility: Any, make_source: Any, fields: dict[str, Any], field: str
) -> None:
    facility = make_facility()
    first, second = make_source(), make_source()
    data = {
        "facility": str(facility.pk),
        "assessed_on": "2024-04-01",
        "condition": "destroyed",
        "functionality": "none",
        "repair_cost": "100",
        "repair_cost_currency": "EUR",
        "action": "submit",
    }
    data.update(fields)
    if "source_numbers" in fields:
        data["source_numbers"] = f"{first.pk}, {second.pk}"
    before = registry_rows()

    response = submit(reporter, "assessment", data)

    assert response.status_code == 400
    assert f'href="#id_{field}' in response.content.decode()
    assert registry_rows() == before


def test_a_restoration_needs_recorded_damage_as_the_service_says(
    reporter: Any, make_facility: Any, assess: Any
) -> None:
    facility = make_facility()
    data = {
        "facility": str(facility.pk),
        "restored_on": "2024-05-01",
        "milestone": "fully_restored",
        "note": "Відновлено дах.",
        "action": "submit",
    }
    before = registry_rows()

    refused = submit(reporter, "restoration", data)

    assert refused.status_code == 400
    assert 'href="#id_facility"' in refused.content.decode()
    assert "record the damage" in refused.content.decode()
    assert registry_rows() == before

    assess(facility, D(2024, 3, 1), "partial")
    draft = Draft.objects.get()
    accepted = reporter.client.post(
        f"/reports/drafts/{draft.pk}/", {**data, "draft_version": str(draft.version + 0)}
    )

    assert accepted.status_code == 302
    restoration = Restoration.objects.get()
    assert restoration.milestone == "fully_restored"
    draft.refresh_from_db()
    assert draft.restoration == restoration


def test_a_vehicle_loss_registers_a_new_vehicle_with_its_event(
    reporter: Any, make_facility: Any
) -> None:
    owner = make_facility(region="UA-14")

    response = submit(
        reporter,
        "vehicle_event",
        {
            "vehicle_kind": "ambulance",
            "vehicle_owner_facility": str(owner.pk),
            "vehicle_description": "Пікап",
            "occurred_on": "2024-01-05",
            "status": "seized",
            "action": "submit",
        },
    )

    assert response.status_code == 302
    event = VehicleEvent.objects.select_related("vehicle").get()
    assert event.status == "seized"
    assert event.vehicle.owner_facility == owner
    assert event.vehicle.region.code == "UA-14"


def test_a_vehicle_loss_of_a_registered_vehicle(reporter: Any, make_vehicle: Any) -> None:
    vehicle = make_vehicle(region="UA-63")

    response = submit(
        reporter,
        "vehicle_event",
        {
            "vehicle": str(vehicle.pk),
            "vehicle_kind": "ambulance",
            "occurred_on": "2024-01-05",
            "status": "destroyed",
            "action": "submit",
        },
    )

    assert response.status_code == 302
    assert VehicleEvent.objects.get().vehicle == vehicle
    assert Vehicle.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({}, "vehicle"),
        ({"vehicle": "31337"}, "vehicle"),
        ({"vehicle_region": "UA-63", "status": "stolen"}, "status"),
        ({"vehicle_region": "UA-63", "occurred_on": ""}, "occurred_on"),
    ],
)
def test_an_invalid_vehicle_loss_names_the_field_and_changes_nothing(
    reporter: Any, ua: Any, fields: dict[str, Any], field: str
) -> None:
    data = {"vehicle_kind": "ambulance", "occurred_on": "2024-01-05", "status": "damaged"}
    data.update(fields)
    before = registry_rows()

    response = submit(reporter, "vehicle_event", {**data, "action": "submit"})

    assert response.status_code == 400
    assert f'href="#id_{field}' in response.content.decode()
    assert registry_rows() == before
