"""Writes to the attack log: recording incidents and moving them through verification."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, cast

from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone

from medinfra.core.errors import Conflict, InvalidInput, NotFound, field_errors
from medinfra.core.models import AuditEvent
from medinfra.core.services import (
    Actor,
    audit_batch,
    create_record,
    diff,
    json_ready,
    record_audit_event,
    record_audit_events,
    retract_record,
    snapshot,
    update_record,
    user_of,
)
from medinfra.facilities.models import Facility
from medinfra.geography.models import Region
from medinfra.geography.queries import region_by_code
from medinfra.incidents.models import (
    CASUALTY_FIELDS,
    AttackType,
    Certainty,
    Incident,
    IncidentAttackType,
    IncidentResource,
    Resource,
    Verification,
)
from medinfra.sources.models import Source

# Which verification states may follow which; 'rejected' and 'verified' can be reopened for review.
NEXT_STATES: dict[str, set[str]] = {
    Verification.REPORTED: {
        Verification.UNDER_REVIEW,
        Verification.VERIFIED,
        Verification.REJECTED,
    },
    Verification.UNDER_REVIEW: {
        Verification.VERIFIED,
        Verification.REJECTED,
        Verification.REPORTED,
    },
    Verification.VERIFIED: {Verification.UNDER_REVIEW},
    Verification.REJECTED: {Verification.UNDER_REVIEW},
}


@cache
def _allowed(choices: type[models.TextChoices]) -> frozenset[str]:
    return frozenset(choices.values)


def _choices(values: Sequence[str], allowed: type[models.TextChoices], field: str) -> list[str]:
    chosen = list(dict.fromkeys(values))
    if not chosen:
        raise InvalidInput({field: "Choose at least one."})
    unknown = [v for v in chosen if v not in _allowed(allowed)]
    if unknown:
        raise InvalidInput(
            {
                field: f"Unknown value(s) {', '.join(map(repr, unknown))}; use "
                f"{', '.join(allowed.values)}."
            }
        )
    return chosen


def _checked_parts(
    *,
    region: Region | None,
    facility: Facility | None,
    attack_types: Sequence[str],
    resources: Sequence[str],
    sources: Sequence[Source],
    casualties: dict[str, Any],
) -> tuple[Region, list[str], list[str], dict[str, int]]:
    """The checks every way of recording an incident makes, in one order and one wording."""
    if region is None:
        if facility is None:
            raise InvalidInput({"region": "Give the region, or the facility attacked."})
        region = facility.region
    types = _choices(attack_types, AttackType, "attack_types")
    affected = _choices(resources, Resource, "resources")
    if not sources:
        raise InvalidInput({"sources": "Name at least one source for the incident."})
    counts: dict[str, int] = {}
    for name, value in casualties.items():
        try:
            counts[name] = int(value)
        except (TypeError, ValueError):
            raise InvalidInput({name: f"Give a whole number (got {value!r})."}) from None
        if counts[name] < 0:
            raise InvalidInput({name: f"A count cannot be negative (got {value})."})
    return region, types, affected, counts


@transaction.atomic
def record_incident(
    *,
    actor: Actor,
    occurred_on: dt.date,
    region: Region | str | None = None,
    attack_types: Sequence[str],
    resources: Sequence[str],
    sources: Sequence[Source],
    facility: Facility | None = None,
    date_precision: str = "day",
    settlement: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    certainty: str = Certainty.POSSIBLE,
    description: str = "",
    public_summary: str = "",
    external_id: str | None = None,
    is_synthetic: bool = False,
    **casualties: int,
) -> Incident:
    """Record an attack on health care as reported; it is public only once verified."""
    unknown = sorted(set(casualties) - set(CASUALTY_FIELDS))
    if unknown:
        raise InvalidInput(dict.fromkeys(unknown, "Not a casualty field."))
    if isinstance(region, str):
        region = region_by_code(region)
    region, types, affected, counts = _checked_parts(
        region=region,
        facility=facility,
        attack_types=attack_types,
        resources=resources,
        sources=sources,
        casualties=casualties,
    )
    incident = Incident(
        occurred_on=occurred_on,
        date_precision=date_precision,
        region=region,
        facility=facility,
        settlement=settlement.strip(),
        latitude=latitude,
        longitude=longitude,
        certainty=certainty,
        description=description,
        public_summary=public_summary,
        reported_by=user_of(actor),
        external_id=external_id or None,
        is_synthetic=is_synthetic,
        **counts,
    )
    create_record(
        incident,
        actor=actor,
        extra_changes={
            "attack_types": types,
            "resources": affected,
            "sources": [s.pk for s in sources],
        },
    )
    IncidentAttackType.objects.bulk_create(
        IncidentAttackType(incident=incident, attack_type=t) for t in types
    )
    IncidentResource.objects.bulk_create(
        IncidentResource(incident=incident, resource=r) for r in affected
    )
    incident.sources.set(sources)
    return incident


@transaction.atomic
def set_verification(
    incident: Incident,
    *,
    actor: Actor,
    state: str,
    certainty: str | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Incident:
    """Move an incident through review; nobody verifies or rejects their own report."""
    if state not in Verification.values:
        raise InvalidInput({"verification": f"Unknown state {state!r}."})
    if certainty is not None and certainty not in Certainty.values:
        raise InvalidInput({"certainty": f"Unknown certainty {certainty!r}."})
    incident = Incident.all_objects.select_for_update().get(pk=incident.pk)
    if incident.is_retracted:
        raise Conflict(f"Incident {incident.pk} is retracted and cannot be reviewed.")
    if expected_version is not None and incident.version != expected_version:
        raise Conflict(
            f"Incident {incident.pk} was changed by someone else (version {incident.version}, "
            f"you reviewed version {expected_version}): reload it and decide again."
        )
    if state not in NEXT_STATES[incident.verification]:
        raise Conflict(f"An incident that is {incident.verification} cannot become {state}.")
    deciding = state in (Verification.VERIFIED, Verification.REJECTED)
    if deciding and actor is not None and incident.reported_by_id == actor.pk:
        raise Conflict("Nobody verifies or rejects their own report: ask another verifier.")
    if state == Verification.REJECTED and not reason.strip():
        raise InvalidInput({"reason": "Say why the incident is rejected."})
    before = snapshot(incident)
    incident.verification = state
    if certainty is not None:
        incident.certainty = certainty
    if deciding:
        incident.verified_by = user_of(actor)
        incident.verified_at = timezone.now()
    incident.version += 1
    incident.save()
    record_audit_event(
        actor=actor,
        action="update",
        obj=incident,
        reason=reason,
        changes=diff(before, snapshot(incident)),
    )
    return incident


@transaction.atomic
def update_incident_lists(
    incident: Incident,
    *,
    actor: Actor,
    attack_types: Sequence[str] | None = None,
    resources: Sequence[str] | None = None,
    sources: Sequence[Source] | None = None,
    reason: str = "",
) -> Incident:
    """Replace an incident's attack types, resources or sources (None keeps them), audited."""
    stored = Incident.all_objects.select_for_update().get(pk=incident.pk)
    if stored.is_retracted:
        raise Conflict(f"incident {stored.pk} is retracted and cannot be changed")
    types = _choices(attack_types, AttackType, "attack_types") if attack_types is not None else None
    affected = _choices(resources, Resource, "resources") if resources is not None else None
    if sources is not None and not sources:
        raise InvalidInput({"sources": "Name at least one source for the incident."})
    before: dict[str, list[str] | list[int]] = {}
    after: dict[str, list[str] | list[int]] = {}
    # The link rows describe the incident, so replacing them is a change to it: the audit
    # event keeps the lists as they were.
    if types is not None:
        old = sorted(stored.attack_types.values_list("attack_type", flat=True))
        if sorted(types) != old:
            stored.attack_types.all().delete()
            IncidentAttackType.objects.bulk_create(
                IncidentAttackType(incident=stored, attack_type=t) for t in types
            )
            before["attack_types"], after["attack_types"] = old, sorted(types)
    if affected is not None:
        old = sorted(stored.resources.values_list("resource", flat=True))
        if sorted(affected) != old:
            stored.resources.all().delete()
            IncidentResource.objects.bulk_create(
                IncidentResource(incident=stored, resource=r) for r in affected
            )
            before["resources"], after["resources"] = old, sorted(affected)
    if sources is not None:
        old_ids = sorted(stored.sources.values_list("pk", flat=True))
        new_ids = sorted({s.pk for s in sources})
        if new_ids != old_ids:
            stored.sources.set(sources)
            before["sources"], after["sources"] = old_ids, new_ids
    if not before:
        return stored
    stored.version += 1
    stored.save(update_fields=["version", "updated_at"])
    record_audit_event(
        actor=actor,
        action="update",
        obj=stored,
        changes={"before": before, "after": after},
        reason=reason,
    )
    return stored


