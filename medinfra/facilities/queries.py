"""Counting rules for damage and recovery of facilities, as of any date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

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


# -- series and lists for the public pages ---------------------------------------------------


@dataclass(frozen=True)
class MonthlyDamage:
    """The damage and recovery counts at the end of one month, or on the as-of date."""

    month: dt.date
    as_of: dt.date
    counts: DamageCounts


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _month_of_index(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(month: dt.date) -> dt.date:
    following = _month_of_index(_month_index(month) + 1)
    return following - dt.timedelta(days=1)


def _facility_states(
    assessments: list[tuple[dt.date, str, str]], restorations: list[tuple[dt.date, str]]
) -> list[tuple[dt.date, tuple[int, ...]]]:
    """One facility's contribution to DamageCounts after each day it had events, in date order."""
    events: dict[dt.date, list[tuple[str, str, str]]] = {}
    for on, condition, functionality in assessments:
        events.setdefault(on, []).append(("assessment", condition, functionality))
    for on, milestone in restorations:
        events.setdefault(on, []).append(("restoration", milestone, ""))
    damaged = destroyed = False
    milestone = functionality = ""
    states: list[tuple[dt.date, tuple[int, ...]]] = []
    for on in sorted(events):
        # Rows arrive ordered by (date, id): the last one of a day is the latest that day.
        for kind, first, second in events[on]:
            if kind == "assessment":
                damaged = damaged or first in DAMAGED_CONDITIONS
                destroyed = destroyed or first == Condition.DESTROYED
                functionality = second
            else:
                milestone = first
        # Restoration and functionality only count for a facility already damaged.
        states.append(
            (
                on,
                (
                    int(damaged),
                    int(damaged and not destroyed),
                    int(destroyed),
                    int(damaged and milestone == Milestone.FULLY_RESTORED),
                    int(damaged and milestone == Milestone.PARTIALLY_RESTORED),
                    int(damaged and functionality in WORKING_FUNCTIONALITY),
                ),
            )
        )
    return states


def damage_by_month(
    *, as_of: dt.date, region: Region | None = None, country: str | None = None
) -> list[MonthlyDamage]:
    """Damage and recovery counts at each month's end, from the first damage up to the date."""
    # The last point is as of the date itself, so it equals damage_counts() for that date.
    damaged = damaged_facilities(as_of=as_of, region=region, country=country)
    assessments: dict[int, list[tuple[dt.date, str, str]]] = {}
    for facility_id, on, condition, functionality in (
        Assessment.objects.filter(facility__in=damaged, assessed_on__lte=as_of)
        .order_by("facility_id", "assessed_on", "id")
        .values_list("facility_id", "assessed_on", "condition", "functionality")
    ):
        assessments.setdefault(facility_id, []).append((on, condition, functionality))
    restorations: dict[int, list[tuple[dt.date, str]]] = {}
    for facility_id, on, milestone in (
        Restoration.objects.filter(facility__in=damaged, restored_on__lte=as_of)
        .order_by("facility_id", "restored_on", "id")
        .values_list("facility_id", "restored_on", "milestone")
    ):
        restorations.setdefault(facility_id, []).append((on, milestone))
    width = len(fields(DamageCounts))
    # Each facility adds the change of its state to the month the change happened in; the
    # running sum of those changes is the count at each month's end.
    changes: dict[int, list[int]] = {}
    for facility_id, rows in assessments.items():
        previous = (0,) * width
        for on, state in _facility_states(rows, restorations.get(facility_id, [])):
            if state != previous:
                bucket = changes.setdefault(_month_index(on), [0] * width)
                for i in range(width):
                    bucket[i] += state[i] - previous[i]
                previous = state
    if not changes:
        return []
    series = []
    running = [0] * width
    for index in range(min(changes), _month_index(as_of) + 1):
        for i, change in enumerate(changes.get(index, ())):
            running[i] += change
        month = _month_of_index(index)
        series.append(
            MonthlyDamage(
                month=month, as_of=min(_month_end(month), as_of), counts=DamageCounts(*running)
            )
        )
    return series


