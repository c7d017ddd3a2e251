"""The headline figures, as of a date and for a region: public, read only.

Counts come from medinfra.dashboard.queries, by the rules in docs/counting-rules.md. Attacks
are verified ones only: unverified incidents are never public, not even as a count. Each answer
is kept whole by medinfra.dashboard.pagecache (a repeated request is a lookup there), and its
body per data version by cached(), for the requests the former does not keep.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.renderers import JSONRenderer

from medinfra.api.inputs import check_not_future, region_filter
from medinfra.core.errors import InvalidInput
from medinfra.core.models import DatasetInfo
from medinfra.dashboard.queries import (
    Headline,
    RegionFigures,
    cached,
    figures_version,
    headline,
    region_figures,
)
from medinfra.facilities.queries import DamageCounts, damage_by_month
from medinfra.geography.models import Region
from medinfra.incidents.queries import verified_attacks_by_month
from medinfra.vehicles.queries import VehicleCounts

router = Router(tags=["figures"])
RENDERER = JSONRenderer()


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


class MonthlyAttacksOut(Schema):
    month: dt.date = Field(description="The first day of the month")
    total: int = Field(description="Verified attacks in the month")
    by_type: dict[str, int] = Field(
        description="The same by attack type (one attack may count under several)"
    )


class MonthlyDamageOut(DamageOut):
    month: dt.date = Field(description="The first day of the month")
    as_of: dt.date = Field(description="The month's last day, or the as-of date in its month")


class ByMonthOut(Schema):
    as_of: dt.date
    country: str
    region: str | None = Field(description="ISO 3166-2 code, or null for the whole country")
    is_synthetic: bool
    attacks: list[MonthlyAttacksOut] = Field(
        description="From the first month with a verified attack to the as-of date's month"
    )
    damage: list[MonthlyDamageOut] | None = Field(
        description="Counts at each month's end, from the first damage; null where the region "
        "is not assessable"
    )


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


def _damage_fields(counts: DamageCounts) -> dict[str, int]:
    return {name: getattr(counts, name) for name in DamageOut.model_fields}


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


def _answer(
    request: HttpRequest, name: str, build: Callable[[], Schema], filters: FigureFilters
) -> HttpResponse:
    """The endpoint's answer, rendered once per data version, date and place."""
    as_of, country, region = _scope(filters)

    def render() -> bytes:
        # Ninja's own renderer, as the API uses it for every other answer.
        text = RENDERER.render(request, build().model_dump(), response_status=200)
        return text.encode(RENDERER.charset) if isinstance(text, str) else bytes(text)

    body = cached(
        f"api-{name}",
        render,
        version=figures_version(),
        as_of=as_of,
        region=region,
        country=country,
    )
    return HttpResponse(body, content_type=f"{RENDERER.media_type}; charset={RENDERER.charset}")


@router.get("/figures/headline", response=HeadlineOut, summary="Headline figures")
def get_headline(request: HttpRequest, filters: Query[FigureFilters]) -> HttpResponse:
    """Damaged, destroyed, restored facilities, verified attacks and vehicle losses."""
    as_of, country, region = _scope(filters)

    def build() -> HeadlineOut:
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

    return _answer(request, "headline", build, filters)


@router.get("/figures/by-region", response=ByRegionOut, summary="Figures of every region")
def get_figures_by_region(request: HttpRequest, filters: Query[FigureFilters]) -> HttpResponse:
    """The same figures for each region of the country (or one), in region-code order."""
    as_of, country, region = _scope(filters)

    def build() -> ByRegionOut:
        rows = region_figures(as_of=as_of, country=country, region=region)
        return ByRegionOut(
            as_of=as_of,
            country=country,
            is_synthetic=DatasetInfo.current().is_synthetic,
            regions=[_row(r) for r in rows],
        )

    return _answer(request, "by-region", build, filters)


@router.get("/figures/by-month", response=ByMonthOut, summary="Figures month by month")
def get_figures_by_month(request: HttpRequest, filters: Query[FigureFilters]) -> HttpResponse:
    """Verified attacks in each month, and the damage counts at each month's end."""
    as_of, country, region = _scope(filters)
    in_country = None if region is not None else country

    def build() -> ByMonthOut:
        attacks = verified_attacks_by_month(as_of=as_of, region=region, country=in_country)
        damage = None
        # No damage series where damage cannot be assessed: it would draw a false zero.
        if region is None or region.is_assessable:
            damage = [
                MonthlyDamageOut(month=m.month, as_of=m.as_of, **_damage_fields(m.counts))
                for m in damage_by_month(as_of=as_of, region=region, country=in_country)
            ]
        return ByMonthOut(
            as_of=as_of,
            country=country,
            region=region.code if region is not None else None,
            is_synthetic=DatasetInfo.current().is_synthetic,
            attacks=[
                MonthlyAttacksOut(month=m.month, total=m.total, by_type=m.by_type) for m in attacks
            ],
            damage=damage,
        )

    return _answer(request, "by-month", build, filters)
