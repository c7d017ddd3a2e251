"""Reads of the ledger: each metric's timeline beside the registry's own count, and the index."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import DatabaseError
from django.db.models import QuerySet
from django.utils import timezone

from medinfra.facilities.queries import damage_counts
from medinfra.figures.extraction import RegionIndex, RegionName
from medinfra.figures.extraction.places import packaged_aliases
from medinfra.figures.models import Metric, Qualifier, ReportedFigure
from medinfra.geography.models import Country, Region
from medinfra.incidents.queries import attack_counts
from medinfra.vehicles.queries import vehicle_counts

# Which count of the registry answers which metric: (counting rule, field of its counts).
REGISTRY_FIELDS: dict[str, tuple[str, str]] = {
    Metric.FACILITIES_DAMAGED: ("damage", "partially_damaged"),
    Metric.FACILITIES_DESTROYED: ("damage", "destroyed"),
    Metric.FACILITIES_DAMAGED_OR_DESTROYED: ("damage", "damaged_or_destroyed"),
    Metric.FACILITIES_RESTORED: ("damage", "fully_restored+partially_restored"),
    Metric.FACILITIES_FULLY_RESTORED: ("damage", "fully_restored"),
    Metric.FACILITIES_PARTIALLY_RESTORED: ("damage", "partially_restored"),
    Metric.FACILITIES_BACK_IN_OPERATION: ("damage", "back_in_operation"),
    # The public sees verified attacks only; so does the comparison on a public page.
    Metric.ATTACKS_RECORDED: ("attacks", "verified"),
    Metric.AMBULANCES_DAMAGED: ("vehicles", "damaged"),
    Metric.AMBULANCES_DESTROYED: ("vehicles", "destroyed"),
    Metric.AMBULANCES_SEIZED: ("vehicles", "seized"),
    Metric.AMBULANCES_LOST: ("vehicles", "damaged+destroyed+seized"),
}
_RULES: dict[str, Callable[..., Any]] = {
    "damage": damage_counts,
    "attacks": attack_counts,
    "vehicles": vehicle_counts,
}
# "About 2,000" agrees with a count within a tenth of it either way; "almost 1,500" with a
# count up to a tenth below it.
APPROXIMATE_SHARE = Decimal("0.1")


def is_counted_by_registry(metric: str) -> bool:
    return metric in REGISTRY_FIELDS


@dataclass(frozen=True)
class RegistryCount:
    """The registry's count for a figure's metric, place and date, or why there is none."""

    COUNTED = "counted"
    NOT_COUNTED = "not_counted"  # the registry keeps no count of this metric
    NOT_COVERED = "not_covered"  # the registry holds no regions of this country
    NOT_ASSESSABLE = "not_assessable"  # damage cannot be assessed in this region

    status: str
    value: int | None = None


def agrees(qualifier: str, reported: Decimal, registry: int) -> bool:
    """Whether the registry's count is what the source said, read with its qualifier."""
    count = Decimal(registry)
    if qualifier == Qualifier.AT_LEAST:
        return count >= reported
    if qualifier == Qualifier.AT_MOST:
        return count <= reported
    if qualifier == Qualifier.ALMOST:
        return reported * (1 - APPROXIMATE_SHARE) <= count <= reported
    if qualifier == Qualifier.APPROXIMATELY:
        return abs(count - reported) <= reported * APPROXIMATE_SHARE
    return count == reported


class RegistryCounts:
    """The registry's counts asked for one page, each asked of the database once."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, dt.date, int | None, str], Any] = {}
        self._covered: dict[str, bool] = {}

    def covers(self, country: str) -> bool:
        if country not in self._covered:
            self._covered[country] = Country.objects.filter(code=country).exists()
        return self._covered[country]

    def count(
        self, metric: str, *, as_of: dt.date, country: str, region: Region | None = None
    ) -> RegistryCount:
        """The registry's count for the metric in the place, as of the date."""
        if metric not in REGISTRY_FIELDS:
            return RegistryCount(RegistryCount.NOT_COUNTED)
        rule, names = REGISTRY_FIELDS[metric]
        if not self.covers(country):
            return RegistryCount(RegistryCount.NOT_COVERED)
        # A count of damage in a region the registry cannot see would be a false 0.
        if rule == "damage" and region is not None and not region.is_assessable:
            return RegistryCount(RegistryCount.NOT_ASSESSABLE)
        key = (rule, as_of, region.pk if region else None, country)
        if key not in self._counts:
            self._counts[key] = _RULES[rule](as_of=as_of, region=region, country=country)
        counts = self._counts[key]
        return RegistryCount(
            RegistryCount.COUNTED, sum(int(getattr(counts, n)) for n in names.split("+"))
        )


@dataclass(frozen=True)
class TimelineEntry:
    """One published figure as a public page shows it: an allow-list of fields."""

    metric: str
    value: Decimal
    qualifier: str
    as_of: dt.date
    as_of_precision: str
    country: str
    region_code: str | None
    region_name: str | None
    reported_by: str
    source_publisher: str
    source_title: str
    source_url: str
    source_published_on: dt.date | None
    source_is_synthetic: bool
    span: str
    registry: RegistryCount

    @property
    def difference(self) -> Decimal | None:
        """The registry's count minus the published number."""
        if self.registry.value is None:
            return None
        return Decimal(self.registry.value) - self.value

    @property
    def agrees(self) -> bool | None:
        if self.registry.value is None:
            return None
        return agrees(self.qualifier, self.value, self.registry.value)


