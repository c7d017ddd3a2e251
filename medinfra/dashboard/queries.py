"""The headline figures: every counting rule together, for a country or a region, as of a date."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar, cast

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, QuerySet
from django.utils import timezone, translation

from medinfra.core.models import AuditChainHead, DatasetInfo
from medinfra.facilities.models import Assessment, Restoration
from medinfra.facilities.queries import (
    DamageCounts,
    MonthlyDamage,
    damage_by_month,
    damage_counts_by_region,
    damaged_facilities,
)
from medinfra.geography.models import Region
from medinfra.incidents.models import Incident
from medinfra.incidents.queries import (
    AttackCounts,
    MonthlyAttacks,
    attack_counts_by_region,
    public_incidents,
    verified_attacks_by_month,
)
from medinfra.partnerships.models import PartnershipAgreement
from medinfra.recovery.models import RecoveryProject
from medinfra.sources.models import Source
from medinfra.sources.schemas import SourcePublic
from medinfra.vehicles.models import Vehicle, VehicleEvent
from medinfra.vehicles.queries import VehicleCounts, vehicle_counts_by_region


@dataclass(frozen=True)
class RegionFigures:
    """One region's figures; damage is None where the region cannot be assessed."""

    region: Region
    damage: DamageCounts | None
    attacks: AttackCounts
    vehicles: VehicleCounts

    @property
    def is_assessable(self) -> bool:
        return self.damage is not None


@dataclass(frozen=True)
class Headline:
    """The figures of the bulletin and the home page."""

    as_of: dt.date
    country: str
    region: Region | None
    damage: DamageCounts | None
    attacks: AttackCounts
    vehicles: VehicleCounts
    regions: list[RegionFigures]
    synthetic: bool = False

    @property
    def ranking(self) -> list[RegionFigures]:
        """Assessable regions with damage, most damaged or destroyed facilities first."""
        ranked = [(r, r.damage) for r in self.regions if r.damage and r.damage.damaged_or_destroyed]
        ranked.sort(
            key=lambda pair: (
                -pair[1].damaged_or_destroyed,
                -pair[1].destroyed,
                pair[0].region.code,
            )
        )
        return [r for r, _ in ranked]

    @property
    def not_assessable(self) -> list[Region]:
        return [r.region for r in self.regions if not r.is_assessable]


def _region_rows(
    *, as_of: dt.date, country: str, region: Region | None
) -> tuple[list[RegionFigures], DamageCounts]:
    damage = damage_counts_by_region(as_of=as_of, country=country, region=region)
    attacks = attack_counts_by_region(as_of=as_of, country=country, region=region)
    vehicles = vehicle_counts_by_region(as_of=as_of, country=country, region=region)
    regions = Region.objects.filter(country__code=country).order_by("code")
    if region is not None:
        regions = regions.filter(pk=region.pk)
    rows = [
        RegionFigures(
            region=r,
            # An inaccessible region is 'not assessable', never 0.
            damage=damage.get(r.pk, DamageCounts()) if r.is_assessable else None,
            attacks=attacks.get(r.pk, AttackCounts()),
            vehicles=vehicles.get(r.pk, VehicleCounts()),
        )
        for r in regions
    ]
    # What was recorded in an inaccessible region still counts nationally: nothing is hidden.
    total = sum(damage.values(), DamageCounts())
    return rows, total


def region_figures(
    *, as_of: dt.date, country: str, region: Region | None = None
) -> list[RegionFigures]:
    """Every region's figures (or one region's), in region-code order."""
    return _region_rows(as_of=as_of, country=country, region=region)[0]


def headline(
    *, country: str, as_of: dt.date | None = None, region: Region | None = None
) -> Headline:
    """The headline figures as of a date (today by default), for a country or one region."""
    as_of = as_of or timezone.localdate()
    per_region, damage_total = _region_rows(as_of=as_of, country=country, region=region)
    vehicles = sum((f.vehicles for f in per_region), VehicleCounts())
    matrix: Counter[tuple[str, str]] = Counter()
    for figures in per_region:
        matrix.update(figures.attacks.by_state_and_certainty)
    attacks = AttackCounts(
        verified=sum(f.attacks.verified for f in per_region), by_state_and_certainty=dict(matrix)
    )
    damage: DamageCounts | None = damage_total
    if region is not None and not region.is_assessable:
        damage = None
    return Headline(
        as_of=as_of,
        country=country,
        region=region,
        damage=damage,
        attacks=attacks,
        vehicles=vehicles,
        regions=per_region,
        synthetic=DatasetInfo.current().is_synthetic,
    )