# -- merging duplicate reports ------------------------------------------------------------------

# Two reports of one attack describe the same people: the larger count of each kind is the
# best figure both support (a sum would count the same person twice).
MERGE_TAKES_MAXIMUM = CASUALTY_FIELDS
# Where the kept incident says nothing, the duplicate's settlement and public text fill the gap.
MERGE_FILLS_BLANKS = ("settlement", "public_summary")


def _merge_changes(kept: Incident, duplicate: Incident) -> dict[str, Any]:
    """The field changes that carry a duplicate's facts over to the incident kept."""
    changes: dict[str, Any] = {}
    for name in MERGE_TAKES_MAXIMUM:
        larger = max(getattr(kept, name), getattr(duplicate, name))
        if larger != getattr(kept, name):
            changes[name] = larger
    for name in MERGE_FILLS_BLANKS:
        if not getattr(kept, name).strip() and getattr(duplicate, name).strip():
            changes[name] = getattr(duplicate, name)
    if kept.latitude is None and duplicate.latitude is not None:
        changes["latitude"], changes["longitude"] = duplicate.latitude, duplicate.longitude
    if (
        kept.facility_id is None
        and duplicate.facility_id is not None
        and duplicate.region_id == kept.region_id
    ):
        changes["facility"] = duplicate.facility
    text = duplicate.description.strip()
    if text and text not in kept.description:
        joined = f"{kept.description.rstrip()}\n\n" if kept.description.strip() else ""
        changes["description"] = f"{joined}[#{duplicate.pk}] {text}"
    return changes


