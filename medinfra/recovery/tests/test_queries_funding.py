"""The funding arithmetic: needs, commitments, disbursements and gaps, in any currency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from medinfra.core.services import retract_record
from medinfra.geography.queries import region_by_code
from medinfra.recovery.queries import (
    RateGap,
    funding_overview,
    project_funding,
    projects_as_of,
    who_does_what_where,
)

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2025, 1, 1)


@pytest.fixture
def rates(make_rate: Callable) -> None:
    make_rate("EUR", D(2023, 1, 1), "0.93")
    make_rate("EUR", D(2023, 3, 1), "0.92")
    make_rate("UAH", D(2022, 1, 1), "29.25")
    make_rate("UAH", D(2024, 1, 1), "38")


def funding_of(project: Any, as_of: dt.date = TODAY) -> Any:
    [row] = project_funding([project], as_of=as_of)
    return row


def test_partial_disbursements_add_up_and_leave_the_commitment_as_committed(
    rates: None, make_project: Callable, make_partner: Callable, fund: Callable
) -> None:
    project = make_project(cost_estimate=Decimal("1500000"), currency="USD")
    partner = make_partner()
    fund(project, partner, "1000000", "USD", D(2023, 5, 1))
    fund(project, partner, "250000", "USD", D(2023, 6, 1), kind="disbursement")
    fund(project, partner, "150000.50", "USD", D(2023, 9, 1), kind="disbursement")

    row = funding_of(project)

    assert row.committed.usd == Decimal("1000000.00")
    assert row.disbursed.usd == Decimal("400000.50")
    assert row.gap.usd == Decimal("500000.00")
    assert row.estimate.local == Decimal("43875000.00")  # 1.5 M x 29.25, the estimate's day


def test_each_amount_is_converted_at_the_rate_of_its_own_day(
    rates: None, make_project: Callable, make_partner: Callable, fund: Callable
) -> None:
    project = make_project(
        cost_estimate=Decimal("1000000"), currency="EUR", estimated_on=D(2023, 1, 10)
    )
    fund(project, make_partner(), "500000", "USD", D(2023, 6, 1))
    fund(project, make_partner(), "300000", "EUR", D(2023, 7, 1))

    row = funding_of(project)

    # The estimate at 10 January's rate (0.93): 1,075,268.817… USD.
    assert row.estimate.usd == Decimal("1075268.82")
    # 500,000 USD + 300,000 EUR at 0.92 (326,086.956…).
    assert row.committed.usd == Decimal("826086.96")
    # In euros: 1,000,000 - (500,000 x 0.92 + 300,000) = 240,000 EUR, valued at 0.93.
    assert row.gap.usd == Decimal("258064.52")


def test_a_project_funded_in_full_in_its_own_currency_has_no_gap_whatever_the_rates_did(
    rates: None, make_project: Callable, make_partner: Callable, fund: Callable
) -> None:
    project = make_project(
        cost_estimate=Decimal("29250000"), currency="UAH", estimated_on=D(2022, 3, 1)
    )
    fund(project, make_partner(), "29250000", "UAH", D(2024, 2, 1))

    row = funding_of(project)

    assert row.estimate.usd == Decimal("1000000.00")
    assert row.committed.usd == Decimal("769736.84")  # the hryvnia fell between the two days
    assert row.gap.usd == Decimal("0.00")


def test_a_disbursement_beyond_the_commitment_counts_as_committed(
    rates: None, make_project: Callable, make_partner: Callable, fund: Callable
) -> None:
    project = make_project(cost_estimate=Decimal("100000"), currency="USD")
    promised_less = make_partner()
    never_promised = make_partner()
    fund(project, promised_less, "20000", "USD", D(2023, 5, 1))
    fund(project, promised_less, "30000", "USD", D(2023, 6, 1), kind="disbursement")
    fund(project, never_promised, "10000", "USD", D(2023, 6, 1), kind="disbursement")

    row = funding_of(project)

    assert row.committed.usd == Decimal("40000.00")
    assert row.disbursed.usd == Decimal("40000.00")
    assert row.gap.usd == Decimal("60000.00")


def test_an_over_committed_project_has_no_gap_and_fills_no_other(
    rates: None, make_project: Callable, make_partner: Callable, fund: Callable
) -> None:
    over = make_project(cost_estimate=Decimal("100000"), currency="USD")
    short = make_project(cost_estimate=Decimal("100000"), currency="USD")
    fund(over, make_partner(), "150000", "USD", D(2023, 5, 1))
    fund(short, make_partner(), "40000", "USD", D(2023, 5, 1))

    overview = funding_overview(as_of=TODAY, country="UA")

    gaps = {row.project.pk: row.gap.usd for row in overview.rows}
    assert gaps == {over.pk: Decimal("0.00"), short.pk: Decimal("60000.00")}
    assert overview.overall.gap.usd == Decimal("60000.00")
    assert overview.overall.committed.usd == Decimal("190000.00")


def test_a_cancelled_project_leaves_the_gap_the_needs_and_the_commitments(
    rates: None,
    make_project: Callable,
    make_partner: Callable,
    fund: Callable,
    move: Callable,
) -> None:
    kept = make_project(cost_estimate=Decimal("300000"), currency="USD")
    dropped = make_project(cost_estimate=Decimal("1000000"), currency="USD")
    fund(kept, make_partner(), "100000", "USD", D(2023, 5, 1))
    fund(dropped, make_partner(), "200000", "USD", D(2023, 5, 1))
    move(dropped, ("cancelled", D(2023, 8, 1)))

    before = funding_overview(as_of=D(2023, 7, 31), country="UA").overall
    after = funding_overview(as_of=TODAY, country="UA").overall

    assert (before.projects, before.cancelled) == (2, 0)
    assert before.gap.usd == Decimal("1000000.00")  # 200,000 + 800,000 before the cancellation
    assert (after.projects, after.cancelled) == (1, 1)
    assert after.needs.usd == Decimal("300000.00")
    assert after.committed.usd == Decimal("100000.00")
    assert after.gap.usd == Decimal("200000.00")
    assert funding_of(dropped).gap.usd == Decimal("0.00")


def test_a_project_without_an_estimate_has_no_gap_and_is_counted_apart(
    rates: None, make_project: Callable, make_partner: Callable, fund: Callable
) -> None:
    project = make_project()
    fund(project, make_partner(), "5000", "USD", D(2023, 5, 1))

    overall = funding_overview(as_of=TODAY, country="UA").overall

    assert funding_of(project).gap is None
    assert (overall.without_estimate, overall.gap.usd) == (1, Decimal("0.00"))
    assert overall.committed.usd == Decimal("5000.00")


def test_an_amount_without_a_rate_is_named_and_left_out_not_an_error(
    rates: None, make_project: Callable, make_partner: Callable, fund: Callable
) -> None:
    project = make_project(cost_estimate=Decimal("100000"), currency="USD")
    fund(project, make_partner(), "10000", "GBP", D(2023, 5, 1))
    fund(project, make_partner(), "20000", "USD", D(2023, 5, 1))

    overview = funding_overview(as_of=TODAY, country="UA")

    assert overview.missing_rates == (RateGap("GBP", D(2023, 5, 1)),)
    assert not overview.overall.is_complete
    assert overview.overall.committed.usd == Decimal("20000.00")
    assert overview.rows[0].gap is None  # the gap cannot be known without the pounds
    assert "GBP" in overview.missing_rates[0].message
    assert "2023-05-01" in overview.missing_rates[0].message


def test_funding_dated_after_the_day_asked_for_does_not_count(
    rates: None, make_project: Callable, make_partner: Callable, fund: Callable
) -> None:
    project = make_project(cost_estimate=Decimal("100000"), currency="USD")
    fund(project, make_partner(), "10000", "USD", D(2023, 5, 1))
    fund(project, make_partner(), "30000", "USD", D(2023, 9, 1))

    assert funding_of(project, as_of=D(2023, 8, 31)).committed.usd == Decimal("10000.00")
    assert funding_of(project, as_of=D(2023, 9, 1)).committed.usd == Decimal("40000.00")


def test_retracted_funding_does_not_count(
    rates: None, make_project: Callable, make_partner: Callable, fund: Callable, actor: Any
) -> None:
    project = make_project(cost_estimate=Decimal("100000"), currency="USD")
    wrong = fund(project, make_partner(), "90000", "USD", D(2023, 5, 1))
    retract_record(wrong, actor=actor, reason="typed twice")

    assert funding_of(project).gap.usd == Decimal("100000.00")


def test_a_project_counts_from_its_first_stage_and_with_its_stage_on_the_day(
    rates: None, make_project: Callable, move: Callable
) -> None:
    project = make_project(stage_since=D(2023, 2, 1))
    move(project, ("assessed", D(2023, 4, 1)))

    assert not projects_as_of(as_of=D(2023, 1, 31)).exists()
    assert projects_as_of(as_of=D(2023, 3, 1)).get().stage_then == "idea"
    assert projects_as_of(as_of=D(2023, 4, 1)).get().stage_then == "assessed"
    assert projects_as_of(as_of=D(2023, 3, 1), stage="assessed").count() == 0


def test_totals_by_region_and_block_add_up_to_the_overall_totals(
    rates: None, make_project: Callable, make_partner: Callable, fund: Callable
) -> None:
    partner = make_partner()
    a = make_project(region="UA-63", block=2, cost_estimate=Decimal("100000"), currency="USD")
    b = make_project(region="UA-63", block=3, cost_estimate=Decimal("50000"), currency="USD")
    c = make_project(region="UA-14", block=2, cost_estimate=Decimal("200000"), currency="USD")
    fund(a, partner, "25000", "USD", D(2023, 5, 1))
    fund(c, partner, "200000", "USD", D(2023, 5, 1))
    b.refresh_from_db()

    overview = funding_overview(as_of=TODAY, country="UA")

    regions = {r.region.code: r for r in overview.regions}
    assert regions["UA-63"].totals.gap.usd == Decimal("125000.00")
    assert regions["UA-63"].by_block[2].gap.usd == Decimal("75000.00")
    assert regions["UA-63"].by_block[3].needs.usd == Decimal("50000.00")
    assert regions["UA-14"].totals.gap.usd == Decimal("0.00")
    assert overview.by_block[2].needs.usd == Decimal("300000.00")
    assert overview.by_block[2].gap.usd == Decimal("75000.00")
    assert overview.overall.gap.usd == Decimal("125000.00")
    assert sum(r.totals.needs.usd for r in overview.regions) == overview.overall.needs.usd
    # The region with the largest needs comes first.
    assert [r.region.code for r in overview.regions] == ["UA-14", "UA-63"]
    assert overview.projects_by_stage["idea"] == 3


def test_overview_reads_a_fixed_number_of_queries_whatever_the_projects(
    rates: None,
    make_project: Callable,
    make_partner: Callable,
    fund: Callable,
    django_assert_max_num_queries: Any,
) -> None:
    partner = make_partner()
    for _ in range(12):
        fund(
            make_project(cost_estimate=Decimal("1000"), currency="EUR"),
            partner,
            "10",
            "USD",
            D(2023, 5, 1),
        )

    with django_assert_max_num_queries(3):
        funding_overview(as_of=TODAY, country="UA")


def test_who_does_what_where_crosses_partners_regions_and_blocks(
    rates: None, make_project: Callable, make_partner: Callable, fund: Callable, move: Callable
) -> None:
    big = make_partner(name_en="Big fund")
    small = make_partner(name_en="Small fund")
    kharkiv = make_project(region="UA-63", block=2)
    donetsk = make_project(region="UA-14", block=1)
    kharkiv_other = make_project(region="UA-63", block=2)
    cancelled = make_project(region="UA-48", block=3)
    fund(kharkiv, big, "100", "USD", D(2023, 5, 1))
    fund(kharkiv_other, big, "50", "USD", D(2023, 5, 1))
    fund(donetsk, big, "200", "EUR", D(2023, 5, 1))
    fund(kharkiv, small, "10", "USD", D(2023, 5, 1))
    fund(cancelled, small, "999", "USD", D(2023, 5, 1))
    move(cancelled, ("cancelled", D(2023, 6, 1)))

    matrix = who_does_what_where(as_of=TODAY, country="UA")

    assert [r.code for r in matrix.regions] == ["UA-14", "UA-63"]
    assert [row.partner.name_en for row in matrix.rows] == ["Big fund", "Small fund"]
    big_row, small_row = matrix.rows
    assert [[(c.block, c.projects) for c in cell] for cell in big_row.cells] == [
        [(1, 1)],
        [(2, 2)],
    ]
    assert big_row.cells[1][0].committed.usd == Decimal("150.00")
    assert big_row.cells[0][0].committed.usd == Decimal("217.39")  # 200 / 0.92
    assert [[(c.block, c.projects) for c in cell] for cell in small_row.cells] == [[], [(2, 1)]]
    assert who_does_what_where(as_of=TODAY, country="UA", block=1).rows[0].projects == 1


def test_funding_in_another_region_of_the_same_country_is_found_by_region(
    rates: None, make_project: Callable
) -> None:
    make_project(region="UA-63")
    make_project(region="UA-14")

    kharkiv = region_by_code("UA-63")

    assert funding_overview(as_of=TODAY, region=kharkiv).overall.projects == 1
