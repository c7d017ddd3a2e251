"""The region map: the country's packaged SVG shapes, shaded by one metric of the headline."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.apps import apps
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from medinfra.dashboard.queries import Headline, RegionFigures
from medinfra.geography.models import Region, RegionKind

CLASSES = 4


@dataclass(frozen=True)
class Metric:
    """A figure the map can show for each region."""

    key: str
    name: str
    is_damage: bool
    value: Callable[[RegionFigures], int | None]
    # Values that are not in the headline (money of recovery projects) are passed in by region.
    is_money: bool = False

    @property
    def label(self) -> str:
        """The metric's name in the active language."""
        return _(self.name)


def _damage(field: str) -> Callable[[RegionFigures], int | None]:
    def value(figures: RegionFigures) -> int | None:
        return None if figures.damage is None else int(getattr(figures.damage, field))

    return value


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric(
            "damaged",
            gettext_noop("Facilities damaged or destroyed"),
            True,
            _damage("damaged_or_destroyed"),
        ),
        Metric(
            "destroyed",
            gettext_noop("Facilities destroyed"),
            True,
            _damage("destroyed"),
        ),
        Metric(
            "restored",
            gettext_noop("Facilities fully restored"),
            True,
            _damage("fully_restored"),
        ),
        Metric(
            "attacks",
            gettext_noop("Verified attacks on health care"),
            False,
            lambda figures: figures.attacks.verified,
        ),
        Metric(
            "funding_gap",
            gettext_noop("Funding gap of recovery projects, US$"),
            False,
            lambda figures: None,
            is_money=True,
        ),
    )
}
DEFAULT_METRIC = "damaged"


@dataclass(frozen=True)
class Shape:
    svg_id: str
    path: str


@dataclass(frozen=True)
class Area:
    """One shape on the map, with the regions it stands for."""

    svg_id: str
    path: str
    href: str
    label: str
    shade: str
    hatched: bool


@dataclass(frozen=True)
class LegendEntry:
    shade: str
    label: str
    hatched: bool = False


@dataclass(frozen=True)
class RegionMap:
    """A shaded map, ready to draw; plain data, so it can be cached."""

    view_box: str
    metric: str
    metric_label: str
    areas: list[Area]
    legend: list[LegendEntry]
    attribution: str
    # (region name, link, value as text): the table that says what the map shows, drawn under
    # the map for a metric the table of regions does not hold.
    rows: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def has_own_table(self) -> bool:
        return METRICS[self.metric].is_money


def map_file(country: str) -> Path | None:
    """The packaged SVG map of a country's regions, if it has one."""
    folder = Path(apps.get_app_config("geography").path) / "data" / country.upper()
    found = sorted(folder.glob("*.svg"))
    return found[0] if found else None


_ATTRIBUTION = re.compile(r'Attribution required:\s*"([^"]+)"')


@lru_cache(maxsize=8)
def map_attribution(country: str) -> str:
    """The attribution the map's licence requires, as its SOURCE.md beside the map states it."""
    path = map_file(country)
    notes = path.with_name("SOURCE.md") if path is not None else None
    if notes is None or not notes.exists():
        return ""
    found = _ATTRIBUTION.search(notes.read_text(encoding="utf-8"))
    return " ".join(found.group(1).split()) if found else ""


TOLERANCE = 0.6
_PATH_TOKEN = re.compile(r"[MmLlZz]|-?\d*\.?\d+(?:[eE][-+]?\d+)?")

Point = tuple[float, float]


def _rings(path: str) -> list[list[Point]]:
    """The closed rings of path data made of M, m, l and z commands (what the maps use)."""
    rings: list[list[Point]] = []
    ring: list[Point] = []
    command = ""
    x = y = 0.0
    tokens = _PATH_TOKEN.findall(path)
    i = 0
    while i < len(tokens):
        part = tokens[i]
        if part in "MmLlZz":
            command = part
            i += 1
            if part in "Zz":
                if ring:
                    rings.append(ring)
                    x, y = ring[0]
                ring = []
            continue
        dx, dy = float(tokens[i]), float(tokens[i + 1])
        i += 2
        relative = command in "ml"
        x, y = (x + dx, y + dy) if relative else (dx, dy)
        if command in "Mm":
            if ring:
                rings.append(ring)
            ring = []
            # Further pairs after a move are lines, as the SVG grammar says.
            command = "l" if command == "m" else "L"
        ring.append((x, y))
    if ring:
        rings.append(ring)
    return rings


