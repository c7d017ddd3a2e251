"""Writes of the reporting pages: drafts, and submitting them through the registry's services.

Drafts are saved as typed (valid or not) and carry a version: a save from a stale tab is
refused, never applied over a newer one. Submitting goes through the same services as every
other way in (record_incident, record_assessment, ...), in one transaction with the draft's
change of state, so a refusal leaves the registry and the draft's state as they were.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from medinfra.core.errors import Conflict, InvalidInput, NotFound
from medinfra.core.services import Actor, update_record, user_of
from medinfra.facilities.services import record_assessment, record_restoration
from medinfra.geography.queries import region_by_code
from medinfra.incidents.models import CASUALTY_FIELDS, Incident, Verification
from medinfra.incidents.services import record_incident, update_incident_lists
from medinfra.reporting.models import Draft, DraftKind, DraftState
from medinfra.sources.models import Source
from medinfra.sources.services import register_source
from medinfra.vehicles.services import record_vehicle_event, register_vehicle

MAX_PAYLOAD_CHARS = 200_000


class StaleDraft(Conflict):
    """The draft was saved elsewhere (another tab or device) since this copy was loaded."""

    def __init__(self, current: Draft) -> None:
        super().__init__(
            f"Draft {current.pk} was saved elsewhere (version {current.version}); "
            "nothing was overwritten."
        )
        self.current = current


class ClosedDraft(Conflict):
    """The draft was submitted or discarded: it is no longer written to."""

    def __init__(self, current: Draft) -> None:
        super().__init__(f"Draft {current.pk} is {current.state}, not open.")
        self.current = current


def _payload_size(payload: Mapping[str, Any]) -> int:
    return sum(
        len(str(k)) + (sum(len(str(x)) for x in v) if isinstance(v, list) else len(str(v)))
        for k, v in payload.items()
    )


def _checked_payload(kind: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    if kind not in DraftKind.values:
        raise InvalidInput({"kind": f"Unknown kind of report {kind!r}."})
    if _payload_size(payload) > MAX_PAYLOAD_CHARS:
        raise InvalidInput(
            {"payload": f"The draft is longer than {MAX_PAYLOAD_CHARS} characters in all."}
        )
    return dict(payload)


def _locked_draft(draft: Draft, actor: Actor) -> Draft:
    stored = Draft.objects.select_for_update().filter(pk=draft.pk).first()
    if stored is None or actor is None or stored.owner_id != actor.pk:
        raise NotFound(f"No draft {draft.pk} of yours.")
    return stored


def create_draft(*, owner: Actor, kind: str, payload: Mapping[str, Any]) -> Draft:
    """Start a draft of a report with what was typed so far."""
    user = user_of(owner)
    if user is None:
        raise InvalidInput({"owner": "Drafts belong to a signed-in person."})
    return Draft.objects.create(owner=user, kind=kind, payload=_checked_payload(kind, payload))


@transaction.atomic
def save_draft(
    draft: Draft, *, actor: Actor, payload: Mapping[str, Any], expected_version: int | None
) -> Draft:
    """Replace a draft's values; refused if it changed since ``expected_version`` was read."""
    stored = _locked_draft(draft, actor)
    if stored.state != DraftState.OPEN:
        raise ClosedDraft(stored)
    if expected_version is None or stored.version != expected_version:
        raise StaleDraft(stored)
    stored.payload = _checked_payload(stored.kind, payload)
    stored.version += 1
    stored.save(update_fields=["payload", "version", "updated_at"])
    return stored


@transaction.atomic
def discard_draft(draft: Draft, *, actor: Actor, expected_version: int | None) -> Draft:
    """Put a draft aside; it is kept, marked discarded, and can be taken up again."""
    stored = _locked_draft(draft, actor)
    if stored.state != DraftState.OPEN:
        raise ClosedDraft(stored)
    if expected_version is not None and stored.version != expected_version:
        raise StaleDraft(stored)
    stored.state = DraftState.DISCARDED
    stored.discarded_at = timezone.now()
    stored.version += 1
    stored.save(update_fields=["state", "discarded_at", "version", "updated_at"])
    return stored


@transaction.atomic
def reopen_draft(draft: Draft, *, actor: Actor) -> Draft:
    """Take a discarded draft up again."""
    stored = _locked_draft(draft, actor)
    if stored.state != DraftState.DISCARDED:
        raise ClosedDraft(stored)
    stored.state = DraftState.OPEN
    stored.discarded_at = None
    stored.version += 1
    stored.save(update_fields=["state", "discarded_at", "version", "updated_at"])
    return stored


# -- changing one's own incident while it is still reported --------------------------------


