"""Public shape of incidents: the allow-list of fields, for verified incidents only.

No persons, no staff description, no reporter or verifier, and no exact place (settlement,
coordinates) in an occupied or inaccessible region.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema

from medinfra.incidents.models import Incident


class IncidentPublic(Schema):
    id: int
    occurred_on: dt.date
    date_precision: str
    region: str
    facility: int | None
    settlement: str
    latitude: Decimal | None
    longitude: Decimal | None
    attack_types: list[str]
    resources: list[str]
    health_workers_killed: int
    health_workers_injured: int
    health_workers_detained: int
    patients_killed: int
    patients_injured: int
    patients_detained: int
    certainty: str
    public_summary: str
    sources: list[int]
    is_synthetic: bool

    @classmethod
    def of(cls, incident: Incident) -> IncidentPublic:
        """The public view of a verified, current incident; anything else is refused."""
        if not incident.is_verified or incident.is_retracted:
            raise ValueError(f"incident {incident.pk} is not public")
        return cls.from_orm(incident)

    @staticmethod
    def resolve_region(obj: Incident) -> str:
        return obj.region.code

    @staticmethod
    def resolve_facility(obj: Incident) -> int | None:
        return obj.facility_id

    @staticmethod
    def resolve_settlement(obj: Incident) -> str:
        return "" if obj.region.is_occupied else obj.settlement

    @staticmethod
    def resolve_latitude(obj: Incident) -> Decimal | None:
        return None if obj.region.is_occupied else obj.latitude

    @staticmethod
    def resolve_longitude(obj: Incident) -> Decimal | None:
        return None if obj.region.is_occupied else obj.longitude

    @staticmethod
    def resolve_attack_types(obj: Incident) -> list[str]:
        return sorted(t.attack_type for t in obj.attack_types.all())

    @staticmethod
    def resolve_resources(obj: Incident) -> list[str]:
        return sorted(r.resource for r in obj.resources.all())

    @staticmethod
    def resolve_sources(obj: Incident) -> list[int]:
        return sorted(s.pk for s in obj.sources.all())
