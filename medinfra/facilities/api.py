"""Facilities, their assessments and restorations: public reads, reporters' writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
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
from medinfra.facilities import schemas
from medinfra.facilities.models import (
    Assessment,
    Condition,
    Facility,
    FacilityKind,
    Functionality,
    Milestone,
    Ownership,
    Restoration,
)
from medinfra.facilities.schemas import AssessmentPublic, RestorationPublic
from medinfra.facilities.services import record_assessment, record_restoration
from medinfra.sources.models import Source

router = Router(tags=["facilities"])

FACILITY_ORDERINGS = {"id": "pk", "name_uk": "name_uk", "name_en": "name_en"}
ASSESSMENT_ORDERINGS = {"id": "pk", "assessed_on": "assessed_on"}
RESTORATION_ORDERINGS = {"id": "pk", "restored_on": "restored_on"}


class FacilityPublic(schemas.FacilityPublic):
    """The shared allow-list of facility fields, with the settlement left out where occupied."""

    # Like a site's coordinates, the settlement of a site in occupied or inaccessible territory
    # can point to the people who work there (IncidentPublic leaves it out for the same reason).
    @staticmethod
    def resolve_settlement(obj: Facility) -> str:
        return "" if obj.region.is_occupied else obj.settlement


def _facility(facility_id: int) -> Facility:
    facility = Facility.objects.select_related("region").filter(pk=facility_id).first()
    if facility is None:
        raise NotFound(f"No facility with id {facility_id}.")
    return facility


class FacilityFilters(Schema):
    region: str | None = Field(None, max_length=20, description="ISO 3166-2 code, e.g. UA-63")
    kind: FacilityKind | None = None
    ownership: Ownership | None = None
    ordering: Literal["id", "-id", "name_uk", "-name_uk", "name_en", "-name_en"] = "id"


class EventFilters(Schema):
    facility: int | None = Field(None, ge=1, le=MAX_ID, description="Facility id")
    region: str | None = Field(None, max_length=20, description="ISO 3166-2 code, e.g. UA-63")
    from_: dt.date | None = Field(None, alias="from", description="On or after this date")
    to: dt.date | None = Field(None, description="On or before this date")


class AssessmentFilters(EventFilters):
    condition: Condition | None = None
    functionality: Functionality | None = None
    ordering: Literal["assessed_on", "-assessed_on", "id", "-id"] = "-assessed_on"


class RestorationFilters(EventFilters):
    milestone: Milestone | None = None
    ordering: Literal["restored_on", "-restored_on", "id", "-id"] = "-restored_on"


class AssessmentIn(Schema):
    # A misspelt field would otherwise be dropped without a word.
    model_config = ConfigDict(extra="forbid")

    assessed_on: dt.date
    condition: Condition
    functionality: Functionality
    repair_cost: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2)
    repair_cost_currency: str = Field("", max_length=3, description="ISO 4217, e.g. UAH")
    assessed_by: str = Field("", max_length=200, description="The organisation, not a person")
    source: int | None = Field(None, ge=1, le=MAX_ID, description="Source id")


class RestorationIn(Schema):
    # A misspelt field would otherwise be dropped without a word.
    model_config = ConfigDict(extra="forbid")

    restored_on: dt.date
    milestone: Milestone
    note: str = Field("", max_length=5000, description="Staff only; never published")
    source: int | None = Field(None, ge=1, le=MAX_ID, description="Source id")


@router.get("/facilities", response=Page[FacilityPublic], summary="List facilities")
def list_facilities(
    request: HttpRequest, filters: Query[FacilityFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Health-care facilities in the registry."""
    facilities = Facility.objects.select_related("region")
    region = region_filter(filters.region)
    if region is not None:
        facilities = facilities.filter(region=region)
    if filters.kind:
        facilities = facilities.filter(kind=filters.kind)
    if filters.ownership:
        facilities = facilities.filter(ownership=filters.ownership)
    return page_of(
        facilities,
        params=page,
        ordering=filters.ordering,
        orderings=FACILITY_ORDERINGS,
    )


@router.get("/facilities/{facility_id}", response=FacilityPublic, summary="One facility")
def get_facility(request: HttpRequest, facility_id: int = Path(..., ge=1, le=MAX_ID)) -> Facility:
    """A facility by id."""
    return _facility(facility_id)


