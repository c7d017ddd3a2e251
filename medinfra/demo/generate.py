"""Generates a synthetic data set of any size, the same for the same seed, for benchmarks.

Every record is made up and says so: facilities are named "Synthetic facility 000123", every
record that has an is_synthetic flag has it set, and the instance is marked synthetic (first
of all, so a run that stops half-way leaves a smaller synthetic data set). Only the regions are
real. Records are committed every COMMIT_EVERY records, with their audit events.

Each record gets its 'create' audit event in the hash chain, holding the record as written, so
`medinfra audit verify` replays it. An incident is written in its final verification state with
that one event: the generator stands for a finished history, not for the people who made it.

Rows are written as plain tuples with one executemany per batch (COPY on PostgreSQL) and ids
reserved beforehand, not through bulk_create: compiling every value of every row took most of
the time of a run. docs/performance.md says what else a profile found and what was done.
The records are checked by construction (the generator makes only valid values), not with
full_clean() one by one; the tests check a generated data set against the models' rules.
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import hashlib
import itertools
import json
import multiprocessing
import operator
import os
import pickle
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from queue import Full
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from medinfra.core.bulk import foreign_keys_checked_after, plain_indexes_dropped
from medinfra.core.errors import InvalidInput
from medinfra.core.models import AuditChainHead, AuditEvent, DatasetInfo
from medinfra.core.services import (
    GENESIS_HASH,
    audit_event_columns,
    event_digest,
    mark_dataset,
    system_actor,
)
from medinfra.demo.services import KIND_WEIGHTS
from medinfra.facilities.models import (
    Assessment,
    Condition,
    Facility,
    FacilityKind,
    Functionality,
    Milestone,
    Ownership,
    Restoration,
)
from medinfra.geography.models import Region
from medinfra.geography.services import load_country
from medinfra.incidents.models import (
    AttackType,
    Certainty,
    Incident,
    IncidentAttackType,
    IncidentResource,
    Resource,
    Verification,
)
from medinfra.sources.models import Source
from medinfra.sources.services import register_source
from medinfra.vehicles.models import Vehicle, VehicleEvent, VehicleStatus

FIRST_DAY = dt.date(2022, 2, 24)
LAST_DAY = dt.date(2025, 6, 30)
CHUNK = 5_000
# Records committed together (with their audit events and the chain's head): fewer commits
# cost less, and SQLite's write-ahead log stays a fraction of the database.
COMMIT_EVERY = 50_000
# The audit events' changes, as the chain's hash takes them: sorted keys, no spaces.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode
VERIFIER_USERNAME = "synthetic-verifier"
FACILITY_PREFIX = "synthetic-facility-"
INCIDENT_PREFIX = "synthetic-incident-"
VEHICLE_PREFIX = "synthetic-vehicle-"

# Shares of the generated facilities that were ever damaged, and of those that were destroyed.
DAMAGED_SHARE = 0.3
DESTROYED_SHARE = 0.13
# Of the damaged facilities: restored fully or partly (each with a later assessment).
FULLY_RESTORED_SHARE = 0.3
PARTIALLY_RESTORED_SHARE = 0.15
# Facilities assessed and found undamaged; vehicles that had a loss.
ASSESSED_UNDAMAGED_SHARE = 0.08
VEHICLE_LOSS_SHARE = 0.4
# Incidents at a known facility (the rest name a region and a settlement).
AT_FACILITY_SHARE = 0.45

WITH_BEDS = {
    FacilityKind.HOSPITAL,
    FacilityKind.MATERNITY_HOSPITAL,
    FacilityKind.CHILDRENS_HOSPITAL,
    FacilityKind.REHABILITATION,
}
OWNERSHIPS = (Ownership.MUNICIPAL, Ownership.MUNICIPAL, Ownership.STATE, Ownership.PRIVATE)
ATTACK_WEIGHTS = {
    AttackType.HEAVY_WEAPONS: 70,
    AttackType.INDIVIDUAL_WEAPONS: 5,
    AttackType.PSYCHOLOGICAL: 5,
    AttackType.OBSTRUCTION: 4,
    AttackType.REMOVAL_OF_ASSETS: 4,
    AttackType.MILITARY_USE: 3,
    AttackType.ARREST_DETENTION: 3,
    AttackType.ABDUCTION: 1,
    AttackType.SETTING_FIRE: 4,
    AttackType.OTHER: 1,
}
VERIFICATION_WEIGHTS = {
    Verification.VERIFIED: 80,
    Verification.REPORTED: 10,
    Verification.UNDER_REVIEW: 6,
    Verification.REJECTED: 4,
}
CERTAINTY_WEIGHTS = {Certainty.CONFIRMED: 6, Certainty.PROBABLE: 3, Certainty.POSSIBLE: 1}
VEHICLE_KIND_WEIGHTS = {
    "ambulance": 85,
    "evacuation": 6,
    "mobile_clinic": 4,
    "supply": 4,
    "other": 1,
}

ProgressFn = Callable[[str], None]
T = TypeVar("T")


@dataclass(frozen=True)
class GenerateSummary:
    """How many records of each kind one run wrote, and how long it took."""

    sources: int
    facilities: int
    assessments: int
    restorations: int
    incidents: int
    vehicles: int
    vehicle_events: int
    audit_events: int
    seconds: float


def _count_option(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput({name: f"Give a whole number of {name} (got {value!r})."})
    if value < 0:
        raise InvalidInput({name: f"The number of {name} cannot be negative (got {value})."})
    return value


def check_target(*, add: bool) -> None:
    """Refuse to write into real registry data; into synthetic data only when asked to add."""
    # Generated records would be counted in every public figure beside real ones, so they
    # never go into a registry that holds real data. A synthetic instance (the demo, an
    # earlier run) may grow, but only on purpose.
    holds = (
        Facility.all_objects.exists()
        or Incident.all_objects.exists()
        or Vehicle.all_objects.exists()
        or Source.all_objects.filter(is_synthetic=False).exists()
    )
    if not holds:
        return
    if not DatasetInfo.current().is_synthetic:
        raise InvalidInput(
            {
                "database": "This database holds registry data that is not synthetic: generated "
                "records would be counted with it. Generate into an empty database (set "
                "DATABASE_URL or MEDINFRA_VAR_DIR to another one)."
            }
        )
    if not add:
        raise InvalidInput(
            {
                "add": "This database already holds synthetic data: give --add to add the "
                "generated records to it, or generate into an empty database."
            }
        )


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _preparer(field: Any, connection: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    """How a field's Python value becomes what the database driver takes (no queries)."""
    ops = connection.ops
    internal = field.get_internal_type()
    if internal == "DateField":
        return ops.adapt_datefield_value
    if internal == "DateTimeField":
        return ops.adapt_datetimefield_value
    if internal == "DecimalField":
        return lambda value: ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places
        )

    def prepare(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    return prepare


def _memo(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The conversion, remembered per value: the generator repeats its ~1,200 days a lot."""
    cache: dict[Any, Any] = {}

    def converted(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            result = cache[value] = convert(value)
            return result

    return converted


def _weighted(weights: Mapping[Any, float]) -> tuple[list[Any], list[float]]:
    """Choices and their cumulative weights, for _Planner.pick()."""
    return list(weights), list(itertools.accumulate(float(w) for w in weights.values()))


class _Table:
    """How one model's rows are written: columns, defaults, database and audit forms."""

    # Field types whose Python values the database driver takes as they are.
    PLAIN = {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "ForeignKey",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
    REPEATED = {"DateField", "DateTimeField", "DecimalField"}

    def __init__(self, model: type[models.Model], connection: BaseDatabaseWrapper) -> None:
        self.model = model
        fields = list(model._meta.concrete_fields)
        self.row = operator.itemgetter(*(f.attname for f in fields))
        now = timezone.now()
        self.defaults: dict[str, Any] = {}
        for f in fields:
            if f.primary_key:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
            else:
                self.defaults[f.attname] = f.get_default()
        # Values the driver cannot take as they are go through the field's preparation; the
        # defaults are prepared once.
        # Days repeat a lot: their conversions are remembered (equal values, equal results).
        self.to_db = [
            (
                f.attname,
                _memo(_preparer(f, connection))
                if f.get_internal_type() in self.REPEATED
                else _preparer(f, connection),
            )
            for f in fields
            if f.get_internal_type() not in self.PLAIN
        ]
        self.db_defaults = dict(self.defaults)
        for name, prepare in self.to_db:
            if name in self.db_defaults:
                self.db_defaults[name] = prepare(self.db_defaults[name])
        # The audit event's 'after' is what snapshot() gives for the saved record.
        excluded: set[str] = getattr(model, "AUDIT_EXCLUDE", set())
        audited = [f for f in fields if f.name not in excluded]
        self.audited = [f.attname for f in audited]
        self.audited_values = operator.itemgetter(*self.audited)
        self.to_json = [
            (f.attname, _memo(_iso) if isinstance(f, models.DateField) else _text)  # and times
            for f in audited
            if isinstance(f, models.DateField | models.DecimalField)
        ]

    def prepare(
        self,
        ids: list[int],
        records: list[dict[str, Any]],
        extra: list[dict[str, Any]] | None = None,
    ) -> _Batch:
        """The rows as the database takes them, and each record's audit changes as JSON text."""
        rows = []
        changes: list[str] = []
        defaults, db_defaults, audited = self.defaults, self.db_defaults, self.audited
        audited_values, to_json, to_db, row = (
            self.audited_values,
            self.to_json,
            self.to_db,
            self.row,
        )
        if extra is None:
            extra = [{}] * len(ids)
        for pk, given, more in zip(ids, records, extra, strict=True):
            values = {**defaults, **given, "id": pk}
            after = dict(zip(audited, audited_values(values), strict=True))
            for name, convert in to_json:
                after[name] = convert(after[name])
            after.update(more)
            # The text the chain's hash takes is the text stored: written once, here.
            changes.append(f'{{"after":{_CANONICAL(after)}}}')
            prepared = {**db_defaults, **given, "id": pk}
            for name, prepare in to_db:
                if name in given:
                    prepared[name] = prepare(given[name])
            rows.append(row(prepared))
        return _Batch(model=self.model._meta.label_lower, ids=ids, rows=rows, changes=changes)


@dataclass
class _Batch:
    """Records of one model ready to insert, their audit 'after's, and their link rows."""

    model: str  # its label: batches travel between processes
    ids: list[int]
    rows: list[tuple[Any, ...]]
    changes: list[str]  # each record's audit changes, canonical JSON
    links: list[tuple[str, tuple[str, str], list[tuple[Any, Any]]]] = field(default_factory=list)


@dataclass(frozen=True)
class _Plan:
    """Everything the planner needs; it reads nothing from the database itself."""

    sizes: dict[str, int]
    seed: int
    first: dict[str, int]  # how many records an earlier run numbered, by kind
    reserved: dict[str, tuple[int, int]]  # ids each model's records may take, by its label
    regions: list[int]
    sources: list[int]
    reporter: int
    verifier: int


class _Planner:
    """Makes the records batch by batch: the same plan gives the same records."""

    def __init__(self, plan: _Plan, connection: BaseDatabaseWrapper) -> None:
        self.plan = plan
        offsets = ":".join(str(plan.first[k]) for k in ("facilities", "incidents", "vehicles"))
        self.rng = random.Random(f"medinfra-generate:{plan.seed}:{offsets}")
        self.random = self.rng.random
        self.width = max(6, len(str(plan.first["facilities"] + plan.sizes["facilities"])))
        self.next_ids = {label: first for label, (first, _) in plan.reserved.items()}
        self.connection = connection
        self.tables: dict[type[models.Model], _Table] = {}
        # Some regions are hit far more than others: a fixed, seeded skew.
        self.regions, self.region_weights = _weighted(
            {pk: self.rng.paretovariate(1.0) for pk in plan.regions}
        )
        self.sources = plan.sources
        self.facilities: list[tuple[int, int]] = []  # (id, region id) of each, in order

    def batch(
        self,
        model: type[models.Model],
        records: list[dict[str, Any]],
        extra: list[dict[str, Any]] | None = None,
    ) -> _Batch:
        if model not in self.tables:
            self.tables[model] = _Table(model, self.connection)
        label = model._meta.label_lower
        first = self.next_ids[label]
        self.next_ids[label] = first + len(records)
        if self.next_ids[label] > self.plan.reserved[label][1]:
            raise RuntimeError(f"more {label} records than ids reserved for them")
        return self.tables[model].prepare(list(range(first, first + len(records))), records, extra)

    # Draws of their own rather than random.choice() and the like: a million incidents make
    # tens of millions of draws, and these cost a fraction.
    def pick(self, keys: list[T], cumulative: list[float]) -> T:
        """One of the keys, by the weights whose running sums are given."""
        return keys[bisect.bisect(cumulative, self.random() * cumulative[-1])]

    def one(self, items: Sequence[T]) -> T:
        return items[int(self.random() * len(items))]

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def day(self, skew: float = 1.0, first: dt.date = FIRST_DAY) -> dt.date:
        """A day from `first` to the last day; earlier days are likelier as skew grows."""
        span = (LAST_DAY - first).days
        return first + dt.timedelta(days=int(span * self.random() ** skew))

    def batches(self) -> Iterator[_Batch]:
        yield from self.make_facilities()
        yield from self.make_damage()
        yield from self.make_incidents()
        yield from self.make_vehicles()

    def make_facilities(self) -> Iterator[_Batch]:
        total = self.plan.sizes["facilities"]
        kinds, kind_weights = _weighted(KIND_WEIGHTS)
        for low in range(0, total, CHUNK):
            records = []
            for n in range(low, min(total, low + CHUNK)):
                number = f"{self.plan.first['facilities'] + n + 1:0{self.width}d}"
                kind = self.pick(kinds, kind_weights)
                records.append(
                    {
                        "name_uk": f"Синтетичний заклад {number}",
                        "name_en": f"Synthetic facility {number}",
                        "kind": kind,
                        "region_id": self.pick(self.regions, self.region_weights),
                        "settlement": f"Synthetic settlement {self.between(1, 400)}",
                        "ownership": self.one(OWNERSHIPS),
                        "beds": self.one((20, 40, 80, 120, 250, 400))
                        if kind in WITH_BEDS
                        else None,
                        "external_id": f"{FACILITY_PREFIX}{number}",
                        "is_synthetic": True,
                    }
                )
            batch = self.batch(Facility, records)
            self.facilities += [
                (pk, r["region_id"]) for pk, r in zip(batch.ids, records, strict=True)
            ]
            yield batch

    def make_damage(self) -> Iterator[_Batch]:
        """Assessments and restorations: damage, destruction, recovery, back in operation."""
        random_ = self.random
        assessments: list[dict[str, Any]] = []
        restorations: list[dict[str, Any]] = []

        def assess(pk: int, on: dt.date, condition: str, functionality: str) -> None:
            cost = None
            if condition != Condition.NONE:
                base = 2_000_000 if condition == Condition.DESTROYED else 250_000
                cost = Decimal(int(base * (0.3 + random_() * 2)))
            assessments.append(
                {
                    "facility_id": pk,
                    "assessed_on": on,
                    "condition": condition,
                    "functionality": functionality,
                    "repair_cost": cost,
                    "repair_cost_currency": "USD" if cost is not None else "",
                    "assessed_by": "Synthetic regional health department",
                    "source_id": self.one(self.sources),
                }
            )

        for index, (pk, _region) in enumerate(self.facilities):
            roll = random_()
            if roll >= DAMAGED_SHARE:
                if roll < DAMAGED_SHARE + ASSESSED_UNDAMAGED_SHARE:
                    assess(pk, self.day(), Condition.NONE, Functionality.FULL)
            else:
                hit = self.day(1.8)
                if random_() < DESTROYED_SHARE:
                    if random_() < 0.3:  # partly damaged first, destroyed later
                        assess(pk, hit, Condition.PARTIAL, Functionality.NONE)
                        hit = self.day(first=hit)
                    assess(pk, hit, Condition.DESTROYED, Functionality.NONE)
                else:
                    working = Functionality.PARTIAL if random_() < 0.15 else Functionality.NONE
                    assess(pk, hit, Condition.PARTIAL, working)
                restored = random_()
                if restored < FULLY_RESTORED_SHARE + PARTIALLY_RESTORED_SHARE and hit < LAST_DAY:
                    on = self.day(first=hit + dt.timedelta(days=1))
                    full = restored < FULLY_RESTORED_SHARE
                    restorations.append(
                        {
                            "facility_id": pk,
                            "restored_on": on,
                            "milestone": Milestone.FULLY_RESTORED
                            if full
                            else Milestone.PARTIALLY_RESTORED,
                            "source_id": self.one(self.sources),
                        }
                    )
                    assess(
                        pk,
                        on,
                        Condition.NONE if full else Condition.PARTIAL,
                        Functionality.FULL if full else Functionality.PARTIAL,
                    )
            if len(assessments) >= CHUNK or index == len(self.facilities) - 1:
                if assessments:
                    yield self.batch(Assessment, assessments)
                if restorations:
                    yield self.batch(Restoration, restorations)
                assessments, restorations = [], []

    def make_incidents(self) -> Iterator[_Batch]:
        total, random_, facilities = self.plan.sizes["incidents"], self.random, self.facilities
        types, type_weights = _weighted(ATTACK_WEIGHTS)
        spoken = {kind: kind.replace("_", " ") for kind in types}
        states, state_weights = _weighted(VERIFICATION_WEIGHTS)
        certainties, certainty_weights = _weighted(CERTAINTY_WEIGHTS)
        resources = list(Resource.values)
        detaining = {AttackType.ARREST_DETENTION, AttackType.ABDUCTION}
        noon = dt.time(12, tzinfo=dt.UTC)
        reporter, verifier = self.plan.reporter, self.plan.verifier
        for low in range(0, total, CHUNK):
            records: list[dict[str, Any]] = []
            lists: list[dict[str, Any]] = []
            for n in range(low, min(total, low + CHUNK)):
                on = self.day(1.5)
                facility_id = None
                if facilities and random_() < AT_FACILITY_SHARE:
                    facility_id, region_id = self.one(facilities)
                else:
                    region_id = self.pick(self.regions, self.region_weights)
                kinds = [self.pick(types, type_weights)]
                if random_() < 0.15:
                    second = self.pick(types, type_weights)
                    if second not in kinds:
                        kinds.append(second)
                hit = ["facility"] if facility_id is not None else [self.one(resources)]
                if random_() < 0.25:
                    more = self.one(resources)
                    if more not in hit:
                        hit.append(more)
                state = self.pick(states, state_weights)
                certainty = self.pick(certainties, certainty_weights)
                if state == Verification.REJECTED:
                    certainty = Certainty.POSSIBLE
                decided = state in (Verification.VERIFIED, Verification.REJECTED)
                number = f"{self.plan.first['incidents'] + n + 1:07d}"
                summary = ", ".join([spoken[k] for k in kinds])
                records.append(
                    {
                        "occurred_on": on,
                        "region_id": region_id,
                        "facility_id": facility_id,
                        "settlement": f"Synthetic settlement {self.between(1, 400)}",
                        "health_workers_killed": self.one((0, 0, 0, 0, 1)),
                        "health_workers_injured": self.one((0, 0, 0, 1, 2)),
                        "health_workers_detained": 1 if detaining.intersection(kinds) else 0,
                        "patients_killed": self.one((0, 0, 0, 0, 0, 1)),
                        "patients_injured": self.one((0, 0, 0, 1, 3)),
                        "description": "Synthetic record; no real event.",
                        "public_summary": f"Synthetic record: {summary}.",
                        "certainty": certainty,
                        "verification": state,
                        "reported_by_id": reporter,
                        "verified_by_id": verifier if decided else None,
                        "verified_at": dt.datetime.combine(
                            on + dt.timedelta(days=self.between(1, 30)), noon
                        )
                        if decided
                        else None,
                        "external_id": f"{INCIDENT_PREFIX}{number}",
                        "is_synthetic": True,
                    }
                )
                lists.append(
                    {"attack_types": kinds, "resources": hit, "sources": [self.one(self.sources)]}
                )
            batch = self.batch(Incident, records, extra=lists)
            pairs = list(zip(batch.ids, lists, strict=True))
            batch.links = [
                (
                    IncidentAttackType._meta.label_lower,
                    ("incident_id", "attack_type"),
                    [(pk, t) for pk, parts in pairs for t in parts["attack_types"]],
                ),
                (
                    IncidentResource._meta.label_lower,
                    ("incident_id", "resource"),
                    [(pk, r) for pk, parts in pairs for r in parts["resources"]],
                ),
                (
                    Incident.sources.through._meta.label_lower,
                    ("incident_id", "source_id"),
                    [(pk, s) for pk, parts in pairs for s in parts["sources"]],
                ),
            ]
            yield batch

    def make_vehicles(self) -> Iterator[_Batch]:
        total, random_ = self.plan.sizes["vehicles"], self.random
        kinds, kind_weights = _weighted(VEHICLE_KIND_WEIGHTS)
        by_region: dict[int, list[int]] = {}
        for pk, region_id in self.facilities:
            by_region.setdefault(region_id, []).append(pk)
        for low in range(0, total, CHUNK):
            records: list[dict[str, Any]] = []
            for n in range(low, min(total, low + CHUNK)):
                region_id = self.pick(self.regions, self.region_weights)
                owners = by_region.get(region_id)
                number = f"{self.plan.first['vehicles'] + n + 1:06d}"
                records.append(
                    {
                        "kind": self.pick(kinds, kind_weights),
                        "region_id": region_id,
                        "owner_facility_id": self.one(owners) if owners else None,
                        "description": f"Synthetic vehicle {number}",
                        "external_id": f"{VEHICLE_PREFIX}{number}",
                        "is_synthetic": True,
                    }
                )
            batch = self.batch(Vehicle, records)
            yield batch
            events: list[dict[str, Any]] = []
            for pk in batch.ids:
                if random_() >= VEHICLE_LOSS_SHARE:
                    continue
                on = self.day(1.5)
                roll = random_()
                if roll < 0.45:
                    statuses = [VehicleStatus.DAMAGED]
                elif roll < 0.8:
                    statuses = [VehicleStatus.DESTROYED]
                elif roll < 0.9:
                    statuses = [VehicleStatus.SEIZED]
                else:
                    statuses = [VehicleStatus.DAMAGED, VehicleStatus.DESTROYED]
                for status in statuses:
                    events.append(
                        {
                            "vehicle_id": pk,
                            "occurred_on": on,
                            "status": status,
                            "source_id": self.one(self.sources),
                        }
                    )
                    on = min(LAST_DAY, on + dt.timedelta(days=self.between(1, 60)))
            if events:
                yield self.batch(VehicleEvent, events)


def _plan_in_child(plan: _Plan, queue: Any, parent: int) -> None:
    """The planner's loop in a child process: batches go to the queue, then None."""
    # The child never touches the database: the connection it inherited belongs to the parent.

    def put(item: bytes | None) -> None:
        # If the parent is killed, nobody reads the queue: the child then ends instead of
        # waiting for ever (and holding the parent's output open).
        while True:
            try:
                queue.put(item, timeout=2)
                return
            except Full:
                if os.getppid() != parent:
                    queue.cancel_join_thread()  # what waits in the queue is lost, as meant
                    raise SystemExit(1) from None

    try:
        for batch in _Planner(plan, transaction.get_connection()).batches():
            # Pickled here, not in the queue's feeder thread, which would only print a failure.
            put(pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
    except SystemExit:
        raise
    except BaseException as error:  # the parent raises it
        put(pickle.dumps(RuntimeError(f"the planner failed: {error!r}")))
        return
    put(None)


def _planned(plan: _Plan, *, in_child: bool) -> Iterator[_Batch]:
    """The plan's batches, made here or, alongside the writing, in a child process."""
    if not in_child:
        yield from _Planner(plan, transaction.get_connection()).batches()
        return
    context = multiprocessing.get_context("fork")
    queue = context.Queue(maxsize=4)
    child = context.Process(target=_plan_in_child, args=(plan, queue, os.getpid()), daemon=True)
    child.start()
    try:
        while True:
            data = queue.get()
            if data is None:
                break
            item = pickle.loads(data)  # noqa: S301 - from our own child process
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        if child.is_alive():
            child.terminate()
        child.join()


class _Writer:
    """Inserts batches with one executemany each, and one 'create' audit event per record.

    The events are those record_audit_events() would write, hashed with less work per event:
    the planner wrote each record's changes as the canonical JSON the hash takes, so here an
    event costs one string and one SHA-256 (the first one is checked against event_digest()).
    """

    ACTION = AuditEvent.Action.CREATE.value

    def __init__(self, actor: User) -> None:
        self.connection = transaction.get_connection()
        self.user_id = actor.pk
        self.label = actor.get_username()
        self.head: AuditChainHead | None = None
        self.checked = False
        self.audit_columns = audit_event_columns()

    def insert(self, label: str, columns: tuple[str, ...], rows: list[Any]) -> None:
        quote = self.connection.ops.quote_name
        table = quote(apps.get_model(label)._meta.db_table)
        names = ", ".join(quote(c) for c in columns)
        if self.connection.vendor != "postgresql":
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 - names from the model
            with self.connection.cursor() as cursor:
                cursor.executemany(sql, rows)
            return
        # COPY: the rows go to the server as one stream, the fastest way PostgreSQL loads.
        import psycopg

        with (
            psycopg.Cursor(self.connection.connection) as cursor,
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    @contextmanager
    def chain(self) -> Iterator[None]:
        """Hold the audit chain's head for the writes of one transaction."""
        with transaction.atomic():
            self.head, _ = AuditChainHead.objects.select_for_update().get_or_create(
                pk=1, defaults={"hash": GENESIS_HASH, "length": 0}
            )
            yield
            self.head.save(update_fields=["hash", "length"])
            self.head = None

    def write(self, batch: _Batch) -> None:
        model = apps.get_model(batch.model)
        columns = tuple(str(f.column) for f in model._meta.concrete_fields)
        self.insert(batch.model, columns, batch.rows)
        for link, columns, rows in batch.links:
            self.insert(link, columns, rows)
        self.audit(batch)

    def audit(self, batch: _Batch) -> None:
        head = self.head
        assert head is not None, "write() inside chain()"
        at = timezone.now()
        stored_at = self.connection.ops.adapt_datetimefield_value(at)
        action, label, user_id = self.ACTION, self.label, self.user_id
        # The hashed body is event_digest()'s: its keys in order, the changes' text as planned.
        before = (
            f'{{"action":{json.dumps(action)},"actor":{json.dumps(label, ensure_ascii=False)},'
            f'"at":{json.dumps(at.astimezone(dt.UTC).isoformat())},"changes":'
        )
        middle = f',"model":{json.dumps(batch.model)},"object":"'
        sha256 = hashlib.sha256
        previous = head.hash
        rows = []
        for pk, changes in zip(batch.ids, batch.changes, strict=True):
            body = f'{before}{changes}{middle}{pk}","previous":"{previous}","reason":""}}'
            digest = sha256(body.encode()).hexdigest()
            rows.append(
                (
                    stored_at,
                    user_id,
                    label,
                    action,
                    batch.model,
                    str(pk),
                    changes,
                    "",
                    previous,
                    digest,
                )
            )
            previous = digest
        if rows and not self.checked:
            expected = event_digest(
                previous_hash=head.hash,
                at=at,
                actor_label=label,
                action=action,
                model=batch.model,
                object_id=str(batch.ids[0]),
                changes=json.loads(batch.changes[0]),
                reason="",
            )
            if rows[0][-1] != expected:
                raise RuntimeError("the generator's audit hashes differ from event_digest()'s")
            self.checked = True
        self.insert(AuditEvent._meta.label_lower, self.audit_columns, rows)
        head.hash = previous
        head.length += len(rows)


WRITTEN = (Facility, Assessment, Restoration, Incident, Vehicle, VehicleEvent)


def _most_records(sizes: dict[str, int]) -> dict[type[models.Model], int]:
    """How many records of each model a run can write at most (the planner's draws decide)."""
    facilities, vehicles = sizes["facilities"], sizes["vehicles"]
    return {
        Facility: facilities,
        # Damaged, then destroyed, then assessed again after a restoration: three at most.
        Assessment: 3 * facilities,
        Restoration: facilities,
        Incident: sizes["incidents"],
        Vehicle: vehicles,
        VehicleEvent: 2 * vehicles,
    }


def _reserve_ids(
    connection: BaseDatabaseWrapper, wanted: dict[type[models.Model], int]
) -> dict[str, tuple[int, int]]:
    """A run of ids for each model that no other writer will take: (first, after the last)."""
    # The planner numbers the records itself (it may run in another process); the sequences
    # are moved past the reserved ids, so a writer that inserts meanwhile takes later ones.
    quote = connection.ops.quote_name
    reserved = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for model, count in wanted.items():
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {quote(table)} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(f"SELECT MAX({quote('id')}) FROM {quote(table)}")  # noqa: S608
            highest = cursor.fetchone()[0] or 0
            if connection.vendor == "postgresql":
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
                first = max(cursor.fetchone()[0], highest + 1)
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                    [table, first + count],
                )
            else:
                # SQLite's AUTOINCREMENT never hands out an id at or below sqlite_sequence's.
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                first = max(row[0] if row else 0, highest) + 1
                if row:
                    cursor.execute(
                        "UPDATE sqlite_sequence SET seq = %s WHERE name = %s",
                        [first + count, table],
                    )
                else:
                    cursor.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                        [table, first + count],
                    )
            reserved[model._meta.label_lower] = (first, first + count)
    return reserved


def _run(
    *,
    sizes: dict[str, int],
    seed: int,
    add: bool,
    in_child: bool | None,
    rebuild_indexes: bool | None,
    progress: ProgressFn,
) -> GenerateSummary:
    started = time.monotonic()
    connection = transaction.get_connection()
    with transaction.atomic():
        check_target(add=add)
        actor = system_actor()
        verifier = User.objects.get_or_create(
            username=VERIFIER_USERNAME, defaults={"is_active": False}
        )[0]
        country = str(settings.MEDINFRA_COUNTRY)
        if not Region.objects.filter(country__code=country).exists():
            load_country(country, actor=actor)
        regions = list(
            Region.objects.filter(country__code=country)
            .order_by("code")
            .values_list("pk", flat=True)
        )
        # Numbers continue after an earlier run's, so external ids stay unique when adding.
        first = {
            "facilities": Facility.all_objects.filter(
                external_id__startswith=FACILITY_PREFIX
            ).count(),
            "incidents": Incident.all_objects.filter(
                external_id__startswith=INCIDENT_PREFIX
            ).count(),
            "vehicles": Vehicle.all_objects.filter(external_id__startswith=VEHICLE_PREFIX).count(),
        }
        sources = []
        for year in range(FIRST_DAY.year, LAST_DAY.year + 1):
            for half, published in ((1, dt.date(year, 6, 30)), (2, dt.date(year, 12, 31))):
                if FIRST_DAY <= published <= LAST_DAY:
                    source = register_source(
                        actor=actor,
                        publisher="Synthetic regional health department",
                        title=f"Synthetic field reports, {year} H{half} (generated, seed {seed})",
                        published_on=published,
                        language="en",
                        is_synthetic=True,
                    )
                    sources.append(source.pk)
        # Labelled first: a run that stops half-way leaves a smaller synthetic data set.
        _mark(sizes, seed)
    reserved = _reserve_ids(connection, _most_records(sizes))
    first_counts = sum(model.all_objects.count() for model in (Facility, Incident, Vehicle))
    plan = _Plan(
        sizes=sizes,
        seed=seed,
        first=first,
        reserved=reserved,
        regions=regions,
        sources=sources,
        reporter=actor.pk,
        verifier=verifier.pk,
    )
    if in_child is None:
        # A child process is worth its start for large sets: the planning then runs on the
        # second core while this one hashes and writes.
        in_child = sum(sizes.values()) >= 20_000
    writer = _Writer(actor)
    counts: Counter[str] = Counter()
    names = {
        model._meta.label_lower: name
        for model, name in (
            (Facility, "facilities"),
            (Assessment, "assessments"),
            (Restoration, "restorations"),
            (Incident, "incidents"),
            (Vehicle, "vehicles"),
            (VehicleEvent, "vehicle_events"),
        )
    }
    progress(
        f"{sizes['facilities']:,} facilities with their assessments and restorations, "
        f"{sizes['incidents']:,} incidents, {sizes['vehicles']:,} vehicles"
    )
    batches = _planned(plan, in_child=in_child)
    # A large load into small tables is faster with their plain indexes made after it, in one
    # pass each, than with every row inserted into every index.
    if rebuild_indexes is None:
        planned = sum(sizes.values())
        rebuild_indexes = planned >= 50_000 and planned >= first_counts
    with (
        _bulk_load(connection),
        _indexes_made_after(connection, rebuild=rebuild_indexes, progress=progress),
    ):
        for first_batch in batches:
            # Committed every COMMIT_EVERY records with their audit events: a million records
            # in one transaction would grow SQLite's write-ahead log far past the database.
            with writer.chain():
                batch: _Batch | None = first_batch
                written = 0
                while batch is not None:
                    writer.write(batch)
                    written += len(batch.ids)
                    name = names[batch.model]
                    counts[name] += len(batch.ids)
                    if (
                        name == "incidents"
                        and counts[name] % 100_000 == 0
                        and counts[name] < sizes[name]
                    ):
                        progress(f"  {counts[name]:,} incidents")
                    batch = next(batches, None) if written < COMMIT_EVERY else None
    short = [name for name, size in sizes.items() if counts[name] != size]
    if short:
        raise RuntimeError(f"the generator wrote too few {', '.join(short)}")
    if connection.vendor == "postgresql":
        # Fresh statistics, as after any bulk load: the planner would otherwise take the
        # tables for nearly empty until autovacuum comes round.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return GenerateSummary(
        sources=len(sources),
        facilities=counts["facilities"],
        assessments=counts["assessments"],
        restorations=counts["restorations"],
        incidents=counts["incidents"],
        vehicles=counts["vehicles"],
        vehicle_events=counts["vehicle_events"],
        audit_events=len(sources) + sum(counts.values()),
        seconds=time.monotonic() - started,
    )


def _mark(sizes: dict[str, int], seed: int) -> None:
    planned = (
        f"{sizes['incidents']:,} incidents, {sizes['facilities']:,} facilities, "
        f"{sizes['vehicles']:,} vehicles (seed {seed})"
    )
    info = DatasetInfo.current()
    if info.is_synthetic and info.description:
        description = f"{info.description} Added by the generator: {planned}."
    else:
        description = (
            f"Synthetic generated data set: {planned}; made-up facilities and events in real "
            "regions."
        )
    mark_dataset(synthetic=True, description=description[:300], seed=seed)


def generate_dataset(
    *,
    incidents: int,
    facilities: int,
    vehicles: int,
    seed: int = 1,
    add: bool = False,
    progress: ProgressFn | None = None,
    in_child: bool | None = None,
    rebuild_indexes: bool | None = None,
) -> GenerateSummary:
    """Write a synthetic data set of the given sizes; the same seed gives the same records.

    `in_child` (plan in a child process) and `rebuild_indexes` (make the plain indexes after
    the load) choose only how it writes, by the sizes when None; the records are the same.
    """
    sizes = {
        "incidents": _count_option(incidents, "incidents"),
        "facilities": _count_option(facilities, "facilities"),
        "vehicles": _count_option(vehicles, "vehicles"),
    }
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InvalidInput({"seed": f"Give a whole number as the seed (got {seed!r})."})
    with _without_cycle_collection():
        return _run(
            sizes=sizes,
            seed=seed,
            add=add,
            in_child=in_child,
            rebuild_indexes=rebuild_indexes,
            progress=progress or (lambda message: None),
        )


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector: millions of short-lived rows would set it off again and
    again, each time walking every object (the rows hold no cycles; counting frees them)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _indexes_made_after(
    connection: BaseDatabaseWrapper, *, rebuild: bool, progress: ProgressFn
) -> Iterator[None]:
    """The written tables' plain indexes dropped for the load and made again after it, and on
    PostgreSQL their foreign keys checked after it (see plain_indexes_dropped() and
    foreign_keys_checked_after()); outside a transaction, so `medinfra generate` into a new
    database is the way on after a killed run, as for any interrupted run."""
    if not rebuild:
        yield
        return
    tables = [model._meta.db_table for model in (*WRITTEN, AuditEvent)]
    tables += [
        Incident.sources.through._meta.db_table,
        IncidentAttackType._meta.db_table,
        IncidentResource._meta.db_table,
    ]
    with (
        foreign_keys_checked_after(connection, tables, progress=progress),
        plain_indexes_dropped(connection, tables, progress=progress),
    ):
        yield


@contextmanager
def _bulk_load(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """On SQLite, settings for this connection's bulk load only, restored after it.

    A larger page cache keeps the indexes in memory. The write-ahead log is copied back into
    the database less often (each copy rewrites the index pages touched since the last), and
    the load does not wait for the disk at each commit or copy: a crash of the machine (not of
    the process) during the load may lose its last commits, never the data written before.
    """
    if connection.vendor != "sqlite":
        yield
        return
    wanted = {"cache_size": -262144, "wal_autocheckpoint": 65536}
    if not connection.in_atomic_block:  # SQLite keeps a transaction's safety level
        wanted["synchronous"] = 0
    with connection.cursor() as cursor:
        previous = {}
        for name, value in wanted.items():
            cursor.execute(f"PRAGMA {name}")
            (previous[name],) = cursor.fetchone()
            cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in previous.items():
                cursor.execute(f"PRAGMA {name} = {int(value)}")
