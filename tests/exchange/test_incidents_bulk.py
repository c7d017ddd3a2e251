"""record_incidents_bulk() checks each row as record_incident() does, in the same words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from medinfra.core.errors import InvalidInput
from medinfra.incidents.models import Incident
from medinfra.incidents.services import record_incident, record_incidents_bulk

pytestmark = pytest.mark.django_db


def good(source: Any, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "occurred_on": dt.date(2023, 5, 4),
        "region": "UA-63",
        "attack_types": ["heavy_weapons"],
        "resources": ["facility"],
        "sources": [source],
    }
    fields.update(changes)
    return fields


def bad_cases(facility_elsewhere: Any) -> list[dict[str, Any]]:
    return [
        {"region": "UA-99"},
        {"region": None},
        {"attack_types": []},
        {"attack_types": ["bombing"]},
        {"resources": ["money"]},
        {"sources": []},
        {"health_workers_killed": -1},
        {"patients_injured": "many"},
        {"nurses_killed": 1},
        {"occurred_on": dt.date.today() + dt.timedelta(days=3)},
        {"occurred_on": dt.date(2023, 5, 4), "date_precision": "month"},
        {"date_precision": "year"},
        {"certainty": "sure"},
        {"latitude": Decimal("49.9")},
        {"latitude": Decimal("10.0"), "longitude": Decimal("10.0")},
        {"facility": facility_elsewhere},
        {"settlement": "x" * 201},
        {"external_id": "x" * 101},
        {"external_id": "taken"},
    ]


def test_bulk_refuses_every_bad_row_with_record_incidents_own_words(
    make_source: Callable[..., Any], make_facility: Callable[..., Any], actor: Any
) -> None:
    source = make_source()
    record_incident(actor=actor, **good(source, external_id="taken"))
    cases = bad_cases(make_facility(region="UA-14"))
    expected = []
    for changes in cases:
        with pytest.raises(InvalidInput) as refused:
            record_incident(actor=actor, **good(source, **changes))
        expected.append(refused.value.message_dict)

    results = record_incidents_bulk([good(source, **c) for c in cases], actor=actor)

    assert all(isinstance(r, InvalidInput) for r in results)
    assert [r.message_dict for r in results] == expected  # type: ignore[union-attr]
    assert Incident.objects.count() == 1


def test_bulk_writes_good_rows_between_bad_ones_like_record_incident(
    make_source: Callable[..., Any], actor: Any
) -> None:
    from medinfra.core.queries import history_of, verify_audit_chain

    source = make_source()
    one = record_incident(actor=actor, **good(source, public_summary="one", external_id="a"))

    results = record_incidents_bulk(
        [
            good(source, public_summary="two", external_id="b", health_workers_killed=3),
            good(source, region="UA-99"),
            good(source, public_summary="three", external_id="b"),
        ],
        actor=actor,
    )

    two = results[0]
    assert isinstance(two, Incident) and two.pk
    assert isinstance(results[1], InvalidInput) and isinstance(results[2], InvalidInput)
    assert "external_id" in results[2].message_dict
    fields = ("occurred_on", "region_id", "verification", "certainty", "reported_by_id")
    assert [getattr(two, f) for f in fields] == [getattr(one, f) for f in fields]
    assert list(two.attack_types.values_list("attack_type", flat=True)) == ["heavy_weapons"]
    assert list(two.sources.all()) == [source]
    made, bulk = history_of(one).get(), history_of(two).get()
    assert set(bulk.changes["after"]) == set(made.changes["after"])
    assert bulk.changes["after"]["health_workers_killed"] == 3
    assert bulk.action == "create" and bulk.actor == actor
    assert verify_audit_chain().intact
