"""Rows of the public pages, built only from the public allow-list schemas.

A template gets these rows, never a model instance: a field that no public schema exposes cannot
reach a page by accident.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from medinfra.facilities.models import Facility
from medinfra.facilities.queries import worst_of
from medinfra.facilities.schemas import FacilityPublic
from medinfra.geography.models import Region
from medinfra.geography.schemas import RegionPublic
from medinfra.incidents.models import Incident
from medinfra.incidents.schemas import IncidentPublic
from medinfra.partnerships.models import PartnershipAgreement
from medinfra.partnerships.schemas import AgreementPublic
from medinfra.recovery.models import RecoveryProject
from medinfra.recovery.schemas import PartnerPublic, ProjectPublic
from medinfra.sources.schemas import SourcePublic
from medinfra.vehicles.models import Vehicle
from medinfra.vehicles.schemas import VehicleEventPublic, VehiclePublic


def public_region(region: Region) -> RegionPublic:
    return RegionPublic.from_orm(region)


def public_regions(regions: Iterable[Region]) -> dict[str, RegionPublic]:
    """The public view of each region, by code (the regions come with their country)."""
    return {r.code: public_region(r) for r in regions}


def _region(regions: dict[str, RegionPublic], region: Region) -> RegionPublic:
    return regions.get(region.code) or public_region(region)


def public_facility(facility: Facility) -> FacilityPublic:
    return FacilityPublic.from_orm(facility)


@dataclass(frozen=True)
class FacilityRow:
    facility: FacilityPublic
    region: RegionPublic
    worst: str | None
    milestone: str | None
    functionality: str | None


def facility_rows(
    facilities: Iterable[Facility], regions: dict[str, RegionPublic]
) -> list[FacilityRow]:
    """Facilities annotated by facilities_with_status(), as public rows."""
    return [
        FacilityRow(
            facility=public_facility(f),
            region=_region(regions, f.region),
            worst=worst_of(f),
            milestone=getattr(f, "milestone", None),
            functionality=getattr(f, "functionality", None),
        )
        for f in facilities
    ]


@dataclass(frozen=True)
class IncidentRow:
    incident: IncidentPublic
    region: RegionPublic
    facility: FacilityPublic | None
    sources: list[SourcePublic]

    @property
    def casualties(self) -> int:
        i = self.incident
        return (
            i.health_workers_killed
            + i.health_workers_injured
            + i.health_workers_detained
            + i.patients_killed
            + i.patients_injured
            + i.patients_detained
        )


def incident_rows(
    incidents: Iterable[Incident], regions: dict[str, RegionPublic]
) -> list[IncidentRow]:
    """Verified incidents (IncidentPublic.of refuses any other) as public rows."""
    return [
        IncidentRow(
            incident=IncidentPublic.of(i),
            region=_region(regions, i.region),
            facility=public_facility(i.facility) if i.facility is not None else None,
            sources=[SourcePublic.from_orm(s) for s in i.sources.all()],
        )
        for i in incidents
    ]


@dataclass(frozen=True)
class VehicleRow:
    vehicle: VehiclePublic
    region: RegionPublic
    worst_status: str
    losses: list[VehicleEventPublic]


def vehicle_rows(vehicles: Iterable[Vehicle], regions: dict[str, RegionPublic]) -> list[VehicleRow]:
    """Vehicles annotated by vehicles_with_losses(), as public rows."""
    return [
        VehicleRow(
            vehicle=VehiclePublic.from_orm(v),
            region=_region(regions, v.region),
            worst_status=getattr(v, "worst_status", ""),
            losses=[VehicleEventPublic.from_orm(e) for e in getattr(v, "losses", [])],
        )
        for v in vehicles
    ]


@dataclass(frozen=True)
class ProjectRow:
    project: ProjectPublic
    region: RegionPublic
    facility: FacilityPublic | None


def project_rows(
    projects: Iterable[RecoveryProject], regions: dict[str, RegionPublic]
) -> list[ProjectRow]:
    return [
        ProjectRow(
            project=ProjectPublic.from_orm(p),
            region=_region(regions, p.region),
            facility=public_facility(p.facility) if p.facility is not None else None,
        )
        for p in projects
    ]


@dataclass(frozen=True)
class AgreementRow:
    agreement: AgreementPublic
    region: RegionPublic
    facility: FacilityPublic
    partner: PartnerPublic


def agreement_rows(
    agreements: Iterable[PartnershipAgreement], regions: dict[str, RegionPublic]
) -> list[AgreementRow]:
    return [
        AgreementRow(
            agreement=AgreementPublic.from_orm(a),
            region=_region(regions, a.facility.region),
            facility=public_facility(a.facility),
            partner=PartnerPublic.from_orm(a.partner),
        )
        for a in agreements
    ]