@transaction.atomic
def merge_incidents(
    kept: Incident,
    duplicate: Incident,
    *,
    actor: Actor,
    reason: str = "",
    kept_version: int | None = None,
    duplicate_version: int | None = None,
) -> Incident:
    """Fold a duplicate report into the incident kept; the duplicate is retracted, not lost.

    The kept incident gains the duplicate's attack types, resources and sources (unions), the
    larger of each casualty count, and its place and texts where the kept one has none; its
    verification state and certainty stay as they are. The duplicate keeps its row and its
    history, points to the kept incident and is retracted with the reason "merged into #N",
    so it leaves every count. Both records' audit trails say what happened.
    """
    if kept.pk == duplicate.pk:
        raise InvalidInput({"duplicate": "An incident cannot be merged into itself."})
    # Lock both rows in one order, so two merges of the same pair cannot deadlock.
    locked = {
        i.pk: i
        for i in Incident.all_objects.select_for_update()
        .filter(pk__in=[kept.pk, duplicate.pk])
        .order_by("pk")
    }
    if len(locked) < 2:
        raise NotFound("One of the incidents to merge does not exist.")
    stored_kept, stored_duplicate = locked[kept.pk], locked[duplicate.pk]
    for stored, expected in ((stored_kept, kept_version), (stored_duplicate, duplicate_version)):
        if stored.is_retracted:
            merged = f" (merged into #{stored.merged_into_id})" if stored.merged_into_id else ""
            raise Conflict(f"Incident {stored.pk} is retracted{merged} and cannot be merged.")
        if expected is not None and stored.version != expected:
            raise Conflict(
                f"Incident {stored.pk} was changed by someone else (version {stored.version}, "
                f"you compared version {expected}): reload both and decide again."
            )
    if actor is not None and actor.pk in (
        stored_kept.reported_by_id,
        stored_duplicate.reported_by_id,
    ):
        raise Conflict("Nobody merges their own report: ask another verifier.")
    note = reason.strip()
    kept_reason = f"merged #{stored_duplicate.pk} into it" + (f": {note}" if note else "")
    changes = _merge_changes(stored_kept, stored_duplicate)
    if changes:
        update_record(stored_kept, actor=actor, changes=changes, reason=kept_reason)
    update_incident_lists(
        stored_kept,
        actor=actor,
        attack_types=sorted(
            {*stored_kept.attack_types.values_list("attack_type", flat=True)}
            | {*stored_duplicate.attack_types.values_list("attack_type", flat=True)}
        ),
        resources=sorted(
            {*stored_kept.resources.values_list("resource", flat=True)}
            | {*stored_duplicate.resources.values_list("resource", flat=True)}
        ),
        sources=list(
            Source.all_objects.filter(
                incidents__in=[stored_kept.pk, stored_duplicate.pk]
            ).distinct()
        ),
        reason=kept_reason,
    )
    update_record(
        stored_duplicate,
        actor=actor,
        changes={"merged_into": stored_kept},
        reason=f"merged into #{stored_kept.pk}" + (f": {note}" if note else ""),
    )
    retract_record(
        stored_duplicate,
        actor=actor,
        reason=f"merged into #{stored_kept.pk}" + (f": {note}" if note else ""),
    )
    return Incident.all_objects.get(pk=stored_kept.pk)


