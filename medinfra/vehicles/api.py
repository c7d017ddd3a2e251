"""Ambulances and other health transport: public reads, reporters record losses."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from medinfra.api.auth import account, reporter
from medinfra.api.inputs import check_dates, one_of, region_filter
from medinfra.api.pagination import page_of
from medinfra.api.schemas import MAX_ID, Page, PageParams
from medinfra.core.errors import NotFound
from medinfra.sources.models import Source
from medinfra.vehicles.models import Vehicle, VehicleEvent, VehicleKind, VehicleStatus
from medinfra.vehicles.schemas import VehicleEventPublic, VehiclePublic
from medinfra.vehicles.services import record_vehicle_event

router = Router(tags=["vehicles"])

VEHICLE_ORDERINGS = {"id": "pk"}
EVENT_ORDERINGS = {"occurred_on": "occurred_on", "id": "pk"}


class VehicleFilters(Schema):
    region: str | None = Field(None, max_length=20, description="ISO 3166-2 code, e.g. UA-63")
    kind: VehicleKind | None = None
    owner_facility: int | None = Field(None, ge=1, le=MAX_ID, description="Facility id")
    ordering: Literal["id", "-id"] = "id"


class VehicleEventFilters(Schema):
    vehicle: int | None = Field(None, ge=1, le=MAX_ID, description="Vehicle id")
    region: str | None = Field(None, max_length=20, description="ISO 3166-2 code, e.g. UA-63")
    status: VehicleStatus | None = None
    from_: dt.date | None = Field(None, alias="from", description="On or after this date")
    to: dt.date | None = Field(None, description="On or before this date")
    ordering: Literal["occurred_on", "-occurred_on", "id", "-id"] = "-occurred_on"


class VehicleEventIn(Schema):
    # A misspelt field would otherwise be dropped without a word.
    model_config = ConfigDict(extra="forbid")

    occurred_on: dt.date
    status: VehicleStatus
    note: str = Field("", max_length=5000, description="Staff only; never published")
    source: int | None = Field(None, ge=1, le=MAX_ID, description="Source id")


def _vehicle(vehicle_id: int) -> Vehicle:
    vehicle = Vehicle.objects.select_related("region").filter(pk=vehicle_id).first()
    if vehicle is None:
        raise NotFound(f"No vehicle with id {vehicle_id}.")
    return vehicle


@router.get("/vehicles", response=Page[VehiclePublic], summary="List vehicles")
def list_vehicles(
    request: HttpRequest, filters: Query[VehicleFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Ambulances and other vehicles of the health system."""
    vehicles = Vehicle.objects.select_related("region")
    region = region_filter(filters.region)
    if region is not None:
        vehicles = vehicles.filter(region=region)
    if filters.kind:
        vehicles = vehicles.filter(kind=filters.kind)
    if filters.owner_facility:
        vehicles = vehicles.filter(owner_facility_id=filters.owner_facility)
    return page_of(vehicles, params=page, ordering=filters.ordering, orderings=VEHICLE_ORDERINGS)


@router.get("/vehicles/{vehicle_id}", response=VehiclePublic, summary="One vehicle")
def get_vehicle(request: HttpRequest, vehicle_id: int = Path(..., ge=1, le=MAX_ID)) -> Vehicle:
    """A vehicle by id."""
    return _vehicle(vehicle_id)


@router.get("/vehicle-events", response=Page[VehicleEventPublic], summary="List vehicle losses")
def list_vehicle_events(
    request: HttpRequest, filters: Query[VehicleEventFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Dated losses of vehicles: damaged, destroyed, seized."""
    check_dates(filters.from_, filters.to)
    # A loss of a retracted vehicle counts nowhere, so it is not shown either.
    events = VehicleEvent.objects.filter(vehicle__retracted_at__isnull=True)
    if filters.vehicle:
        events = events.filter(vehicle_id=filters.vehicle)
    region = region_filter(filters.region)
    if region is not None:
        events = events.filter(vehicle__region=region)
    if filters.status:
        events = events.filter(status=filters.status)
    if filters.from_:
        events = events.filter(occurred_on__gte=filters.from_)
    if filters.to:
        events = events.filter(occurred_on__lte=filters.to)
    return page_of(events, params=page, ordering=filters.ordering, orderings=EVENT_ORDERINGS)


@router.get("/vehicle-events/{event_id}", response=VehicleEventPublic, summary="One vehicle loss")
def get_vehicle_event(
    request: HttpRequest, event_id: int = Path(..., ge=1, le=MAX_ID)
) -> VehicleEvent:
    """A vehicle loss by id."""
    event = VehicleEvent.objects.filter(pk=event_id, vehicle__retracted_at__isnull=True).first()
    if event is None:
        raise NotFound(f"No vehicle loss with id {event_id}.")
    return event


@router.post(
    "/vehicles/{vehicle_id}/events",
    response={201: VehicleEventPublic},
    auth=reporter,
    summary="Record a vehicle loss (reporters)",
)
def create_vehicle_event(
    request: HttpRequest, payload: VehicleEventIn, vehicle_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[VehicleEvent]:
    """Record that a vehicle was damaged, destroyed or seized on a date."""
    vehicle = _vehicle(vehicle_id)
    event = record_vehicle_event(
        vehicle,
        actor=account(request),
        occurred_on=payload.occurred_on,
        status=payload.status,
        note=payload.note,
        source=one_of(Source.objects.all(), payload.source, field="source"),
    )
    return Status(201, event)
