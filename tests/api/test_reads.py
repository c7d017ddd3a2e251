"""Public reads: only public records, in the allow-list of fields; filters, ordering, paging."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import Api, World, errors_of

D = dt.date

LISTS = [
    "/regions",
    "/sources",
    "/facilities",
    "/assessments",
    "/restorations",
    "/incidents",
    "/vehicles",
    "/vehicle-events",
    "/partners",
    "/projects",
    "/funding",
    "/agreements",
]


def ids(response: Any, key: str = "id") -> list[Any]:
    assert response.status_code == 200, response.content
    return [item[key] for item in response.json()["items"]]


def walk(api: Api, path: str, **params: Any) -> list[Any]:
    """Every item of a list, page by page."""
    items: list[Any] = []
    cursor = None
    for _ in range(1000):
        response = api.get(path, **params, **({"cursor": cursor} if cursor else {}))
        assert response.status_code == 200, response.content
        body = response.json()
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the walk never ended")


@pytest.mark.parametrize("path", LISTS)
def test_every_list_answers_a_page_of_items_to_anyone(api: Api, world: World, path: str) -> None:
    response = api.get(path)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "next_cursor"}
    assert body["items"] and body["next_cursor"] is None


def test_incident_list_shows_verified_incidents_only(api: Api, world: World) -> None:
    assert sorted(ids(api.get("/incidents"))) == sorted(i.pk for i in world.verified)


def test_unverified_incident_answers_404_as_if_it_did_not_exist(api: Api, world: World) -> None:
    response = api.get(f"/incidents/{world.unverified.pk}")

    assert response.status_code == 404
    assert errors_of(response) == {
        "__all__": [f"No public incident with id {world.unverified.pk}."]
    }


def test_retracted_incident_leaves_the_api(api: Api, world: World, actor: Any) -> None:
    from medinfra.core.services import retract_record

    gone = world.verified[0]
    retract_record(gone, actor=actor, reason="duplicate")

    assert gone.pk not in ids(api.get("/incidents"))
    assert api.get(f"/incidents/{gone.pk}").status_code == 404


def test_verified_incident_is_shown_in_its_public_shape(api: Api, world: World) -> None:
    incident = world.verified[1]

    body = api.get(f"/incidents/{incident.pk}").json()

    assert body["region"] == "UA-46"
    assert body["attack_types"] == ["obstruction", "psychological"]
    assert body["sources"] == sorted(s.pk for s in world.sources)
    assert "description" not in body and "verification" not in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "UA-46"}, [1]),
        ({"region": "ua-63"}, [0]),
        ({"from": "2023-01-01"}, [1]),
        ({"to": "2022-12-31"}, [0]),
        ({"from": "2022-03-01", "to": "2022-03-01"}, [0]),
        ({"attack_type": "psychological"}, [1]),
        ({"attack_type": "abduction"}, []),
        ({"facility_kind": "hospital"}, [0]),
        ({"resource": "personnel"}, [1]),
        ({"certainty": "confirmed"}, [1]),
    ],
)
def test_incident_filters_select_incidents(
    api: Api, world: World, params: dict[str, str], expected: list[int]
) -> None:
    found = ids(api.get("/incidents", **params))

    assert sorted(found) == sorted(world.verified[i].pk for i in expected)


def test_facility_filter_takes_its_id(api: Api, world: World) -> None:
    assert ids(api.get("/incidents", facility=world.kharkiv.pk)) == [world.verified[0].pk]


def test_verification_is_not_a_public_filter(api: Api, world: World) -> None:
    asked = ids(api.get("/incidents", verification="reported"))

    assert world.unverified.pk not in asked
    assert sorted(asked) == sorted(i.pk for i in world.verified)


@pytest.mark.parametrize(
    ("path", "params", "expected"),
    [
        ("/facilities", {"region": "UA-46"}, "lviv"),
        ("/facilities", {"kind": "primary_care_centre"}, "lviv"),
        ("/assessments", {"condition": "destroyed"}, "lviv"),
        ("/assessments", {"region": "UA-63"}, "kharkiv"),
        ("/assessments", {"from": "2022-04-01"}, "lviv"),
        ("/restorations", {"milestone": "partially_restored"}, "kharkiv"),
        ("/projects", {"region": "UA-63", "block": "2", "stage": "idea"}, "kharkiv"),
        ("/agreements", {"region": "UA-46", "kind": "twinning"}, "lviv"),
    ],
)
def test_filters_of_other_lists_select_records(
    api: Api, world: World, path: str, params: dict[str, str], expected: str
) -> None:
    items = api.get(path, **params).json()["items"]

    facility = getattr(world, expected)
    assert len(items) == 1
    assert items[0]["id" if path == "/facilities" else "facility"] == facility.pk


def test_filters_that_match_nothing_give_an_empty_page(api: Api, world: World) -> None:
    assert ids(api.get("/facilities", region="UA-07")) == []
    assert ids(api.get("/vehicle-events", status="seized")) == []
    assert ids(api.get("/funding", partner=world.partner.pk)) == []
    assert ids(api.get("/partners", kind="ngo")) == []
    assert ids(api.get("/sources", language="de")) == []


def test_regions_are_listed_in_code_order_with_their_access(api: Api, world: World) -> None:
    regions = walk(api, "/regions", limit=10)

    assert len(regions) == 27
    assert [r["code"] for r in regions] == sorted(r["code"] for r in regions)
    crimea = api.get("/regions/UA-43").json()
    assert crimea["access_status"] == "occupied" and crimea["country"] == "UA"
    assert [r["code"] for r in walk(api, "/regions", access_status="occupied")] == ["UA-43"]


def test_site_in_occupied_territory_has_no_exact_place(api: Api, world: World) -> None:
    shown = api.get(f"/facilities/{world.occupied.pk}").json()
    controlled = api.get(f"/facilities/{world.lviv.pk}").json()

    assert shown["settlement"] == "" and shown["latitude"] is None
    assert controlled["settlement"] == "Lviv" and controlled["latitude"] == "49.84000"


@pytest.mark.parametrize("ordering", ["occurred_on", "-occurred_on", "id", "-id"])
def test_incidents_come_in_the_chosen_order(
    api: Api, world: World, make_incident: Any, other_actor: Any, ordering: str
) -> None:
    from medinfra.incidents.services import set_verification

    for on in (D(2022, 3, 1), D(2021, 1, 1), D(2024, 2, 1)):
        set_verification(make_incident(occurred_on=on), actor=other_actor, state="verified")

    items = api.get("/incidents", ordering=ordering).json()["items"]

    field = ordering.removeprefix("-")
    keys = [(item[field], item["id"]) for item in items]
    assert keys == sorted(keys, reverse=ordering.startswith("-"))


def test_unknown_ordering_is_refused(api: Api, world: World) -> None:
    response = api.get("/incidents", ordering="description")

    assert response.status_code == 422
    assert list(errors_of(response)) == ["ordering"]


@pytest.mark.parametrize("ordering", ["id", "-id", "name_uk", "-name_en"])
def test_paging_meets_every_record_exactly_once(
    api: Api, make_facility: Any, ordering: str
) -> None:
    # Names repeat, so records with equal sort values straddle page boundaries.
    made = [
        make_facility(name_uk=f"Лікарня {n % 4}", name_en=f"Hospital {n % 3}").pk for n in range(23)
    ]

    seen = [item["id"] for item in walk(api, "/facilities", ordering=ordering, limit=5)]

    assert sorted(seen) == sorted(made)
    assert len(seen) == len(set(seen))


def test_paging_over_equal_dates_follows_the_id(
    api: Api, make_incident: Any, other_actor: Any, ua: Any
) -> None:
    from medinfra.incidents.services import set_verification

    made = [
        set_verification(
            make_incident(occurred_on=D(2022, 5, 1)), actor=other_actor, state="verified"
        ).pk
        for _ in range(7)
    ]

    seen = [i["id"] for i in walk(api, "/incidents", ordering="-occurred_on", limit=2)]

    assert seen == sorted(made, reverse=True)


def test_record_added_during_a_walk_does_not_shift_the_pages(api: Api, make_facility: Any) -> None:
    made = [make_facility().pk for _ in range(6)]
    first = api.get("/facilities", ordering="id", limit=3).json()
    make_facility()  # lands at the end: the next page is unchanged

    second = api.get("/facilities", ordering="id", limit=3, cursor=first["next_cursor"]).json()

    assert [i["id"] for i in first["items"] + second["items"]] == made


@pytest.mark.parametrize(
    "cursor", ["junk", "eyJtIjoiZmFjaWxpdGllcy5mYWNpbGl0eSJ9:bad:sig", "", "ö" * 3]
)
def test_cursor_not_given_out_by_the_api_is_refused(api: Api, world: World, cursor: str) -> None:
    response = api.get("/facilities", cursor=cursor)

    if cursor == "":
        assert response.status_code == 200
    else:
        assert response.status_code == 422
        assert list(errors_of(response)) == ["cursor"]


def test_cursor_of_one_ordering_or_list_does_not_fit_another(
    api: Api, make_facility: Any, make_source: Any
) -> None:
    for _ in range(3):
        make_facility()
        make_source()
    cursor = api.get("/facilities", ordering="id", limit=1).json()["next_cursor"]

    other_ordering = api.get("/facilities", ordering="-id", cursor=cursor)
    other_list = api.get("/sources", ordering="id", cursor=cursor)

    assert (
        other_ordering.status_code == 422
        and "ordering=id" in errors_of(other_ordering)["cursor"][0]
    )
    assert other_list.status_code == 422 and list(errors_of(other_list)) == ["cursor"]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/incidents", {"region": "UA-99"}, "region"),
        ("/incidents", {"region": "Kharkiv\x00"}, "region"),
        ("/incidents", {"from": "2024-13-01"}, "from"),
        ("/incidents", {"from": "2024-02-01", "to": "2024-01-01"}, "to"),
        ("/incidents", {"attack_type": "bombing"}, "attack_type"),
        ("/incidents", {"facility": "-1"}, "facility"),
        ("/incidents", {"facility": "99999999999999999999999"}, "facility"),
        ("/incidents", {"limit": "0"}, "limit"),
        ("/incidents", {"limit": "many"}, "limit"),
        ("/incidents", {"limit": "201"}, "limit"),
        ("/facilities", {"kind": "castle"}, "kind"),
        ("/projects", {"block": "7"}, "block"),
        ("/regions", {"country": "Ukraine"}, "country"),
        ("/funding", {"to": "yesterday"}, "to"),
    ],
)
def test_bad_query_values_answer_422_naming_the_field(
    api: Api, world: World, path: str, params: dict[str, str], field: str
) -> None:
    response = api.get(path, **params)

    assert response.status_code == 422, response.content
    assert field in errors_of(response)


@pytest.mark.parametrize(
    "path",
    [
        "/facilities/0",
        "/facilities/999999",
        "/facilities/99999999999999999999999",
        "/facilities/abc",
        "/regions/UA-99",
        "/regions/Kharkiv",
        "/sources/999999",
    ],
)
def test_unknown_record_answers_4xx_in_the_error_format(api: Api, world: World, path: str) -> None:
    response = api.get(path)

    assert response.status_code in (404, 422)
    errors_of(response)


@pytest.mark.parametrize("path", LISTS)
def test_a_list_costs_the_same_queries_however_long_it_is(
    api: Api,
    world: World,
    path: str,
    make_facility: Any,
    make_incident: Any,
    make_source: Any,
    assess: Any,
    restore: Any,
    make_vehicle: Any,
    other_actor: Any,
    actor: Any,
    django_assert_max_num_queries: Any,
) -> None:
    from medinfra.incidents.services import set_verification
    from medinfra.partnerships.services import record_agreement
    from medinfra.recovery.services import record_funding, register_partner, register_project

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get(path, limit=50).status_code == 200
        return len(captured)

    before = queries()
    for n in range(5):
        facility = make_facility(region="UA-12")
        assess(facility, D(2022, 6, 1), "partial")
        restore(facility, D(2023, 6, 1), "fully_restored")
        incident = make_incident(facility=facility, sources=[make_source(), make_source()])
        set_verification(incident, actor=other_actor, state="verified")
        make_vehicle(region="UA-12", events=((D(2022, 7, 1), "seized"),))
        partner = register_partner(actor=actor, name_en=f"P{n}", kind="foreign_hospital")
        project = register_project(actor=actor, title_en=f"T{n}", block=1, facility=facility)
        record_funding(
            project,
            actor=actor,
            partner=partner,
            kind="disbursement",
            amount=1,
            currency="EUR",
            on=D(2024, 1, 1),
        )
        record_agreement(
            actor=actor,
            facility=facility,
            partner=partner,
            kind="memorandum",
            signed_on=D(2024, 1, 1),
        )

    with django_assert_max_num_queries(5):
        after = queries()
    assert after == before
