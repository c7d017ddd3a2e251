"""Merging a duplicate report: facts carried over, both histories kept, counted once."""

import datetime as dt
from decimal import Decimal

import pytest

from medinfra.core.errors import Conflict, InvalidInput
from medinfra.core.models import AuditEvent
from medinfra.core.queries import history_of, verify_audit_chain, verify_audited_records
from medinfra.core.services import retract_record
from medinfra.incidents.models import Incident
from medinfra.incidents.queries import attack_counts, possible_duplicates
from medinfra.incidents.services import merge_incidents, set_verification

D = dt.date


@pytest.fixture
def merger(django_user_model):
    return django_user_model.objects.create_user(username="merger", password="x-unused-x-3")


@pytest.fixture
def pair(make_incident, make_facility, make_source):
    facility = make_facility(settlement="Ізюм")
    shared = make_source()
    kept = make_incident(
        facility=facility,
        occurred_on=D(2024, 3, 10),
        attack_types=["heavy_weapons"],
        resources=["facility"],
        sources=[shared],
        health_workers_killed=1,
        patients_injured=5,
        description="Shelling hit the surgical wing.",
    )
    duplicate = make_incident(
        facility=facility,
        occurred_on=D(2024, 3, 11),
        attack_types=["heavy_weapons", "setting_fire"],
        resources=["facility", "personnel"],
        sources=[shared, make_source(title="Second report")],
        health_workers_killed=2,
        patients_injured=3,
        settlement="Ізюм",
        latitude=Decimal("49.2"),
        longitude=Decimal("37.26"),
        public_summary="A hospital was shelled.",
        description="Fire after the shelling.",
    )
    return kept, duplicate


def test_merge_carries_the_duplicates_facts_over_to_the_incident_kept(pair, merger):
    kept, duplicate = pair

    merged = merge_incidents(kept, duplicate, actor=merger, reason="same attack, two reports")

    assert sorted(merged.attack_types.values_list("attack_type", flat=True)) == [
        "heavy_weapons",
        "setting_fire",
    ]
    assert sorted(merged.resources.values_list("resource", flat=True)) == [
        "facility",
        "personnel",
    ]
    assert merged.sources.count() == 2
    # The larger count of each kind: the two reports describe the same people.
    assert merged.health_workers_killed == 2
    assert merged.patients_injured == 5
    # Blanks of the kept incident are filled; what it already says stays.
    assert merged.settlement == "Ізюм"
    assert merged.latitude == Decimal("49.2")
    assert merged.public_summary == "A hospital was shelled."
    assert merged.description.startswith("Shelling hit the surgical wing.")
    assert f"[#{duplicate.pk}] Fire after the shelling." in merged.description
    assert merged.verification == "reported"


def test_the_duplicate_is_retracted_pointing_to_the_kept_incident(pair, merger):
    kept, duplicate = pair

    merge_incidents(kept, duplicate, actor=merger, reason="same attack")

    duplicate = Incident.all_objects.get(pk=duplicate.pk)
    assert duplicate.is_retracted
    assert duplicate.merged_into_id == kept.pk
    assert duplicate.retraction_reason == f"merged into #{kept.pk}: same attack"
    assert not Incident.objects.filter(pk=duplicate.pk).exists()
    assert possible_duplicates(kept) == []


def test_merge_keeps_both_histories(pair, merger):
    kept, duplicate = pair

    merge_incidents(kept, duplicate, actor=merger)

    kept_events = list(history_of(kept))
    duplicate_events = list(history_of(duplicate))
    assert [e.action for e in kept_events] == ["create", "update", "update"]
    assert all(f"merged #{duplicate.pk} into it" == e.reason for e in kept_events[1:])
    assert kept_events[2].changes["before"]["attack_types"] == ["heavy_weapons"]
    assert [e.action for e in duplicate_events] == ["create", "update", "retract"]
    assert duplicate_events[1].changes == {
        "before": {"merged_into_id": None},
        "after": {"merged_into_id": kept.pk},
    }
    assert duplicate_events[2].reason == f"merged into #{kept.pk}"
    assert {e.actor_label for e in kept_events[1:] + duplicate_events[1:]} == {"merger"}
    assert verify_audit_chain().intact
    assert verify_audited_records() == []


def test_the_duplicate_no_longer_counts_in_the_headline_figures(pair, merger, other_actor):
    kept, duplicate = pair
    kept = set_verification(kept, actor=other_actor, state="verified", certainty="confirmed")
    duplicate = set_verification(duplicate, actor=other_actor, state="verified")
    assert attack_counts(as_of=D(2025, 1, 1)).verified == 2

    merge_incidents(
        kept,
        duplicate,
        actor=merger,
        kept_version=kept.version,
        duplicate_version=duplicate.version,
    )

    counts = attack_counts(as_of=D(2025, 1, 1))
    assert counts.verified == 1
    assert counts.all_not_rejected == 1
    kept.refresh_from_db()
    assert (kept.verification, kept.certainty) == ("verified", "confirmed")


@pytest.mark.parametrize("stale", ["kept_version", "duplicate_version"])
def test_a_stale_version_of_either_record_is_refused_and_changes_nothing(pair, merger, stale):
    kept, duplicate = pair
    events = AuditEvent.objects.count()
    versions = {"kept_version": kept.version, "duplicate_version": duplicate.version}
    versions[stale] -= 1 if versions[stale] > 1 else -1

    with pytest.raises(Conflict, match="changed by someone else"):
        merge_incidents(kept, duplicate, actor=merger, **versions)

    assert AuditEvent.objects.count() == events
    assert Incident.objects.count() == 2
    kept.refresh_from_db()
    assert kept.health_workers_killed == 1


def test_nobody_merges_their_own_report(pair, actor):
    kept, duplicate = pair  # both reported by `actor`

    with pytest.raises(Conflict, match="own report"):
        merge_incidents(kept, duplicate, actor=actor)
    assert Incident.objects.count() == 2


def test_a_retracted_incident_or_the_incident_itself_cannot_be_merged(pair, merger, actor):
    kept, duplicate = pair

    with pytest.raises(InvalidInput, match="itself"):
        merge_incidents(kept, kept, actor=merger)
    retract_record(duplicate, actor=actor, reason="typing error")
    with pytest.raises(Conflict, match="retracted"):
        merge_incidents(kept, duplicate, actor=merger)
    assert not Incident.all_objects.get(pk=duplicate.pk).merged_into_id


def test_a_merged_duplicate_cannot_be_merged_again(pair, make_incident, merger):
    kept, duplicate = pair
    merge_incidents(kept, duplicate, actor=merger)
    third = make_incident(facility=kept.facility, occurred_on=D(2024, 3, 10))

    with pytest.raises(Conflict, match=f"merged into #{kept.pk}"):
        merge_incidents(third, duplicate, actor=merger)