# -- many incidents at once (imports) ---------------------------------------------------------

# Values whose check by a field depends on nothing else: a value checked once is answered from
# memory for every later row (exact types only: a datetime is not a date, True is not 1).
_REMEMBERED_TYPES = frozenset({str, int, bool, dt.date})
# High-cardinality fields (summaries, ids, coordinates) stop being remembered at this size.
_REMEMBERED_PER_FIELD = 4096
# Values the database takes as they are; others go through the field's own preparation.
_AS_THEY_ARE = frozenset({str, int, bool, type(None)})
# Fields whose checked values are always of those types (clean() made them str, int or bool;
# a key's column holds the related record's id).
_PLAIN_FIELDS = frozenset(
    {
        models.CharField,
        models.TextField,
        models.IntegerField,
        models.PositiveIntegerField,
        models.BooleanField,
        models.ForeignKey,
    }
)


# The columns a row's arguments set (see IncidentBatch._check); every other one holds its default.
_ARGUMENT_FIELDS = frozenset(
    {
        "occurred_on",
        "date_precision",
        "region_id",
        "facility_id",
        "settlement",
        "latitude",
        "longitude",
        "certainty",
        "description",
        "public_summary",
        "reported_by_id",
        "external_id",
        "is_synthetic",
        *CASUALTY_FIELDS,
    }
)


# Types whose values are never among a field's empty values (None, "", [], (), {}).
_NEVER_EMPTY = frozenset({int, bool, dt.date, dt.datetime, Decimal})


def _quick_check(field: models.Field[Any, Any]) -> Callable[[Any], bool] | None:
    """For a plain text or decimal field, a quick test of a value of the usual type: True when
    the field's clean() would accept the value and return it as it is (False: ask clean())."""
    if field.choices or not field.editable:
        return None
    kind = type(field)
    if kind in (models.CharField, models.TextField):
        limits = [v for v in field.validators if type(v) is validators.MaxLengthValidator]
        if len(limits) != len(field.validators) or (kind is models.TextField and limits):
            return None
        most = field.max_length if limits else None
        if most is None:
            return lambda value: type(value) is str
        if any(v.limit_value != most for v in limits):
            return None
        return lambda value: type(value) is str and len(value) <= most
    if kind is models.DecimalField:
        # clean() is to_python() (a finite Decimal stays what it is) and the field's
        # validators; the quick test runs the same validators.
        checks = list(field.validators)

        def decimal(value: Any) -> bool:
            if type(value) is not Decimal or not value.is_finite():
                return False
            try:
                for check in checks:
                    check(value)
            except ValidationError:
                return False
            return True

        return decimal
    return None