def _may_amend(incident: Incident, actor: Actor) -> None:
    if incident.is_retracted:
        raise Conflict(f"Incident {incident.pk} is retracted and cannot be changed.")
    if actor is None or incident.reported_by_id != actor.pk:
        raise Conflict(f"Only the person who reported incident {incident.pk} may change it here.")
    if incident.verification != Verification.REPORTED:
        raise Conflict(
            f"Incident {incident.pk} is {incident.verification}: once a verifier has taken it "
            "up, its reporter can no longer change it."
        )


def payload_of_incident(incident: Incident) -> dict[str, Any]:
    """An incident's values as an incident form shows them."""

    def text(value: Any) -> str:
        return "" if value is None else str(value)

    payload: dict[str, Any] = {
        "attack_types": sorted(incident.attack_types.values_list("attack_type", flat=True)),
        "resources": sorted(incident.resources.values_list("resource", flat=True)),
        "occurred_on": incident.occurred_on.isoformat(),
        "date_precision": incident.date_precision,
        "region": incident.region.code,
        "facility": text(incident.facility_id),
        "settlement": incident.settlement,
        "latitude": text(incident.latitude),
        "longitude": text(incident.longitude),
        "description": incident.description,
        "public_summary": incident.public_summary,
        "sources": [str(pk) for pk in incident.sources.order_by("pk").values_list("pk", flat=True)],
        "source_numbers": "",
    }
    for name in CASUALTY_FIELDS:
        payload[name] = str(getattr(incident, name))
    return payload


@transaction.atomic
def start_amendment(incident: Incident, *, actor: Actor) -> Draft:
    """A draft that changes one's own reported incident (the open one, if there is one)."""
    stored = Incident.objects.select_for_update().filter(pk=incident.pk).first()
    if stored is None:
        raise NotFound(f"No incident {incident.pk}.")
    _may_amend(stored, actor)
    user = user_of(actor)
    assert user is not None  # _may_amend() refused anyone else
    existing = Draft.objects.filter(owner=user, amends=stored, state=DraftState.OPEN).first()
    if existing is not None:
        return existing
    return Draft.objects.create(
        owner=user,
        kind=DraftKind.INCIDENT,
        payload=payload_of_incident(stored),
        amends=stored,
        amends_version=stored.version,
    )


def _differs(current: Any, new: Any) -> bool:
    if isinstance(current, Decimal) or isinstance(new, Decimal):
        return (current is None) != (new is None) or (
            current is not None and Decimal(current) != Decimal(new)
        )
    return bool(current != new)


@transaction.atomic
def amend_incident(
    incident: Incident,
    *,
    actor: Actor,
    expected_version: int | None,
    values: Mapping[str, Any],
    sources: list[Source],
) -> Incident:
    """Change one's own incident while it is still reported, refusing a stale version."""
    stored = Incident.all_objects.select_for_update().get(pk=incident.pk)
    _may_amend(stored, actor)
    if expected_version is not None and stored.version != expected_version:
        raise Conflict(
            f"Incident {stored.pk} was changed by someone else (version {stored.version}, "
            f"your change started from version {expected_version}): reload it and change it again."
        )
    region = values.get("region") or (values["facility"].region if values.get("facility") else None)
    if region is None:
        raise InvalidInput({"region": "Give the region, or the facility attacked."})
    wanted: dict[str, Any] = {
        "occurred_on": values["occurred_on"],
        "date_precision": values["date_precision"],
        "region": region,
        "facility": values.get("facility"),
        "settlement": (values.get("settlement") or "").strip(),
        "latitude": values.get("latitude"),
        "longitude": values.get("longitude"),
        "description": values.get("description") or "",
        "public_summary": values.get("public_summary") or "",
        **{name: values.get(name) or 0 for name in CASUALTY_FIELDS},
    }
    changes = {}
    for name, value in wanted.items():
        field = Incident._meta.get_field(name)
        current = getattr(stored, getattr(field, "attname", name))
        new = value.pk if isinstance(value, models.Model) else value
        if _differs(current, new):
            changes[name] = value
    reason = "changed by its reporter before review"
    if changes:
        update_record(
            stored, actor=actor, changes=changes, expected_version=stored.version, reason=reason
        )
    return update_incident_lists(
        stored,
        actor=actor,
        attack_types=values["attack_types"],
        resources=values["resources"],
        sources=sources,
        reason=reason,
    )


# -- submitting --------------------------------------------------------------------------------


def _renamed(error: InvalidInput, names: Mapping[str, str], prefix: str = "") -> InvalidInput:
    """A service's error with its field names as the form calls them."""
    return InvalidInput(
        {
            (
                names.get(field) or (f"{prefix}{field}" if prefix and field != "__all__" else field)
            ): (messages)
            for field, messages in error.message_dict.items()
        }
    )


def _sources_of(actor: Actor, values: Mapping[str, Any]) -> list[Source]:
    """The sources chosen, and the new one registered (in the caller's transaction)."""
    chosen: list[Source] = list(values.get("chosen_sources") or [])
    new = values.get("new_source")
    if new:
        try:
            chosen.append(register_source(actor=actor, **new))
        except InvalidInput as error:
            raise _renamed(error, {}, prefix="new_source_") from None
    return chosen


