"""Writes about occupied territory: checked, audited with markers, reviewed by another person."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from medinfra.core.crypto import CHANGED_MARKER, MARKER
from medinfra.core.errors import Conflict, InvalidInput
from medinfra.core.models import AuditEvent
from medinfra.core.queries import history_of
from medinfra.occupied.models import OccupiedEvent
from medinfra.occupied.services import (
    retract_contact,
    retract_event,
    set_event_sources,
    set_event_verification,
    update_contact,
    update_event,
)


def verify() -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), err.getvalue()
    return 0, out.getvalue()


def trail_text() -> str:
    return json.dumps(list(AuditEvent.objects.values("changes", "reason")), ensure_ascii=False)


def test_a_new_event_is_reported_and_audited_without_names(make_event, reporter):
    event = make_event(
        persons="Ivan Marker-Petrenko",
        description="Taken from the ward by Marker-soldiers",
        settlement="Markerivka",
    )

    assert event.verification == "reported"
    assert event.reported_by == reporter
    after = history_of(event).get().changes["after"]
    assert after["persons"] == MARKER
    assert after["description"] == MARKER
    assert after["settlement"] == "Markerivka"
    assert "Marker-Petrenko" not in trail_text()
    assert "Marker-soldiers" not in trail_text()


def test_an_empty_private_text_is_audited_as_empty(make_event):
    event = make_event()

    assert history_of(event).get().changes["after"]["persons"] == ""


def test_a_changed_name_is_audited_as_a_marker(make_event, verifier):
    event = make_event(persons="First Marker-Name")

    update_event(
        event,
        actor=verifier,
        changes={"persons": "Second Marker-Name", "kind": "detention"},
        expected_version=1,
    )

    change = history_of(event).last().changes
    assert change["before"] == {"persons": MARKER, "kind": "threat"}
    assert change["after"] == {"persons": CHANGED_MARKER, "kind": "detention"}
    assert "Marker-Name" not in trail_text()
    event.refresh_from_db()
    assert event.persons == "Second Marker-Name"
    assert event.version == 2


def test_a_change_that_changes_nothing_writes_no_event(make_event, verifier):
    event = make_event(persons="Same Name")

    update_event(event, actor=verifier, changes={"persons": "Same Name "})

    assert history_of(event).count() == 1


def test_a_stale_version_is_refused(make_event, verifier):
    event = make_event()
    update_event(event, actor=verifier, changes={"settlement": "A"})

    with pytest.raises(Conflict, match="changed by someone else"):
        update_event(event, actor=verifier, changes={"settlement": "B"}, expected_version=1)


def test_review_fields_are_not_changed_directly(make_event, verifier):
    with pytest.raises(InvalidInput) as raised:
        update_event(make_event(), actor=verifier, changes={"verification": "verified"})

    assert "verification" in raised.value.message_dict


def test_an_event_names_a_source_or_a_contact(ua, reporter, make_contact):
    from medinfra.occupied.services import record_event

    with pytest.raises(InvalidInput) as raised:
        record_event(
            actor=reporter, kind="looting", occurred_on=dt.date(2024, 1, 1), region="UA-14"
        )
    assert "sources" in raised.value.message_dict

    contact = make_contact()
    event = record_event(
        actor=reporter,
        kind="looting",
        occurred_on=dt.date(2024, 1, 1),
        facility=contact.facility,
        contact=contact,
    )
    assert event.region == contact.facility.region


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "bombing"}, "kind"),
        ({"occurred_on": dt.date(2024, 3, 5), "date_precision": "month"}, "occurred_on"),
        ({"occurred_on": dt.date.today() + dt.timedelta(days=2)}, "occurred_on"),
        ({"region": "UA-99"}, "region"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(make_event, fields, field):
    with pytest.raises(InvalidInput) as raised:
        make_event(**fields)

    assert field in raised.value.message_dict
    assert not OccupiedEvent.all_objects.exists()


def test_the_facility_must_lie_in_the_region(make_event, make_facility):
    with pytest.raises(InvalidInput) as raised:
        make_event(region="UA-14", facility=make_facility(region="UA-63"))

    assert "facility" in raised.value.message_dict


def test_nobody_verifies_their_own_report(make_event, reporter):
    event = make_event()

    with pytest.raises(Conflict, match="their own report"):
        set_event_verification(event, actor=reporter, state="verified")


def test_another_person_verifies_and_may_reopen(make_event, verifier):
    event = set_event_verification(make_event(), actor=verifier, state="verified")

    assert (event.verification, event.verified_by) == ("verified", verifier)
    assert event.verified_at is not None

    event = set_event_verification(event, actor=verifier, state="reported", reason="new doubts")
    assert (event.verification, event.verified_by, event.verified_at) == ("reported", None, None)


def test_a_rejection_needs_a_reason(make_event, verifier):
    with pytest.raises(InvalidInput) as raised:
        set_event_verification(make_event(), actor=verifier, state="rejected")

    assert "reason" in raised.value.message_dict


def test_a_decision_cannot_jump_to_another_decision(make_event, verifier):
    event = set_event_verification(make_event(), actor=verifier, state="verified")

    with pytest.raises(Conflict, match="cannot become rejected"):
        set_event_verification(event, actor=verifier, state="rejected", reason="x")


def test_a_retracted_event_is_kept_but_not_reviewed(make_event, verifier, administrator):
    event = retract_event(make_event(), actor=administrator, reason="entered twice")

    assert OccupiedEvent.all_objects.filter(pk=event.pk).exists()
    assert not OccupiedEvent.objects.filter(pk=event.pk).exists()
    with pytest.raises(Conflict, match="retracted"):
        set_event_verification(event, actor=verifier, state="verified")


def test_sources_are_replaced_with_an_audited_change(make_event, make_source, verifier):
    event = make_event()
    other = make_source()

    set_event_sources(event, actor=verifier, sources=[other])

    assert list(event.sources.all()) == [other]
    assert history_of(event).last().changes["after"] == {"sources": [other.pk]}


def test_a_contact_is_logged_with_names_encrypted_and_audited_as_markers(make_contact, verifier):
    entry = make_contact(contact_name="Marker Head-Doctor", contact_details="+380 00 MARKER")

    after = history_of(entry).get().changes["after"]
    assert after["contact_name"] == after["contact_details"] == after["summary"] == MARKER
    update_contact(entry, actor=verifier, changes={"contact_details": "other MARKER"})
    assert history_of(entry).last().changes["after"] == {"contact_details": CHANGED_MARKER}
    assert "Head-Doctor" not in trail_text()
    assert "MARKER" not in trail_text()


def test_a_contact_needs_a_summary(make_contact):
    with pytest.raises(InvalidInput) as raised:
        make_contact(summary="  ")

    assert "summary" in raised.value.message_dict


def test_audit_verify_passes_on_occupied_records(make_event, make_contact, verifier, administrator):
    contact = make_contact(contact_name="A Marker")
    event = make_event(persons="B Marker", contact=contact, facility=contact.facility)
    update_event(event, actor=verifier, changes={"persons": "C Marker", "settlement": "X"})
    set_event_verification(event, actor=verifier, state="verified")
    update_contact(contact, actor=verifier, changes={"contact_name": ""})
    retract_contact(make_contact(), actor=administrator, reason="wrong facility")

    code, text = verify()

    assert code == 0, text


def test_audit_verify_names_a_plain_field_changed_behind_the_applications_back(make_event):
    event = make_event(settlement="Before")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE occupied_occupiedevent SET settlement = 'After' WHERE id = %s", [event.pk]
        )

    code, text = verify()

    assert code == 1
    assert f"occupied.occupiedevent #{event.pk}" in text
    assert "settlement" in text
