"""The headline figures, as of a date and for a region: public, read only.

Counts come from medinfra.dashboard.queries, by the rules in docs/counting-rules.md. Attacks
are verified ones only: unverified incidents are never public, not even as a count.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from medinfra.api.inputs import check_not_future, region_filter
from medinfra.core.errors import InvalidInput
from medinfra.core.models import DatasetInfo
from medinfra.dashboard.queries import Headline, RegionFigures, headline, region_figures
from medinfra.facilities.queries import DamageCounts
from medinfra.geography.models import Region
from medinfra.vehicles.queries import VehicleCounts

router = Router(tags=["figures"])


class DamageOut(Schema):
    damaged_or_destroyed: int
    partially_damaged: int
    destroyed: int
    fully_restored: int
    partially_restored: int
    back_in_operation: int


class VehiclesOut(Schema):
    damaged: int
    destroyed: int
    seized: int


class RegionFiguresOut(Schema):
    region: str = Field(description="ISO 3166-2 code")
    name_en: str
    name_uk: str
    access_status: str
    is_assessable: bool = Field(description="False: damage cannot be assessed, never 0")
    damage: DamageOut | None = Field(description="Null where the region is not assessable")
    attacks_verified: int
    vehicles: VehiclesOut


class HeadlineOut(Schema):
    as_of: dt.date
    country: str
    region: str | None = Field(description="ISO 3166-2 code, or null for the whole country")
    is_synthetic: bool = Field(description="The figures come from made-up demonstration data")
    damage: DamageOut | None = Field(description="Null where the region is not assessable")
    attacks_verified: int
    vehicles: VehiclesOut
    ranking: list[str] = Field(description="Assessable regions with damage, most damaged first")
    not_assessable: list[str] = Field(description="Regions whose damage cannot be assessed")


class ByRegionOut(Schema):
    as_of: dt.date
    country: str
    is_synthetic: bool
    regions: list[RegionFiguresOut]


class FigureFilters(Schema):
    as_of: dt.date | None = Field(None, description="Only events on or before it count; today")
    region: str | None = Field(None, max_length=20, description="ISO 3166-2 code, e.g. UA-63")


def _damage(counts: DamageCounts | None) -> DamageOut | None:
    if counts is None:
        return None
    return DamageOut(
        damaged_or_destroyed=counts.damaged_or_destroyed,
        partially_damaged=counts.partially_damaged,
        destroyed=counts.destroyed,
        fully_restored=counts.fully_restored,
        partially_restored=counts.partially_restored,
        back_in_operation=counts.back_in_operation,
    )


def _vehicles(counts: VehicleCounts) -> VehiclesOut:
    return VehiclesOut(damaged=counts.damaged, destroyed=counts.destroyed, seized=counts.seized)


def _row(figures: RegionFigures) -> RegionFiguresOut:
    region = figures.region
    return RegionFiguresOut(
        region=region.code,
        name_en=region.name_en,
        name_uk=region.name_uk,
        access_status=region.access_status,
        is_assessable=figures.is_assessable,
        damage=_damage(figures.damage),
        attacks_verified=figures.attacks.verified,
        vehicles=_vehicles(figures.vehicles),
    )


def _scope(filters: FigureFilters) -> tuple[dt.date, str, Region | None]:
    country = settings.MEDINFRA_COUNTRY
    today = timezone.localdate()
    check_not_future(filters.as_of, field="as_of", today=today)
    region = region_filter(filters.region)
    if region is not None and region.country.code != country:
        raise InvalidInput({"region": f"Region {region.code} is not in {country}."})
    return filters.as_of or today, country, region


@router.get("/figures/headline", response=HeadlineOut, summary="Headline figures")
def get_headline(request: HttpRequest, filters: Query[FigureFilters]) -> HeadlineOut:
    """Damaged, destroyed, restored facilities, verified attacks and vehicle losses."""
    as_of, country, region = _scope(filters)
    figures: Headline = headline(country=country, as_of=as_of, region=region)
    return HeadlineOut(
        as_of=figures.as_of,
        country=figures.country,
        region=region.code if region is not None else None,
        is_synthetic=figures.synthetic,
        damage=_damage(figures.damage),
        attacks_verified=figures.attacks.verified,
        vehicles=_vehicles(figures.vehicles),
        ranking=[r.region.code for r in figures.ranking],
        not_assessable=[r.code for r in figures.not_assessable],
    )


@router.get("/figures/by-region", response=ByRegionOut, summary="Figures of every region")
def get_figures_by_region(request: HttpRequest, filters: Query[FigureFilters]) -> ByRegionOut:
    """The same figures for each region of the country (or one), in region-code order."""
    as_of, country, region = _scope(filters)
    rows = region_figures(as_of=as_of, country=country, region=region)
    return ByRegionOut(
        as_of=as_of,
        country=country,
        is_synthetic=DatasetInfo.current().is_synthetic,
        regions=[_row(r) for r in rows],
    )
