"""How each kind of row becomes a record: references resolved, the existing record found again,
the app's own service called (never a write of our own)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from medinfra.core.bulk import DroppedIndexes, plain_indexes_dropped
from medinfra.core.errors import Conflict, InvalidInput, field_errors
from medinfra.core.models import AuditEvent
from medinfra.core.services import Actor
from medinfra.exchange.models import ExternalKey, ImportRun
from medinfra.exchange.schemas import TABLES, Table
from medinfra.facilities.models import Assessment, Facility, Restoration
from medinfra.facilities.services import record_assessment, record_restoration, register_facility
from medinfra.figures.models import ReportedFigure
from medinfra.figures.services import record_figure
from medinfra.geography.models import Region
from medinfra.geography.queries import region_by_code
from medinfra.incidents.models import Incident, IncidentAttackType, IncidentResource
from medinfra.incidents.services import IncidentBatch, external_ids_taken
from medinfra.partnerships.models import PartnershipAgreement
from medinfra.partnerships.services import record_agreement
from medinfra.recovery.models import Funding, Partner, RecoveryProject
from medinfra.recovery.services import record_funding, register_partner, register_project
from medinfra.sources.models import Source
from medinfra.sources.services import register_source
from medinfra.vehicles.models import Vehicle, VehicleEvent
from medinfra.vehicles.services import record_vehicle_event, register_vehicle

CREATED = "created"
UNCHANGED = "unchanged"
# From this many rows (and at least as many as the incidents already stored), an incidents
# import drops the plain indexes of the tables it writes and makes them again before its
# commit: one pass per index then costs less than inserting each row into each index. At
# 100,000 rows into an empty database this saves about a tenth of the import's time, and more
# as the tables grow; below 10,000 rows the saving is too small to notice.
INDEXES_AFTER_ROWS = 10_000


@dataclass
class Row:
    """One data row of the file: its number, its typed values, what is wrong with it."""

    number: int
    values: dict[str, Any]  # only the cells that are not empty, by column name
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column name, message)
    outcome: str = ""
    month_only: bool = False  # the date was given as a month (2023-05)

    def add_error(self, error: InvalidInput | Conflict) -> None:
        if isinstance(error, Conflict):
            self.problems.append(("", str(error)))
            return
        for name, messages in field_errors(error).items():
            for message in messages:
                self.problems.append(("" if name == "__all__" else name, message))


class Importer:
    """Turns rows of one kind into records through the owning app's services."""

    kind = ""

    def __init__(self, *, actor: Actor, run: ImportRun) -> None:
        self.actor = actor
        self.run = run
        self.table: Table = TABLES[self.kind]
        self._regions: dict[str, Region] = {}
        self._cache: dict[tuple[str, str], models.Model] = {}

    # -- references ---------------------------------------------------------------------------

    def region(self, code: str, name: str = "region") -> Region:
        key = code.strip().upper()
        if key not in self._regions:
            self._regions[key] = region_by_code(code, field=name)
        return self._regions[key]

    def facility(self, ref: str, name: str = "facility") -> Facility:
        return self._cached("facilities", ref, name, self._find_facility)

    def _find_facility(self, ref: str) -> Facility | None:
        found = Facility.objects.select_related("region").filter(external_id=ref).first()
        if found is None and ref.isdigit() and len(ref) == 8:
            found = Facility.objects.select_related("region").filter(edrpou=ref).first()
        return found

    def vehicle(self, ref: str, name: str = "vehicle") -> Vehicle:
        return self._cached(
            "vehicles", ref, name, lambda r: Vehicle.objects.filter(external_id=r).first()
        )

    def source(self, ref: str, name: str = "sources") -> Source:
        return self._cached("sources", ref, name, self._find_source)

    def _find_source(self, ref: str) -> Source | None:
        found = _by_key(Source, "sources", ref)
        if found is None and "://" in ref:
            found = Source.objects.filter(url=ref).order_by("pk").first()
        return found

    def partner(self, ref: str, name: str = "partner") -> Partner:
        return self._cached(
            "partners",
            ref,
            name,
            lambda r: _by_key(Partner, "partners", r) or _only(Partner.objects.filter(name_en=r)),
        )

    def project(self, ref: str, name: str = "project") -> RecoveryProject:
        return self._cached(
            "projects",
            ref,
            name,
            lambda r: (
                _by_key(RecoveryProject, "projects", r)
                or _only(RecoveryProject.objects.filter(title_en=r))
            ),
        )

    def _cached(
        self, kind: str, ref: str, name: str, find: Callable[[str], models.Model | None]
    ) -> Any:
        ref = ref.strip()
        if (kind, ref) not in self._cache:
            found = find(ref)
            if found is None:
                raise InvalidInput({name: _missing_reference(kind, ref)})
            self._cache[(kind, ref)] = found
        return self._cache[(kind, ref)]

    # -- rows ---------------------------------------------------------------------------------

    def file_key(self, row: Row) -> tuple[Any, ...]:
        """What makes two rows of one file the same record: the id, else every value."""
        if "id" in row.values and self.table.id_as != "none":
            return ("id", row.values["id"])
        return tuple(sorted((k, repr(v)) for k, v in row.values.items() if k != "id"))

    def apply(self, rows: list[Row]) -> None:
        """Write each row without problems, or find it already written; note what happened."""
        for row in rows:
            if row.problems:
                continue
            try:
                with transaction.atomic():
                    arguments = self.arguments(row)
                    existing = self.existing(row, arguments)
                    if existing is not None:
                        self.remember(row, existing)
                        row.outcome = UNCHANGED
                        continue
                    record = self.create(arguments)
                    self.remember(row, record)
                    row.outcome = CREATED
            except (InvalidInput, Conflict) as error:
                row.add_error(error)

    @contextmanager
    def loading(self, rows: int) -> Iterator[None]:
        """Around the writes of a run of about this many rows, inside its transaction; an
        error raised in it always ends in that transaction's rollback."""
        yield

    def arguments(self, row: Row) -> dict[str, Any]:
        """The service's keyword arguments for a row (references resolved)."""
        arguments = dict(row.values)
        arguments.pop("id", None)
        return arguments

    def existing(self, row: Row, arguments: dict[str, Any]) -> models.Model | None:
        raise NotImplementedError

    def create(self, arguments: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def remember(self, row: Row, record: models.Model) -> None:
        """Keep the row's id for a table without external_id (see ExternalKey)."""
        if self.table.id_as == "key" and "id" in row.values:
            ExternalKey.objects.get_or_create(
                kind=self.kind,
                key=str(row.values["id"]),
                defaults={"object_id": record.pk, "run": self.run},
            )


def _by_key(model: type[models.Model], kind: str, key: str) -> Any:
    object_id = (
        ExternalKey.objects.filter(kind=kind, key=key).values_list("object_id", flat=True).first()
    )
    if object_id is None:
        return None
    return model._default_manager.filter(pk=object_id).first()


def _only(queryset: models.QuerySet[Any]) -> Any:
    found = list(queryset[:2])
    return found[0] if len(found) == 1 else None


def _missing_reference(kind: str, ref: str) -> str:
    messages = {
        "facilities": _(
            "No facility has the id or EDRPOU code “%(ref)s”: import the facilities first, or "
            "check the id."
        ),
        "vehicles": _("No vehicle has the id “%(ref)s”: import the vehicles first."),
        "sources": _(
            "No source has the id or URL “%(ref)s”: import the sources first, or give the "
            "source's URL."
        ),
        "partners": _(
            "No partner has the id or English name “%(ref)s”: import the partners first."
        ),
        "projects": _(
            "No recovery project has the id or English title “%(ref)s”: import the projects first."
        ),
    }
    return messages[kind] % {"ref": ref}


def _accepted(service: Callable[..., Any], arguments: dict[str, Any]) -> dict[str, Any]:
    """The arguments a service takes (apps add fields; a file may carry more columns)."""
    parameters = inspect.signature(service).parameters
    return {k: v for k, v in arguments.items() if k in parameters}


class SourceImporter(Importer):
    kind = "sources"

    def existing(self, row: Row, arguments: dict[str, Any]) -> models.Model | None:
        if "id" in row.values:
            found = _by_key(Source, self.kind, str(row.values["id"]))
            if found is not None:
                return found
        return Source.objects.filter(
            publisher=arguments.get("publisher", ""),
            title=arguments.get("title", ""),
            url=arguments.get("url", ""),
        ).first()

    def create(self, arguments: dict[str, Any]) -> models.Model:
        return register_source(actor=self.actor, **arguments)


class FacilityImporter(Importer):
    kind = "facilities"

    def arguments(self, row: Row) -> dict[str, Any]:
        arguments = super().arguments(row)
        if "region" in arguments:
            arguments["region"] = self.region(arguments["region"])
        if "id" in row.values:
            arguments["external_id"] = str(row.values["id"])
        return arguments

    def existing(self, row: Row, arguments: dict[str, Any]) -> models.Model | None:
        if arguments.get("external_id"):
            return Facility.all_objects.filter(external_id=arguments["external_id"]).first()
        if arguments.get("edrpou"):
            return Facility.all_objects.filter(edrpou=arguments["edrpou"]).first()
        return Facility.objects.filter(
            region=arguments.get("region"),
            name_uk=arguments.get("name_uk", ""),
            settlement=arguments.get("settlement", ""),
            kind=arguments.get("kind", ""),
        ).first()

    def create(self, arguments: dict[str, Any]) -> models.Model:
        return register_facility(actor=self.actor, **arguments)


class AssessmentImporter(Importer):
    kind = "assessments"

    def arguments(self, row: Row) -> dict[str, Any]:
        arguments = super().arguments(row)
        arguments["facility"] = self.facility(arguments["facility"])
        if "repair_cost_currency" in arguments:
            arguments["repair_cost_currency"] = arguments["repair_cost_currency"].upper()
        return arguments

    def existing(self, row: Row, arguments: dict[str, Any]) -> models.Model | None:
        return Assessment.objects.filter(
            facility=arguments["facility"],
            assessed_on=arguments["assessed_on"],
            condition=arguments["condition"],
            functionality=arguments["functionality"],
            repair_cost=arguments.get("repair_cost"),
            repair_cost_currency=arguments.get("repair_cost_currency", ""),
            assessed_by=arguments.get("assessed_by", ""),
        ).first()

    def create(self, arguments: dict[str, Any]) -> models.Model:
        facility = arguments.pop("facility")
        return record_assessment(facility, actor=self.actor, **arguments)


class RestorationImporter(Importer):
    kind = "restorations"

    def arguments(self, row: Row) -> dict[str, Any]:
        arguments = super().arguments(row)
        arguments["facility"] = self.facility(arguments["facility"])
        return arguments

    def existing(self, row: Row, arguments: dict[str, Any]) -> models.Model | None:
        return Restoration.objects.filter(
            facility=arguments["facility"],
            restored_on=arguments["restored_on"],
            milestone=arguments["milestone"],
        ).first()

    def create(self, arguments: dict[str, Any]) -> models.Model:
        facility = arguments.pop("facility")
        return record_restoration(facility, actor=self.actor, **arguments)


class VehicleImporter(Importer):
    kind = "vehicles"

    def arguments(self, row: Row) -> dict[str, Any]:
        arguments = super().arguments(row)
        if "region" in arguments:
            arguments["region"] = self.region(arguments["region"])
        if "owner_facility" in arguments:
            arguments["owner_facility"] = self.facility(
                arguments["owner_facility"], "owner_facility"
            )
        if "id" not in row.values:
            raise InvalidInput(
                {"id": _("Vehicles are told apart by their id: give every vehicle an id.")}
            )
        arguments["external_id"] = str(row.values["id"])
        return arguments

    def existing(self, row: Row, arguments: dict[str, Any]) -> models.Model | None:
        return Vehicle.all_objects.filter(external_id=arguments["external_id"]).first()

    def create(self, arguments: dict[str, Any]) -> models.Model:
        return register_vehicle(actor=self.actor, **arguments)


class VehicleEventImporter(Importer):
    kind = "vehicle_events"

    def arguments(self, row: Row) -> dict[str, Any]:
        arguments = super().arguments(row)
        arguments["vehicle"] = self.vehicle(arguments["vehicle"])
        return arguments

    def existing(self, row: Row, arguments: dict[str, Any]) -> models.Model | None:
        return VehicleEvent.objects.filter(
            vehicle=arguments["vehicle"],
            occurred_on=arguments["occurred_on"],
            status=arguments["status"],
        ).first()

    def create(self, arguments: dict[str, Any]) -> models.Model:
        vehicle = arguments.pop("vehicle")
        return record_vehicle_event(vehicle, actor=self.actor, **arguments)


class PartnerImporter(Importer):
    kind = "partners"

    def existing(self, row: Row, arguments: dict[str, Any]) -> models.Model | None:
        if "id" in row.values:
            found = _by_key(Partner, self.kind, str(row.values["id"]))
            if found is not None:
                return found
        return Partner.objects.filter(
            name_en=arguments.get("name_en", ""),
            kind=arguments.get("kind", ""),
            country=arguments.get("country", "").upper(),
        ).first()

    def create(self, arguments: dict[str, Any]) -> models.Model:
        return register_partner(actor=self.actor, **arguments)


class ProjectImporter(Importer):
    kind = "projects"

    def arguments(self, row: Row) -> dict[str, Any]:
        arguments = super().arguments(row)
        if "region" in arguments:
            arguments["region"] = self.region(arguments["region"])
        if "facility" in arguments:
            arguments["facility"] = self.facility(arguments["facility"])
        return arguments

    def existing(self, row: Row, arguments: dict[str, Any]) -> models.Model | None:
        if "id" in row.values:
            found = _by_key(RecoveryProject, self.kind, str(row.values["id"]))
            if found is not None:
                return found
        region = arguments.get("region")
        if region is None and arguments.get("facility") is not None:
            region = arguments["facility"].region
        return RecoveryProject.objects.filter(
            title_en=arguments.get("title_en", ""), region=region, block=arguments.get("block")
        ).first()

    def create(self, arguments: dict[str, Any]) -> models.Model:
        return register_project(actor=self.actor, **_accepted(register_project, arguments))


class FundingImporter(Importer):
    kind = "funding"

    def arguments(self, row: Row) -> dict[str, Any]:
        arguments = super().arguments(row)
        arguments["partner"] = self.partner(arguments["partner"])
        arguments["project"] = self.project(arguments["project"])
        arguments["currency"] = arguments["currency"].upper()
        return arguments

    def existing(self, row: Row, arguments: dict[str, Any]) -> models.Model | None:
        return Funding.objects.filter(**arguments).first()

    def create(self, arguments: dict[str, Any]) -> models.Model:
        project = arguments.pop("project")
        return record_funding(project, actor=self.actor, **arguments)


class AgreementImporter(Importer):
    kind = "agreements"

    def arguments(self, row: Row) -> dict[str, Any]:
        arguments = super().arguments(row)
        arguments["facility"] = self.facility(arguments["facility"])
        arguments["partner"] = self.partner(arguments["partner"])
        return arguments

    def existing(self, row: Row, arguments: dict[str, Any]) -> models.Model | None:
        return PartnershipAgreement.objects.filter(
            facility=arguments["facility"],
            partner=arguments["partner"],
            kind=arguments["kind"],
            signed_on=arguments["signed_on"],
        ).first()

    def create(self, arguments: dict[str, Any]) -> models.Model:
        return record_agreement(actor=self.actor, **arguments)


class FigureImporter(Importer):
    kind = "figures"

    def arguments(self, row: Row) -> dict[str, Any]:
        arguments = super().arguments(row)
        if "region" in arguments:
            arguments["region"] = self.region(arguments["region"])
        if "source" in arguments:
            arguments["source"] = self.source(arguments["source"], "source")
        elif self.run.default_source is not None:
            arguments["source"] = self.run.default_source
        else:
            raise InvalidInput(
                {
                    "source": _(
                        "Name the source of the figure: fill in this column, or choose one "
                        "source for the whole file."
                    )
                }
            )
        arguments["country"] = arguments["country"].upper()
        return arguments

    def existing(self, row: Row, arguments: dict[str, Any]) -> models.Model | None:
        return ReportedFigure.objects.filter(
            metric=arguments["metric"],
            value=arguments["value"],
            qualifier=arguments.get("qualifier", "exact"),
            as_of=arguments["as_of"],
            country=arguments["country"],
            region=arguments.get("region"),
            source=arguments["source"],
        ).first()

    def create(self, arguments: dict[str, Any]) -> models.Model:
        return record_figure(actor=self.actor, **_accepted(record_figure, arguments))


def incident_load_tables() -> list[str]:
    """The tables an incidents import writes: their plain indexes wait for a large load."""
    return [
        Incident._meta.db_table,
        IncidentAttackType._meta.db_table,
        IncidentResource._meta.db_table,
        Incident.sources.through._meta.db_table,
        AuditEvent._meta.db_table,
    ]


class IncidentImporter(Importer):
    """Incidents come in large files: checked a chunk at a time, written in bulk."""

    kind = "incidents"

    def __init__(self, *, actor: Actor, run: ImportRun) -> None:
        super().__init__(actor=actor, run=run)
        # One for the whole file: what it learns from a row (regions, checked values) serves
        # every later row.
        self.batch = IncidentBatch(actor=actor)
        self._dropped: DroppedIndexes | None = None

    @contextmanager
    def loading(self, rows: int) -> Iterator[None]:
        """A large file is written with the plain indexes of its tables dropped, and made
        again before the commit (on SQLite only, see below)."""
        connection = transaction.get_connection()
        # On PostgreSQL a dropped index locks its table until the commit, against readers
        # too: the public pages would wait for the whole import. On SQLite readers keep
        # reading the last committed state (write-ahead log) and never wait.
        if (
            connection.vendor != "sqlite"
            or rows < INDEXES_AFTER_ROWS
            or rows < Incident.all_objects.count()
        ):
            yield
            return
        tables = incident_load_tables()
        # Dropped in the import's transaction: if the import fails, is refused or is killed,
        # the rollback brings them back with everything else.
        with plain_indexes_dropped(connection, tables, made_again_on_error=False) as dropped:
            self._dropped = dropped
            try:
                yield
            finally:
                self._dropped = None

    def arguments(self, row: Row) -> dict[str, Any]:
        arguments = super().arguments(row)
        if "region" in arguments:
            arguments["region"] = self.region(arguments["region"])
        if "facility" in arguments:
            arguments["facility"] = self.facility(arguments["facility"])
        if "sources" in arguments:
            arguments["sources"] = [self.source(ref) for ref in arguments["sources"]]
        elif self.run.default_source is not None:
            arguments["sources"] = [self.run.default_source]
        else:
            raise InvalidInput(
                {
                    "sources": _(
                        "Name the source of the incident: fill in this column, or choose one "
                        "source for the whole file."
                    )
                }
            )
        if row.month_only and "date_precision" not in arguments:
            arguments["date_precision"] = "month"
        if "id" in row.values:
            arguments["external_id"] = str(row.values["id"])
        arguments.setdefault("attack_types", [])
        arguments.setdefault("resources", [])
        return arguments

    def existing(self, row: Row, arguments: dict[str, Any]) -> models.Model | None:
        candidates = Incident.objects.filter(
            occurred_on=arguments["occurred_on"],
            region=arguments.get("region") or arguments["facility"].region,
            facility=arguments.get("facility"),
            settlement=arguments.get("settlement", ""),
            public_summary=arguments.get("public_summary", ""),
            **{
                name: arguments.get(name, 0)
                for name in (
                    "health_workers_killed",
                    "health_workers_injured",
                    "health_workers_detained",
                    "patients_killed",
                    "patients_injured",
                    "patients_detained",
                )
            },
        ).prefetch_related("attack_types", "resources")
        for candidate in candidates:
            if sorted(t.attack_type for t in candidate.attack_types.all()) == sorted(
                arguments["attack_types"]
            ) and sorted(r.resource for r in candidate.resources.all()) == sorted(
                arguments["resources"]
            ):
                return candidate
        return None

    def apply(self, rows: list[Row]) -> None:
        ready: list[tuple[Row, dict[str, Any]]] = []
        for row in rows:
            if row.problems:
                continue
            try:
                ready.append((row, self.arguments(row)))
            except InvalidInput as error:
                row.add_error(error)
        known = external_ids_taken([a["external_id"] for _, a in ready if a.get("external_id")])
        new: list[tuple[Row, dict[str, Any]]] = []
        for row, arguments in ready:
            external_id = arguments.get("external_id")
            if external_id in known or (not external_id and self._found_again(row, arguments)):
                row.outcome = UNCHANGED
            else:
                new.append((row, arguments))
        results = self.batch.write([a for _, a in new])
        for (row, _arguments), result in zip(new, results, strict=True):
            if isinstance(result, InvalidInput):
                row.add_error(result)
            else:
                row.outcome = CREATED

    def _found_again(self, row: Row, arguments: dict[str, Any]) -> bool:
        if arguments.get("region") is None and arguments.get("facility") is None:
            return False
        if self._dropped is not None:
            # A row without an id is looked for by its values: by region and date first.
            self._dropped.make_again(_LOOKUP_INDEXES)
        return self.existing(row, arguments) is not None


# The indexes existing() needs on a large table (the incident's region and date).
_LOOKUP_INDEXES = [
    str(index.name)
    for index in Incident._meta.indexes
    if list(index.fields) == ["region", "occurred_on"]
]


IMPORTERS: dict[str, type[Importer]] = {
    cls.kind: cls
    for cls in (
        SourceImporter,
        FacilityImporter,
        AssessmentImporter,
        RestorationImporter,
        IncidentImporter,
        VehicleImporter,
        VehicleEventImporter,
        PartnerImporter,
        ProjectImporter,
        FundingImporter,
        AgreementImporter,
        FigureImporter,
    )
}
