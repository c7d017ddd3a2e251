"""Writes to the attack log: recording incidents and moving them through verification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone

from medinfra.core.errors import Conflict, InvalidInput
from medinfra.core.services import (
    Actor,
    create_record,
    diff,
    record_audit_event,
    snapshot,
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