def _distance(point: Point, start: Point, end: Point) -> float:
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _simplified(points: list[Point], tolerance: float) -> list[Point]:
    """Ramer-Douglas-Peucker: the fewest points that stay within the tolerance of the line."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > farthest:
                farthest, index = d, i
        if index != -1 and farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def compact_path(path: str, tolerance: float = TOLERANCE) -> str:
    """The same outline in far fewer bytes: simplified within the tolerance, in whole units."""
    # The map is drawn at most about 1,000 pixels wide, so a unit of its view box is about a
    # pixel; deltas are taken between rounded absolute points, so rounding errors do not add up.
    parts = []
    for ring in _rings(path):
        # Split the ring in two so the simplification keeps it closed and never collapses it.
        middle = len(ring) // 2
        points = (
            _simplified(ring[: middle + 1], tolerance)[:-1]
            + _simplified([*ring[middle:], ring[0]], tolerance)[:-1]
        )
        rounded: list[tuple[int, int]] = []
        for x, y in points:
            point = (round(x), round(y))
            if not rounded or point != rounded[-1]:
                rounded.append(point)
        if len(rounded) < 3:
            continue
        (x0, y0), steps = rounded[0], []
        previous = rounded[0]
        for point in rounded[1:]:
            steps.append(f"{point[0] - previous[0]} {point[1] - previous[1]}")
            previous = point
        parts.append(f"M{x0} {y0}l" + " ".join(steps).replace(" -", "-") + "z")
    return "".join(parts)


_TAG = re.compile(r"<(svg|path)\b([^>]*)>", re.DOTALL)
_ATTRIBUTE = re.compile(r'([\w:-]+)\s*=\s*"([^"]*)"')


@lru_cache(maxsize=8)
def shapes(country: str) -> tuple[str, tuple[Shape, ...]]:
    """The view box and the region shapes (id and path data) of a country's map."""
    path = map_file(country)
    if path is None:
        return "", ()
    view_box = ""
    found = []
    # The file is packaged data of a fixed, simple form: one <path id= d=> per region.
    for tag, attributes in _TAG.findall(path.read_text(encoding="utf-8")):
        values = dict(_ATTRIBUTE.findall(attributes))
        if tag == "svg":
            view_box = values.get("viewBox", "")
        elif values.get("id") and values.get("d"):
            found.append(Shape(svg_id=values["id"], path=compact_path(values["d"])))
    return view_box, tuple(found)


def class_limits(largest: int) -> list[int]:
    """The upper limits of the shade classes above zero: round numbers up to the largest."""
    if largest <= 0:
        return []
    if largest <= CLASSES:
        return list(range(1, largest + 1))
    return [math.ceil(largest * (i + 1) / CLASSES) for i in range(CLASSES)]


def _shade(value: int, limits: list[int]) -> str:
    if value <= 0:
        return "q0"
    for i, limit in enumerate(limits):
        if value <= limit:
            return f"q{i + 1}"
    return f"q{len(limits)}"


def _number(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def _main_region(regions: list[RegionFigures]) -> RegionFigures:
    """The region a shared shape links to: the larger unit (Crimea rather than Sevastopol)."""
    for figures in regions:
        if figures.region.kind != RegionKind.CITY:
            return figures
    return regions[0]


def region_map(
    figures: Headline,
    *,
    metric: str,
    link: Callable[[Region], str],
    by_region: dict[str, int | None] | None = None,
) -> RegionMap | None:
    """The map of the headline's regions shaded by the metric, or None without a map file.

    A money metric takes its values from ``by_region`` (region code → whole US dollars, None
    where an exchange rate is missing); a region missing there has 0.
    """
    view_box, country_shapes = shapes(figures.country)
    if not country_shapes:
        return None
    chosen = METRICS[metric]
    value_of: Callable[[RegionFigures], int | None] = chosen.value
    if chosen.is_money:
        amounts = by_region or {}

        def value_of(row: RegionFigures) -> int | None:
            return amounts.get(row.region.code, 0)

    by_shape: dict[str, list[RegionFigures]] = {}
    for row in figures.regions:
        by_shape.setdefault(row.region.svg_id, []).append(row)
    values: dict[str, int | None] = {}
    for svg_id, rows in by_shape.items():
        known = [v for v in (value_of(r) for r in rows) if v is not None]
        values[svg_id] = sum(known) if known else None
    limits = class_limits(max((v for v in values.values() if v), default=0))
    areas = []
    for shape in country_shapes:
        shared = by_shape.get(shape.svg_id)
        if not shared:
            continue
        value = values[shape.svg_id]
        names = " " + _("and") + " "
        name = names.join(r.region.name for r in shared)
        hatched = any(not r.is_assessable for r in shared)
        if value is None:
            text = (
                _("unknown: an exchange rate is missing")
                if chosen.is_money
                else _("not assessable")
            )
        else:
            text = _number(value)
            if hatched:
                text += " (" + _("damage not assessable") + ")"
        areas.append(
            Area(
                svg_id=shape.svg_id,
                path=shape.path,
                href=link(_main_region(shared).region),
                label=f"{name}: {chosen.label}: {text}",
                shade="na" if value is None else _shade(value, limits),
                hatched=hatched,
            )
        )
    legend = [LegendEntry(shade="q0", label="0")]
    lower = 1
    for i, limit in enumerate(limits):
        label = _number(limit) if lower == limit else f"{_number(lower)}–{_number(limit)}"
        legend.append(LegendEntry(shade=f"q{i + 1}", label=label))
        lower = limit + 1
    if any(a.hatched for a in areas):
        legend.append(
            LegendEntry(
                shade="na" if chosen.is_damage else "q0",
                label=_("not assessable: no access to the region's facilities"),
                hatched=True,
            )
        )
    return RegionMap(
        view_box=view_box,
        metric=chosen.key,
        metric_label=chosen.label,
        areas=areas,
        legend=legend,
        attribution=map_attribution(figures.country),
        rows=[
            (
                r.region.name,
                link(r.region),
                (
                    _("unknown: an exchange rate is missing")
                    if (v := value_of(r)) is None
                    else _number(v)
                ),
            )
            for r in figures.regions
        ],
    )
