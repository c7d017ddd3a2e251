"""Reads about occupied territory: the public counts, and who sees which entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth

from medinfra.core.roles import Role, has_role
from medinfra.geography.models import Region
from medinfra.occupied.models import ContactLogEntry, EventKind, OccupiedEvent, Verification
from medinfra.occupied.schemas import OccupiedCountPublic, OccupiedMonthPublic


def may_see_names(user: Any) -> bool:
    """Verifiers and administrators see names and contacts of persons; nobody else does."""
    return has_role(user, Role.VERIFIER) or has_role(user, Role.ADMINISTRATOR)


def may_see_all_entries(user: Any) -> bool:
    """Verifiers and administrators see every entry; reporters only the ones they recorded."""
    return may_see_names(user)


def _verified(country: str) -> QuerySet[OccupiedEvent]:
    return OccupiedEvent.objects.filter(
        verification=Verification.VERIFIED, region__country__code=country
    )


def verified_counts_by_region(*, country: str) -> list[OccupiedCountPublic]:
    """Verified, current events by region and kind (the public allow-list only)."""
    rows = (
        _verified(country)
        .values("region__code", "kind")
        .annotate(count=Count("id"))
        .order_by("region__code", "kind")
    )
    return [
        OccupiedCountPublic(region=row["region__code"], kind=row["kind"], count=row["count"])
        for row in rows
    ]


def verified_counts_by_month(*, country: str) -> list[OccupiedMonthPublic]:
    """Verified, current events by month and kind, for the whole country."""
    rows = (
        _verified(country)
        .annotate(month=TruncMonth("occurred_on"))
        .values("month", "kind")
        .annotate(count=Count("id"))
        .order_by("month", "kind")
    )
    return [
        OccupiedMonthPublic(month=f"{row['month']:%Y-%m}", kind=row["kind"], count=row["count"])
        for row in rows
    ]


@dataclass
class CountRow:
    """One line of a public table: a label and a count per kind, with the total."""

    key: str
    label: str
    counts: list[int]
    total: int = 0


@dataclass
class PublicCounts:
    """The public page's two tables: regions by kind, and months by kind."""

    kinds: list[tuple[str, str]]
    regions: list[CountRow] = field(default_factory=list)
    months: list[CountRow] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)
    total: int = 0


def public_counts(*, country: str) -> PublicCounts:
    """Everything the public page shows, built from the public schemas alone."""
    kinds = [(value, str(label)) for value, label in EventKind.choices]
    index = {value: i for i, (value, _label) in enumerate(kinds)}
    by_region = verified_counts_by_region(country=country)
    names = {
        region.code: region.name
        for region in Region.objects.filter(code__in={c.region for c in by_region})
    }
    result = PublicCounts(kinds=kinds, totals=[0] * len(kinds))
    regions: dict[str, CountRow] = {}
    for count in by_region:
        row = regions.setdefault(
            count.region,
            CountRow(
                key=count.region,
                label=names.get(count.region, count.region),
                counts=[0] * len(kinds),
            ),
        )
        row.counts[index[count.kind]] += count.count
        row.total += count.count
        result.totals[index[count.kind]] += count.count
        result.total += count.count
    result.regions = sorted(regions.values(), key=lambda r: (-r.total, r.key))
    months: dict[str, CountRow] = {}
    for month in verified_counts_by_month(country=country):
        row = months.setdefault(
            month.month, CountRow(key=month.month, label=month.month, counts=[0] * len(kinds))
        )
        row.counts[index[month.kind]] += month.count
        row.total += month.count
    result.months = [months[key] for key in sorted(months)]
    return result


# -- staff reads ----------------------------------------------------------------------------------


def events_for(user: Any) -> QuerySet[OccupiedEvent]:
    """The current events a staff member may open: all of them, or their own."""
    events = OccupiedEvent.objects.select_related("region", "facility")
    if not may_see_all_entries(user):
        events = events.filter(reported_by_id=user.pk)
    return events.order_by("-occurred_on", "-id")


def contacts_for(user: Any) -> QuerySet[ContactLogEntry]:
    """The current contact log entries a staff member may open: all of them, or their own."""
    entries = ContactLogEntry.objects.select_related("facility", "facility__region")
    if not may_see_all_entries(user):
        entries = entries.filter(recorded_by_id=user.pk)
    return entries.order_by("-contacted_on", "-id")


def awaiting_review(user: Any) -> QuerySet[OccupiedEvent]:
    """Reported events that this reviewer may decide on (not their own)."""
    return (
        events_for(user).filter(verification=Verification.REPORTED).exclude(reported_by_id=user.pk)
    )
