"""The tables that medinfra exports and imports: their columns, HXL hashtags and data dictionary.

The columns of a public table are exactly the fields of the app's public schema (the
allow-list in ``medinfra/*/schemas.py``), in the same order; tests check it. Import reads the
same columns back, so an export re-imports without a mapping.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from importlib import import_module
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from ninja import Schema

from medinfra.facilities.models import Assessment, Facility, Restoration
from medinfra.facilities.schemas import AssessmentPublic, FacilityPublic, RestorationPublic
from medinfra.figures.models import ReportedFigure
from medinfra.geography.models import Region
from medinfra.geography.schemas import RegionPublic
from medinfra.incidents.models import AttackType, Incident, Resource
from medinfra.incidents.schemas import IncidentPublic
from medinfra.partnerships.models import PartnershipAgreement
from medinfra.partnerships.schemas import AgreementPublic
from medinfra.recovery.models import (
    CurrencyRate,
    Funding,
    Partner,
    PopulationServed,
    RecoveryProject,
    StageChange,
)
from medinfra.recovery.schemas import (
    CurrencyRatePublic,
    FundingPublic,
    PartnerPublic,
    PopulationServedPublic,
    ProjectPublic,
    StageChangePublic,
)
from medinfra.sources.models import Source
from medinfra.sources.schemas import SourcePublic
from medinfra.vehicles.models import Vehicle, VehicleEvent
from medinfra.vehicles.schemas import VehicleEventPublic, VehiclePublic

# What a column holds; the import reads each kind of cell its own way.
TEXT = "text"
INTEGER = "integer"
DECIMAL = "decimal"
DATE = "date"
BOOLEAN = "boolean"
CHOICE = "choice"
LIST = "list"
REFERENCE = "reference"
ID = "id"

TYPE_WORDS: dict[str, Promise] = {
    TEXT: _("text"),
    INTEGER: _("whole number"),
    DECIMAL: _("number (decimal point: a full stop)"),
    DATE: _("date, YYYY-MM-DD"),
    BOOLEAN: _("true or false"),
    CHOICE: _("one of the codes listed"),
    LIST: _("codes separated by semicolons"),
    REFERENCE: _("identifier of a record in another table"),
    ID: _("identifier"),
}

# The licence of the data (the code's licence is separate, see LICENSE).
DATA_LICENCE = {
    "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "spdx": "CC-BY-4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}


@dataclass(frozen=True)
class Column:
    """One column of an exported or imported table."""

    name: str
    hxl: str
    description: Promise | str
    datatype: str = TEXT
    required: bool = False
    choices: type[models.Choices] | None = None
    refers_to: str = ""  # the kind a REFERENCE column points into
    export: bool = True  # False: accepted by the import only (never public)
    aliases: tuple[str, ...] = ()

    def choice_values(self) -> list[str]:
        return [str(v) for v in self.choices.values] if self.choices is not None else []


@dataclass(frozen=True)
class Table:
    """A kind of record as a flat table."""

    kind: str
    title: Promise
    model: type[models.Model]
    schema: type[Schema] | None
    columns: tuple[Column, ...]
    importable: bool = True
    # How the 'id' column is kept on import: as the model's external_id, as an ExternalKey, or
    # not at all (the row is found again by its natural key).
    id_as: str = "none"
    points: bool = False  # has public WGS84 coordinates (GeoJSON)
    depends_on: tuple[str, ...] = field(default_factory=tuple)

    @property
    def export_columns(self) -> list[Column]:
        return [c for c in self.columns if c.export]

    @property
    def import_columns(self) -> list[Column]:
        return list(self.columns) if self.importable else []

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _choices_of(model: type[models.Model], name: str) -> type[models.Choices] | None:
    """The choices class of a model field, found from its values (None without choices)."""
    model_field = model._meta.get_field(name)
    values = [v for v, _label in getattr(model_field, "choices", None) or []]
    if not values:
        return None
    for value in vars(import_module(model.__module__)).values():
        if (
            isinstance(value, type)
            and issubclass(value, models.Choices)
            and list(value.values) == values
        ):
            return value
    return None


def _typed(model: type[models.Model], column: Column) -> Column:
    """A column whose type and choices follow its model field, unless given."""
    if column.datatype != TEXT:
        return column
    try:
        model_field = model._meta.get_field(column.name)
    except Exception:
        return column
    kind = TEXT
    choices = None
    if getattr(model_field, "choices", None):
        kind, choices = CHOICE, _choices_of(model, column.name)
    elif isinstance(model_field, models.BooleanField):
        kind = BOOLEAN
    elif isinstance(model_field, models.DateField):
        kind = DATE
    elif isinstance(model_field, models.DecimalField):
        kind = DECIMAL
    elif isinstance(model_field, models.IntegerField):
        kind = INTEGER
    return replace(column, datatype=kind, choices=choices)


def _table(
    kind: str,
    title: Promise,
    model: type[models.Model],
    schema: type[Schema] | None,
    columns: list[Column],
    **options: Any,
) -> Table:
    return Table(kind, title, model, schema, tuple(_typed(model, c) for c in columns), **options)


C = Column
SYNTHETIC = C(
    "is_synthetic",
    "#meta+synthetic",
    _("true when the record was made up for demonstration and describes nothing real"),
)


def _id(hxl: str, what: Promise, *, kept: bool) -> Column:
    note = (
        _(
            "On import it is kept as the record's identifier in your system, so that a "
            "re-import finds the record."
        )
        if kept
        else _("On import it is not kept: the row is found again by its other columns.")
    )
    return C("id", hxl, format_lazy("{} {}", what, note), ID, aliases=("external_id",))


def _region(required: bool = True) -> Column:
    return C(
        "region",
        "#adm1+code",
        _("region (first-level unit) as its ISO 3166-2 code, e.g. UA-63 for Kharkiv Oblast"),
        REFERENCE,
        required=required,
        refers_to="regions",
    )


def _facility(required: bool, hxl: str = "#org+id") -> Column:
    return C(
        "facility",
        hxl,
        _("the facility: its id in the facilities table (or its EDRPOU code)"),
        REFERENCE,
        required=required,
        refers_to="facilities",
    )


def _partner() -> Column:
    return C(
        "partner",
        "#org+partner+id",
        _("the partner: its id in the partners table"),
        REFERENCE,
        required=True,
        refers_to="partners",
    )


LAT = C(
    "latitude",
    "#geo+lat",
    _("latitude, WGS84 decimal degrees; empty where the region is occupied or inaccessible"),
)
LON = C(
    "longitude",
    "#geo+lon",
    _("longitude, WGS84 decimal degrees; empty where the region is occupied or inaccessible"),
)


def _casualty(name: str, who: str, what: str, text: Promise) -> Column:
    return C(name, f"#affected+{what}+{who}", text, INTEGER)


TABLES_LIST: list[Table] = [
    _table(
        "regions",
        _("regions"),
        Region,
        RegionPublic,
        [
            C("code", "#adm1+code", _("ISO 3166-2 code of the region, e.g. UA-63")),
            C("country", "#country+code", _("ISO 3166-1 alpha-2 code of the country, e.g. UA")),
            C("kind", "#adm1+type", _("kind of first-level unit")),
            C("name_en", "#adm1+name+i_en", _("name in English")),
            C("name_uk", "#adm1+name+i_uk", _("name in Ukrainian")),
            C(
                "access_status",
                "#access+status",
                _(
                    "access the registry has to the region; in occupied and inaccessible "
                    "regions exact places are never published"
                ),
            ),
        ],
        importable=False,
    ),
    _table(
        "sources",
        _("sources"),
        Source,
        SourcePublic,
        [
            _id("#meta+source+id", _("identifier of the source."), kept=True),
            C("publisher", "#org+publisher+name", _("who published the document"), required=True),
            C("title", "#meta+source+title", _("title of the document"), required=True),
            C("url", "#meta+source+url", _("where the document can be read")),
            C("published_on", "#date+published", _("when it was published")),
            C("language", "#meta+source+lang", _("language of the document, e.g. uk, en")),
            SYNTHETIC,
        ],
        id_as="key",
    ),
    _table(
        "facilities",
        _("facilities"),
        Facility,
        FacilityPublic,
        [
            _id("#org+id", _("identifier of the facility."), kept=True),
            C("name_uk", "#org+name+i_uk", _("name in Ukrainian"), required=True),
            C("name_en", "#org+name+i_en", _("name in English")),
            C("kind", "#org+type", _("kind of health-care institution or site"), required=True),
            _region(),
            C("settlement", "#loc+name", _("city, town or village")),
            LAT,
            LON,
            C("edrpou", "#org+code+edrpou", _("EDRPOU code: 8 digits, the national identifier")),
            C("ownership", "#org+type+ownership", _("who owns the facility")),
            C("beds", "#capacity+beds", _("number of beds")),
            SYNTHETIC,
        ],
        id_as="external_id",
        points=True,
        depends_on=("regions",),
    ),
    _table(
        "assessments",
        _("assessments"),
        Assessment,
        AssessmentPublic,
        [
            _id("#meta+assessment+id", _("identifier of the assessment."), kept=False),
            _facility(True),
            C("assessed_on", "#date+assessed", _("day of the observation"), required=True),
            C("condition", "#status+condition", _("condition of the building"), required=True),
            C(
                "functionality",
                "#status+functionality",
                _("whether the facility worked on that day"),
                required=True,
            ),
            C("repair_cost", "#value+repair", _("estimated cost of repair")),
            C("repair_cost_currency", "#currency+repair", _("ISO 4217 currency of the cost")),
            C("assessed_by", "#org+assessor+name", _("the organisation that assessed")),
        ],
        depends_on=("facilities",),
    ),
    _table(
        "restorations",
        _("restorations"),
        Restoration,
        RestorationPublic,
        [
            _id("#meta+restoration+id", _("identifier of the milestone."), kept=False),
            _facility(True),
            C("restored_on", "#date+restored", _("day the milestone was reached"), required=True),
            C("milestone", "#status+milestone", _("how far the restoration got"), required=True),
        ],
        depends_on=("assessments",),
    ),
    _table(
        "incidents",
        _("incidents"),
        Incident,
        IncidentPublic,
        [
            _id("#event+id", _("identifier of the incident."), kept=True),
            C(
                "occurred_on",
                "#date+occurred",
                _("day of the attack; with month precision, the first day of the month"),
                required=True,
            ),
            C("date_precision", "#date+precision", _("whether the date is exact to the day")),
            _region(required=False),
            _facility(False),
            C(
                "settlement",
                "#loc+name",
                _("city, town or village; empty where the region is occupied or inaccessible"),
            ),
            LAT,
            LON,
            C(
                "attack_types",
                "#event+type",
                _("kinds of attack (WHO SSA), separated by semicolons"),
                LIST,
                required=True,
                choices=AttackType,
            ),
            C(
                "resources",
                "#impact+type",
                _("resources affected (WHO SSA), separated by semicolons"),
                LIST,
                required=True,
                choices=Resource,
            ),
            _casualty(
                "health_workers_killed", "health_workers", "killed", _("health workers killed")
            ),
            _casualty(
                "health_workers_injured", "health_workers", "injured", _("health workers injured")
            ),
            _casualty(
                "health_workers_detained",
                "health_workers",
                "detained",
                _("health workers detained or abducted"),
            ),
            _casualty("patients_killed", "patients", "killed", _("patients killed")),
            _casualty("patients_injured", "patients", "injured", _("patients injured")),
            _casualty(
                "patients_detained", "patients", "detained", _("patients detained or abducted")
            ),
            C("certainty", "#status+certainty", _("how sure it is that the attack happened")),
            C(
                "public_summary",
                "#description",
                _("public text of the incident: no names, no exact places"),
            ),
            C(
                "sources",
                "#meta+source+id",
                _("sources that report the incident: ids in the sources table, or their URLs"),
                LIST,
                refers_to="sources",
            ),
            SYNTHETIC,
            C(
                "description",
                "#description+internal",
                _("what happened in full; staff only, never exported"),
                export=False,
            ),
        ],
        id_as="external_id",
        points=True,
        depends_on=("facilities", "sources"),
    ),
    _table(
        "vehicles",
        _("vehicles"),
        Vehicle,
        VehiclePublic,
        [
            _id("#item+vehicle+id", _("identifier of the vehicle."), kept=True),
            C("kind", "#item+type", _("kind of vehicle")),
            _region(required=False),
            C(
                "owner_facility",
                "#org+owner+id",
                _("the facility that owns it: its id in the facilities table (or EDRPOU code)"),
                REFERENCE,
                refers_to="facilities",
            ),
            SYNTHETIC,
        ],
        id_as="external_id",
        depends_on=("facilities",),
    ),
    _table(
        "vehicle_events",
        _("vehicle events"),
        VehicleEvent,
        VehicleEventPublic,
        [
            _id("#meta+vehicle_event+id", _("identifier of the event."), kept=False),
            C(
                "vehicle",
                "#item+vehicle+id",
                _("the vehicle: its id in the vehicles table"),
                REFERENCE,
                required=True,
                refers_to="vehicles",
            ),
            C("occurred_on", "#date+occurred", _("day it happened"), required=True),
            C("status", "#status+loss", _("what happened to the vehicle"), required=True),
        ],
        depends_on=("vehicles",),
    ),
    _table(
        "partners",
        _("partners"),
        Partner,
        PartnerPublic,
        [
            _id("#org+partner+id", _("identifier of the partner."), kept=True),
            C("name_en", "#org+name+i_en", _("name in English"), required=True),
            C("name_uk", "#org+name+i_uk", _("name in Ukrainian")),
            C("kind", "#org+type", _("kind of organisation"), required=True),
            C("country", "#country+code", _("ISO 3166-1 alpha-2 code of its country")),
            SYNTHETIC,
        ],
        id_as="key",
    ),
    _table(
        "projects",
        _("recovery projects"),
        RecoveryProject,
        ProjectPublic,
        [
            _id("#activity+id", _("identifier of the project."), kept=True),
            C("title_en", "#activity+name+i_en", _("title in English"), required=True),
            C("title_uk", "#activity+name+i_uk", _("title in Ukrainian")),
            _facility(False),
            _region(required=False),
            C(
                "block",
                "#activity+block",
                _("block of the recovery plan: 1, 2 or 3"),
                required=True,
            ),
            C("scope", "#activity+scope", _("what kind of work the project does")),
            C("stage", "#status+stage", _("how far the project has got")),
            C("stage_since", "#date+stage", _("day the project reached its stage")),
            C("cost_estimate", "#value+cost", _("estimated cost")),
            C("currency", "#currency", _("ISO 4217 currency of the cost")),
            C("estimated_on", "#date+estimated", _("day of the cost estimate")),
            C("priority", "#priority", _("priority: 1 (highest) to 5 (lowest)")),
            SYNTHETIC,
        ],
        id_as="key",
        depends_on=("facilities",),
    ),
    _table(
        "stage_changes",
        _("stage changes of projects"),
        StageChange,
        StageChangePublic,
        [
            C("id", "#meta+stage_change+id", _("identifier of the stage change"), ID),
            C(
                "project",
                "#activity+id",
                _("the project: its id in the projects table"),
                REFERENCE,
                refers_to="projects",
            ),
            C("from_stage", "#status+stage+from", _("the stage before (empty for the first)")),
            C("to_stage", "#status+stage+to", _("the stage reached")),
            C("on", "#date", _("day the project reached the stage")),
        ],
        importable=False,
    ),
    _table(
        "currency_rates",
        _("exchange rates"),
        CurrencyRate,
        CurrencyRatePublic,
        [
            C("id", "#meta+rate+id", _("identifier of the rate"), ID),
            C("currency", "#currency", _("ISO 4217 currency")),
            C("valid_from", "#date+valid_from", _("first day the rate applies")),
            C("per_usd", "#value+rate", _("units of the currency one US dollar bought")),
            C(
                "source",
                "#meta+source+id",
                _("the source of the rate: its id in the sources table"),
                REFERENCE,
                refers_to="sources",
            ),
            SYNTHETIC,
        ],
        importable=False,
    ),
    _table(
        "population_served",
        _("population served by facilities"),
        PopulationServed,
        PopulationServedPublic,
        [
            _facility(False),
            C("population", "#population", _("how many people the facility serves")),
            C("as_of", "#date", _("date the number describes")),
            C(
                "source",
                "#meta+source+id",
                _("the source of the number: its id in the sources table"),
                REFERENCE,
                refers_to="sources",
            ),
        ],
        importable=False,
    ),
    _table(
        "funding",
        _("funding"),
        Funding,
        FundingPublic,
        [
            _id("#meta+funding+id", _("identifier of the funding."), kept=False),
            _partner(),
            C(
                "project",
                "#activity+id",
                _("the project: its id in the projects table"),
                REFERENCE,
                required=True,
                refers_to="projects",
            ),
            C(
                "kind",
                "#value+type",
                _("commitment (promised) or disbursement (paid)"),
                required=True,
            ),
            C("amount", "#value", _("amount"), required=True),
            C("currency", "#currency", _("ISO 4217 currency of the amount"), required=True),
            C("on", "#date", _("day of the commitment or disbursement"), required=True),
        ],
        depends_on=("partners", "projects"),
    ),
    _table(
        "agreements",
        _("partnership agreements"),
        PartnershipAgreement,
        AgreementPublic,
        [
            _id("#meta+agreement+id", _("identifier of the agreement."), kept=False),
            _facility(True),
            _partner(),
            C("kind", "#activity+type", _("kind of agreement"), required=True),
            C("programme", "#activity+programme", _("programme it was signed under")),
            C("signed_on", "#date+signed", _("day it was signed"), required=True),
            C("areas", "#sector", _("areas of cooperation, separated by semicolons"), LIST),
            C("status", "#status", _("whether it is in force")),
            SYNTHETIC,
        ],
        depends_on=("facilities", "partners"),
    ),
    _table(
        "figures",
        _("reported figures"),
        ReportedFigure,
        None,
        [
            _id("#meta+figure+id", _("identifier of the figure."), kept=False),
            C("metric", "#indicator+code", _("what was counted"), required=True),
            C("value", "#indicator+num", _("the number published"), required=True),
            C("qualifier", "#indicator+qualifier", _("how the source qualified the number")),
            C("as_of", "#date+reported", _("date the number describes"), required=True),
            C(
                "as_of_precision",
                "#date+precision",
                _("whether the date is exact to the day, or only to the month or year"),
            ),
            C(
                "country",
                "#country+code",
                _("ISO 3166-1 alpha-2 code of the country"),
                required=True,
            ),
            _region(required=False),
            C(
                "source",
                "#meta+source+id",
                _("the source that published it: its id in the sources table, or its URL"),
                REFERENCE,
                refers_to="sources",
            ),
            C("attributed_to", "#org+attributed", _("who the source says gave the number")),
            C("span", "#meta+span", _("the exact text the figure was read from")),
            C(
                "is_synthetic",
                "#meta+synthetic",
                _("true when the figure's source is synthetic demo data"),
                BOOLEAN,
            ),
        ],
        depends_on=("sources",),
    ),
]


def _public_schema(table: Table) -> type[Schema] | None:
    """The figures app's public schema, once it has one (it is built alongside this app)."""
    if table.schema is not None or table.kind != "figures":
        return table.schema
    try:
        module = import_module("medinfra.figures.schemas")
    except ImportError:
        return None
    found: type[Schema] | None = getattr(module, "FigurePublic", None) or getattr(
        module, "ReportedFigurePublic", None
    )
    return found


