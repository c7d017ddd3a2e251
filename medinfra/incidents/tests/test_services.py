import datetime as dt
from decimal import Decimal

import pytest

from medinfra.core.errors import Conflict, InvalidInput
from medinfra.core.models import AuditEvent
from medinfra.core.services import retract_record
from medinfra.incidents.models import Incident, IncidentAttackType
from medinfra.incidents.services import set_verification


def _nothing_written() -> bool:
    return (
        not Incident.all_objects.exists()
        and not IncidentAttackType.objects.exists()
        and not AuditEvent.objects.filter(model="incidents.incident").exists()
    )


def test_incident_dated_in_the_future_is_refused_naming_the_date(make_incident):
    with pytest.raises(InvalidInput) as error:
        make_incident(occurred_on=dt.date.today() + dt.timedelta(days=1))
    assert "occurred_on" in error.value.message_dict
    assert _nothing_written()


@pytest.mark.parametrize("field", ["health_workers_killed", "patients_injured"])
def test_negative_casualty_count_is_refused_naming_the_count(make_incident, field):
    with pytest.raises(InvalidInput) as error:
        make_incident(**{field: -1})
    assert field in error.value.message_dict
    assert _nothing_written()


def test_non_numeric_casualty_count_is_refused_naming_the_count(make_incident):
    with pytest.raises(InvalidInput) as error:
        make_incident(patients_killed="many")
    assert "patients_killed" in error.value.message_dict


def test_unknown_region_code_is_refused(make_incident):
    with pytest.raises(InvalidInput) as error:
        make_incident(region="XX-1")
    assert "region" in error.value.message_dict
    assert _nothing_written()


def test_coordinates_outside_the_country_are_refused(make_incident):
    with pytest.raises(InvalidInput) as error:
        make_incident(latitude=Decimal("48.85"), longitude=Decimal("2.35"))
    assert "latitude" in error.value.message_dict
    assert _nothing_written()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"attack_types": []}, "attack_types"),
        ({"attack_types": ["bombing"]}, "attack_types"),
        ({"resources": ["car"]}, "resources"),
        ({"sources": []}, "sources"),
    ],
)
def test_taxonomy_and_sources_are_checked(make_incident, fields, field):
    with pytest.raises(InvalidInput) as error:
        make_incident(**fields)
    assert field in error.value.message_dict
    assert _nothing_written()


def test_month_precision_needs_the_first_day_of_the_month(make_incident):
    with pytest.raises(InvalidInput) as error:
        make_incident(occurred_on=dt.date(2023, 5, 17), date_precision="month")
    assert "occurred_on" in error.value.message_dict


def test_facility_in_another_region_is_refused(make_incident, make_facility):
    with pytest.raises(InvalidInput) as error:
        make_incident(region="UA-14", facility=make_facility(region="UA-63"))
    assert "facility" in error.value.message_dict


def test_region_comes_from_the_facility_when_not_given(make_incident, make_facility):
    incident = make_incident(facility=make_facility(region="UA-48"))

    assert incident.region.code == "UA-48"


def test_nobody_verifies_their_own_report(make_incident, actor):
    incident = make_incident(actor=actor)

    with pytest.raises(Conflict, match="own report"):
        set_verification(incident, actor=actor, state="verified")
    incident.refresh_from_db()
    assert incident.verification == "reported"


def test_rejection_needs_a_reason(make_incident, other_actor):
    with pytest.raises(InvalidInput, match="reason"):
        set_verification(make_incident(), actor=other_actor, state="rejected")


def test_a_retracted_incident_cannot_be_reviewed(make_incident, actor, other_actor):
    incident = make_incident()
    retract_record(incident, actor=actor, reason="duplicate report")

    with pytest.raises(Conflict, match="retracted"):
        set_verification(incident, actor=other_actor, state="verified")


def test_a_stale_review_is_refused(make_incident, other_actor):
    incident = make_incident()
    set_verification(incident, actor=other_actor, state="under_review")

    with pytest.raises(Conflict, match="changed by someone else"):
        set_verification(incident, actor=other_actor, state="verified", expected_version=1)
