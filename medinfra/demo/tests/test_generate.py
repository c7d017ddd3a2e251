"""The generator makes the same synthetic data set from the same seed, labelled and audited."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models, transaction

from medinfra.core.models import AuditEvent, DatasetInfo
from medinfra.core.queries import verify_audit_chain, verify_audited_records
from medinfra.core.services import snapshot
from medinfra.dashboard.queries import headline
from medinfra.demo.generate import GenerateSummary, generate_dataset
from medinfra.facilities.models import Assessment, Facility, Restoration
from medinfra.geography.models import Region
from medinfra.incidents.models import Incident, IncidentAttackType, IncidentResource, Verification
from medinfra.sources.models import Source
from medinfra.vehicles.models import Vehicle, VehicleEvent

SIZES = {"incidents": 300, "facilities": 80, "vehicles": 40}
RECORDS = (Facility, Assessment, Restoration, Incident, Vehicle, VehicleEvent, Source)


def generate(**options: Any) -> str:
    out = StringIO()
    args = [f"--{k}={v}" for k, v in {**SIZES, **options}.items() if not isinstance(v, bool)]
    args += [f"--{k}" for k, v in options.items() if v is True]
    call_command("generate", *args, stdout=out)
    return out.getvalue()


def references(model: type[models.Model]) -> dict[str, type[models.Model]]:
    """Which model each id in a record's snapshot (or audit changes) points to."""
    found: dict[str, type[models.Model]] = {
        f.attname: f.related_model
        for f in model._meta.concrete_fields
        if f.is_relation and isinstance(f.related_model, type)
    }
    found["id"] = model
    if model is Incident:
        found["sources"] = Source  # the audit event's list of the incident's sources
    return found


