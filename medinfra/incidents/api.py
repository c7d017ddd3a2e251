"""Attacks on health care: public reads of verified incidents, reporters' and verifiers' writes.

Only verified, current incidents are ever read here, in the public allow-list of fields;
verification is not a public filter. A write answers with a receipt that carries the
incident's state and nothing of its text.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from medinfra.api.auth import account, reporter, verifier
from medinfra.api.inputs import all_of, check_dates, one_of, region_filter
from medinfra.api.pagination import page_of
from medinfra.api.schemas import MAX_COUNT, MAX_ID, Page, PageParams
from medinfra.core.errors import NotFound
from medinfra.facilities.models import Facility, FacilityKind
from medinfra.incidents.models import (
    AttackType,
    Certainty,
    DatePrecision,
    Incident,
    IncidentAttackType,
    IncidentResource,
    Resource,
    Verification,
)
from medinfra.incidents.queries import public_incidents
from medinfra.incidents.schemas import IncidentPublic
from medinfra.incidents.services import record_incident, set_verification
from medinfra.sources.models import Source

router = Router(tags=["incidents"])

ORDERINGS = {"occurred_on": "occurred_on", "id": "pk"}
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class IncidentFilters(Schema):
    region: str | None = Field(None, max_length=20, description="ISO 3166-2 code, e.g. UA-63")
    from_: dt.date | None = Field(None, alias="from", description="On or after this date")
    to: dt.date | None = Field(None, description="On or before this date")
    facility: int | None = Field(None, ge=1, le=MAX_ID, description="Facility id")
    facility_kind: FacilityKind | None = Field(None, description="Kind of the facility attacked")
    attack_type: AttackType | None = None
    resource: Resource | None = None
    certainty: Certainty | None = None
    ordering: Literal["occurred_on", "-occurred_on", "id", "-id"] = "-occurred_on"


class IncidentIn(Schema):
    # A misspelt field would otherwise be dropped without a word.
    model_config = ConfigDict(extra="forbid")

    occurred_on: dt.date = Field(description="With month precision, the first of the month")
    date_precision: DatePrecision = DatePrecision.DAY
    region: str | None = Field(
        None, max_length=20, description="ISO 3166-2 code; by default the facility's region"
    )
    facility: Id | None = Field(None, description="Facility id")
    settlement: str = Field("", max_length=200)
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=8, decimal_places=5)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=8, decimal_places=5)
    attack_types: list[AttackType] = Field(min_length=1, max_length=len(AttackType))
    resources: list[Resource] = Field(min_length=1, max_length=len(Resource))
    sources: list[Id] = Field(min_length=1, max_length=100, description="Source ids")
    certainty: Certainty = Certainty.POSSIBLE
    description: str = Field("", max_length=20000, description="Staff only; never published")
    public_summary: str = Field(
        "", max_length=5000, description="Published once verified: no names, no exact places"
    )
    external_id: str | None = Field(None, max_length=100)
    health_workers_killed: Count = 0
    health_workers_injured: Count = 0
    health_workers_detained: Count = 0
    patients_killed: Count = 0
    patients_injured: Count = 0
    patients_detained: Count = 0


class VerificationIn(Schema):
    # A misspelt field would otherwise be dropped without a word.
    model_config = ConfigDict(extra="forbid")

    state: Verification
    certainty: Certainty | None = None
    reason: str = Field("", max_length=5000, description="Required to reject")
    expected_version: Id | None = Field(
        None, description="The version you reviewed; a newer one is refused (409)"
    )


class IncidentReceipt(Schema):
    """What a reporter or verifier gets back: the incident's state, nothing of its text."""

    id: int
    verification: str
    certainty: str
    version: int


def _public(today: dt.date) -> QuerySet[Incident]:
    return public_incidents(as_of=today).select_related("region")


@router.get("/incidents", response=Page[IncidentPublic], summary="List verified incidents")
def list_incidents(
    request: HttpRequest, filters: Query[IncidentFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Verified attacks on health care."""
    check_dates(filters.from_, filters.to)
    incidents = _public(timezone.localdate()).prefetch_related(
        "attack_types", "resources", "sources"
    )
    region = region_filter(filters.region)
    if region is not None:
        incidents = incidents.filter(region=region)
    if filters.from_:
        incidents = incidents.filter(occurred_on__gte=filters.from_)
    if filters.to:
        incidents = incidents.filter(occurred_on__lte=filters.to)
    if filters.facility:
        incidents = incidents.filter(facility_id=filters.facility)
    if filters.facility_kind:
        incidents = incidents.filter(facility__kind=filters.facility_kind)
    if filters.attack_type:
        incidents = incidents.filter(
            Exists(
                IncidentAttackType.objects.filter(
                    incident=OuterRef("pk"), attack_type=filters.attack_type
                )
            )
        )
    if filters.resource:
        incidents = incidents.filter(
            Exists(
                IncidentResource.objects.filter(incident=OuterRef("pk"), resource=filters.resource)
            )
        )
    if filters.certainty:
        incidents = incidents.filter(certainty=filters.certainty)
    return page_of(
        incidents,
        params=page,
        ordering=filters.ordering,
        orderings=ORDERINGS,
        check=IncidentPublic.of,
    )


@router.get("/incidents/{incident_id}", response=IncidentPublic, summary="One verified incident")
def get_incident(request: HttpRequest, incident_id: int = Path(..., ge=1, le=MAX_ID)) -> Incident:
    """A verified incident by id; any other answers 404, as if it did not exist."""
    incident = (
        _public(timezone.localdate())
        .prefetch_related("attack_types", "resources", "sources")
        .filter(pk=incident_id)
        .first()
    )
    if incident is None:
        raise NotFound(f"No public incident with id {incident_id}.")
    IncidentPublic.of(incident)
    return incident


@router.post(
    "/incidents",
    response={201: IncidentReceipt},
    auth=reporter,
    summary="Report an incident (reporters)",
)
def create_incident(request: HttpRequest, payload: IncidentIn) -> Status[Incident]:
    """Record an attack on health care; it is public only once another person verifies it."""
    facility = one_of(Facility.objects.select_related("region"), payload.facility, field="facility")
    sources = all_of(Source.objects.all(), payload.sources, field="sources")
    incident = record_incident(
        actor=account(request),
        occurred_on=payload.occurred_on,
        date_precision=payload.date_precision,
        region=payload.region or None,
        facility=facility,
        settlement=payload.settlement,
        latitude=payload.latitude,
        longitude=payload.longitude,
        attack_types=payload.attack_types,
        resources=payload.resources,
        sources=sources,
        certainty=payload.certainty,
        description=payload.description,
        public_summary=payload.public_summary,
        external_id=payload.external_id,
        health_workers_killed=payload.health_workers_killed,
        health_workers_injured=payload.health_workers_injured,
        health_workers_detained=payload.health_workers_detained,
        patients_killed=payload.patients_killed,
        patients_injured=payload.patients_injured,
        patients_detained=payload.patients_detained,
    )
    return Status(201, incident)


@router.post(
    "/incidents/{incident_id}/verification",
    response=IncidentReceipt,
    auth=verifier,
    summary="Decide on an incident (verifiers)",
)
def verify_incident(
    request: HttpRequest, payload: VerificationIn, incident_id: int = Path(..., ge=1, le=MAX_ID)
) -> Incident:
    """Move an incident through review; nobody verifies or rejects their own report (409)."""
    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        raise NotFound(f"No incident with id {incident_id}.")
    return set_verification(
        incident,
        actor=account(request),
        state=payload.state,
        certainty=payload.certainty,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
