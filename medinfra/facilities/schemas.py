"""Public shape of facilities, assessments and restorations: the allow-list of fields.

The settlement and coordinates of a site in an occupied or inaccessible region never leave
the system.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema

from medinfra.facilities.models import Assessment, Facility, Restoration


class FacilityPublic(Schema):
    id: int
    name_uk: str
    name_en: str
    kind: str
    region: str
    settlement: str
    latitude: Decimal | None
    longitude: Decimal | None
    edrpou: str
    ownership: str
    beds: int | None
    is_synthetic: bool

    @staticmethod
    def resolve_region(obj: Facility) -> str:
        return obj.region.code

    @staticmethod
    def resolve_settlement(obj: Facility) -> str:
        return "" if obj.region.is_occupied else obj.settlement

    @staticmethod
    def resolve_latitude(obj: Facility) -> Decimal | None:
        return None if obj.region.is_occupied else obj.latitude

    @staticmethod
    def resolve_longitude(obj: Facility) -> Decimal | None:
        return None if obj.region.is_occupied else obj.longitude


class AssessmentPublic(Schema):
    id: int
    facility: int
    assessed_on: dt.date
    condition: str
    functionality: str
    repair_cost: Decimal | None
    repair_cost_currency: str
    assessed_by: str

    @staticmethod
    def resolve_facility(obj: Assessment) -> int:
        return obj.facility_id


class RestorationPublic(Schema):
    id: int
    facility: int
    restored_on: dt.date
    milestone: str

    @staticmethod
    def resolve_facility(obj: Restoration) -> int:
        return obj.facility_id
