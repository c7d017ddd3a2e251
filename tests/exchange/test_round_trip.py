"""Export every public table, import the files into an empty database: the same records."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from medinfra.exchange.queries import export_pieces
from medinfra.exchange.schemas import EXPORT_KINDS, TABLES

D = dt.date
# The order files are imported in: each after the tables it refers to.
IMPORT_ORDER = [
    "sources",
    "facilities",
    "assessments",
    "restorations",
    "vehicles",
    "vehicle_events",
    "incidents",
    "partners",
    "projects",
    "funding",
    "agreements",
]
# Columns that refer to another table's id, and the table.
REFERENCES = {
    "facility": "facilities",
    "owner_facility": "facilities",
    "vehicle": "vehicles",
    "partner": "partners",
    "project": "projects",
    "sources": "sources",
}


def build_world() -> None:
    """Some of every public kind, and some that is not public."""
    from django.contrib.auth import get_user_model

    from medinfra.core.services import retract_record, system_actor
    from medinfra.facilities.services import (
        record_assessment,
        record_restoration,
        register_facility,
    )
    from medinfra.geography.queries import region_by_code
    from medinfra.geography.services import load_country, set_access_status
    from medinfra.incidents.services import record_incident, set_verification
    from medinfra.partnerships.services import record_agreement
    from medinfra.recovery.services import (
        record_funding,
        register_partner,
        register_project,
    )
    from medinfra.sources.services import register_source
    from medinfra.vehicles.services import record_vehicle_event, register_vehicle

    actor = system_actor()
    verifier = get_user_model().objects.create_user(username="round-trip-verifier")
    load_country("UA", actor=actor)
    set_access_status(region_by_code("UA-43"), status="occupied", actor=actor)
    report = register_source(
        actor=actor,
        publisher="Ministry",
        title="Report",
        url="https://example.org/r",
        published_on=D(2023, 10, 6),
        language="uk",
    )
    other = register_source(actor=actor, publisher="WHO", title="SSA", is_synthetic=True)
    hospital = register_facility(
        actor=actor,
        name_uk="Лікарня",
        name_en="Hospital",
        kind="hospital",
        region="UA-63",
        settlement="Харків",
        latitude=Decimal("49.99"),
        longitude=Decimal("36.23"),
        edrpou="01234567",
        ownership="municipal",
        beds=250,
    )
    station = register_facility(
        actor=actor,
        name_uk="ФАП",
        kind="paramedic_station",
        region="UA-43",
        latitude=Decimal("44.95"),
        longitude=Decimal("34.10"),
        settlement="Село",
    )
    gone = register_facility(actor=actor, name_uk="Дубль", kind="other", region="UA-14")
    retract_record(gone, actor=actor, reason="duplicate")
    record_assessment(
        hospital,
        actor=actor,
        assessed_on=D(2022, 5, 1),
        condition="partial",
        functionality="partial",
        repair_cost=Decimal("1500000.50"),
        repair_cost_currency="UAH",
        assessed_by="Regional health department",
    )
    record_assessment(
        station,
        actor=actor,
        assessed_on=D(2022, 6, 1),
        condition="destroyed",
        functionality="none",
    )
    record_restoration(hospital, actor=actor, restored_on=D(2023, 2, 1), milestone="fully_restored")
    ambulance = register_vehicle(actor=actor, region="UA-63", owner_facility=hospital)
    record_vehicle_event(ambulance, actor=actor, occurred_on=D(2022, 4, 1), status="damaged")
    record_vehicle_event(ambulance, actor=actor, occurred_on=D(2022, 9, 1), status="destroyed")
    register_vehicle(actor=actor, region="UA-43", kind="mobile_clinic")
    shown = [
        record_incident(
            actor=actor,
            occurred_on=D(2022, 3, 10),
            facility=hospital,
            attack_types=["heavy_weapons", "setting_fire"],
            resources=["facility", "patient"],
            sources=[report, other],
            settlement="Харків",
            latitude=Decimal("49.99001"),
            longitude=Decimal("36.23002"),
            certainty="confirmed",
            public_summary="Shelling",
            health_workers_killed=1,
            patients_injured=4,
        ),
        record_incident(
            actor=actor,
            occurred_on=D(2022, 7, 1),
            date_precision="month",
            region="UA-43",
            attack_types=["arrest_detention"],
            resources=["personnel"],
            sources=[report],
            settlement="Село",
            certainty="probable",
            health_workers_detained=2,
        ),
    ]
    for incident in shown:
        set_verification(incident, actor=verifier, state="verified")
    record_incident(
        actor=actor,
        occurred_on=D(2022, 8, 1),
        region="UA-63",
        attack_types=["other"],
        resources=["facility"],
        sources=[report],
        public_summary="not verified",
    )
    donor = register_partner(actor=actor, name_en="Donor", kind="donor", country="DE")
    twin = register_partner(
        actor=actor,
        name_en="Partner Hospital",
        name_uk="Лікарня-партнер",
        kind="foreign_hospital",
        country="US",
    )
    project = register_project(
        actor=actor,
        title_en="Rebuild the hospital",
        title_uk="Відбудова",
        facility=hospital,
        block=2,
        priority=1,
    )
    record_funding(
        project,
        actor=actor,
        partner=donor,
        kind="commitment",
        amount=Decimal("250000.00"),
        currency="EUR",
        on=D(2023, 5, 1),
    )
    record_agreement(
        actor=actor,
        facility=hospital,
        partner=twin,
        kind="twinning",
        signed_on=D(2023, 9, 1),
        programme="International Medical Partnership",
        areas=["rehabilitation", "surgery"],
    )


def shift_ids(actor: Any) -> None:
    """Retracted records first, so that the new database gives other ids than the old one."""
    from medinfra.core.services import retract_record
    from medinfra.facilities.services import register_facility
    from medinfra.incidents.services import record_incident
    from medinfra.recovery.services import register_partner, register_project
    from medinfra.sources.services import register_source
    from medinfra.vehicles.services import register_vehicle

    for n in range(3):
        source = register_source(actor=actor, publisher="x", title=f"x{n}")
        records = [
            record_incident(
                actor=actor,
                occurred_on=D(2022, 3, 1),
                region="UA-63",
                attack_types=["other"],
                resources=["facility"],
                sources=[source],
            ),
            register_facility(actor=actor, name_uk=f"x{n}", kind="other", region="UA-63"),
            register_vehicle(actor=actor, region="UA-63"),
            register_partner(actor=actor, name_en=f"x{n}", kind="ngo"),
            register_project(actor=actor, title_en=f"x{n}", block=1, region="UA-63"),
            source,
        ]
        for record in records:
            retract_record(record, actor=actor, reason="made to shift the ids")


def exported(kind: str) -> list[dict[str, str]]:
    text = b"".join(export_pieces(kind, "csv")).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def new_ids() -> dict[str, dict[str, str]]:
    """For each table, the id a record had in the export → its id now."""
    from medinfra.exchange.models import ExternalKey
    from medinfra.facilities.models import Facility
    from medinfra.incidents.models import Incident
    from medinfra.vehicles.models import Vehicle

    found: dict[str, dict[str, str]] = {}
    for kind, model in (("facilities", Facility), ("incidents", Incident), ("vehicles", Vehicle)):
        found[kind] = {
            key: str(pk) for key, pk in model.all_objects.values_list("external_id", "pk")
        }
    for key in ExternalKey.objects.all():
        found.setdefault(key.kind, {})[key.key] = str(key.object_id)
    return found


def translated(kind: str, rows: list[dict[str, str]], ids: dict[str, dict[str, str]]) -> list:
    """Rows of the first database with ids as the second database gives them."""
    kept_id = TABLES[kind].id_as != "none" and kind in ids
    out = []
    for row in rows:
        row = dict(row)
        if kept_id:
            row["id"] = ids[kind][row["id"]]
        elif kind != "regions":
            row.pop("id")
        for column, target in REFERENCES.items():
            if row.get(column):
                if column == "sources":
                    refs = [ids[target][ref] for ref in row[column].split(";")]
                    row[column] = ";".join(sorted(refs, key=int))
                else:
                    row[column] = ids[target][row[column]]
        out.append(row)
    return sorted(out, key=lambda r: sorted(r.items()))


def comparable(kind: str, rows: list[dict[str, str]]) -> list:
    out = []
    for row in rows:
        row = dict(row)
        if TABLES[kind].id_as == "none" and kind != "regions":
            row.pop("id")
        out.append(row)
    return sorted(out, key=lambda r: sorted(r.items()))


@pytest.mark.django_db(transaction=True)
def test_export_then_import_into_an_empty_database_gives_the_same_records(
    tmp_path: Path, settings: Any
) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from medinfra.core.queries import verify_audit_chain
    from medinfra.core.services import system_actor
    from medinfra.exchange.models import RunStatus
    from medinfra.exchange.services import execute_run, prepare_run
    from medinfra.geography.queries import region_by_code
    from medinfra.geography.services import load_country, set_access_status
    from medinfra.incidents.models import Incident
    from medinfra.incidents.services import set_verification

    settings.MEDIA_ROOT = tmp_path / "private"
    build_world()
    before = {kind: exported(kind) for kind in EXPORT_KINDS}
    assert len(before["incidents"]) == 2 and len(before["facilities"]) == 2
    for kind in IMPORT_ORDER:
        assert before[kind], f"the world has no public {kind}"
        (tmp_path / f"{kind}.csv").write_bytes(b"".join(export_pieces(kind, "csv")))

    call_command("flush", interactive=False, verbosity=0)
    actor = system_actor()
    load_country("UA", actor=actor)
    set_access_status(region_by_code("UA-43"), status="occupied", actor=actor)
    shift_ids(actor)
    for kind in IMPORT_ORDER:
        path = tmp_path / f"{kind}.csv"
        run = prepare_run(path=path, file_name=path.name, kind=kind, user=actor, dry_run=False)
        run = execute_run(run, path=path, actor=actor, progress=None)
        assert run.status == RunStatus.SUCCEEDED and not run.problems, (kind, run.problems)
        assert run.created == len(before[kind]), kind
    from medinfra.core.models import AuditEvent

    events = AuditEvent.objects.count()
    for kind in IMPORT_ORDER:
        path = tmp_path / f"{kind}.csv"
        run = prepare_run(path=path, file_name=path.name, kind=kind, user=actor, dry_run=False)
        run = execute_run(run, path=path, actor=actor, progress=None)
        assert (run.created, run.unchanged) == (0, len(before[kind])), kind
    assert AuditEvent.objects.count() == events, "importing the files again changed nothing"
    # Imported incidents wait for review like any report; a verifier publishes them again.
    verifier = get_user_model().objects.create_user(username="second-verifier")
    for incident in Incident.objects.all():
        set_verification(incident, actor=verifier, state="verified")

    ids = new_ids()
    assert all(old != new for old, new in ids["facilities"].items()), "ids should differ"
    for kind in EXPORT_KINDS:
        assert comparable(kind, exported(kind)) == translated(kind, before[kind], ids), kind
    assert verify_audit_chain().intact
