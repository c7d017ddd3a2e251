"""The recovery figures of the bulletin, published needs, and the partner pages' data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from medinfra.geography.queries import region_by_code
from medinfra.recovery.queries import (
    partner_profile,
    partner_summaries,
    published_needs,
    recovery_figures,
)

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2025, 1, 1)


@pytest.fixture
def projects(
    make_rate: Callable,
    make_project: Callable,
    make_partner: Callable,
    fund: Callable,
    move: Callable,
) -> dict[str, Any]:
    make_rate("UAH", D(2022, 1, 1), "40")
    fund_a = make_partner(name_en="Fund A")
    a = make_project(region="UA-63", cost_estimate=Decimal("1000000"), currency="USD")
    b = make_project(region="UA-14", cost_estimate=Decimal("500000"), currency="USD")
    c = make_project(region="UA-14")
    fund(a, fund_a, "400000", "USD", D(2023, 5, 1))
    fund(a, fund_a, "100000", "USD", D(2023, 6, 1), kind="disbursement")
    move(a, ("assessed", D(2023, 2, 1)), ("designed", D(2023, 3, 1)), ("funded", D(2023, 7, 1)))
    move(c, ("cancelled", D(2023, 8, 1)))
    return {"a": a, "b": b, "c": c, "fund": fund_a}


def test_recovery_figures_count_projects_by_stage_on_the_day(projects: dict[str, Any]) -> None:
    now = recovery_figures(as_of=TODAY, country="UA")
    earlier = recovery_figures(as_of=D(2023, 2, 15), country="UA")

    assert {k: v for k, v in now.projects_by_stage.items() if v} == {
        "idea": 1,
        "funded": 1,
        "cancelled": 1,
    }
    assert {k: v for k, v in earlier.projects_by_stage.items() if v} == {"idea": 2, "assessed": 1}
    assert now.totals.committed.usd == Decimal("400000.00")
    assert now.totals.gap.usd == Decimal("1100000.00")


def test_recovery_figures_in_words_in_english(projects: dict[str, Any]) -> None:
    with translation.override("en"):
        lines = recovery_figures(as_of=TODAY, country="UA").sentences()

    assert lines == [
        "The recovery plan has 3 projects (idea 1, funded 1, cancelled 1).",
        "Partners have committed USD 400,000 and disbursed USD 100,000; the funding gap is "
        "USD 1,100,000 of USD 1,500,000 in estimated costs.",
    ]


def test_recovery_figures_in_words_in_ukrainian(projects: dict[str, Any]) -> None:
    with translation.override("uk"):
        lines = recovery_figures(as_of=TODAY, country="UA").sentences()

    assert lines[0].startswith("План відновлення має 3 проєкти (ідея 1,")
    assert "дефіцит фінансування" in lines[1]


def test_recovery_figures_of_one_region(projects: dict[str, Any]) -> None:
    figures = recovery_figures(as_of=TODAY, region=region_by_code("UA-14"))

    assert figures.projects == 2
    assert figures.totals.gap.usd == Decimal("500000.00")


def test_recovery_figures_say_what_they_leave_out(
    projects: dict[str, Any], make_project: Callable, fund: Callable
) -> None:
    fund(projects["b"], projects["fund"], "100", "CHF", D(2023, 5, 1))
    make_project()

    with translation.override("en"):
        lines = recovery_figures(as_of=TODAY, country="UA").sentences()

    assert "1 project has no cost estimate yet and is not in the gap." in lines
    assert lines[-1] == (
        "Some amounts are left out because the rate table lacks a rate: no exchange rate for "
        "CHF on or before 2023-05-01."
    )


def test_no_projects_is_said_so(ua: Any) -> None:
    with translation.override("en"):
        assert recovery_figures(as_of=TODAY, country="UA").sentences() == [
            "No recovery projects are recorded."
        ]


def test_published_needs_are_read_from_the_figures_ledger(
    ua: Any, make_source: Callable, actor: Any
) -> None:
    from medinfra.figures.services import record_figure

    source = make_source(title="Seed 001")
    record_figure(
        actor=actor,
        metric="recovery_needs_usd",
        value=Decimal("6400000000"),
        as_of=D(2023, 2, 1),
        country="UA",
        source=source,
    )
    record_figure(
        actor=actor,
        metric="facilities_destroyed",
        value=Decimal("190"),
        as_of=D(2023, 2, 1),
        country="UA",
        source=source,
    )

    found = published_needs(country="UA", as_of=TODAY)

    assert [(f.metric, f.value, f.title) for f in found] == [
        ("recovery_needs_usd", Decimal("6400000000"), "Seed 001")
    ]
    assert published_needs(country="UA", as_of=D(2023, 1, 1)) == []


def test_partner_pages_count_only_what_is_not_cancelled(
    projects: dict[str, Any], fund: Callable
) -> None:
    fund(projects["c"], projects["fund"], "999", "USD", D(2023, 7, 1))  # before the cancellation

    summaries, missing = partner_summaries(as_of=TODAY, country="UA")
    profile = partner_profile(projects["fund"], as_of=TODAY)

    [summary] = [s for s in summaries if s.partner == projects["fund"]]
    assert (summary.projects, summary.committed.usd, summary.disbursed.usd) == (
        1,
        Decimal("400000.00"),
        Decimal("100000.00"),
    )
    assert missing == ()
    assert profile.committed.usd == Decimal("400000.00")
    assert [row.project for row in profile.projects] == [projects["a"], projects["c"]]
    assert [(r.code, n) for r, n in profile.regions] == [("UA-63", 1)]
