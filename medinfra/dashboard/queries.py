"""The headline figures: every counting rule together, for a country or a region, as of a date."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from medinfra.core.models import DatasetInfo
from medinfra.facilities.queries import DamageCounts, damage_counts_by_region
from medinfra.geography.models import Region
from medinfra.incidents.queries import AttackCounts, attack_counts_by_region
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