# -- cached page data ------------------------------------------------------------------------

T = TypeVar("T")


@dataclass(frozen=True, order=True)
class DataVersion:
    """The audit chain's length and newest hash: it changes with every write, in every process."""

    length: int
    hash: str = ""


def figures_version() -> DataVersion:
    """The data version, with the hash that tells two states of the same length apart."""
    # The length alone repeats when a transaction is rolled back (tests do): the hash does not.
    # Asked on every cached read, so in plain SQL: building the ORM query cost more than
    # running it.
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT length, hash FROM {table} WHERE id = 1")  # noqa: S608
        head = cursor.fetchone()
    return DataVersion(int(head[0]), str(head[1])) if head is not None else DataVersion(0)


# One lock per cache key and process, so that one thread computes what the others wait for.
_computing: dict[str, threading.Lock] = {}
_computing_guard = threading.Lock()


def _serves(stored: DataVersion, current: DataVersion) -> bool:
    """Whether figures computed at the stored version answer a read at the current one."""
    # Only the same version: a longer chain stored by another process is not necessarily the
    # future of this one (a restored backup, or a rolled-back transaction, starts a chain that
    # is shorter but different).
    return stored == current


def _lock_for(key: str) -> threading.Lock:
    with _computing_guard:
        return _computing.setdefault(key, threading.Lock())


def cached(
    name: str,
    compute: Callable[[], T],
    *,
    version: int | DataVersion,
    as_of: dt.date,
    region: Region | None = None,
    country: str = "",
) -> T:
    """The value computed once per data version, date, place and language."""
    # The language is in the key as values may hold labels. Each value is stored with the
    # data version it was computed at: a write changes the version, so the next read computes
    # afresh, whichever server process wrote; figures of another version are never served.
    # Threads of one process that ask for the same figures at once wait for one computation.
    current = version if isinstance(version, DataVersion) else DataVersion(version)
    key = ":".join(
        (
            "dashboard",
            name,
            as_of.isoformat(),
            region.code if region is not None else country,
            translation.get_language() or "",
        )
    )
    found = cache.get(key)
    if found is not None and _serves(found[0], current):
        return cast(T, found[1])
    with _lock_for(key):
        found = cache.get(key)  # another thread may have computed them meanwhile
        if found is not None and _serves(found[0], current):
            return cast(T, found[1])
        value = compute()
        cache.set(key, (current, value))
        return value


def cached_headline(
    *, version: int | DataVersion, country: str, as_of: dt.date, region: Region | None = None
) -> Headline:
    """headline(), cached by data version."""
    return cached(
        "headline",
        lambda: headline(country=country, as_of=as_of, region=region),
        version=version,
        as_of=as_of,
        region=region,
        country=country,
    )


def cached_attacks_by_month(
    *, version: int | DataVersion, country: str, as_of: dt.date, region: Region | None = None
) -> list[MonthlyAttacks]:
    """verified_attacks_by_month() for a country or a region, cached by data version."""
    return cached(
        "attacks-by-month",
        lambda: verified_attacks_by_month(
            as_of=as_of, region=region, country=None if region else country
        ),
        version=version,
        as_of=as_of,
        region=region,
        country=country,
    )


def cached_damage_by_month(
    *, version: int | DataVersion, country: str, as_of: dt.date, region: Region | None = None
) -> list[MonthlyDamage]:
    """damage_by_month() for a country or a region, cached by data version."""
    return cached(
        "damage-by-month",
        lambda: damage_by_month(as_of=as_of, region=region, country=None if region else country),
        version=version,
        as_of=as_of,
        region=region,
        country=country,
    )


# -- where the figures come from -------------------------------------------------------------