class FacilityStatus:
    """The statuses a list of facilities can be filtered by, as of a date."""

    DAMAGED = "damaged"
    PARTIALLY_DAMAGED = "partially_damaged"
    DESTROYED = "destroyed"
    FULLY_RESTORED = "fully_restored"
    PARTIALLY_RESTORED = "partially_restored"
    BACK_IN_OPERATION = "back_in_operation"
    NOT_DAMAGED = "not_damaged"

    ALL = (
        DAMAGED,
        PARTIALLY_DAMAGED,
        DESTROYED,
        FULLY_RESTORED,
        PARTIALLY_RESTORED,
        BACK_IN_OPERATION,
        NOT_DAMAGED,
    )


SEVERITY = {Condition.NONE: 1, Condition.PARTIAL: 2, Condition.DESTROYED: 3}


def facilities_with_status(
    *,
    as_of: dt.date,
    region: Region | None = None,
    country: str | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> QuerySet[Facility]:
    """Facilities annotated with their worst condition and latest milestone as of the date."""
    # worst_severity is 3 (destroyed), 2 (partial), 1 (not damaged) or None (never assessed),
    # by the counting rules; each status selects the facilities one headline figure counts.
    on_or_before = {"facility": OuterRef("pk"), "assessed_on__lte": as_of}
    # One aggregate per facility rather than an EXISTS per condition: SQLite would answer those
    # from the (condition, date) index, reading every damaged facility's rows for each one.
    worst = Subquery(
        Assessment.objects.filter(**on_or_before)
        .order_by()
        .values("facility")
        .annotate(
            severity=Max(
                Case(
                    *(When(Q(condition=c), then=Value(n)) for c, n in SEVERITY.items()),
                    output_field=IntegerField(),
                )
            )
        )
        .values("severity")[:1],
        output_field=IntegerField(),
    )
    latest_milestone = Subquery(
        Restoration.objects.filter(facility=OuterRef("pk"), restored_on__lte=as_of)
        .order_by("-restored_on", "-id")
        .values("milestone")[:1]
    )
    latest_functionality = Subquery(
        Assessment.objects.filter(**on_or_before)
        .order_by("-assessed_on", "-id")
        .values("functionality")[:1]
    )
    facilities = _scoped(
        Facility.objects.select_related("region"), region=region, country=country
    ).annotate(
        worst_severity=worst,
        milestone=latest_milestone,
        functionality=latest_functionality,
    )
    if kind:
        facilities = facilities.filter(kind=kind)
    damaged = Q(worst_severity__gte=SEVERITY[Condition.PARTIAL])
    filters = {
        FacilityStatus.DAMAGED: damaged,
        FacilityStatus.PARTIALLY_DAMAGED: Q(worst_severity=SEVERITY[Condition.PARTIAL]),
        FacilityStatus.DESTROYED: Q(worst_severity=SEVERITY[Condition.DESTROYED]),
        FacilityStatus.FULLY_RESTORED: damaged & Q(milestone=Milestone.FULLY_RESTORED),
        FacilityStatus.PARTIALLY_RESTORED: damaged & Q(milestone=Milestone.PARTIALLY_RESTORED),
        FacilityStatus.BACK_IN_OPERATION: damaged & Q(functionality__in=WORKING_FUNCTIONALITY),
        FacilityStatus.NOT_DAMAGED: Q(worst_severity__isnull=True)
        | Q(worst_severity__lt=SEVERITY[Condition.PARTIAL]),
    }
    if status:
        facilities = facilities.filter(filters[status])
    return facilities.order_by("region__code", "name_uk", "id")


def worst_of(facility: Facility) -> str | None:
    """The worst condition of a facility annotated by facilities_with_status()."""
    severity = getattr(facility, "worst_severity", None)
    for condition, rank in SEVERITY.items():
        if rank == severity:
            return str(condition)
    return None


def assessments_of(facility: Facility) -> QuerySet[Assessment]:
    """A facility's assessments (not retracted), oldest first."""
    return Assessment.objects.filter(facility=facility).order_by("assessed_on", "id")


def restorations_of(facility: Facility) -> QuerySet[Restoration]:
    """A facility's restoration milestones (not retracted), oldest first."""
    return Restoration.objects.filter(facility=facility).order_by("restored_on", "id")
