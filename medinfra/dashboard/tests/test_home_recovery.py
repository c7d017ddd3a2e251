"""The home page's funding-gap map and the trend of figures the sources published."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache

from medinfra.figures.services import record_figure
from medinfra.recovery.services import (
    record_funding,
    record_rate,
    register_partner,
    register_project,
)

D = dt.date
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def projects(ua: Any, actor: Any) -> None:
    record_rate(actor=actor, currency="UAH", valid_from=D(2022, 1, 1), per_usd=Decimal("36.57"))
    donor = register_partner(actor=actor, name_en="Test donor", kind="donor")

    def project(region: str, estimate: str, committed: str | None) -> None:
        made = register_project(
            actor=actor,
            title_en=f"Test project in {region} {estimate}",
            block=2,
            region=region,
            stage_since=D(2023, 1, 2),
            cost_estimate=Decimal(estimate),
            currency="USD",
            estimated_on=D(2023, 1, 2),
        )
        if committed:
            record_funding(
                made,
                actor=actor,
                partner=donor,
                kind="commitment",
                amount=Decimal(committed),
                currency="USD",
                on=D(2023, 2, 1),
            )

    project("UA-63", "1000000", "250000")  # gap 750,000
    project("UA-63", "500000", None)  # gap 500,000
    project("UA-14", "300000", "300000")  # fully funded: gap 0


def _map_table(html: str) -> dict[str, str]:
    section = html.split('id="map"', 1)[1].split("</section>", 1)[0]
    table = section.split("<table>", 1)[1].split("</table>", 1)[0]
    rows = re.findall(
        r'<th scope="row"><a [^>]*>([^<]+)</a></th><td class="num">([^<]*)</td>', table
    )
    return dict(rows)


def test_the_map_shows_each_regions_funding_gap_with_a_table_saying_the_same(
    client: Any, projects: None
) -> None:
    html = client.get("/?metric=funding_gap", **EN).content.decode()

    assert "Map of the regions: Funding gap of recovery projects, US$" in html
    table = _map_table(html)
    assert table["Kharkiv Oblast"] == "1,250,000"
    assert table["Donetsk Oblast"] == "0"
    assert table["Lviv Oblast"] == "0"  # no projects: no gap
    assert 'aria-label="Kharkiv Oblast: Funding gap of recovery projects, US$: 1,250,000"' in html
    # The other metrics keep the table of regions and draw no second table.
    assert "The map&#x27;s data as a table" not in client.get("/", **EN).content.decode()


def test_the_funding_gap_follows_the_date_asked(client: Any, projects: None) -> None:
    # Before the commitment of February 2023, the whole estimate is the gap.
    html = client.get("/?metric=funding_gap&as_of=2023-01-15", **EN).content.decode()

    assert _map_table(html)["Kharkiv Oblast"] == "1,500,000"
    assert _map_table(html)["Donetsk Oblast"] == "300,000"


def test_a_gap_that_needs_a_missing_rate_is_unknown_not_zero(
    client: Any, ua: Any, actor: Any
) -> None:
    register_project(
        actor=actor,
        title_en="Test project priced in euros",
        block=2,
        region="UA-63",
        stage_since=D(2023, 1, 2),
        cost_estimate=Decimal("100000"),
        currency="EUR",
        estimated_on=D(2023, 1, 2),
    )
    html = client.get("/?metric=funding_gap", **EN).content.decode()

    assert _map_table(html)["Kharkiv Oblast"] == "unknown: an exchange rate is missing"


@pytest.fixture
def published(ua: Any, actor: Any, make_source: Any) -> None:
    source = make_source(publisher="Ministry")
    for metric, value, day in [
        ("facilities_damaged_or_destroyed", 1000, D(2023, 1, 10)),
        ("facilities_damaged_or_destroyed", 1200, D(2023, 3, 5)),
        ("facilities_destroyed", 150, D(2023, 2, 20)),
    ]:
        record_figure(
            actor=actor, metric=metric, value=value, as_of=day, country="UA", source=source
        )


def test_home_draws_the_published_figures_over_time_with_a_table_and_csv(
    client: Any, published: None
) -> None:
    html = client.get("/?as_of=2023-04-30", **EN).content.decode()

    assert "Figures published by the sources: the latest at the end of each month" in html
    chart = html.split('id="reported-chart-title"', 1)[1].split("</figure>", 1)[0]
    assert "<polyline" in chart
    rows = re.findall(
        r'<tr><th scope="row">([^<]+)</th>((?:<td class="num">[^<]*</td>)+)</tr>', chart
    )
    values = {month: re.findall(r">([^<]*)</td>", cells) for month, cells in rows}
    assert values == {
        "January 2023": ["1,000", ""],
        "February 2023": ["1,000", "150"],
        "March 2023": ["1,200", "150"],
        "April 2023": ["1,200", "150"],
    }

    link = re.search(r'href="(/charts/reported-figures-by-month.csv\?[^"]+)"', chart)
    assert link is not None
    response = client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0] == [
        "month",
        "facilities_damaged_or_destroyed",
        "facilities_destroyed",
        "synthetic_demo_data",
    ]
    assert lines[1] == ["2023-01", "1000", "", "False"]
    assert lines[-1] == ["2023-04", "1200", "150", "False"]


def test_no_published_figures_no_chart(client: Any, ua: Any) -> None:
    assert 'id="reported-chart' not in client.get("/", **EN).content.decode()


def test_the_published_figures_csv_refuses_a_region_and_a_bad_date(client: Any, ua: Any) -> None:
    response = client.get("/charts/reported-figures-by-month.csv?region=UA-63", **EN)
    assert response.status_code == 400
    assert "region" in response.content.decode()
    response = client.get("/charts/reported-figures-by-month.csv?as_of=2023-13-01", **EN)
    assert response.status_code == 400
    assert "as_of" in response.content.decode() or "date" in response.content.decode()