@dataclass
class _Checked:
    """A row that passed every check: its column values and its lists, not yet written."""

    values: dict[str, Any]  # by attname, as Incident(**fields) then full_clean() leaves them
    types: list[str]
    affected: list[str]
    sources: list[Source]


class IncidentBatch:
    """Records many incidents as record_incident() would, for one file or load at a time.

    Every row gets record_incident()'s checks in the same order and words: the arguments'
    checks, each field's check, the model's clean(), the uniqueness of external_id. What is the
    same for many rows is done once: regions are looked up once, and a field's verdict on a
    value it has already checked is remembered. Rows are written with one INSERT per batch of
    rows and one audit event per incident, without a model instance per row.
    """

    def __init__(self, *, actor: Actor) -> None:
        self.actor = actor
        self.user = user_of(actor)
        self.regions: dict[str, Region] = {}
        meta = Incident._meta
        self._fields = [f for f in meta.fields if not f.generated]  # clean_fields()' order
        self._concrete = list(meta.concrete_fields)
        template = Incident()
        self._instance = Incident()
        self._related = [
            cast("models.ForeignKey[Any, Any]", meta.get_field(name))
            for name in ("region", "facility", "reported_by")
        ]
        self._defaults = {f.attname: getattr(template, f.attname) for f in self._concrete}
        self._callable_defaults = [
            f for f in self._concrete if f.has_default() and callable(f.default)
        ]
        audited = [f for f in self._concrete if f.name not in Incident.AUDIT_EXCLUDE]
        self._audited = [f.attname for f in audited]
        self._take_audited = operator.itemgetter(*self._audited)
        # Only these can hold a value that is not JSON already (see _insert()).
        self._audited_looked_at = [f.attname for f in audited if type(f) not in _PLAIN_FIELDS]
        self._external_id = meta.get_field("external_id")
        self._external_id_quick = _quick_check(self._external_id) or (lambda value: False)
        # (field, name, attname, blank, verdicts remembered, quick test) in clean_fields()'
        # order, for the fields a row's arguments set; the others hold their defaults in every
        # row, and are checked once, here.
        varying = {*_ARGUMENT_FIELDS, *(f.attname for f in self._callable_defaults)}
        self._checks: list[
            tuple[
                Any,
                str,
                str,
                bool,
                dict[tuple[type, Any], tuple[bool, Any]],
                Callable[[Any], bool] | None,
            ]
        ] = [(f, f.name, f.attname, f.blank, {}, _quick_check(f)) for f in self._fields]
        self._fixed_errors = self._clean_fields(
            self._defaults, set(), [c for c in self._checks if c[2] not in varying]
        )
        self._checks = [c for c in self._checks if c[2] in varying]
        self._prepared: dict[tuple[str, type, Any], Any] = {}
        self._json_ready: dict[tuple[type, Any], Any] = {}

    # -- checks ---------------------------------------------------------------------------------

    def check(self, fields: dict[str, Any]) -> _Checked:
        """A row's values checked as record_incident() checks them, or InvalidInput."""
        return self._check(**fields)

    def _check(
        self,
        *,
        occurred_on: dt.date,
        region: Region | str | None = None,
        attack_types: Sequence[str],
        resources: Sequence[str],
        sources: Sequence[Source],
        facility: Facility | None = None,
        date_precision: str = "day",
        settlement: str = "",
        latitude: Decimal | None = None,
        longitude: Decimal | None = None,
        certainty: str = Certainty.POSSIBLE,
        description: str = "",
        public_summary: str = "",
        external_id: str | None = None,
        is_synthetic: bool = False,
        **casualties: int,
    ) -> _Checked:
        unknown = sorted(set(casualties) - set(CASUALTY_FIELDS))
        if unknown:
            raise InvalidInput(dict.fromkeys(unknown, "Not a casualty field."))
        if isinstance(region, str):
            code = region.strip().upper()
            if code not in self.regions:
                self.regions[code] = region_by_code(region)
            region = self.regions[code]
        region, types, affected, counts = _checked_parts(
            region=region,
            facility=facility,
            attack_types=attack_types,
            resources=resources,
            sources=sources,
            casualties=casualties,
        )
        user = self.user
        # What Incident(**fields) holds: the defaults, then the arguments.
        values = dict(self._defaults)
        for default in self._callable_defaults:
            values[default.attname] = default.get_default()
        values.update(
            occurred_on=occurred_on,
            date_precision=date_precision,
            region_id=region.pk,
            facility_id=None if facility is None else facility.pk,
            settlement=settlement.strip(),
            latitude=latitude,
            longitude=longitude,
            certainty=certainty,
            description=description,
            public_summary=public_summary,
            reported_by_id=None if user is None else user.pk,
            external_id=external_id or None,
            is_synthetic=is_synthetic,
        )
        values.update(counts)
        # validate(): a related object in hand and saved is not looked up again; external_id's
        # uniqueness is asked of the database once per batch (see write()).
        excluded = {"external_id"}
        for name, related in (("region", region), ("facility", facility), ("reported_by", user)):
            if related is not None and related.pk is not None and not related._state.adding:
                excluded.add(name)
        errors = self._clean_fields(values, excluded)
        # The model's clean() reads an instance: one serves every row, given all of the row's
        # values (every concrete field) and its related objects, so nothing of an earlier row
        # remains in it.
        incident = self._instance
        incident.__dict__.update(values)
        incident._state.fields_cache.clear()
        for field, related in zip(self._related, (region, facility, user), strict=True):
            field.set_cached_value(incident, related)
        try:
            incident.clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        messages: dict[str, list[str]] = {}
        if errors:
            messages = {k: list(v) for k, v in field_errors(ValidationError(errors)).items()}
        external_id = values["external_id"]
        if not (external_id and self._external_id_quick(external_id)):
            try:
                self._external_id.clean(external_id, incident)
            except ValidationError as error:
                messages.setdefault("external_id", list(error.messages))
        if messages:
            raise InvalidInput(dict(messages))
        return _Checked(values=values, types=types, affected=affected, sources=list(sources))

    def _clean_fields(
        self, values: dict[str, Any], excluded: set[str], checks: list[Any] | None = None
    ) -> dict[str, Any]:
        """Model.clean_fields() on the values, a field's verdict on a value remembered."""
        errors: dict[str, Any] = {}
        if checks is None:
            checks = self._checks
            errors.update((k, list(v)) for k, v in self._fixed_errors.items())
        for field, name, attname, blank, remembered, quick in checks:
            if name in excluded:
                continue
            raw = values[attname]
            kind = type(raw)
            # `raw in field.empty_values`, without comparing a Decimal with [] and {} (slow).
            if kind is str:
                empty = not raw
            elif raw is None:
                empty = True
            elif kind in _NEVER_EMPTY:
                empty = False
            else:
                empty = raw in field.empty_values
            if blank and empty:
                continue
            if quick is not None and not empty and quick(raw):
                continue  # valid, and clean() would return it as it is
            if kind in _REMEMBERED_TYPES:
                key: tuple[type, Any] | None = (kind, raw)
            elif isinstance(raw, models.expressions.DatabaseDefault):
                continue
            else:
                key = None
            verdict = remembered.get(key) if key is not None else None
            if verdict is None:
                try:
                    verdict = (True, field.clean(raw, None))
                except ValidationError as error:
                    verdict = (False, error.error_list)
                if key is not None and len(remembered) < _REMEMBERED_PER_FIELD:
                    remembered[key] = verdict
            if verdict[0]:
                values[attname] = verdict[1]
            else:
                errors[name] = list(verdict[1])
        return errors

    def _prepare(self, field: models.Field[Any, Any], value: Any, connection: Any) -> Any:
        """The field's database value; a date's or a time's remembered (many rows share it)."""
        if type(value) not in (dt.date, dt.datetime):
            return field.get_db_prep_save(value, connection)
        key = (field.attname, type(value), value)
        if key not in self._prepared:
            if len(self._prepared) > _REMEMBERED_PER_FIELD:
                self._prepared.clear()
            self._prepared[key] = field.get_db_prep_save(value, connection)
        return self._prepared[key]

    # -- writes ---------------------------------------------------------------------------------

    def write(self, rows: Sequence[dict[str, Any]]) -> list[int | InvalidInput]:
        """Check and write rows of record_incident()'s keyword arguments: per row the new
        incident's id or the InvalidInput record_incident() would raise (nothing written)."""
        results: list[int | InvalidInput] = []
        checked: list[tuple[int, _Checked]] = []
        for index, fields in enumerate(rows):
            try:
                item = self.check(fields)
            except InvalidInput as error:
                results.append(error)
                continue
            results.append(0)
            checked.append((index, item))
        taken = external_ids_taken(
            [c.values["external_id"] for _, c in checked if c.values["external_id"]]
        )
        field = Incident._meta.get_field("external_id")
        clash = (
            f"Another {Incident._meta.verbose_name} already has this {field.verbose_name} "
            "(perhaps a retracted one)."
        )
        accepted: list[tuple[int, _Checked]] = []
        for index, item in checked:
            external_id = item.values["external_id"]
            if external_id and external_id in taken:
                results[index] = InvalidInput({"external_id": [clash]})
                continue
            if external_id:
                taken.add(external_id)
            accepted.append((index, item))
        if not accepted:
            return results
        with audit_batch():
            ids = self._insert([item.values for _, item in accepted])
            for (index, item), pk in zip(accepted, ids, strict=True):
                results[index] = pk
                item.values["id"] = pk
            self._insert_links([item for _, item in accepted])
            record_audit_events(
                actor=self.actor,
                action=AuditEvent.Action.CREATE,
                items=((_stub(item.values["id"]), self._created(item)) for _, item in accepted),
                plain=True,
            )
        return results

    def _insert(self, rows: list[dict[str, Any]]) -> list[int]:
        """Insert the incidents' rows; their new ids, in order."""
        connection = transaction.get_connection()
        now = timezone.now()
        fields = [f for f in self._concrete if not f.primary_key]
        stamped = {
            f.attname
            for f in fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        }
        # Every value of a text, number, yes/no or key column is, once checked, one the database
        # takes as it is; only the others (dates, times, decimals, ...) are looked at per row.
        take = operator.itemgetter(*(f.attname for f in fields))
        # A decimal field's database value is the checked Decimal itself, unless the backend
        # adapts decimals its own way.
        decimals = (
            type(connection.ops).adapt_decimalfield_value
            is BaseDatabaseOperations.adapt_decimalfield_value
        )
        looked_at = [
            (position, f, decimals and type(f) is models.DecimalField)
            for position, f in enumerate(fields)
            if type(f) not in _PLAIN_FIELDS
        ]
        prepared = []
        for values in rows:
            for name in stamped:
                values[name] = now
            row = list(take(values))
            for position, f, decimal in looked_at:
                kind = type(value := row[position])
                if kind not in _AS_THEY_ARE and not (decimal and kind is Decimal):
                    row[position] = self._prepare(f, value, connection)
            prepared.append(row)
        quote = connection.ops.quote_name
        table = quote(Incident._meta.db_table)
        columns = ", ".join(quote(f.column) for f in fields)
        one = f"({', '.join(['%s'] * len(fields))})"
        pk = quote(Incident._meta.pk.column)
        ids: list[int] = []
        with connection.cursor() as cursor:
            if not connection.features.can_return_rows_from_bulk_insert:
                for params in prepared:
                    cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {one}", params)  # noqa: S608
                    ids.append(cursor.lastrowid)
                return ids
            limit = connection.features.max_query_params
            size = max(1, limit // len(fields)) if limit else 500
            for start in range(0, len(prepared), size):
                batch = prepared[start : start + size]
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 - names from the model
                    f"{', '.join([one] * len(batch))} RETURNING {pk}",
                    [value for params in batch for value in params],
                )
                ids.extend(row[0] for row in cursor.fetchall())
        return ids

    def _insert_links(self, items: list[_Checked]) -> None:
        """The attack types, resources and sources of written incidents."""
        through = Incident.sources.through
        links: list[tuple[type[models.Model], str, str, list[tuple[Any, Any]]]] = [
            (
                IncidentAttackType,
                "incident",
                "attack_type",
                [(i.values["id"], t) for i in items for t in i.types],
            ),
            (
                IncidentResource,
                "incident",
                "resource",
                [(i.values["id"], r) for i in items for r in i.affected],
            ),
            (
                through,
                "incident",
                "source",
                [
                    (i.values["id"], pk)
                    for i in items
                    for pk in dict.fromkeys(s.pk for s in i.sources)
                ],
            ),
        ]
        connection = transaction.get_connection()
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model, first, second, rows in links:
                meta = model._meta
                columns = [
                    quote(cast("models.Field[Any, Any]", meta.get_field(name)).column)
                    for name in (first, second)
                ]
                cursor.executemany(
                    f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
                    "VALUES (%s, %s)",
                    rows,
                )

    def _created(self, item: _Checked) -> dict[str, Any]:
        """The 'create' event's changes, as create_record() writes them for record_incident()."""
        values = item.values
        after = dict(zip(self._audited, self._take_audited(values), strict=True))
        ready = self._json_ready
        for name in self._audited_looked_at:
            kind = type(value := after[name])
            if kind in _AS_THEY_ARE:
                continue
            if kind is dt.date:
                # Many rows share a date: its text is remembered.
                key = (kind, value)
                if key not in ready:
                    if len(ready) > _REMEMBERED_PER_FIELD:
                        ready.clear()
                    ready[key] = json_ready(value)
                after[name] = ready[key]
            else:
                after[name] = json_ready(value)
        after.update(
            {
                "attack_types": item.types,
                "resources": item.affected,
                "sources": [s.pk for s in item.sources],
            }
        )
        return {"after": after}


