"""Counting rules for damage and recovery of facilities, as of any date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from medinfra.facilities.models import (
    DAMAGED_CONDITIONS,
    WORKING_FUNCTIONALITY,
    Assessment,
    Condition,
    Facility,
    Milestone,
    Restoration,
)
from medinfra.geography.models import Region


@dataclass(frozen=True)
class DamageCounts:
    """Facilities by worst condition ever, and how many of those came back."""

    damaged_or_destroyed: int = 0
    partially_damaged: int = 0
    destroyed: int = 0
    fully_restored: int = 0
    partially_restored: int = 0
    back_in_operation: int = 0

    def __add__(self, other: DamageCounts) -> DamageCounts:
        return DamageCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def _scoped(
    queryset: QuerySet[Facility], *, region: Region | None, country: str | None
) -> QuerySet[Facility]:
    if region is not None:
        queryset = queryset.filter(region=region)
    if country is not None:
        queryset = queryset.filter(region__country__code=country)
    return queryset


def damaged_facilities(
    *, as_of: dt.date, region: Region | None = None, country: str | None = None
) -> QuerySet[Facility]:
    """Facilities whose condition was ever partial or destroyed on or before the date."""
    damage = Assessment.objects.filter(
        facility=OuterRef("pk"), condition__in=DAMAGED_CONDITIONS, assessed_on__lte=as_of
    )
    return _scoped(Facility.objects.filter(Exists(damage)), region=region, country=country)


def damage_counts_by_region(
    *, as_of: dt.date, country: str | None = None, region: Region | None = None
) -> dict[int, DamageCounts]:
    """The damage and recovery counts of each region that has any damage, keyed by region id."""
    destroyed = Assessment.objects.filter(
        facility=OuterRef("pk"), condition=Condition.DESTROYED, assessed_on__lte=as_of
    )
    latest_milestone = Subquery(
        Restoration.objects.filter(facility=OuterRef("pk"), restored_on__lte=as_of)
        .order_by("-restored_on", "-id")
        .values("milestone")[:1]
    )
    latest_functionality = Subquery(
        Assessment.objects.filter(facility=OuterRef("pk"), assessed_on__lte=as_of)
        .order_by("-assessed_on", "-id")
        .values("functionality")[:1]
    )
    rows = (
        damaged_facilities(as_of=as_of, region=region, country=country)
        .annotate(
            is_destroyed=Exists(destroyed),
            milestone=latest_milestone,
            functionality=latest_functionality,
        )
        .order_by()
        .values("region_id")
        .annotate(
            total=Count("id"),
            destroyed=Count("id", filter=Q(is_destroyed=True)),
            fully=Count("id", filter=Q(milestone=Milestone.FULLY_RESTORED)),
            partially=Count("id", filter=Q(milestone=Milestone.PARTIALLY_RESTORED)),
            operating=Count("id", filter=Q(functionality__in=WORKING_FUNCTIONALITY)),
        )
    )
    return {
        row["region_id"]: DamageCounts(
            damaged_or_destroyed=row["total"],
            partially_damaged=row["total"] - row["destroyed"],
            destroyed=row["destroyed"],
            fully_restored=row["fully"],
            partially_restored=row["partially"],
            back_in_operation=row["operating"],
        )
        for row in rows
    }


def damage_counts(
    *, as_of: dt.date, region: Region | None = None, country: str | None = None
) -> DamageCounts:
    """Damage and recovery counts for a region, a country or everything."""
    total = DamageCounts()
    for counts in damage_counts_by_region(as_of=as_of, region=region, country=country).values():
        total = total + counts
    return total


def worst_condition(facility: Facility, *, as_of: dt.date) -> str | None:
    """The worst building condition ever assessed on or before the date, or None."""
    conditions = set(
        Assessment.objects.filter(facility=facility, assessed_on__lte=as_of).values_list(
            "condition", flat=True
        )
    )
    for condition in (Condition.DESTROYED, Condition.PARTIAL, Condition.NONE):
        if condition in conditions:
            return str(condition)
    return None