def _events_of_current_facilities(events: Any, filters: EventFilters, *, date_field: str) -> Any:
    check_dates(filters.from_, filters.to)
    # An event of a retracted facility counts nowhere, so it is not shown either.
    events = events.filter(facility__retracted_at__isnull=True)
    if filters.facility:
        events = events.filter(facility_id=filters.facility)
    region = region_filter(filters.region)
    if region is not None:
        events = events.filter(facility__region=region)
    if filters.from_:
        events = events.filter(**{f"{date_field}__gte": filters.from_})
    if filters.to:
        events = events.filter(**{f"{date_field}__lte": filters.to})
    return events


@router.get("/assessments", response=Page[AssessmentPublic], summary="List assessments")
def list_assessments(
    request: HttpRequest, filters: Query[AssessmentFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Dated observations of facilities' condition and functionality."""
    assessments = _events_of_current_facilities(
        Assessment.objects.all(), filters, date_field="assessed_on"
    )
    if filters.condition:
        assessments = assessments.filter(condition=filters.condition)
    if filters.functionality:
        assessments = assessments.filter(functionality=filters.functionality)
    return page_of(
        assessments, params=page, ordering=filters.ordering, orderings=ASSESSMENT_ORDERINGS
    )


@router.get("/assessments/{assessment_id}", response=AssessmentPublic, summary="One assessment")
def get_assessment(
    request: HttpRequest, assessment_id: int = Path(..., ge=1, le=MAX_ID)
) -> Assessment:
    """An assessment by id."""
    found = Assessment.objects.filter(pk=assessment_id, facility__retracted_at__isnull=True).first()
    if found is None:
        raise NotFound(f"No assessment with id {assessment_id}.")
    return found


@router.get("/restorations", response=Page[RestorationPublic], summary="List restorations")
def list_restorations(
    request: HttpRequest, filters: Query[RestorationFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Dated milestones of damaged facilities coming back."""
    restorations = _events_of_current_facilities(
        Restoration.objects.all(), filters, date_field="restored_on"
    )
    if filters.milestone:
        restorations = restorations.filter(milestone=filters.milestone)
    return page_of(
        restorations, params=page, ordering=filters.ordering, orderings=RESTORATION_ORDERINGS
    )


@router.get("/restorations/{restoration_id}", response=RestorationPublic, summary="One restoration")
def get_restoration(
    request: HttpRequest, restoration_id: int = Path(..., ge=1, le=MAX_ID)
) -> Restoration:
    """A restoration milestone by id."""
    found = Restoration.objects.filter(
        pk=restoration_id, facility__retracted_at__isnull=True
    ).first()
    if found is None:
        raise NotFound(f"No restoration with id {restoration_id}.")
    return found


@router.post(
    "/facilities/{facility_id}/assessments",
    response={201: AssessmentPublic},
    auth=reporter,
    summary="Record an assessment (reporters)",
)
def create_assessment(
    request: HttpRequest, payload: AssessmentIn, facility_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[Assessment]:
    """Record a facility's condition and functionality on a date."""
    facility = _facility(facility_id)
    assessment = record_assessment(
        facility,
        actor=account(request),
        assessed_on=payload.assessed_on,
        condition=payload.condition,
        functionality=payload.functionality,
        repair_cost=payload.repair_cost,
        repair_cost_currency=payload.repair_cost_currency,
        assessed_by=payload.assessed_by,
        source=one_of(Source.objects.all(), payload.source, field="source"),
    )
    return Status(201, assessment)


@router.post(
    "/facilities/{facility_id}/restorations",
    response={201: RestorationPublic},
    auth=reporter,
    summary="Record a restoration (reporters)",
)
def create_restoration(
    request: HttpRequest, payload: RestorationIn, facility_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[Restoration]:
    """Record that a damaged facility was partially or fully restored on a date."""
    facility = _facility(facility_id)
    restoration = record_restoration(
        facility,
        actor=account(request),
        restored_on=payload.restored_on,
        milestone=payload.milestone,
        note=payload.note,
        source=one_of(Source.objects.all(), payload.source, field="source"),
    )
    return Status(201, restoration)