def contents() -> dict[str, Any]:
    """Every generated row and audit event, with natural keys in place of ids.

    Ids are compared by their order among the records (the generator numbers its records in
    the order it makes them), users by their names and regions by their codes: PostgreSQL
    does not roll its sequences back, so the runs compared get other numbers.
    """
    keys: dict[type[models.Model], dict[Any, Any]] = {
        model: {
            pk: n
            for n, pk in enumerate(model.all_objects.order_by("pk").values_list("pk", flat=True))
        }
        for model in RECORDS
    }
    keys[User] = dict(User.objects.values_list("pk", "username"))
    keys[Region] = dict(Region.objects.values_list("pk", "code"))

    def plain(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
        out = dict(values)
        for name, target in references(model).items():
            if out.get(name) is None:
                continue
            key = keys[target]
            out[name] = (
                [key[v] for v in out[name]] if isinstance(out[name], list) else key[out[name]]
            )
        return out

    found: dict[str, Any] = {}
    for model in RECORDS:
        found[model._meta.label] = [
            plain(model, snapshot(row)) for row in model.all_objects.order_by("pk").iterator()
        ]
    found["links"] = [
        [
            (keys[Incident][i], keys[Source][v] if column == "source_id" else v)
            for i, v in link.objects.order_by("incident_id", column).values_list(
                "incident_id", column
            )
        ]
        for link, column in (
            (IncidentAttackType, "attack_type"),
            (IncidentResource, "resource"),
            (Incident.sources.through, "source_id"),
        )
    ]
    labels = {m._meta.label_lower: m for m in RECORDS}
    found["audit"] = [
        (label, keys[labels[label]][int(object_id)], plain(labels[label], changes["after"]))
        for label, object_id, changes in AuditEvent.objects.order_by("id").values_list(
            "model", "object_id", "changes"
        )
        if label in labels
    ]
    return found


class Undo(Exception):
    """Raised to roll back a run whose contents were taken."""


def contents_of_a_run(**arguments: Any) -> dict[str, Any]:
    taken: dict[str, Any] = {}
    with pytest.raises(Undo), transaction.atomic():
        generate_dataset(**{**SIZES, **arguments})
        taken.update(contents())
        raise Undo
    return taken


def test_the_same_seed_gives_the_same_records(ua: Any) -> None:
    first = contents_of_a_run(seed=7)
    again = contents_of_a_run(seed=7)
    # Planned in a child process, beside the writing, with the indexes made after the load:
    # still the same records.
    in_child = contents_of_a_run(seed=7, in_child=True, rebuild_indexes=True)
    other = contents_of_a_run(seed=8)

    assert len(first["incidents.Incident"]) == SIZES["incidents"]
    assert first == again == in_child
    assert first["incidents.Incident"] != other["incidents.Incident"]


def indexes() -> dict[str, dict[str, Any]]:
    """Every index and constraint of the tables the generator writes, as the database has them."""
    tables = [
        model._meta.db_table
        for model in (*RECORDS, AuditEvent, IncidentAttackType, IncidentResource)
    ]
    tables.append(Incident.sources.through._meta.db_table)
    with connection.cursor() as cursor:
        return {table: connection.introspection.get_constraints(cursor, table) for table in tables}


def test_indexes_made_after_the_load_are_the_ones_before(ua: Any) -> None:
    before = indexes()
    assert any(not c["unique"] and c["index"] for c in before["incidents_incident"].values())

    generate_dataset(**SIZES, seed=4, rebuild_indexes=True)

    assert indexes() == before
    assert Incident.all_objects.count() == SIZES["incidents"]
    assert verify_audit_chain().intact
    assert verify_audited_records() == []


def test_generated_data_is_labelled_synthetic_everywhere(ua: Any) -> None:
    generate(seed=3)

    info = DatasetInfo.current()
    assert info.is_synthetic and info.seed == 3
    assert "Synthetic" in info.description and "300 incidents" in info.description
    for model in (Facility, Incident, Vehicle, Source):
        assert not model.all_objects.filter(is_synthetic=False).exists(), model
    names = list(Facility.objects.values_list("name_en", "name_uk", "external_id"))
    assert all(
        re.fullmatch(r"Synthetic facility (\d{6})", en)
        and uk.startswith("Синтетичний заклад ")
        and ext.endswith(en.rsplit(" ", 1)[1])
        for en, uk, ext in names
    )
    assert set(Incident.objects.values_list("description", flat=True)) == {
        "Synthetic record; no real event."
    }
    assert all(
        title.startswith("Synthetic") for title in Source.objects.values_list("title", flat=True)
    )


def test_counts_are_what_was_asked(ua: Any) -> None:
    output = generate(seed=1)

    assert Facility.objects.count() == SIZES["facilities"]
    assert Incident.objects.count() == SIZES["incidents"]
    assert Vehicle.objects.count() == SIZES["vehicles"]
    assert "300 incidents" in output and "80 facilities" in output and "40 vehicles" in output
    # Every incident has its lists, and an incident at a facility is in that facility's region.
    assert not Incident.objects.filter(attack_types__isnull=True).exists()
    assert not Incident.objects.filter(resources__isnull=True).exists()
    assert not Incident.objects.filter(sources__isnull=True).exists()
    for incident in Incident.objects.exclude(facility=None).select_related("facility"):
        assert incident.region_id == incident.facility.region_id
    # A mix that exercises every counting rule.
    assert set(Incident.objects.values_list("verification", flat=True)) == set(Verification.values)
    figures = headline(country="UA")
    assert figures.attacks.verified == Incident.objects.filter(verification="verified").count()
    assert figures.damage is not None and figures.damage.destroyed > 0
    assert figures.damage.fully_restored > 0 and figures.damage.back_in_operation > 0
    assert figures.vehicles.destroyed > 0


def test_the_summary_counts_what_was_written(ua: Any) -> None:
    before = AuditEvent.objects.count()

    summary = generate_dataset(**SIZES, seed=5)

    assert isinstance(summary, GenerateSummary)
    assert summary.assessments == Assessment.objects.count()
    assert summary.restorations == Restoration.objects.count()
    assert summary.vehicle_events == VehicleEvent.objects.count()
    assert summary.sources == Source.objects.count()
    assert summary.audit_events == AuditEvent.objects.count() - before


def test_generated_records_keep_the_models_rules(ua: Any) -> None:
    generate_dataset(**SIZES, seed=2)

    for model in (Facility, Assessment, Restoration, Incident, Vehicle, VehicleEvent):
        for row in model.all_objects.all():
            row.full_clean()  # a restoration needs damage before it, and so on


def test_every_generated_record_has_its_audit_event_and_the_chain_verifies(ua: Any) -> None:
    generate(seed=4)

    assert verify_audit_chain().intact
    assert verify_audited_records() == []
    for model in RECORDS:
        events = AuditEvent.objects.filter(model=model._meta.label_lower, action="create")
        assert events.count() == model.all_objects.count(), model
    incident = Incident.objects.order_by("pk").first()
    assert incident is not None
    (event,) = AuditEvent.objects.filter(model="incidents.incident", object_id=str(incident.pk))
    assert event.changes["after"]["attack_types"] == list(
        incident.attack_types.order_by("id").values_list("attack_type", flat=True)
    )
    assert event.actor_label == "medinfra-system"


def test_the_audit_command_passes_on_generated_data(ua: Any) -> None:
    generate(seed=6)
    out = StringIO()

    call_command("audit", "verify", stdout=out)

    assert "intact" in out.getvalue()


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"incidents": -1}, "--incidents"),
        ({"facilities": -5}, "--facilities"),
        ({"vehicles": -2}, "--vehicles"),
        ({"incidents": "many"}, "--incidents"),
        ({"seed": "x"}, "--seed"),
    ],
)
def test_bad_arguments_are_answered_naming_the_option(
    ua: Any, options: dict[str, Any], named: str
) -> None:
    with pytest.raises(CommandError, match=re.escape(named)):
        generate(**options)

    assert not Incident.all_objects.exists() and not Facility.all_objects.exists()


def test_a_missing_size_is_named(ua: Any) -> None:
    with pytest.raises(CommandError, match="--vehicles"):
        call_command("generate", "--incidents=1", "--facilities=1", stdout=StringIO())


def test_refuses_a_database_with_real_data(make_facility: Any) -> None:
    make_facility()

    for add in (False, True):
        with pytest.raises(CommandError, match="not synthetic"):
            generate(add=add)

    assert Facility.objects.count() == 1 and not Incident.all_objects.exists()


def test_adds_to_synthetic_data_only_when_asked(ua: Any) -> None:
    generate(seed=1)

    with pytest.raises(CommandError, match="--add"):
        generate(seed=1)
    assert Incident.objects.count() == SIZES["incidents"]

    generate(seed=1, add=True)

    assert Incident.objects.count() == 2 * SIZES["incidents"]
    assert Facility.objects.filter(name_en="Synthetic facility 000160").exists()
    assert DatasetInfo.current().is_synthetic
    assert verify_audited_records() == []
