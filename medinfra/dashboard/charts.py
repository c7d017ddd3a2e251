"""Server-drawn SVG charts: the geometry of bar and line charts over months, no JavaScript."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import formats

WIDTH = 760
HEIGHT = 300
LEFT = 56
RIGHT = 16
TOP = 12
BOTTOM = 36


@dataclass(frozen=True)
class Series:
    """One named series of values, one per month (None: nothing known yet); `key` names it."""

    key: str
    label: str
    values: Sequence[int | None]


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    style: int
    title: str


@dataclass(frozen=True)
class Line:
    style: int
    label: str
    points: str


@dataclass(frozen=True)
class Chart:
    """Everything a template needs to draw one chart and its legend."""

    title: str
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    bars: list[Bar]
    lines: list[Line]
    legend: list[tuple[int, str]]

    @property
    def is_empty(self) -> bool:
        return not self.bars and not self.lines


def nice_step(largest: int, steps: int = 4) -> int:
    """A round step (1, 2, 5 times a power of ten) so that `steps` steps reach the largest value."""
    if largest <= 0:
        return 1
    raw = largest / steps
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return int(factor * magnitude)
    return int(10 * magnitude)  # pragma: no cover - the loop always returns


def _number(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def month_label(month: dt.date) -> str:
    """The month and year in the active language, e.g. 'March 2023' or 'березень 2023'."""
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def _y_axis(largest: int) -> tuple[int, list[Tick], float]:
    step = nice_step(largest)
    top = max(step, math.ceil(largest / step) * step)
    scale = (HEIGHT - TOP - BOTTOM) / top
    ticks = [
        Tick(position=HEIGHT - BOTTOM - value * scale, label=_number(value))
        for value in range(0, top + 1, step)
    ]
    return top, ticks, scale


def _x_ticks(months: Sequence[dt.date], slot: float) -> list[Tick]:
    """A label at every January (the year), or at every month when the span is short."""
    if len(months) <= 12:
        return [
            Tick(position=LEFT + (i + 0.5) * slot, label=formats.date_format(m, "M"))
            for i, m in enumerate(months)
        ]
    ticks = [
        Tick(position=LEFT + i * slot, label=str(m.year))
        for i, m in enumerate(months)
        if m.month == 1
    ]
    if months[0].month != 1 and (not ticks or ticks[0].position - LEFT > 3 * slot):
        ticks.insert(0, Tick(position=LEFT, label=str(months[0].year)))
    return ticks


def _chart(
    title: str,
    series: Sequence[Series],
    *,
    x_ticks: list[Tick] | None = None,
    y_ticks: list[Tick] | None = None,
    bars: list[Bar] | None = None,
    lines: list[Line] | None = None,
) -> Chart:
    return Chart(
        title=title,
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=HEIGHT - BOTTOM,
        x_ticks=x_ticks or [],
        y_ticks=y_ticks or [],
        bars=bars or [],
        lines=lines or [],
        legend=[(i, s.label) for i, s in enumerate(series)],
    )


def stacked_bar_chart(title: str, months: Sequence[dt.date], series: Sequence[Series]) -> Chart:
    """One bar per month, the series stacked in order from the bottom."""
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(months))]
    if not months or not any(totals):
        return _chart(title, series)
    _, y_ticks, scale = _y_axis(max(totals))
    slot = (WIDTH - LEFT - RIGHT) / len(months)
    gap = min(2.0, slot * 0.2)
    bars = []
    for i, month in enumerate(months):
        bottom = float(HEIGHT - BOTTOM)
        for style, s in enumerate(series):
            value = s.values[i]
            if not value:
                continue
            height = value * scale
            bottom -= height
            bars.append(
                Bar(
                    x=round(LEFT + i * slot + gap / 2, 2),
                    y=round(bottom, 2),
                    width=round(slot - gap, 2),
                    height=round(height, 2),
                    style=style,
                    title=f"{month_label(month)}: {s.label}, {_number(value)}",
                )
            )
    return _chart(title, series, x_ticks=_x_ticks(months, slot), y_ticks=y_ticks, bars=bars)


def line_chart(title: str, months: Sequence[dt.date], series: Sequence[Series]) -> Chart:
    """One line per series over the months, each point at the month's end; None leaves no point."""
    largest = max(
        (max((v for v in s.values if v is not None), default=0) for s in series), default=0
    )
    if not months or largest == 0:
        return _chart(title, series)
    _, y_ticks, scale = _y_axis(largest)
    slot = (WIDTH - LEFT - RIGHT) / len(months)
    drawn = [
        Line(
            style=style,
            label=s.label,
            points=" ".join(
                f"{LEFT + (i + 1) * slot:.1f},{HEIGHT - BOTTOM - value * scale:.1f}"
                for i, value in enumerate(s.values)
                if value is not None
            ),
        )
        for style, s in enumerate(series)
    ]
    return _chart(title, series, x_ticks=_x_ticks(months, slot), y_ticks=y_ticks, lines=drawn)
