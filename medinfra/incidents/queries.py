"""Counting rules for attacks on health care, as of any date."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth

from medinfra.geography.models import Region
from medinfra.incidents.models import (
    Certainty,
    DatePrecision,
    Incident,
    IncidentAttackType,
    Verification,
)


def incidents_as_of(
    *, as_of: dt.date, region: Region | None = None, country: str | None = None
) -> QuerySet[Incident]:
    """Incidents (not retracted) that happened on or before the date."""
    incidents = Incident.objects.filter(occurred_on__lte=as_of)
    if region is not None:
        incidents = incidents.filter(region=region)
    if country is not None:
        incidents = incidents.filter(region__country__code=country)
    return incidents


def public_incidents(
    *, as_of: dt.date, region: Region | None = None, country: str | None = None
) -> QuerySet[Incident]:
    """What the public may see: verified incidents only."""
    return incidents_as_of(as_of=as_of, region=region, country=country).filter(
        verification=Verification.VERIFIED
    )


@dataclass(frozen=True)
class AttackCounts:
    """Verified attacks (public), and every incident by verification state and certainty."""

    verified: int = 0
    by_state_and_certainty: dict[tuple[str, str], int] = field(default_factory=dict)

    def by_state(self, state: str) -> int:
        return sum(n for (s, _), n in self.by_state_and_certainty.items() if s == state)

    def by_certainty(self, certainty: str, *, include_rejected: bool = False) -> int:
        return sum(
            n
            for (s, c), n in self.by_state_and_certainty.items()
            if c == certainty and (include_rejected or s != Verification.REJECTED)
        )

    @property
    def all_not_rejected(self) -> int:
        return sum(
            n for (s, _), n in self.by_state_and_certainty.items() if s != Verification.REJECTED
        )


def attack_counts_by_region(
    *, as_of: dt.date, country: str | None = None, region: Region | None = None
) -> dict[int, AttackCounts]:
    """Attack counts of each region with incidents, keyed by region id."""
    rows = (
        incidents_as_of(as_of=as_of, region=region, country=country)
        .order_by()
        .values("region_id", "verification", "certainty")
        .annotate(n=Count("id"))
    )
    matrices: dict[int, Counter[tuple[str, str]]] = {}
    for row in rows:
        matrices.setdefault(row["region_id"], Counter())[
            (row["verification"], row["certainty"])
        ] = row["n"]
    return {
        region_id: AttackCounts(
            verified=sum(n for (s, _), n in matrix.items() if s == Verification.VERIFIED),
            by_state_and_certainty=dict(matrix),
        )
        for region_id, matrix in matrices.items()
    }


def attack_counts(
    *, as_of: dt.date, region: Region | None = None, country: str | None = None
) -> AttackCounts:
    """Attack counts for a region, a country or everything."""
    matrix: Counter[tuple[str, str]] = Counter()
    for counts in attack_counts_by_region(as_of=as_of, region=region, country=country).values():
        matrix.update(counts.by_state_and_certainty)
    return AttackCounts(
        verified=sum(n for (s, _), n in matrix.items() if s == Verification.VERIFIED),
        by_state_and_certainty=dict(matrix),
    )


CERTAINTIES = tuple(Certainty.values)


# -- series and lists for the public pages ---------------------------------------------------


@dataclass(frozen=True)
class MonthlyAttacks:
    """Verified attacks in one month: in all, and by attack type."""

    month: dt.date
    total: int
    by_type: dict[str, int] = field(default_factory=dict)


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def verified_attacks_by_month(
    *, as_of: dt.date, region: Region | None = None, country: str | None = None
) -> list[MonthlyAttacks]:
    """Verified attacks per month, from the first month with one up to the date's month."""
    # An attack of several types counts once in the total and once under each of its types.
    incidents = public_incidents(as_of=as_of, region=region, country=country)
    totals = {
        row["month"]: row["n"]
        for row in incidents.annotate(month=TruncMonth("occurred_on"))
        .order_by()
        .values("month")
        .annotate(n=Count("id"))
    }
    if not totals:
        return []
    by_type: dict[dt.date, dict[str, int]] = {}
    for row in (
        IncidentAttackType.objects.filter(incident__in=incidents)
        .annotate(month=TruncMonth("incident__occurred_on"))
        .order_by()
        .values("month", "attack_type")
        .annotate(n=Count("id"))
    ):
        by_type.setdefault(row["month"], {})[row["attack_type"]] = row["n"]
    series = []
    month = min(totals)
    last = as_of.replace(day=1)
    while month <= last:
        series.append(
            MonthlyAttacks(month=month, total=totals.get(month, 0), by_type=by_type.get(month, {}))
        )
        month = _next_month(month)
    return series


