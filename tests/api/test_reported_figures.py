"""The ledger of published figures through the API: filters, paging, allow-list, withdrawal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.api.conftest import Api, errors_of

D = dt.date


@pytest.fixture
def ledger(ua: Any, actor: Any, make_source: Any) -> dict[str, Any]:
    from medinfra.figures.services import record_figure

    ministry = make_source(publisher="Ministry")
    who = make_source(publisher="WHO")

    def figure(source: Any, metric: str, value: int, as_of: dt.date, **fields: Any) -> Any:
        return record_figure(
            actor=actor,
            metric=metric,
            value=value,
            as_of=as_of,
            country="UA",
            source=source,
            **fields,
        )

    return {
        "ministry": ministry,
        "who": who,
        "national": figure(ministry, "facilities_destroyed", 150, D(2023, 2, 20)),
        "later": figure(ministry, "facilities_destroyed", 190, D(2023, 10, 6)),
        "regional": figure(who, "attacks_recorded", 40, D(2023, 3, 1), region="UA-63"),
    }


def test_list_gives_the_allow_list_of_each_figure(api: Api, ledger: dict[str, Any]) -> None:
    response = api.get("/reported-figures")

    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [i["id"] for i in items] == [
        ledger["national"].pk,
        ledger["regional"].pk,
        ledger["later"].pk,
    ]
    assert set(items[0]) == {
        "id",
        "metric",
        "value",
        "qualifier",
        "as_of",
        "as_of_precision",
        "country",
        "region",
        "source",
        "attributed_to",
        "span",
        "is_synthetic",
    }
    assert items[1]["region"] == "UA-63"
    assert items[0]["region"] is None
    assert items[0]["source"] == ledger["ministry"].pk


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"metric": "facilities_destroyed"}, ["national", "later"]),
        ({"region": "UA-63"}, ["regional"]),
        ({"national": "true"}, ["national", "later"]),
        ({"national": "false"}, ["regional"]),
        ({"from": "2023-03-01", "to": "2023-12-31"}, ["regional", "later"]),
        ({"ordering": "-as_of"}, ["later", "regional", "national"]),
    ],
)
def test_filters_and_ordering(
    api: Api, ledger: dict[str, Any], params: dict[str, str], expected: list[str]
) -> None:
    response = api.get("/reported-figures", **params)

    assert response.status_code == 200, response.content
    assert [i["id"] for i in response.json()["items"]] == [ledger[k].pk for k in expected]


def test_a_retracted_source_withdraws_its_figures(
    api: Api, ledger: dict[str, Any], actor: Any
) -> None:
    from medinfra.core.services import retract_record

    retract_record(ledger["who"], actor=actor, reason="Withdrawn by its publisher.")

    ids = [i["id"] for i in api.get("/reported-figures").json()["items"]]
    assert ledger["regional"].pk not in ids
    assert api.get(f"/reported-figures/{ledger['regional'].pk}").status_code == 404
    assert api.get(f"/reported-figures/{ledger['national'].pk}").json()["value"] in (
        "150",
        "150.00",
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"metric": "bananas"}, "metric"),
        ({"region": "UA-99"}, "region"),
        ({"from": "2023-05-01", "to": "2023-01-01"}, "to"),
        ({"country": "Ukraine"}, "country"),
    ],
)
def test_bad_filters_name_the_field(
    api: Api, ledger: dict[str, Any], params: dict[str, str], field: str
) -> None:
    response = api.get("/reported-figures", **params)

    assert response.status_code == 422, response.content
    assert field in errors_of(response)
