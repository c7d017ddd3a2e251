import datetime as dt

import pytest
from django.utils import translation

from medinfra.dashboard.charts import (
    HEIGHT,
    Series,
    line_chart,
    month_label,
    nice_step,
    stacked_bar_chart,
)

MONTHS = [dt.date(2022, m, 1) for m in range(1, 13)] + [dt.date(2023, 1, 1)]


@pytest.mark.parametrize(
    ("largest", "step"), [(0, 1), (3, 1), (7, 2), (40, 10), (95, 50), (2325, 1000)]
)
def test_axis_steps_are_round_numbers_that_reach_the_largest_value(largest, step):
    assert nice_step(largest) == step
    assert nice_step(largest) * 4 >= largest


def test_stacked_bars_stack_each_month_and_keep_the_series_order():
    chart = stacked_bar_chart(
        "attacks",
        MONTHS[:3],
        [Series("a", "A", [1, 0, 4]), Series("b", "B", [2, 3, 0])],
    )

    january = [b for b in chart.bars if b.x == chart.bars[0].x]
    assert [b.style for b in january] == [0, 1]
    # The second series sits on top of the first: its bottom is the first one's top.
    assert january[1].y + january[1].height == pytest.approx(january[0].y)
    assert january[0].y + january[0].height == pytest.approx(chart.plot_bottom)
    assert len(chart.bars) == 4  # months without a value draw no bar
    assert chart.y_ticks[-1].label == "4"


def test_bar_heights_are_proportional_to_the_values():
    chart = stacked_bar_chart("x", MONTHS[:2], [Series("a", "A", [2, 4])])

    assert chart.bars[1].height == pytest.approx(2 * chart.bars[0].height)


def test_line_chart_draws_one_point_per_month_and_the_highest_at_the_top_tick():
    chart = line_chart("damage", MONTHS[:4], [Series("d", "D", [0, 10, 20, 40])])

    points = chart.lines[0].points.split()
    assert len(points) == 4
    last_y = float(points[-1].split(",")[1])
    assert last_y == pytest.approx(chart.y_ticks[-1].position)
    assert float(points[0].split(",")[1]) == pytest.approx(HEIGHT - 36)


def test_an_empty_series_makes_an_empty_chart_not_an_error():
    assert stacked_bar_chart("x", [], []).is_empty
    assert line_chart("x", MONTHS[:2], [Series("d", "D", [0, 0])]).is_empty


def test_long_spans_label_the_years_short_spans_the_months():
    with translation.override("en"):
        long = stacked_bar_chart("x", MONTHS, [Series("a", "A", [1] * 13)])
        short = stacked_bar_chart("x", MONTHS[:3], [Series("a", "A", [1] * 3)])

    assert [t.label for t in long.x_ticks] == ["2022", "2023"]
    assert [t.label for t in short.x_ticks] == ["Jan", "Feb", "Mar"]


def test_bar_titles_and_month_names_follow_the_language():
    with translation.override("uk"):
        chart = stacked_bar_chart("x", MONTHS[:1], [Series("a", "Атаки", [1200])])
        assert month_label(dt.date(2023, 10, 1)) == "Жовтень 2023"
    assert chart.bars[0].title == "Січень 2022: Атаки, 1\xa0200"