@dataclass(frozen=True)
class SourceUse:
    """A source document and how many of the counted records cite it."""

    source: SourcePublic
    assessments: int = 0
    restorations: int = 0
    incidents: int = 0
    vehicle_events: int = 0

    @property
    def total(self) -> int:
        return self.assessments + self.restorations + self.incidents + self.vehicle_events


@dataclass(frozen=True)
class FigureSources:
    """The documents cited by the records behind the headline figures, most cited first."""

    uses: list[SourceUse] = field(default_factory=list)
    uncited: int = 0


def figure_sources(
    *, as_of: dt.date, country: str, region: Region | None = None, limit: int = 10
) -> FigureSources:
    """The sources that the records behind the headline figures cite, most cited first."""
    # Only verified incidents: the others are never public, not even through their sources.
    in_country = None if region is not None else country
    damaged = damaged_facilities(as_of=as_of, region=region, country=in_country)
    vehicles = Vehicle.objects.filter(region__country__code=country)
    if region is not None:
        vehicles = vehicles.filter(region=region)
    groups: dict[str, QuerySet] = {
        "assessments": Assessment.objects.filter(facility__in=damaged, assessed_on__lte=as_of),
        "restorations": Restoration.objects.filter(facility__in=damaged, restored_on__lte=as_of),
        "incidents": Incident.sources.through.objects.filter(
            incident__in=public_incidents(as_of=as_of, region=region, country=in_country)
        ),
        # Retracted vehicles count nowhere, so their events name no source of a figure.
        "vehicle_events": VehicleEvent.objects.filter(occurred_on__lte=as_of, vehicle__in=vehicles),
    }
    counts: dict[int | None, dict[str, int]] = {}
    for name, rows in groups.items():
        for row in rows.order_by().values("source_id").annotate(n=Count("id")):
            counts.setdefault(row["source_id"], {})[name] = row["n"]
    uncited = sum(counts.pop(None, {}).values())
    sources = {s.pk: s for s in Source.objects.filter(pk__in=[k for k in counts if k])}
    uses = [
        SourceUse(source=SourcePublic.from_orm(sources[pk]), **numbers)
        for pk, numbers in counts.items()
        if pk in sources
    ]
    uses.sort(key=lambda u: (-u.total, u.source.id))
    return FigureSources(uses=uses[:limit], uncited=uncited)


def cached_figure_sources(
    *, version: int | DataVersion, country: str, as_of: dt.date, region: Region | None = None
) -> FigureSources:
    """figure_sources(), cached by data version."""
    return cached(
        "sources",
        lambda: figure_sources(as_of=as_of, country=country, region=region),
        version=version,
        as_of=as_of,
        region=region,
        country=country,
    )


# -- recovery projects and partnership agreements --------------------------------------------


def recovery_projects(
    *,
    region: Region | None = None,
    country: str | None = None,
    facility_id: int | None = None,
    stage: str | None = None,
    block: int | None = None,
) -> QuerySet[RecoveryProject]:
    """Recovery projects (not retracted), highest priority first."""
    projects = RecoveryProject.objects.select_related("region", "facility", "facility__region")
    if region is not None:
        projects = projects.filter(region=region)
    if country is not None:
        projects = projects.filter(region__country__code=country)
    if facility_id is not None:
        projects = projects.filter(facility_id=facility_id)
    if stage:
        projects = projects.filter(stage=stage)
    if block is not None:
        projects = projects.filter(block=block)
    return projects.order_by("priority", "title_en", "id")


def partnership_agreements(
    *,
    as_of: dt.date,
    region: Region | None = None,
    country: str | None = None,
    facility_id: int | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> QuerySet[PartnershipAgreement]:
    """Agreements signed on or before the date (not retracted), newest first."""
    agreements = PartnershipAgreement.objects.filter(signed_on__lte=as_of).select_related(
        "facility", "facility__region", "partner"
    )
    if region is not None:
        agreements = agreements.filter(facility__region=region)
    if country is not None:
        agreements = agreements.filter(facility__region__country__code=country)
    if facility_id is not None:
        agreements = agreements.filter(facility_id=facility_id)
    if kind:
        agreements = agreements.filter(kind=kind)
    if status:
        agreements = agreements.filter(status=status)
    return agreements.order_by("-signed_on", "-id")
