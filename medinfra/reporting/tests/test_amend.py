"""A reporter changes their own incident while it is still reported, never after review."""

from __future__ import annotations

from typing import Any

from medinfra.core.models import AuditEvent
from medinfra.core.queries import history_of
from medinfra.core.services import update_record
from medinfra.incidents.models import Incident
from medinfra.incidents.services import set_verification
from medinfra.reporting.models import Draft, DraftState
from medinfra.reporting.tests.test_submit import incident_data


def own_incident(reporter: Any, make_incident: Any, make_facility: Any) -> Incident:
    return make_incident(
        actor=reporter,
        facility=make_facility(region="UA-63"),
        settlement="Ізюм",
        patients_injured=2,
        description="Перше повідомлення.",
    )


def test_changing_ones_reported_incident_starts_from_its_values(
    reporter: Any, make_incident: Any, make_facility: Any
) -> None:
    incident = own_incident(reporter, make_incident, make_facility)

    response = reporter.client.post(f"/reports/incidents/{incident.pk}/change/")

    draft = Draft.objects.get()
    assert response["Location"] == f"/reports/drafts/{draft.pk}/"
    assert draft.amends == incident
    assert draft.amends_version == incident.version
    assert draft.payload["patients_injured"] == "2"
    assert draft.payload["facility"] == str(incident.facility_id)
    page = reporter.client.get(response["Location"]).content.decode()
    assert f"Change incident #{incident.pk}" in page
    assert "Перше повідомлення." in page
    # Asking again opens the same draft of the change.
    reporter.client.post(f"/reports/incidents/{incident.pk}/change/")
    assert Draft.objects.count() == 1


def test_a_submitted_change_is_applied_through_the_services_and_audited(
    reporter: Any, make_incident: Any, make_facility: Any
) -> None:
    incident = own_incident(reporter, make_incident, make_facility)
    reporter.client.post(f"/reports/incidents/{incident.pk}/change/")
    draft = Draft.objects.get()
    data = incident_data(
        **{
            **draft.payload,
            "patients_injured": "3",
            "attack_types": ["heavy_weapons", "setting_fire"],
            "draft_version": str(draft.version),
            "action": "submit",
        }
    )

    response = reporter.client.post(f"/reports/drafts/{draft.pk}/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    incident.refresh_from_db()
    assert incident.patients_injured == 3
    assert sorted(incident.attack_types.values_list("attack_type", flat=True)) == [
        "heavy_weapons",
        "setting_fire",
    ]
    assert Incident.all_objects.count() == 1
    events = list(history_of(incident))
    assert [e.action for e in events] == ["create", "update", "update"]
    assert events[1].changes == {
        "before": {"patients_injured": 2},
        "after": {"patients_injured": 3},
    }
    assert {e.reason for e in events[1:]} == {"changed by its reporter before review"}
    draft.refresh_from_db()
    assert (draft.state, draft.incident) == (DraftState.SUBMITTED, incident)


def test_no_change_once_a_verifier_took_the_incident_up(
    reporter: Any, verifier: Any, make_incident: Any, make_facility: Any
) -> None:
    incident = own_incident(reporter, make_incident, make_facility)
    reporter.client.post(f"/reports/incidents/{incident.pk}/change/")
    draft = Draft.objects.get()
    set_verification(incident, actor=verifier, state="under_review")
    events = AuditEvent.objects.count()

    refused = reporter.client.post(
        f"/reports/drafts/{draft.pk}/",
        incident_data(**{**draft.payload, "patients_injured": "9", "draft_version": "1"}),
    )

    assert refused.status_code == 400
    assert "under_review" in refused.content.decode()
    incident.refresh_from_db()
    assert incident.patients_injured == 2
    assert AuditEvent.objects.count() == events
    assert Draft.objects.get().state == DraftState.OPEN

    again = reporter.client.post(f"/reports/incidents/{incident.pk}/change/")
    assert again.status_code == 409
    assert "cannot be changed" in again.content.decode()
    listed = reporter.client.get("/reports/").content.decode()
    assert f"Change #{incident.pk}" not in listed
    assert "under review" in listed


def test_a_change_started_from_a_stale_version_is_refused(
    reporter: Any, person: Any, make_incident: Any, make_facility: Any
) -> None:
    incident = own_incident(reporter, make_incident, make_facility)
    reporter.client.post(f"/reports/incidents/{incident.pk}/change/")
    draft = Draft.objects.get()
    administrator = person("admin-1", "administrator")
    update_record(incident, actor=administrator, changes={"settlement": "Ізюм (центр)"})

    refused = reporter.client.post(
        f"/reports/drafts/{draft.pk}/",
        incident_data(**{**draft.payload, "patients_injured": "9", "draft_version": "1"}),
    )

    page = refused.content.decode()
    assert refused.status_code == 400
    assert "changed by someone else" in page
    incident.refresh_from_db()
    assert (incident.settlement, incident.patients_injured) == ("Ізюм (центр)", 2)


def test_nobody_changes_someone_elses_incident(reporter: Any, make_incident: Any) -> None:
    incident = make_incident()  # reported by another account

    response = reporter.client.post(f"/reports/incidents/{incident.pk}/change/")

    assert response.status_code == 409
    assert not Draft.objects.exists()
