"""The public counts: verified, current events by region, kind and month; nothing else."""

from __future__ import annotations

import datetime as dt

from medinfra.occupied.queries import (
    awaiting_review,
    events_for,
    public_counts,
    verified_counts_by_month,
    verified_counts_by_region,
)
from medinfra.occupied.schemas import OccupiedCountPublic, OccupiedMonthPublic
from medinfra.occupied.services import retract_event, set_event_verification


def test_the_public_schemas_are_an_allow_list_of_counts():
    assert set(OccupiedCountPublic.model_fields) == {"region", "kind", "count"}
    assert set(OccupiedMonthPublic.model_fields) == {"month", "kind", "count"}


def test_only_verified_current_events_are_counted(make_event, verifier, administrator):
    verified = [make_event(kind="detention"), make_event(kind="detention", region="UA-23")]
    for event in verified:
        set_event_verification(event, actor=verifier, state="verified")
    make_event(kind="detention")  # reported, not reviewed
    rejected = make_event(kind="threat")
    set_event_verification(rejected, actor=verifier, state="rejected", reason="false")
    withdrawn = make_event(kind="detention")
    set_event_verification(withdrawn, actor=verifier, state="verified")
    retract_event(withdrawn, actor=administrator, reason="duplicate")

    counts = verified_counts_by_region(country="UA")

    assert [(c.region, c.kind, c.count) for c in counts] == [
        ("UA-14", "detention", 1),
        ("UA-23", "detention", 1),
    ]


def test_months_are_the_finest_dates_published(make_event, verifier):
    for day in (dt.date(2023, 11, 3), dt.date(2023, 11, 28), dt.date(2024, 2, 1)):
        set_event_verification(make_event(occurred_on=day), actor=verifier, state="verified")

    months = verified_counts_by_month(country="UA")

    assert [(m.month, m.kind, m.count) for m in months] == [
        ("2023-11", "threat", 2),
        ("2024-02", "threat", 1),
    ]


def test_the_page_tables_add_up(make_event, verifier, django_assert_max_num_queries):
    for kind, region in (("looting", "UA-14"), ("looting", "UA-14"), ("care_ban", "UA-09")):
        event = make_event(kind=kind, region=region)
        set_event_verification(event, actor=verifier, state="verified")

    with django_assert_max_num_queries(3):
        counts = public_counts(country="UA")

    kinds = [value for value, _label in counts.kinds]
    assert counts.total == 3
    assert [row.key for row in counts.regions] == ["UA-14", "UA-09"]
    assert counts.regions[0].counts[kinds.index("looting")] == 2
    assert counts.totals[kinds.index("care_ban")] == 1
    assert sum(row.total for row in counts.months) == 3


def test_reporters_see_their_own_entries_and_reviewers_all(
    make_event, reporter, other_reporter, verifier
):
    mine = make_event()
    theirs = make_event(actor=other_reporter)

    assert set(events_for(reporter)) == {mine}
    assert set(events_for(verifier)) == {mine, theirs}
    assert set(awaiting_review(verifier)) == {mine, theirs}
    assert set(awaiting_review(other_reporter)) == set()
