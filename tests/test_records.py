import datetime as dt

import pytest

from medinfra.core.errors import Conflict, InvalidInput
from medinfra.core.models import AuditEvent
from medinfra.core.queries import history_of, verify_audit_chain
from medinfra.core.services import retract_record, update_record
from medinfra.facilities.models import Facility


def test_unique_code_held_by_a_retracted_record_is_refused_naming_the_field(make_facility, actor):
    old = make_facility(edrpou="12345678", external_id="ext-1")
    retract_record(old, actor=actor, reason="duplicate")

    with pytest.raises(InvalidInput) as error:
        make_facility(edrpou="12345678")
    assert "edrpou" in error.value.message_dict
    with pytest.raises(InvalidInput) as error:
        make_facility(external_id="ext-1")
    assert "external_id" in error.value.message_dict
    assert Facility.all_objects.count() == 1


def test_blank_edrpou_codes_do_not_clash(make_facility):
    make_facility(edrpou="")
    make_facility(edrpou="")

    assert Facility.objects.count() == 2


def test_update_refuses_a_stale_version_and_changes_nothing(make_facility, actor):
    facility = make_facility()
    update_record(facility, actor=actor, changes={"beds": 10}, expected_version=1)

    with pytest.raises(Conflict, match="changed by someone else"):
        update_record(facility, actor=actor, changes={"beds": 99}, expected_version=1)
    facility.refresh_from_db()
    assert facility.beds == 10


def test_every_write_is_audited_with_before_and_after(make_facility, actor):
    facility = make_facility(beds=5)
    update_record(facility, actor=actor, changes={"beds": 7}, reason="recount")
    retract_record(facility, actor=actor, reason="not a health facility")

    events = list(history_of(facility))
    assert [e.action for e in events] == ["create", "update", "retract"]
    assert events[1].changes == {"before": {"beds": 5}, "after": {"beds": 7}}
    assert events[2].reason == "not a health facility"
    assert events[2].actor_label == "clerk"
    assert verify_audit_chain().intact


def test_retraction_needs_a_reason_and_keeps_the_record(make_facility, actor):
    facility = make_facility()

    with pytest.raises(InvalidInput, match="reason"):
        retract_record(facility, actor=actor, reason="  ")
    retract_record(facility, actor=actor, reason="typing error")
    assert not Facility.objects.filter(pk=facility.pk).exists()
    assert Facility.all_objects.get(pk=facility.pk).retraction_reason == "typing error"


def test_audit_chain_names_an_event_changed_behind_the_applications_back(make_facility):
    make_facility()
    make_facility()
    event = AuditEvent.objects.order_by("id")[1]
    AuditEvent.objects.filter(pk=event.pk).update(reason="edited by hand")

    report = verify_audit_chain()
    assert not report.intact
    assert report.broken_at == event.pk


def test_audit_chain_notices_removed_newest_events(make_facility):
    make_facility()
    make_facility()
    AuditEvent.objects.order_by("-id").first().delete()

    assert "removed" in verify_audit_chain().problem


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"latitude": 55.75, "longitude": 37.6}, "latitude"),
        ({"latitude": 50.0}, "longitude"),
        ({"edrpou": "12AB"}, "edrpou"),
        ({"beds": -1}, "beds"),
        ({"kind": "castle"}, "kind"),
    ],
)
def test_bad_facility_input_names_the_field_and_changes_nothing(make_facility, fields, field):
    with pytest.raises(InvalidInput) as error:
        make_facility(**fields)
    assert field in error.value.message_dict
    assert Facility.all_objects.count() == 0
    assert not AuditEvent.objects.filter(model="facilities.facility").exists()


def test_unknown_region_code_is_refused_naming_the_region(make_facility):
    with pytest.raises(InvalidInput) as error:
        make_facility(region="UA-99")
    assert "UA-99" in error.value.message_dict["region"][0]


def test_assessment_dated_in_the_future_is_refused(make_facility, assess):
    with pytest.raises(InvalidInput) as error:
        assess(make_facility(), dt.date.today() + dt.timedelta(days=2), "partial")
    assert "assessed_on" in error.value.message_dict


def test_a_batch_of_writes_chains_like_single_writes(make_facility):
    from medinfra.core.models import AuditChainHead
    from medinfra.core.services import audit_batch

    make_facility()
    with audit_batch():
        make_facility()
        make_facility()
    make_facility()

    assert verify_audit_chain().intact
    assert AuditChainHead.objects.get().length == AuditEvent.objects.count()


def test_data_version_changes_with_every_write(make_facility, actor):
    from medinfra.core.queries import data_version

    before = data_version()
    facility = make_facility()
    after_create = data_version()
    retract_record(facility, actor=actor, reason="duplicate")

    assert before < after_create < data_version()


def test_partial_unique_conditions_on_empty_values_are_evaluated(make_facility, actor):
    from django.db.models import Q

    from medinfra.core.services import _satisfies

    facility = make_facility()

    assert _satisfies(facility, Q(retracted_at__isnull=True))
    retract_record(facility, actor=actor, reason="duplicate")
    assert not _satisfies(facility, Q(retracted_at__isnull=True))