def _submit_incident(draft: Draft, actor: Actor, values: Mapping[str, Any]) -> Incident:
    sources = _sources_of(actor, values)
    fields = {
        "occurred_on": values["occurred_on"],
        "date_precision": values["date_precision"],
        "region": values.get("region") or None,
        "facility": values.get("facility"),
        "settlement": values.get("settlement") or "",
        "latitude": values.get("latitude"),
        "longitude": values.get("longitude"),
        "attack_types": values["attack_types"],
        "resources": values["resources"],
        "description": values.get("description") or "",
        "public_summary": values.get("public_summary") or "",
        **{name: values.get(name) or 0 for name in CASUALTY_FIELDS},
    }
    if fields["region"]:
        fields["region"] = region_by_code(fields["region"])
    if draft.amends is not None:
        return amend_incident(
            draft.amends,
            actor=actor,
            expected_version=draft.amends_version,
            values=fields,
            sources=sources,
        )
    try:
        return record_incident(actor=actor, sources=sources, **fields)
    except InvalidInput as error:
        raise _renamed(error, {}) from None


def _single_source(actor: Actor, values: Mapping[str, Any]) -> Source | None:
    sources = _sources_of(actor, values)
    return sources[0] if sources else None


def _submit_assessment(draft: Draft, actor: Actor, values: Mapping[str, Any]) -> models.Model:
    source = _single_source(actor, values)
    try:
        return record_assessment(
            values["facility"],
            actor=actor,
            assessed_on=values["assessed_on"],
            condition=values["condition"],
            functionality=values["functionality"],
            repair_cost=values.get("repair_cost"),
            repair_cost_currency=values.get("repair_cost_currency") or "",
            assessed_by=values.get("assessed_by") or "",
            source=source,
        )
    except InvalidInput as error:
        raise _renamed(error, {"source": "sources"}) from None


def _submit_restoration(draft: Draft, actor: Actor, values: Mapping[str, Any]) -> models.Model:
    source = _single_source(actor, values)
    try:
        return record_restoration(
            values["facility"],
            actor=actor,
            restored_on=values["restored_on"],
            milestone=values["milestone"],
            note=values.get("note") or "",
            source=source,
        )
    except InvalidInput as error:
        raise _renamed(error, {"source": "sources"}) from None


def _submit_vehicle_event(draft: Draft, actor: Actor, values: Mapping[str, Any]) -> models.Model:
    source = _single_source(actor, values)
    vehicle = values.get("vehicle")
    if vehicle is None:
        try:
            vehicle = register_vehicle(
                actor=actor,
                region=values.get("vehicle_region") or None,
                kind=values.get("vehicle_kind") or "ambulance",
                owner_facility=values.get("vehicle_owner_facility"),
                description=values.get("vehicle_description") or "",
            )
        except InvalidInput as error:
            raise _renamed(
                error,
                {
                    "region": "vehicle_region",
                    "kind": "vehicle_kind",
                    "owner_facility": "vehicle_owner_facility",
                    "description": "vehicle_description",
                    "external_id": "vehicle",
                },
            ) from None
    try:
        return record_vehicle_event(
            vehicle,
            actor=actor,
            occurred_on=values["occurred_on"],
            status=values["status"],
            note=values.get("note") or "",
            source=source,
        )
    except InvalidInput as error:
        raise _renamed(error, {"source": "sources"}) from None


SUBMITTERS = {
    DraftKind.INCIDENT: (_submit_incident, "incident"),
    DraftKind.ASSESSMENT: (_submit_assessment, "assessment"),
    DraftKind.RESTORATION: (_submit_restoration, "restoration"),
    DraftKind.VEHICLE_EVENT: (_submit_vehicle_event, "vehicle_event"),
}


@transaction.atomic
def submit_draft(
    draft: Draft, *, actor: Actor, values: Mapping[str, Any], expected_version: int | None
) -> Draft:
    """Turn a draft into the registry record it describes (or the change it makes).

    ``values`` are the report form's cleaned values. A refusal from any service rolls back
    everything, new source included; the draft stays open with what was typed.
    """
    stored = _locked_draft(draft, actor)
    if stored.state != DraftState.OPEN:
        raise ClosedDraft(stored)
    if expected_version is None or stored.version != expected_version:
        raise StaleDraft(stored)
    submit, link = SUBMITTERS[DraftKind(stored.kind)]
    record = submit(stored, actor, values)
    setattr(stored, link, record)
    stored.state = DraftState.SUBMITTED
    stored.submitted_at = timezone.now()
    stored.version += 1
    stored.save(update_fields=[link, "state", "submitted_at", "version", "updated_at"])
    return stored
