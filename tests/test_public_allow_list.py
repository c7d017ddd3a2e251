"""Public output is built from an explicit allow-list; private fields are never on it."""

import datetime as dt
from decimal import Decimal

import pytest

from medinfra.facilities.schemas import AssessmentPublic, FacilityPublic, RestorationPublic
from medinfra.figures.schemas import FigurePublic
from medinfra.geography.queries import region_by_code
from medinfra.geography.schemas import RegionPublic
from medinfra.geography.services import set_access_status
from medinfra.incidents.schemas import IncidentPublic
from medinfra.incidents.services import set_verification
from medinfra.occupied.schemas import OccupiedCountPublic, OccupiedMonthPublic
from medinfra.partnerships.schemas import AgreementPublic
from medinfra.recovery.schemas import FundingPublic, PartnerPublic, ProjectPublic
from medinfra.sources.schemas import SourcePublic
from medinfra.vehicles.schemas import VehicleEventPublic, VehiclePublic

SCHEMAS = [
    RegionPublic,
    SourcePublic,
    FacilityPublic,
    AssessmentPublic,
    RestorationPublic,
    IncidentPublic,
    VehiclePublic,
    VehicleEventPublic,
    PartnerPublic,
    ProjectPublic,
    FundingPublic,
    AgreementPublic,
    FigurePublic,
    OccupiedCountPublic,
    OccupiedMonthPublic,
]
NEVER_PUBLIC = {
    "description",
    "reported_by",
    "verified_by",
    "verified_at",
    "full_text",
    "retracted_by",
    "retraction_reason",
    "note",
    "external_id",
    "persons",
    "settlement_in_occupied_territory",
    "contact_name",
    "contact_details",
    "summary",
    "original_name",
    "storage_name",
    "sha256",
}


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.__name__)
def test_no_public_schema_carries_a_private_field(schema):
    assert not NEVER_PUBLIC & set(schema.model_fields)


def test_unverified_incident_is_never_public(make_incident):
    with pytest.raises(ValueError, match="not public"):
        IncidentPublic.of(make_incident())


def test_public_incident_hides_the_staff_description(make_incident, other_actor):
    incident = make_incident(description="MARKER-staff-only", public_summary="shelling")
    incident = set_verification(incident, actor=other_actor, state="verified")

    public = IncidentPublic.of(incident).model_dump()

    assert "MARKER-staff-only" not in str(public)
    assert public["public_summary"] == "shelling"
    assert public["attack_types"] == ["heavy_weapons"]


def test_exact_place_in_occupied_territory_is_never_public(
    make_incident, make_facility, other_actor, actor
):
    region = region_by_code("UA-43")
    set_access_status(region, status="occupied", actor=actor)
    facility = make_facility(
        region="UA-43",
        latitude=Decimal("44.95"),
        longitude=Decimal("34.10"),
        settlement="MARKER-village",
    )
    incident = make_incident(
        region="UA-43",
        facility=facility,
        latitude=Decimal("44.95"),
        longitude=Decimal("34.10"),
        settlement="MARKER-village",
        occurred_on=dt.date(2023, 5, 1),
    )
    incident = set_verification(incident, actor=other_actor, state="verified")

    public_incident = IncidentPublic.of(incident).model_dump()
    public_facility = FacilityPublic.from_orm(facility).model_dump()

    assert public_incident["latitude"] is None and public_incident["longitude"] is None
    assert "MARKER-village" not in str(public_incident)
    assert public_facility["latitude"] is None and public_facility["longitude"] is None
    assert "MARKER-village" not in str(public_facility)


def test_coordinates_in_controlled_territory_are_public(make_facility):
    facility = make_facility(region="UA-46", latitude=Decimal("49.84"), longitude=Decimal("24.03"))

    assert FacilityPublic.from_orm(facility).latitude == Decimal("49.84")
