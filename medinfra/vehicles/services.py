"""Writes to the vehicle register."""

from __future__ import annotations

import datetime as dt

from medinfra.core.errors import InvalidInput
from medinfra.core.services import Actor, create_record
from medinfra.facilities.models import Facility
from medinfra.geography.models import Region
from medinfra.geography.queries import region_by_code
from medinfra.sources.models import Source
from medinfra.vehicles.models import Vehicle, VehicleEvent


def register_vehicle(
    *,
    actor: Actor,
    region: Region | str | None = None,
    kind: str = "ambulance",
    owner_facility: Facility | None = None,
    description: str = "",
    external_id: str | None = None,
    is_synthetic: bool = False,
) -> Vehicle:
    """Add a vehicle; its region defaults to its owner facility's."""
    if isinstance(region, str):
        region = region_by_code(region)
    if region is None:
        if owner_facility is None:
            raise InvalidInput(
                {"region": "Give the region, or the facility that owns the vehicle."}
            )
        region = owner_facility.region
    return create_record(
        Vehicle(
            kind=kind,
            region=region,
            owner_facility=owner_facility,
            description=description.strip(),
            external_id=external_id or None,
            is_synthetic=is_synthetic,
        ),
        actor=actor,
    )


def record_vehicle_event(
    vehicle: Vehicle,
    *,
    actor: Actor,
    occurred_on: dt.date,
    status: str,
    source: Source | None = None,
    note: str = "",
) -> VehicleEvent:
    """Record that a vehicle was damaged, destroyed or seized on a date."""
    return create_record(
        VehicleEvent(
            vehicle=vehicle, occurred_on=occurred_on, status=status, source=source, note=note
        ),
        actor=actor,
    )
