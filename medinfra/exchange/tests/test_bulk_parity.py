"""The import's bulk writer stores what record_incident() stores, and keeps a checked value's
verdict for later rows without letting one row's problems leak into another's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from medinfra.core.errors import InvalidInput
from medinfra.core.models import AuditEvent
from medinfra.core.queries import verify_audit_chain
from medinfra.incidents.models import Incident
from medinfra.incidents.services import IncidentBatch, record_incident

pytestmark = pytest.mark.django_db

SKIPPED = {"id", "created_at", "updated_at", "external_id", "public_summary"}


def fields(source: Any, facility: Any, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "occurred_on": dt.date(2023, 5, 1),
        "date_precision": "month",
        "region": "UA-63",
        "facility": facility,
        "settlement": "  Харків ",
        "latitude": Decimal("49.99350"),
        "longitude": Decimal("36.23040"),
        "attack_types": ["heavy_weapons", "setting_fire", "heavy_weapons"],
        "resources": ["facility"],
        "sources": [source, source],
        "certainty": "probable",
        "description": "Staff only.",
        "health_workers_injured": 2,
        "patients_killed": "1",
        "is_synthetic": True,
    }
    values.update(changes)
    return values


def stored(incident: Incident) -> dict[str, Any]:
    return {
        f.attname: getattr(incident, f.attname)
        for f in Incident._meta.concrete_fields
        if f.name not in SKIPPED
    }


def test_a_row_written_in_bulk_is_stored_and_audited_as_record_incident_does(
    actor: Any, make_source: Callable[..., Any], make_facility: Callable[..., Any]
) -> None:
    source, facility = make_source(), make_facility(region="UA-63")
    one = record_incident(
        actor=actor, **fields(source, facility, external_id="one", public_summary="one")
    )

    [pk] = IncidentBatch(actor=actor).write(
        [fields(source, facility, external_id="two", public_summary="two")]
    )

    assert isinstance(pk, int)
    two = Incident.objects.get(pk=pk)
    assert stored(two) == stored(one)
    assert two.created_at is not None and two.updated_at is not None
    for link, column in (("attack_types", "attack_type"), ("resources", "resource")):
        assert sorted(getattr(two, link).values_list(column, flat=True)) == sorted(
            getattr(one, link).values_list(column, flat=True)
        )
    assert list(two.sources.all()) == list(one.sources.all()) == [source]
    made, bulk = (
        AuditEvent.objects.get(model="incidents.incident", object_id=str(i.pk)) for i in (one, two)
    )
    differ = {"id", "external_id", "public_summary"}
    assert {k: v for k, v in bulk.changes["after"].items() if k not in differ} == {
        k: v for k, v in made.changes["after"].items() if k not in differ
    }
    assert list(bulk.changes["after"]) == list(made.changes["after"])
    assert (bulk.changes["after"]["id"], bulk.changes["after"]["external_id"]) == (pk, "two")
    assert verify_audit_chain().intact


def test_a_remembered_verdict_answers_later_rows_in_the_same_words(
    actor: Any, make_source: Callable[..., Any], make_facility: Callable[..., Any]
) -> None:
    source, facility = make_source(), make_facility(region="UA-63")
    batch = IncidentBatch(actor=actor)
    bad = fields(source, facility, date_precision="year", certainty="sure")

    first = batch.write([bad, fields(source, facility), bad])
    second = batch.write([bad])

    with pytest.raises(InvalidInput) as refused:
        record_incident(actor=actor, **bad)
    expected = refused.value.message_dict
    for result in (first[0], first[2], second[0]):
        assert isinstance(result, InvalidInput)
        assert result.message_dict == expected
    assert isinstance(first[1], int)
    assert Incident.objects.count() == 1
