"""The headline figures endpoints give exactly what medinfra.dashboard.queries counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

import pytest
from django.utils import timezone

from tests.api.conftest import Api, World, errors_of

D = dt.date


def damage_of(counts: Any) -> dict[str, int] | None:
    return None if counts is None else asdict(counts)


@pytest.fixture
def luhansk_inaccessible(world: World, actor: Any, make_facility: Any, assess: Any) -> None:
    from medinfra.geography.queries import region_by_code
    from medinfra.geography.services import set_access_status

    assess(make_facility(region="UA-09"), D(2022, 5, 1), "destroyed")
    set_access_status(region_by_code("UA-09"), status="inaccessible", actor=actor)


@pytest.mark.parametrize("as_of", [D(2022, 3, 31), D(2022, 12, 31), D(2023, 7, 1), None])
@pytest.mark.parametrize("region", [None, "UA-63", "UA-46", "UA-09"])
def test_headline_equals_the_counting_rules(
    api: Api, luhansk_inaccessible: None, as_of: dt.date | None, region: str | None
) -> None:
    from medinfra.dashboard.queries import headline
    from medinfra.geography.queries import region_by_code

    params = {k: v for k, v in (("as_of", as_of), ("region", region)) if v is not None}
    response = api.get("/figures/headline", **params)

    assert response.status_code == 200, response.content
    expected = headline(
        country="UA",
        as_of=as_of or timezone.localdate(),
        region=region_by_code(region) if region else None,
    )
    assert response.json() == {
        "as_of": expected.as_of.isoformat(),
        "country": "UA",
        "region": region,
        "is_synthetic": expected.synthetic,
        "damage": damage_of(expected.damage),
        "attacks_verified": expected.attacks.verified,
        "vehicles": asdict(expected.vehicles),
        "ranking": [r.region.code for r in expected.ranking],
        "not_assessable": [r.code for r in expected.not_assessable],
    }


def test_headline_counts_from_the_world(api: Api, luhansk_inaccessible: None) -> None:
    body = api.get("/figures/headline", as_of="2023-07-01").json()

    # Kharkiv partial, Lviv destroyed, the Luhansk site destroyed: counted nationally.
    assert body["damage"]["damaged_or_destroyed"] == 3
    assert body["damage"]["destroyed"] == 2
    assert body["damage"]["partially_restored"] == 1
    # Two verified incidents; the unverified one of 2024 is not a public count.
    assert body["attacks_verified"] == 2
    assert body["vehicles"] == {"damaged": 1, "destroyed": 0, "seized": 0}
    assert body["ranking"] == ["UA-46", "UA-63"]
    assert body["not_assessable"] == ["UA-09"]


def test_unverified_incident_is_not_counted_publicly(
    api: Api, world: World, make_incident: Any
) -> None:
    before = api.get("/figures/headline").json()["attacks_verified"]
    make_incident(occurred_on=D(2023, 1, 1))

    assert api.get("/figures/headline").json()["attacks_verified"] == before


def test_inaccessible_region_is_not_assessable_never_zero(
    api: Api, luhansk_inaccessible: None
) -> None:
    alone = api.get("/figures/headline", region="UA-09").json()
    rows = {r["region"]: r for r in api.get("/figures/by-region").json()["regions"]}

    assert alone["damage"] is None
    assert rows["UA-09"]["damage"] is None and rows["UA-09"]["is_assessable"] is False
    assert rows["UA-07"]["damage"]["damaged_or_destroyed"] == 0


@pytest.mark.parametrize("as_of", [D(2022, 6, 1), None])
def test_figures_by_region_equal_the_counting_rules(
    api: Api, luhansk_inaccessible: None, as_of: dt.date | None
) -> None:
    from medinfra.dashboard.queries import region_figures

    body = api.get("/figures/by-region", **({"as_of": as_of} if as_of else {})).json()

    expected = region_figures(as_of=as_of or timezone.localdate(), country="UA")
    assert body["as_of"] == (as_of or timezone.localdate()).isoformat()
    assert [r["region"] for r in body["regions"]] == [r.region.code for r in expected]
    for row, figures in zip(body["regions"], expected, strict=True):
        assert row["damage"] == damage_of(figures.damage)
        assert row["attacks_verified"] == figures.attacks.verified
        assert row["vehicles"] == asdict(figures.vehicles)
        assert row["access_status"] == figures.region.access_status


def test_figures_of_one_region_have_one_row(api: Api, world: World) -> None:
    rows = api.get("/figures/by-region", region="UA-63").json()["regions"]

    assert [r["region"] for r in rows] == ["UA-63"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"as_of": "FUTURE"}, "as_of"),
        ({"as_of": "2023-02-30"}, "as_of"),
        ({"as_of": "last week"}, "as_of"),
        ({"region": "UA-99"}, "region"),
        ({"region": "63"}, "region"),
    ],
)
@pytest.mark.parametrize("path", ["/figures/headline", "/figures/by-region"])
def test_bad_date_or_region_answers_422_naming_it(
    api: Api, world: World, path: str, params: dict[str, str], field: str
) -> None:
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    params = {k: (future if v == "FUTURE" else v) for k, v in params.items()}

    response = api.get(path, **params)

    assert response.status_code == 422
    assert list(errors_of(response)) == [field]
