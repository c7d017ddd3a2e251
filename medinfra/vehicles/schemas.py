"""Public shape of vehicles and their losses: the allow-list of fields."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from medinfra.vehicles.models import Vehicle, VehicleEvent


class VehiclePublic(Schema):
    id: int
    kind: str
    region: str
    owner_facility: int | None
    is_synthetic: bool

    @staticmethod
    def resolve_region(obj: Vehicle) -> str:
        return obj.region.code

    @staticmethod
    def resolve_owner_facility(obj: Vehicle) -> int | None:
        return obj.owner_facility_id


class VehicleEventPublic(Schema):
    id: int
    vehicle: int
    occurred_on: dt.date
    status: str

    @staticmethod
    def resolve_vehicle(obj: VehicleEvent) -> int:
        return obj.vehicle_id
