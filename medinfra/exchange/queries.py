"""Streams of public rows for the exports, and the import runs staff may see.

Every row holds exactly the export columns of its table (the public allow-list). Rows are read
in chunks, so an export of any size keeps memory flat.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from medinfra.core.roles import Role, has_role
from medinfra.exchange.models import ImportRun
from medinfra.exchange.schemas import DATA_LICENCE, TABLES, Table, described_columns
from medinfra.facilities.models import Assessment, Facility, Restoration
from medinfra.figures.queries import current_figures
from medinfra.geography.models import Region
from medinfra.incidents.models import (
    Incident,
    IncidentAttackType,
    IncidentResource,
    Verification,
)
from medinfra.incidents.queries import public_incidents
from medinfra.partnerships.models import PartnershipAgreement
from medinfra.recovery.models import (
    CurrencyRate,
    Funding,
    Partner,
    PopulationServed,
    RecoveryProject,
    StageChange,
)
from medinfra.sources.models import Source
from medinfra.vehicles.models import Vehicle, VehicleEvent

CHUNK = 2000


def _public_queryset(kind: str) -> QuerySet[Any]:
    """The current records of a kind that the public may see, in a stable order."""
    querysets: dict[str, QuerySet[Any]] = {
        "regions": Region.objects.select_related("country"),
        "sources": Source.objects.all(),
        "facilities": Facility.objects.select_related("region"),
        "assessments": Assessment.objects.filter(facility__retracted_at__isnull=True),
        "restorations": Restoration.objects.filter(facility__retracted_at__isnull=True),
        "vehicles": Vehicle.objects.select_related("region"),
        "vehicle_events": VehicleEvent.objects.filter(vehicle__retracted_at__isnull=True),
        "partners": Partner.objects.all(),
        "projects": RecoveryProject.objects.select_related("region"),
        "stage_changes": StageChange.objects.filter(project__retracted_at__isnull=True),
        "currency_rates": CurrencyRate.objects.all(),
        "population_served": PopulationServed.objects.filter(facility__retracted_at__isnull=True),
        "funding": Funding.objects.filter(
            project__retracted_at__isnull=True, partner__retracted_at__isnull=True
        ),
        "agreements": PartnershipAgreement.objects.filter(
            facility__retracted_at__isnull=True, partner__retracted_at__isnull=True
        ),
    }
    if kind == "figures":
        return current_figures().order_by("pk")
    return querysets[kind].order_by("pk")


def _schema_rows(table: Table) -> Iterator[dict[str, Any]]:
    """Rows built by the app's public schema itself, one chunk of records at a time."""
    schema = table.schema
    assert schema is not None
    names = [c.name for c in table.export_columns]
    for obj in _public_queryset(table.kind).iterator(chunk_size=CHUNK):
        data = schema.from_orm(obj).model_dump()
        yield {name: data[name] for name in names}


def _links(model: type[models.Model], value: str, first: int, last: int) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = defaultdict(list)
    for incident_id, item in (
        model.objects.filter(incident_id__gte=first, incident_id__lte=last)  # type: ignore[attr-defined]
        .order_by()
        .values_list("incident_id", value)
    ):
        found[incident_id].append(item)
    return found


INCIDENT_FIELDS = (
    "id",
    "occurred_on",
    "date_precision",
    "region_id",
    "facility_id",
    "settlement",
    "latitude",
    "longitude",
    "health_workers_killed",
    "health_workers_injured",
    "health_workers_detained",
    "patients_killed",
    "patients_injured",
    "patients_detained",
    "certainty",
    "public_summary",
    "is_synthetic",
)


def public_incident_rows(*, chunk_size: int = CHUNK) -> Iterator[dict[str, Any]]:
    """Verified, current incidents as IncidentPublic shows them, read a chunk at a time."""
    # The schema's resolvers' rules, without a model object per incident (a million of them
    # would be slow): no settlement and no coordinates in an occupied or inaccessible region,
    # and only the current sources.
    #
    # The chunks walk the primary key and leave out what the public may not see here, in
    # Python: asked for verified incidents in key order, SQLite (which keeps no statistics)
    # reads them through the (verification, occurred_on) index and sorts all of them again for
    # every chunk, so a million incidents took an hour instead of a minute. The rule is
    # public_incidents()'s, checked by test_public_incident_rows_are_public_incidents.
    regions = {r.pk: (r.code, r.is_occupied) for r in Region.objects.all()}
    today = timezone.localdate()
    incidents = Incident.objects.order_by("pk").values_list(
        *INCIDENT_FIELDS, "verification", "occurred_on"
    )
    through = Incident.sources.through
    columns = [c.name for c in TABLES["incidents"].export_columns]
    last = 0
    while True:
        read = list(incidents.filter(pk__gt=last)[:chunk_size])
        if not read:
            return
        last = read[-1][0]
        chunk = [
            values[:-2]
            for values in read
            if values[-2] == Verification.VERIFIED and values[-1] <= today
        ]
        if not chunk:
            continue
        first = chunk[0][0]
        types = _links(IncidentAttackType, "attack_type", first, last)
        resources = _links(IncidentResource, "resource", first, last)
        sources: dict[int, list[int]] = defaultdict(list)
        for incident_id, source_id in (
            through.objects.filter(
                incident_id__gte=first,
                incident_id__lte=last,
                source__retracted_at__isnull=True,
            )
            .order_by()
            .values_list("incident_id", "source_id")
        ):
            sources[incident_id].append(source_id)
        for values in chunk:
            row = dict(zip(INCIDENT_FIELDS, values, strict=True))
            code, occupied = regions[row.pop("region_id")]
            row["region"] = code
            row["facility"] = row.pop("facility_id")
            if occupied:
                row["settlement"], row["latitude"], row["longitude"] = "", None, None
            pk = row["id"]
            row["attack_types"] = sorted(types.get(pk, []))
            row["resources"] = sorted(resources.get(pk, []))
            row["sources"] = sorted(sources.get(pk, []))
            yield {name: row[name] for name in columns}


