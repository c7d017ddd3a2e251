"""Read endpoints for partners, recovery projects and their funding."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema

from medinfra.api.inputs import check_dates, region_filter
from medinfra.api.pagination import page_of
from medinfra.api.schemas import MAX_ID, Page, PageParams
from medinfra.core.errors import NotFound
from medinfra.recovery.models import (
    Block,
    Funding,
    FundingKind,
    Partner,
    PartnerKind,
    RecoveryProject,
    Stage,
)
from medinfra.recovery.schemas import FundingPublic, PartnerPublic, ProjectPublic

router = Router(tags=["recovery"])

PARTNER_ORDERINGS = {"id": "pk", "name_en": "name_en"}
PROJECT_ORDERINGS = {"id": "pk", "priority": "priority", "title_en": "title_en"}
FUNDING_ORDERINGS = {"id": "pk", "on": "on"}


class PartnerFilters(Schema):
    kind: PartnerKind | None = None
    country: str | None = Field(
        None, pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code"
    )
    ordering: Literal["id", "-id", "name_en", "-name_en"] = "name_en"


class ProjectFilters(Schema):
    region: str | None = Field(None, max_length=20, description="ISO 3166-2 code, e.g. UA-63")
    facility: int | None = Field(None, ge=1, le=MAX_ID, description="Facility id")
    block: Block | None = Field(None, description="Block of the recovery plan, 1 to 3")
    stage: Stage | None = None
    ordering: Literal["priority", "-priority", "title_en", "-title_en", "id", "-id"] = "priority"


class FundingFilters(Schema):
    project: int | None = Field(None, ge=1, le=MAX_ID, description="Project id")
    partner: int | None = Field(None, ge=1, le=MAX_ID, description="Partner id")
    kind: FundingKind | None = None
    from_: dt.date | None = Field(None, alias="from", description="On or after this date")
    to: dt.date | None = Field(None, description="On or before this date")
    ordering: Literal["on", "-on", "id", "-id"] = "on"


@router.get("/partners", response=Page[PartnerPublic], summary="List partners")
def list_partners(
    request: HttpRequest, filters: Query[PartnerFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Ministries, international organisations, governments, NGOs, donors, foreign hospitals."""
    partners = Partner.objects.all()
    if filters.kind:
        partners = partners.filter(kind=filters.kind)
    if filters.country:
        partners = partners.filter(country=filters.country.upper())
    return page_of(partners, params=page, ordering=filters.ordering, orderings=PARTNER_ORDERINGS)


@router.get("/partners/{partner_id}", response=PartnerPublic, summary="One partner")
def get_partner(request: HttpRequest, partner_id: int = Path(..., ge=1, le=MAX_ID)) -> Partner:
    """A partner by id."""
    partner = Partner.objects.filter(pk=partner_id).first()
    if partner is None:
        raise NotFound(f"No partner with id {partner_id}.")
    return partner


@router.get("/projects", response=Page[ProjectPublic], summary="List recovery projects")
def list_projects(
    request: HttpRequest, filters: Query[ProjectFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Projects of the recovery plan, most urgent first."""
    projects = RecoveryProject.objects.select_related("region")
    region = region_filter(filters.region)
    if region is not None:
        projects = projects.filter(region=region)
    if filters.facility:
        projects = projects.filter(facility_id=filters.facility)
    if filters.block:
        projects = projects.filter(block=filters.block)
    if filters.stage:
        projects = projects.filter(stage=filters.stage)
    return page_of(projects, params=page, ordering=filters.ordering, orderings=PROJECT_ORDERINGS)


@router.get("/projects/{project_id}", response=ProjectPublic, summary="One recovery project")
def get_project(
    request: HttpRequest, project_id: int = Path(..., ge=1, le=MAX_ID)
) -> RecoveryProject:
    """A recovery project by id."""
    project = RecoveryProject.objects.select_related("region").filter(pk=project_id).first()
    if project is None:
        raise NotFound(f"No recovery project with id {project_id}.")
    return project


def _current_funding() -> Any:
    # Funding of a retracted project or partner is not shown: it belongs to them.
    return Funding.objects.filter(
        project__retracted_at__isnull=True, partner__retracted_at__isnull=True
    )


@router.get("/funding", response=Page[FundingPublic], summary="List funding")
def list_funding(
    request: HttpRequest, filters: Query[FundingFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Partners' commitments and disbursements to recovery projects."""
    check_dates(filters.from_, filters.to)
    funding = _current_funding()
    if filters.project:
        funding = funding.filter(project_id=filters.project)
    if filters.partner:
        funding = funding.filter(partner_id=filters.partner)
    if filters.kind:
        funding = funding.filter(kind=filters.kind)
    if filters.from_:
        funding = funding.filter(on__gte=filters.from_)
    if filters.to:
        funding = funding.filter(on__lte=filters.to)
    return page_of(funding, params=page, ordering=filters.ordering, orderings=FUNDING_ORDERINGS)


@router.get("/funding/{funding_id}", response=FundingPublic, summary="One funding entry")
def get_funding(request: HttpRequest, funding_id: int = Path(..., ge=1, le=MAX_ID)) -> Funding:
    """A commitment or disbursement by id."""
    found = _current_funding().filter(pk=funding_id).first()
    if found is None:
        raise NotFound(f"No funding entry with id {funding_id}.")
    return found