def _fit_to_schema(table: Table) -> Table:
    """Keep exactly the public schema's fields as export columns, in the schema's order."""
    # A column the schema does not have is import-only; a schema field without a written
    # column gets one derived from the model, so an export never leaves out or adds a field.
    schema = _public_schema(table)
    if schema is None:
        columns = tuple(replace(c, export=False) for c in table.columns)
        return replace(table, columns=columns, schema=None)
    names = list(schema.model_fields)
    by_name = {c.name: c for c in table.columns}
    exported = []
    for name in names:
        column = by_name.get(name) or _typed(
            table.model, C(name, f"#meta+{name}", _derived_description(table.model, name))
        )
        exported.append(replace(column, export=True))
    extra = tuple(replace(c, export=False) for c in table.columns if c.name not in names)
    return replace(table, columns=(*exported, *extra), schema=schema)


def _derived_description(model: type[models.Model], name: str) -> str:
    try:
        model_field = model._meta.get_field(name)
    except Exception:
        return name.replace("_", " ")
    return str(getattr(model_field, "help_text", "") or getattr(model_field, "verbose_name", name))


TABLES: dict[str, Table] = {t.kind: _fit_to_schema(t) for t in TABLES_LIST}
EXPORT_KINDS = [kind for kind, table in TABLES.items() if table.schema is not None]
IMPORT_KINDS = [kind for kind, table in TABLES.items() if table.importable]


def described_columns(table: Table) -> list[dict[str, str]]:
    """The data dictionary of a table: one entry per column, in plain words."""
    entries = []
    for column in table.export_columns:
        values = column.choice_values()
        entries.append(
            {
                "column": column.name,
                "hxl": column.hxl,
                "type": str(TYPE_WORDS[column.datatype]),
                "required_on_import": "yes" if column.required else "no",
                "allowed_values": ", ".join(values),
                "description": str(column.description),
            }
        )
    return entries


def written_description(table: Table, name: str) -> bool:
    """Whether the dictionary text of a column was written here, not derived from the model."""
    return any(c.name == name for c in next(t for t in TABLES_LIST if t.kind == table.kind).columns)
