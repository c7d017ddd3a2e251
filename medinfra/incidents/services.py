"""Writes to the attack log: recording incidents and moving them through verification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from medinfra.core.errors import Conflict, InvalidInput, NotFound, field_errors
from medinfra.core.models import AuditEvent
from medinfra.core.services import (
    Actor,
    audit_batch,
    create_record,
    diff,
    record_audit_event,
    record_audit_events,
    retract_record,
    snapshot,
    update_record,
    user_of,
    validate,
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


def _choices(values: Sequence[str], allowed: type[models.TextChoices], field: str) -> list[str]:
    chosen = list(dict.fromkeys(values))
    if not chosen:
        raise InvalidInput({field: "Choose at least one."})
    unknown = [v for v in chosen if v not in allowed.values]
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


def _bulk_incident(
    *,
    actor: Actor,
    regions: dict[str, Region],
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
) -> tuple[Incident, list[str], list[str]]:
    """An unsaved incident checked as record_incident checks it, in the same order and words."""
    unknown = sorted(set(casualties) - set(CASUALTY_FIELDS))
    if unknown:
        raise InvalidInput(dict.fromkeys(unknown, "Not a casualty field."))
    if isinstance(region, str):
        code = region.strip().upper()
        if code not in regions:
            regions[code] = region_by_code(region)
        region = regions[code]
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
    # Everything validate() checks, except the uniqueness of external_id: that is asked of the
    # database once for the whole batch below, with validate()'s own words.
    errors: dict[str, list[str]] = {}
    try:
        validate(incident, exclude=["external_id"])
    except InvalidInput as error:
        errors = field_errors(error)
    try:
        Incident._meta.get_field("external_id").clean(incident.external_id, incident)
    except ValidationError as error:
        errors.setdefault("external_id", list(error.messages))
    if errors:
        raise InvalidInput(dict(errors))
    return incident, types, affected


def record_incidents_bulk(
    rows: Sequence[dict[str, Any]], *, actor: Actor
) -> list[Incident | InvalidInput]:
    """Record incidents as record_incident would, in bulk: per row the incident or its error."""
    # Each row holds record_incident's keyword arguments. A row that record_incident would
    # refuse is answered with the same InvalidInput and not written; the others are written
    # together, with one audit event each, in one transaction.
    results: list[Incident | InvalidInput] = []
    built: list[tuple[int, Incident, list[str], list[str], list[Source]]] = []
    regions: dict[str, Region] = {}
    for index, fields in enumerate(rows):
        try:
            incident, types, affected = _bulk_incident(actor=actor, regions=regions, **fields)
        except InvalidInput as error:
            results.append(error)
            continue
        results.append(incident)
        built.append((index, incident, types, affected, list(fields["sources"])))
    taken = _external_ids_taken([b[1].external_id for b in built if b[1].external_id])
    field = Incident._meta.get_field("external_id")
    clash = (
        f"Another {Incident._meta.verbose_name} already has this {field.verbose_name} "
        "(perhaps a retracted one)."
    )
    accepted = []
    for item in built:
        index, incident = item[0], item[1]
        if incident.external_id and incident.external_id in taken:
            results[index] = InvalidInput({"external_id": [clash]})
            continue
        if incident.external_id:
            taken.add(incident.external_id)
        accepted.append(item)
    if not accepted:
        return results
    through = Incident.sources.through
    with audit_batch():
        Incident.objects.bulk_create([item[1] for item in accepted], batch_size=500)
        IncidentAttackType.objects.bulk_create(
            (
                IncidentAttackType(incident=incident, attack_type=t)
                for _, incident, types, _, _ in accepted
                for t in types
            ),
            batch_size=500,
        )
        IncidentResource.objects.bulk_create(
            (
                IncidentResource(incident=incident, resource=r)
                for _, incident, _, affected, _ in accepted
                for r in affected
            ),
            batch_size=500,
        )
        through.objects.bulk_create(
            (
                through(incident_id=incident.pk, source_id=source.pk)
                for _, incident, _, _, sources in accepted
                for source in dict.fromkeys(sources)
            ),
            batch_size=500,
        )
        record_audit_events(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            items=(
                (incident, {"after": _created_snapshot(incident, types, affected, sources)})
                for _, incident, types, affected, sources in accepted
            ),
        )
    return results


def _created_snapshot(
    incident: Incident, types: list[str], affected: list[str], sources: list[Source]
) -> dict[str, Any]:
    after = snapshot(incident)
    after.update({"attack_types": types, "resources": affected, "sources": [s.pk for s in sources]})
    return after


def _external_ids_taken(ids: list[str]) -> set[str]:
    """Which of these external ids a record already has, retracted ones included."""
    taken: set[str] = set()
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), 500):
        taken.update(
            Incident.all_objects.filter(external_id__in=unique[start : start + 500]).values_list(
                "external_id", flat=True
            )
        )
    return taken