def _stub(pk: int) -> Incident:
    """A stand-in for a written incident, enough for its audit event: its model and id."""
    incident = Incident.__new__(Incident)
    incident.pk = pk
    return incident


def record_incidents_bulk(
    rows: Sequence[dict[str, Any]], *, actor: Actor
) -> list[Incident | InvalidInput]:
    """Record incidents as record_incident would, in bulk: per row the incident or its error."""
    # Each row holds record_incident's keyword arguments. A row that record_incident would
    # refuse is answered with the same InvalidInput and not written; the others are written
    # together, with one audit event each, in one transaction.
    results = IncidentBatch(actor=actor).write(rows)
    written = Incident.all_objects.in_bulk([r for r in results if isinstance(r, int)])
    return [r if isinstance(r, InvalidInput) else written[r] for r in results]


def external_ids_taken(ids: Sequence[str]) -> set[str]:
    """Which of these external ids a record already has, retracted ones included."""
    # One plain query per 500 ids: a query built by the ORM cost more than the lookup itself.
    taken: set[str] = set()
    unique = list(dict.fromkeys(ids))
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    column = quote(cast("models.Field[Any, Any]", Incident._meta.get_field("external_id")).column)
    table = quote(Incident._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(unique), 500):
            part = unique[start : start + 500]
            cursor.execute(
                f"SELECT {column} FROM {table} "  # noqa: S608 - names from the model
                f"WHERE {column} IN ({', '.join(['%s'] * len(part))})",
                part,
            )
            taken.update(row[0] for row in cursor.fetchall())
    return taken
