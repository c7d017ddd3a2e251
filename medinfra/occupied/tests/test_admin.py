"""The admin shows encrypted fields to verifiers and administrators only, and writes through
the services (markers in the audit trail)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.test import Client

from medinfra.core.crypto import CHANGED_MARKER
from medinfra.core.queries import history_of
from medinfra.occupied.tests.factories import person_with_role


def staff_client(username: str, role: str) -> tuple[Any, Client]:
    user = person_with_role(username, role, staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="occupied", codename__regex=r"^(view|change|add)_"
        )
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return user, client


def test_a_verifier_sees_the_names_in_the_admin(make_event, make_contact):
    event = make_event(persons="Admin Marker-Person")
    entry = make_contact(contact_name="Admin Marker-Contact")
    _user, client = staff_client("staff-verifier", "verifier")

    page = client.get(f"/admin/occupied/occupiedevent/{event.pk}/change/").content.decode()
    assert "Admin Marker-Person" in page
    page = client.get(f"/admin/occupied/contactlogentry/{entry.pk}/change/").content.decode()
    assert "Admin Marker-Contact" in page


def test_other_staff_see_no_encrypted_field_in_the_admin(make_event, make_contact):
    user, client = staff_client("staff-reporter", "reporter")
    event = make_event(
        actor=user, persons="Admin Marker-Person", description="Admin Marker-Description"
    )
    entry = make_contact(
        actor=user, contact_name="Admin Marker-Contact", summary="Admin Marker-Summary"
    )

    pages = [
        client.get(f"/admin/occupied/occupiedevent/{event.pk}/change/"),
        client.get(f"/admin/occupied/contactlogentry/{entry.pk}/change/"),
        client.get("/admin/occupied/occupiedevent/"),
        client.get("/admin/occupied/contactlogentry/"),
    ]

    for response in pages:
        assert response.status_code == 200
        assert "Admin Marker" not in response.content.decode()
    assert 'name="persons"' not in pages[0].content.decode()


def test_other_staff_saving_an_event_leave_the_names_as_they_were(make_event):
    user, client = staff_client("staff-reporter", "reporter")
    event = make_event(actor=user, persons="Kept Marker-Name")

    response = client.post(
        f"/admin/occupied/occupiedevent/{event.pk}/change/",
        {
            "occurred_on": "2024-03-05",
            "date_precision": "day",
            "region": event.region_id,
            "settlement": "Changed",
            "kind": "threat",
            "public_summary": "",
            "sources": [s.pk for s in event.sources.all()],
            "expected_version": event.version,
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    event.refresh_from_db()
    assert event.settlement == "Changed"
    assert event.persons == "Kept Marker-Name"


def test_a_name_changed_in_the_admin_is_audited_as_a_marker(make_event):
    event = make_event(persons="Old Marker-Name")
    _user, client = staff_client("staff-verifier", "verifier")

    response = client.post(
        f"/admin/occupied/occupiedevent/{event.pk}/change/",
        {
            "occurred_on": "2024-03-05",
            "date_precision": "day",
            "region": event.region_id,
            "kind": "threat",
            "persons": "New Marker-Name",
            "sources": [s.pk for s in event.sources.all()],
            "verification": "reported",
            "expected_version": event.version,
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    event.refresh_from_db()
    assert event.persons == "New Marker-Name"
    assert history_of(event).last().changes["after"] == {"persons": CHANGED_MARKER}


def test_other_staff_see_only_their_own_records_in_the_admin(make_event, other_reporter):
    mine_user, client = staff_client("staff-reporter", "reporter")
    mine = make_event(actor=mine_user)
    theirs = make_event(actor=other_reporter)

    listing = client.get("/admin/occupied/occupiedevent/").content.decode()

    assert f"/admin/occupied/occupiedevent/{mine.pk}/change/" in listing
    assert f"/admin/occupied/occupiedevent/{theirs.pk}/change/" not in listing
    assert client.get(f"/admin/occupied/occupiedevent/{theirs.pk}/change/").status_code == 302
