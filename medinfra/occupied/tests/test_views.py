"""Occupied-territory pages: who may open what, and who sees names."""

from __future__ import annotations

import pytest
from django.test import Client

from medinfra.occupied.models import ContactLogEntry, OccupiedEvent
from medinfra.occupied.services import set_event_verification


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def test_the_public_page_shows_counts_of_verified_events(client, make_event, verifier):
    set_event_verification(make_event(kind="illegal_decree"), actor=verifier, state="verified")
    make_event(kind="looting")  # not verified: not counted

    response = client.get("/occupied/", HTTP_ACCEPT_LANGUAGE="en")

    page = text(response)
    assert response.status_code == 200
    assert "Verified events by region and kind" in page
    assert "Illegal decree" in page
    assert "(UA-14)" in page


def test_the_public_page_speaks_ukrainian(client, ua):
    response = client.get("/occupied/", HTTP_ACCEPT_LANGUAGE="uk")

    assert "Тиск на охорону здоров’я на окупованій території" in text(response)


def test_the_public_page_without_verified_events_says_so(client, ua):
    response = client.get("/occupied/", HTTP_ACCEPT_LANGUAGE="en")

    assert "No verified event is recorded yet." in text(response)


@pytest.mark.parametrize(
    "path", ["/occupied/events/", "/occupied/events/new/", "/occupied/contacts/"]
)
def test_staff_pages_send_anonymous_visitors_to_sign_in(client, ua, path):
    response = client.get(path)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_coordinator_is_refused(coordinator):
    response = client_for(coordinator).get("/occupied/events/")

    assert response.status_code == 403
    assert "reporter, verifier, administrator" in text(response)


def test_a_reporter_records_an_event_and_then_cannot_read_the_names(reporter, make_source):
    source = make_source()
    client = client_for(reporter)

    response = client.post(
        "/occupied/events/new/",
        {
            "kind": "pressure_on_relatives",
            "occurred_on": "2024-02-10",
            "date_precision": "day",
            "region": "UA-23",
            "settlement": "Vasylivka",
            "persons": "Hanna Marker-Shevchenko",
            "description": "Her son was questioned",
            "sources": str(source.pk),
        },
    )

    event = OccupiedEvent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/occupied/events/{event.pk}/"
    assert event.persons == "Hanna Marker-Shevchenko"
    page = text(client.get(response["Location"]))
    assert "Marker-Shevchenko" not in page
    assert "Shown to verifiers and administrators only." in page
    assert "Her son was questioned" in page
    assert "Marker-Shevchenko" not in text(client.get("/occupied/events/"))


def test_a_bad_form_names_the_field_and_saves_nothing(reporter, ua):
    response = client_for(reporter).post(
        "/occupied/events/new/",
        {"kind": "threat", "occurred_on": "2024-02-30", "date_precision": "day", "region": "UA-99"},
    )

    page = text(response)
    assert response.status_code == 400
    assert 'href="#id_occurred_on"' in page
    assert 'href="#id_region"' in page
    assert not OccupiedEvent.all_objects.exists()


def test_a_service_refusal_is_shown_on_the_form(reporter, ua):
    response = client_for(reporter).post(
        "/occupied/events/new/",
        {"kind": "threat", "occurred_on": "2024-02-03", "date_precision": "day", "region": "UA-14"},
    )

    assert response.status_code == 400
    assert "Name a source, or the contact log entry" in text(response)


def test_a_reporter_does_not_open_another_reporters_event(make_event, other_reporter):
    event = make_event()

    assert client_for(other_reporter).get(f"/occupied/events/{event.pk}/").status_code == 404


def test_a_verifier_reads_the_names_and_decides(make_event, verifier):
    event = make_event(persons="Petro Marker-Bondar")
    client = client_for(verifier)

    page = text(client.get(f"/occupied/events/{event.pk}/"))
    assert "Petro Marker-Bondar" in page
    assert "Record the decision" in page

    response = client.post(
        f"/occupied/events/{event.pk}/review/",
        {"state": "verified", "reason": "", "expected_version": event.version},
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.verification == "verified"


def test_a_verifier_gets_no_review_form_for_their_own_report(verifier, make_event):
    event = make_event(actor=verifier)

    page = text(client_for(verifier).get(f"/occupied/events/{event.pk}/"))

    assert "Record the decision" not in page
    response = client_for(verifier).post(
        f"/occupied/events/{event.pk}/review/", {"state": "verified"}
    )
    assert response.status_code == 400
    assert "their own report" in text(response)


def test_a_rejection_without_reason_is_refused_naming_the_field(make_event, verifier):
    event = make_event()

    response = client_for(verifier).post(
        f"/occupied/events/{event.pk}/review/", {"state": "rejected", "reason": ""}
    )

    assert response.status_code == 400
    assert 'href="#id_reason"' in text(response)


def test_a_reporter_cannot_review(make_event, other_reporter):
    event = make_event()

    response = client_for(other_reporter).post(
        f"/occupied/events/{event.pk}/review/", {"state": "verified"}
    )

    assert response.status_code == 403


def test_the_contact_log_hides_the_person_from_reporters(reporter, verifier, make_facility, ua):
    facility = make_facility(region="UA-14")
    client = client_for(reporter)

    response = client.post(
        "/occupied/contacts/new/",
        {
            "facility": str(facility.pk),
            "contacted_on": "2024-01-15",
            "channel": "messenger",
            "summary": "The equipment was taken",
            "contact_name": "Dr Marker-Lysenko",
            "contact_details": "@marker_handle",
        },
    )

    entry = ContactLogEntry.objects.get()
    assert response.status_code == 302
    page = text(client.get(f"/occupied/contacts/{entry.pk}/"))
    assert "The equipment was taken" in page
    assert "Marker-Lysenko" not in page and "@marker_handle" not in page
    page = text(client_for(verifier).get(f"/occupied/contacts/{entry.pk}/"))
    assert "Marker-Lysenko" in page and "@marker_handle" in page


def test_an_unknown_facility_number_is_named(reporter, ua):
    response = client_for(reporter).post(
        "/occupied/contacts/new/",
        {"facility": "99999999999999999999", "contacted_on": "2024-01-15", "channel": "phone"},
    )

    page = text(response)
    assert response.status_code == 400
    assert 'href="#id_facility"' in page
    assert 'href="#id_summary"' in page


def test_a_bad_page_number_is_not_found(reporter):
    assert client_for(reporter).get("/occupied/events/?page=x").status_code == 404


def test_the_staff_menu_lists_the_pages_for_reporters(reporter):
    page = text(client_for(reporter).get("/occupied/"))

    assert 'href="/occupied/events/"' in page
    assert 'href="/occupied/contacts/"' in page
