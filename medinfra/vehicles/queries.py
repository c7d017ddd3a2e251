"""Counting rules for health transport, as of any date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from medinfra.geography.models import Region
from medinfra.vehicles.models import STATUS_SEVERITY, Vehicle, VehicleEvent, VehicleStatus


@dataclass(frozen=True)
class VehicleCounts:
    """Vehicles by the worst status they ever had; each vehicle counts once."""

    damaged: int = 0
    destroyed: int = 0
    seized: int = 0

    def __add__(self, other: VehicleCounts) -> VehicleCounts:
        return VehicleCounts(
            self.damaged + other.damaged,
            self.destroyed + other.destroyed,
            self.seized + other.seized,
        )


def vehicle_counts_by_region(
    *, as_of: dt.date, country: str | None = None, region: Region | None = None
) -> dict[int, VehicleCounts]:
    """Vehicle losses of each region with any, keyed by region id."""
    vehicles = Vehicle.objects.all()
    if region is not None:
        vehicles = vehicles.filter(region=region)
    if country is not None:
        vehicles = vehicles.filter(region__country__code=country)
    flags = {
        status: Exists(
            VehicleEvent.objects.filter(
                vehicle=OuterRef("pk"), status=status, occurred_on__lte=as_of
            )
        )
        for status in VehicleStatus.values
    }
    vehicles = vehicles.annotate(**{f"had_{s}": e for s, e in flags.items()})
    worse_first = sorted(VehicleStatus.values, key=lambda s: -STATUS_SEVERITY[s])  # type: ignore[index]
    counts = {}
    for i, status in enumerate(worse_first):
        # Counted under a status only if the vehicle never had a worse one.
        condition = Q(**{f"had_{status}": True})
        for worse in worse_first[:i]:
            condition &= Q(**{f"had_{worse}": False})
        counts[status] = Count("id", filter=condition)
    rows = (
        vehicles.filter(
            Exists(VehicleEvent.objects.filter(vehicle=OuterRef("pk"), occurred_on__lte=as_of))
        )
        .order_by()
        .values("region_id")
        .annotate(**counts)
    )
    return {
        row["region_id"]: VehicleCounts(
            damaged=row[VehicleStatus.DAMAGED],
            destroyed=row[VehicleStatus.DESTROYED],
            seized=row[VehicleStatus.SEIZED],
        )
        for row in rows
    }


def vehicle_counts(
    *, as_of: dt.date, region: Region | None = None, country: str | None = None
) -> VehicleCounts:
    """Vehicle losses for a region, a country or everything."""
    total = VehicleCounts()
    for counts in vehicle_counts_by_region(as_of=as_of, region=region, country=country).values():
        total = total + counts
    return total


# -- lists for the public pages --------------------------------------------------------------


def vehicles_with_losses(
    *,
    as_of: dt.date,
    region: Region | None = None,
    country: str | None = None,
    status: str | None = None,
    owner_facility_id: int | None = None,
) -> QuerySet[Vehicle]:
    """Vehicles with a loss on or before the date, with `worst_status` and their `losses`."""
    # worst_status follows the counting rule (a seized vehicle is not destroyed); the events up
    # to the date are prefetched as `losses`, oldest first.
    vehicles = Vehicle.objects.select_related("region")
    if region is not None:
        vehicles = vehicles.filter(region=region)
    if country is not None:
        vehicles = vehicles.filter(region__country__code=country)
    if owner_facility_id is not None:
        vehicles = vehicles.filter(owner_facility_id=owner_facility_id)
    # One aggregate per vehicle rather than an EXISTS per status: SQLite would answer those from
    # the (status, date) index, reading every loss of the country for each vehicle.
    severity = Subquery(
        VehicleEvent.objects.filter(vehicle=OuterRef("pk"), occurred_on__lte=as_of)
        .order_by()
        .values("vehicle")
        .annotate(
            worst=Max(
                Case(
                    *(When(Q(status=s), then=Value(n)) for s, n in STATUS_SEVERITY.items()),
                    output_field=IntegerField(),
                )
            )
        )
        .values("worst")[:1],
        output_field=IntegerField(),
    )
    worst = Case(
        *(When(Q(severity=n), then=Value(str(s))) for s, n in STATUS_SEVERITY.items()),
        default=Value(""),
        output_field=CharField(),
    )
    losses = VehicleEvent.objects.filter(occurred_on__lte=as_of).order_by("occurred_on", "id")
    vehicles = (
        vehicles.annotate(severity=severity)
        .filter(severity__isnull=False)
        .annotate(worst_status=worst)
        .prefetch_related(Prefetch("events", queryset=losses, to_attr="losses"))
    )
    if status:
        vehicles = vehicles.filter(worst_status=status)
    return vehicles.order_by("region__code", "id")
