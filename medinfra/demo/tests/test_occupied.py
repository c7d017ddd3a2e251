"""The demo's occupied-territory events: made up, labelled, encrypted and audited like real
ones, and counted on the public page without a name."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.test import Client

from medinfra.core.models import AuditEvent
from medinfra.core.queries import verify_audited_records
from medinfra.demo import plan
from medinfra.demo.occupied import REGIONS, build_occupied_events
from medinfra.occupied.models import EventKind, OccupiedEvent, Verification
from medinfra.occupied.queries import public_counts
from medinfra.sources.services import register_source


@pytest.fixture
def sources(ua: Any, actor: Any) -> list[Any]:
    return [
        register_source(
            actor=actor,
            publisher="Demo regional health department (synthetic)",
            title="Synthetic field reports",
            published_on=plan.END,
            language="uk",
            is_synthetic=True,
        )
    ]


def test_the_events_are_synthetic_spread_over_regions_kinds_and_months_and_audited(
    sources: list[Any], actor: Any, other_actor: Any, make_facility: Any
) -> None:
    real = make_facility(region="UA-14")  # a facility that is not the demo's own
    recorded = build_occupied_events(
        seed=2022, reporter=actor, verifier=other_actor, sources=sources
    )

    events = list(OccupiedEvent.objects.all())
    assert recorded == len(events) == sum(REGIONS.values())
    assert {e.region.code for e in events} == set(REGIONS)
    assert len({e.kind for e in events}) >= 5
    assert {e.kind for e in events} <= set(EventKind.values)
    assert len({(e.occurred_on.year, e.occurred_on.month) for e in events}) >= 20
    assert all(e.occurred_on <= plan.END for e in events)
    states = Counter(e.verification for e in events)
    assert states[Verification.VERIFIED] > len(events) / 2
    assert states[Verification.REPORTED] + states[Verification.REJECTED] > 0
    for event in events:
        assert event.is_synthetic
        assert event.reported_by == actor
        assert event.facility is None or event.facility.is_synthetic
        assert event.facility != real
        assert not event.settlement
        assert "Synthetic demo record" in event.description
        assert event.public_summary.startswith("Synthetic demo record")
        for person in filter(None, event.persons.split("\n")):
            assert person.startswith("Synthetic person ")
    assert any(e.persons for e in events)
    # Written through the services: each event's creation is audited, its texts sealed.
    created = AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, model="occupied.occupiedevent"
    )
    assert created.count() == len(events)
    assert all("Synthetic person" not in str(a.changes) for a in created)
    assert verify_audited_records() == []


def check_the_demo_shows_verified_occupied_events_on_the_public_page_without_names() -> None:
    """Run by test_demo.py on its build of the demo (one build of the whole demo is enough)."""
    verified = OccupiedEvent.objects.filter(verification=Verification.VERIFIED)
    assert verified.count() > 0
    assert OccupiedEvent.objects.exclude(verification=Verification.VERIFIED).exists()
    assert not OccupiedEvent.objects.filter(is_synthetic=False).exists()
    counts = public_counts(country="UA")
    assert counts.total == verified.count()
    assert {row.key for row in counts.regions} <= set(REGIONS)

    page = Client().get("/occupied/", HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Synthetic demo data." in html
    assert "Verified events by region and kind" in html
    assert "No verified event is recorded yet." not in html
    assert f'<td class="num">{counts.total}</td></tr></tfoot>' in html
    persons = [
        name for event in OccupiedEvent.all_objects.all() for name in event.persons.split("\n")
    ]
    assert len([name for name in persons if name]) > 10
    assert "Synthetic person" not in html
    assert "Synthetic demo record" not in html
    for name in filter(None, persons):
        assert name not in html