def verified_incidents(
    *,
    as_of: dt.date,
    region: Region | None = None,
    country: str | None = None,
    attack_type: str | None = None,
    certainty: str | None = None,
    facility_id: int | None = None,
    facility_kind: str | None = None,
) -> QuerySet[Incident]:
    """Verified incidents up to the date, newest first, ready for the public allow-list."""
    incidents = public_incidents(as_of=as_of, region=region, country=country)
    if attack_type:
        incidents = incidents.filter(
            pk__in=IncidentAttackType.objects.filter(attack_type=attack_type).values("incident_id")
        )
    if certainty:
        incidents = incidents.filter(certainty=certainty)
    if facility_id is not None:
        incidents = incidents.filter(facility_id=facility_id)
    if facility_kind:
        incidents = incidents.filter(facility__kind=facility_kind)
    return (
        incidents.select_related("region", "facility", "facility__region")
        .prefetch_related("attack_types", "resources", "sources")
        .order_by("-occurred_on", "-id")
    )


# -- possible duplicates (the verifiers' queue) ----------------------------------------------

DUPLICATE_WINDOW_DAYS = 3


def _last_day(incident: Incident) -> dt.date:
    """The last day an incident may have happened on: with month precision, the month's end."""
    if incident.date_precision == DatePrecision.MONTH:
        return _next_month(incident.occurred_on.replace(day=1)) - dt.timedelta(days=1)
    return incident.occurred_on


def _folded(settlement: str) -> str:
    return " ".join(settlement.split()).casefold()


def _place_of(incident: Incident) -> str:
    """The settlement as compared: the incident's own, else its facility's; case and
    spacing do not count."""
    settlement = incident.settlement.strip()
    if not settlement and incident.facility is not None:
        settlement = incident.facility.settlement
    return _folded(settlement)


def possible_duplicates(
    incident: Incident, *, days: int = DUPLICATE_WINDOW_DAYS, limit: int = 10
) -> list[Incident]:
    """Other current incidents that may report the same attack, nearest in date first.

    The same place: the same facility when both name one; otherwise the same region and
    settlement (a facility's settlement stands in for a blank one; two blank settlements in
    one region match). Dates at most ``days`` apart, a month-precision date spanning its
    whole month. At least one attack type in common. Retracted incidents (and so incidents
    already merged) are never offered; rejected ones are, marked by their state.
    """
    start = incident.occurred_on - dt.timedelta(days=days)
    end = _last_day(incident) + dt.timedelta(days=days)
    types = list(incident.attack_types.values_list("attack_type", flat=True))
    if not types:
        return []
    when = Q(date_precision=DatePrecision.DAY, occurred_on__range=(start, end)) | Q(
        date_precision=DatePrecision.MONTH,
        occurred_on__gte=start.replace(day=1),
        occurred_on__lte=end,
    )
    candidates = (
        Incident.objects.filter(when)
        .exclude(pk=incident.pk)
        .filter(
            Exists(
                IncidentAttackType.objects.filter(incident=OuterRef("pk"), attack_type__in=types)
            )
        )
    )
    # Settlements are compared here, not in SQL: SQLite folds the case of ASCII letters only.
    if incident.facility_id is not None:
        nearby = Q(facility_id=incident.facility_id) | Q(
            facility__isnull=True, region_id=incident.region_id
        )
    else:
        nearby = Q(region_id=incident.region_id)
    place = _place_of(incident)
    matching = [
        pk
        for pk, facility_id, settlement, facility_settlement in candidates.filter(nearby)
        .order_by()
        .values_list("pk", "facility_id", "settlement", "facility__settlement")
        .iterator(chunk_size=2000)
        if (facility_id is not None and facility_id == incident.facility_id)
        or (
            (facility_id is None or incident.facility_id is None)
            and _folded(settlement.strip() or facility_settlement or "") == place
        )
    ]
    found = (
        Incident.objects.filter(pk__in=matching)
        .select_related("region", "facility", "reported_by")
        .prefetch_related("attack_types", "resources", "sources")
    )
    nearest = sorted(
        found, key=lambda other: (abs((other.occurred_on - incident.occurred_on).days), other.pk)
    )
    return nearest[:limit]
