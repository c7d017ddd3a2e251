"""Read endpoints for regions: public, with their access status."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema

from medinfra.api.pagination import page_of
from medinfra.api.schemas import Page, PageParams
from medinfra.core.errors import NotFound
from medinfra.geography.models import AccessStatus, Region, RegionKind
from medinfra.geography.schemas import RegionPublic

router = Router(tags=["regions"])

REGION_CODE = r"^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$"
ORDERINGS = {"code": "code", "name_en": "name_en", "name_uk": "name_uk"}


class RegionFilters(Schema):
    country: str | None = Field(
        None, pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code, e.g. UA"
    )
    kind: RegionKind | None = None
    access_status: AccessStatus | None = None
    ordering: Literal["code", "-code", "name_en", "-name_en", "name_uk", "-name_uk"] = "code"


@router.get("/regions", response=Page[RegionPublic], summary="List regions")
def list_regions(
    request: HttpRequest, filters: Query[RegionFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """First-level regions, with the access the registry has to each."""
    regions = Region.objects.select_related("country")
    if filters.country:
        regions = regions.filter(country__code=filters.country.upper())
    if filters.kind:
        regions = regions.filter(kind=filters.kind)
    if filters.access_status:
        regions = regions.filter(access_status=filters.access_status)
    return page_of(regions, params=page, ordering=filters.ordering, orderings=ORDERINGS)


@router.get("/regions/{code}", response=RegionPublic, summary="One region")
def get_region(
    request: HttpRequest,
    code: str = Path(..., pattern=REGION_CODE, description="ISO 3166-2 code, e.g. UA-63"),
) -> Region:
    """A region by its ISO 3166-2 code."""
    region = Region.objects.select_related("country").filter(code=code.upper()).first()
    if region is None:
        raise NotFound(f"No region with code {code!r}.")
    return region