def current_figures() -> QuerySet[ReportedFigure]:
    # A figure whose source was retracted is withdrawn with it.
    return ReportedFigure.objects.filter(source__retracted_at__isnull=True).select_related(
        "source", "region", "region__country"
    )


def _entry(figure: ReportedFigure, registry: RegistryCounts) -> TimelineEntry:
    region = figure.region
    source = figure.source
    return TimelineEntry(
        metric=figure.metric,
        value=figure.value,
        qualifier=figure.qualifier,
        as_of=figure.as_of,
        as_of_precision=figure.as_of_precision,
        country=figure.country,
        region_code=region.code if region else None,
        region_name=region.name if region else None,
        reported_by=figure.reported_by,
        source_publisher=source.publisher,
        source_title=source.title,
        source_url=source.url,
        source_published_on=source.published_on,
        source_is_synthetic=source.is_synthetic,
        span=figure.span,
        registry=registry.count(
            figure.metric, as_of=figure.as_of, country=figure.country, region=region
        ),
    )


def metric_timeline(
    metric: str, *, country: str | None = None, region: Region | None = None
) -> list[TimelineEntry]:
    """Every source's figures of one metric, oldest first, each beside the registry's count."""
    figures = current_figures().filter(metric=metric)
    if country:
        figures = figures.filter(country=country.upper())
    if region is not None:
        figures = figures.filter(region=region)
    registry = RegistryCounts()
    return [_entry(f, registry) for f in figures.order_by("as_of", "id")]


@dataclass(frozen=True)
class MetricSummary:
    """One line of the index: a metric, its figures, the latest, and the registry's count."""

    metric: str
    label: str
    figures: int
    latest: TimelineEntry | None
    registry_today: RegistryCount


def metric_summaries(*, country: str, today: dt.date | None = None) -> list[MetricSummary]:
    """Every metric of the vocabulary, with the latest published figure for the country."""
    today = today or timezone.localdate()
    registry = RegistryCounts()
    by_metric: dict[str, list[ReportedFigure]] = {}
    for figure in (
        current_figures().filter(country=country, region__isnull=True).order_by("as_of", "id")
    ):
        by_metric.setdefault(figure.metric, []).append(figure)
    summaries = []
    for metric, label in Metric.choices:
        figures = by_metric.get(metric, [])
        summaries.append(
            MetricSummary(
                metric=metric,
                label=str(label),
                figures=len(figures),
                latest=_entry(figures[-1], registry) if figures else None,
                registry_today=registry.count(metric, as_of=today, country=country),
            )
        )
    return summaries


def figures_of_source(source_id: int) -> QuerySet[ReportedFigure]:
    """The figures entered from one source (for its reviewer), in the order of the text."""
    return current_figures().filter(source_id=source_id).order_by("id")


def region_index(countries: list[str]) -> RegionIndex:
    """Region names to find in texts: the registry's regions, else the packaged lists."""
    try:
        regions = [
            RegionName(
                code=r.code,
                country=r.country.code,
                kind=r.kind,
                name_en=r.name_en,
                name_uk=r.name_uk,
            )
            for r in Region.objects.select_related("country").filter(
                country__code__in=[c.upper() for c in countries]
            )
        ]
    except DatabaseError:
        # A command run before the database exists still reads the packaged regions.
        regions = []
    if not regions:
        return RegionIndex.packaged(countries)
    return RegionIndex(regions, packaged_aliases())


# -- published figures over time -----------------------------------------------------------------

# The national figures the home page follows over time: what the sources said, month by month.
TREND_METRICS: tuple[str, ...] = (
    Metric.FACILITIES_DAMAGED_OR_DESTROYED,
    Metric.FACILITIES_DESTROYED,
    Metric.FACILITIES_RESTORED,
    Metric.ATTACKS_RECORDED,
    Metric.AMBULANCES_LOST,
)


@dataclass(frozen=True)
class PublishedMonth:
    """The latest national figure published for each metric, as of a month's end."""

    month: dt.date
    values: dict[str, int | None]


@dataclass(frozen=True)
class PublishedSeries:
    """Months of published figures, for the metrics some source has published."""

    metrics: list[str]
    months: list[PublishedMonth]


def _month_end(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def published_by_month(
    *, country: str, as_of: dt.date, metrics: tuple[str, ...] = TREND_METRICS
) -> PublishedSeries:
    """For each month up to ``as_of``, the newest figure the sources had published per metric.

    A figure counts from the date it describes; where two describe the same date, the one
    entered last wins. A month before a metric's first figure has no value (None), never 0.
    """
    figures = list(
        current_figures()
        .filter(country=country.upper(), region__isnull=True, metric__in=metrics)
        .filter(as_of__lte=as_of)
        .order_by("as_of", "id")
        .values_list("metric", "as_of", "value")
    )
    present = [m for m in metrics if any(f[0] == m for f in figures)]
    if not figures:
        return PublishedSeries(metrics=[], months=[])
    month = figures[0][1].replace(day=1)
    last = as_of.replace(day=1)
    latest: dict[str, int | None] = dict.fromkeys(present)
    months: list[PublishedMonth] = []
    index = 0
    while month <= last:
        end = min(_month_end(month), as_of)
        while index < len(figures) and figures[index][1] <= end:
            metric, _day, value = figures[index]
            latest[metric] = int(value)
            index += 1
        months.append(PublishedMonth(month=month, values=dict(latest)))
        month = _month_end(month) + dt.timedelta(days=1)
    return PublishedSeries(metrics=present, months=months)
