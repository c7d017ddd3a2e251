"""`medinfra audit verify` notices what was changed behind the application's back."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from medinfra.core.models import AuditEvent
from medinfra.core.services import retract_record, update_record
from medinfra.incidents.services import set_verification


def verify() -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), err.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def registry(make_facility, assess, make_incident, other_actor, actor):
    facility = make_facility(beds=40)
    assessment = assess(
        facility, dt.date(2023, 1, 1), "partial", repair_cost=1500, repair_cost_currency="USD"
    )
    incident = make_incident(facility=facility)
    set_verification(incident, actor=other_actor, state="verified")
    update_record(facility, actor=actor, changes={"beds": 35})
    retract_record(assessment, actor=actor, reason="double entry")
    return facility


def test_intact_registry_verifies(registry):
    code, text = verify()

    assert code == 0, text
    assert "intact" in text


def test_a_row_changed_behind_the_applications_back_is_named(registry):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE facilities_facility SET beds = 500 WHERE id = %s", [registry.pk])

    code, text = verify()

    assert code == 1
    assert f"facilities.facility #{registry.pk}" in text
    assert "beds" in text


def test_a_row_deleted_behind_the_applications_back_is_named(registry):
    incident = registry.incidents.get()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM incidents_incidentattacktype WHERE incident_id = %s", [incident.pk]
        )
        cursor.execute(
            "DELETE FROM incidents_incidentresource WHERE incident_id = %s", [incident.pk]
        )
        cursor.execute(
            "DELETE FROM incidents_incident_sources WHERE incident_id = %s", [incident.pk]
        )
        cursor.execute("DELETE FROM incidents_incident WHERE id = %s", [incident.pk])

    code, text = verify()

    assert code == 1
    assert f"incidents.incident #{incident.pk}: deleted" in text


def test_a_changed_audit_event_is_named(registry):
    event = AuditEvent.objects.order_by("id")[3]
    AuditEvent.objects.filter(pk=event.pk).update(actor_label="someone else")

    code, text = verify()

    assert code == 1
    assert f"audit event {event.pk}" in text


def test_a_row_inserted_without_the_application_is_named(registry):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO sources_source (publisher, title, url, language, full_text, "
            "is_synthetic, created_at, updated_at, version, retraction_reason) VALUES "
            "('x', 'forged', '', '', '', false, %s, %s, 1, '')",
            [dt.datetime(2024, 1, 1, tzinfo=dt.UTC), dt.datetime(2024, 1, 1, tzinfo=dt.UTC)],
        )

    code, text = verify()

    assert code == 1
    assert "inserted without an audit event" in text
