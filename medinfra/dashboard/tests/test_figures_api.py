"""The figures endpoints answer from a cache kept per data version; the monthly series."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import asdict
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation

from medinfra.dashboard.queries import DataVersion, _lock_for, cached, figures_version
from medinfra.facilities.queries import damage_by_month
from medinfra.incidents.queries import verified_attacks_by_month

D = dt.date
URL = "/api/v1/figures"


def test_the_monthly_series_are_the_counting_rules(client: Any, registry: Any) -> None:
    body = client.get(f"{URL}/by-month", {"as_of": "2023-06-30"}).json()

    attacks = verified_attacks_by_month(as_of=D(2023, 6, 30), country="UA")
    damage = damage_by_month(as_of=D(2023, 6, 30), country="UA")
    assert body["attacks"] == [
        {"month": m.month.isoformat(), "total": m.total, "by_type": m.by_type} for m in attacks
    ]
    assert body["damage"] == [
        {"month": m.month.isoformat(), "as_of": m.as_of.isoformat(), **asdict(m.counts)}
        for m in damage
    ]
    assert body["attacks"] and body["damage"]
    assert (body["as_of"], body["country"], body["region"]) == ("2023-06-30", "UA", None)


def test_a_region_that_cannot_be_assessed_has_no_damage_series(client: Any, registry: Any) -> None:
    body = client.get(f"{URL}/by-month", {"region": "UA-09"}).json()

    assert body["damage"] is None and body["region"] == "UA-09"


def test_bad_parameters_name_the_field(client: Any, registry: Any) -> None:
    response = client.get(f"{URL}/by-month", {"as_of": "2999-01-01"})

    assert response.status_code == 422
    assert "as_of" in response.json()["errors"]


@pytest.mark.parametrize("endpoint", ["headline", "by-region", "by-month"])
def test_a_repeated_request_is_answered_from_the_cache_with_one_query(
    client: Any, registry: Any, django_assert_num_queries: Any, endpoint: str
) -> None:
    first = client.get(f"{URL}/{endpoint}", {"as_of": "2023-01-01"})

    # The data version is the only question asked of the database.
    with django_assert_num_queries(1):
        again = client.get(f"{URL}/{endpoint}", {"as_of": "2023-01-01"})

    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == "application/json; charset=utf-8"


def test_a_write_is_in_the_next_answer(
    client: Any, registry: Any, make_incident: Any, other_actor: Any
) -> None:
    from medinfra.incidents.services import set_verification

    before = client.get(f"{URL}/headline").json()["attacks_verified"]
    incident = make_incident(occurred_on=D(2024, 2, 1))
    set_verification(incident, actor=other_actor, state="verified")

    assert client.get(f"{URL}/headline").json()["attacks_verified"] == before + 1


def test_the_data_version_tells_apart_states_of_the_same_length(registry: Any) -> None:
    version = figures_version()

    assert version.length > 0 and len(version.hash) == 64
    assert DataVersion(version.length, "another") != version


# -- the cache ---------------------------------------------------------------------------------


def key_of(name: str, as_of: dt.date) -> str:
    return ":".join(("dashboard", name, as_of.isoformat(), "UA", translation.get_language() or ""))


def test_figures_are_computed_once_per_version(db: None) -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    first = cached("test", compute, version=DataVersion(5, "a"), as_of=D(2024, 1, 1), country="UA")
    same = cached("test", compute, version=DataVersion(5, "a"), as_of=D(2024, 1, 1), country="UA")
    newer = cached("test", compute, version=DataVersion(6, "b"), as_of=D(2024, 1, 1), country="UA")
    # The same length with another history (a rolled-back transaction) is not the same data.
    other = cached("test", compute, version=DataVersion(6, "c"), as_of=D(2024, 1, 1), country="UA")

    assert (first, same, newer, other) == (1, 1, 2, 3)


def test_a_read_waits_for_the_computation_another_thread_runs(db: None) -> None:
    as_of = D(2024, 1, 2)
    lock = _lock_for(key_of("test", as_of))
    lock.acquire()
    answers: list[str] = []
    waiting = threading.Thread(
        target=lambda: answers.append(
            cached(
                "test", lambda: "computed again", version=DataVersion(1), as_of=as_of, country="UA"
            )
        )
    )
    waiting.start()
    # Meanwhile the thread holding the lock finishes its computation.
    cache.set(key_of("test", as_of), (DataVersion(1), "computed once"))
    lock.release()
    waiting.join(timeout=30)

    assert answers == ["computed once"]


def test_figures_of_another_version_are_never_served(db: None) -> None:
    as_of = D(2024, 1, 4)
    cached("test", lambda: "at 5", version=DataVersion(5, "a"), as_of=as_of, country="UA")

    assert (
        cached("test", lambda: "at 6", version=DataVersion(6, "b"), as_of=as_of, country="UA")
        == "at 6"
    )
    # A longer chain stored before is no future of this one (a restore, a rollback).
    assert (
        cached("test", lambda: "at 4", version=DataVersion(4, "c"), as_of=as_of, country="UA")
        == "at 4"
    )