def public_rows(kind: str) -> Iterator[dict[str, Any]]:
    """Every public record of a kind as a row of its export columns, streamed."""
    table = TABLES[kind]
    if table.schema is None:
        raise KeyError(kind)
    if kind == "incidents":
        return public_incident_rows()
    return _schema_rows(table)


def public_count(kind: str) -> int:
    """How many public records of a kind there are (for the download page)."""
    if kind == "incidents":
        return public_incidents(as_of=timezone.localdate()).count()
    return _public_queryset(kind).count()


def import_runs_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[ImportRun]:
    """The import runs a member of staff may see: all for staff, their own for reporters."""
    runs = ImportRun.objects.select_related("user").order_by("-created_at", "-id")
    if getattr(user, "is_staff", False) or has_role(user, Role.ADMINISTRATOR):
        return runs
    return runs.filter(user_id=cast(int, user.pk))


# -- files ---------------------------------------------------------------------------------------

# Format → (file extension, media type).
FORMATS: dict[str, tuple[str, str]] = {
    "csv": ("csv", "text/csv; charset=utf-8"),
    "hxl": ("hxl.csv", "text/csv; charset=utf-8"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "geojson": ("geojson", "application/geo+json"),
    "fhir": ("fhir.json", "application/fhir+json"),
}


def formats_of(kind: str) -> list[str]:
    """The formats a kind can be exported in: GeoJSON where it has points, FHIR for facilities."""
    table = TABLES[kind]
    found = ["csv", "hxl", "xlsx"]
    if table.points:
        found.append("geojson")
    if kind == "facilities":
        found.append("fhir")
    return found


def export_file_name(kind: str, fmt: str) -> str:
    return f"medinfra-{kind}.{FORMATS[fmt][0]}"


def _cells(kind: str) -> Iterator[list[Any]]:
    names = [c.name for c in TABLES[kind].export_columns]
    for row in public_rows(kind):
        yield [row[name] for name in names]


def export_pieces(kind: str, fmt: str) -> Iterator[bytes]:
    """The bytes of an export, a piece at a time (XLSX: a whole workbook, read in pieces)."""
    from medinfra.exchange.formats import FileProblem, fhir, geojson, hxl
    from medinfra.exchange.formats import csv as csv_format

    table = TABLES.get(kind)
    if table is None or table.schema is None:
        raise FileProblem(f"{kind!r} cannot be exported: it has no public fields.")
    if fmt not in formats_of(kind):
        raise FileProblem(
            f"{kind} cannot be exported as {fmt}; choose one of {', '.join(formats_of(kind))}."
        )
    header = [c.name for c in table.export_columns]
    if fmt == "csv":
        return csv_format.write(header, _cells(kind))
    if fmt == "hxl":
        return hxl.write(header, [c.hxl for c in table.export_columns], _cells(kind))
    if fmt == "geojson":
        return geojson.write(public_rows(kind), name=f"medinfra {kind}", licence=DATA_LICENCE)
    if fmt == "fhir":
        return fhir.write(public_rows(kind))
    return _workbook_pieces(kind, header)


def _workbook_pieces(kind: str, header: list[str]) -> Iterator[bytes]:
    """The workbook's bytes; it is built when the first piece is asked for, not before."""
    from medinfra.exchange.formats import xlsx

    handle = xlsx.write(
        [
            (kind, header, _cells(kind)),
            ("dictionary", DICTIONARY_HEADER, _dictionary_cells(kind)),
            ("licence", ["licence", "url"], [[DATA_LICENCE["name"], DATA_LICENCE["url"]]]),
        ]
    )
    yield from _file_pieces(handle)


def _file_pieces(handle: Any) -> Iterator[bytes]:
    try:
        while piece := handle.read(256 * 1024):
            yield piece
    finally:
        handle.close()


DICTIONARY_HEADER = ["column", "hxl", "type", "required_on_import", "allowed_values", "description"]


def _dictionary_cells(kind: str) -> Iterator[list[Any]]:
    for entry in described_columns(TABLES[kind]):
        yield [entry[name] for name in DICTIONARY_HEADER]


def dictionary_csv(kind: str) -> Iterator[bytes]:
    """The data dictionary of a kind as CSV: column, hashtag, type, allowed values, meaning."""
    from medinfra.exchange.formats import csv as csv_format

    return csv_format.write(DICTIONARY_HEADER, _dictionary_cells(kind))
