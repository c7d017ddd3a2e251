"""Writes about occupied territory: events, their review, and the contact log.

Every write is audited; names, contacts and the private texts reach the audit trail only as
markers ("(encrypted)", "(encrypted, changed)"), never as text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medinfra.core.crypto import sealed_markers, update_sealed_record
from medinfra.core.errors import Conflict, InvalidInput
from medinfra.core.models import AuditEvent
from medinfra.core.services import (
    Actor,
    create_record,
    diff,
    record_audit_event,
    retract_record,
    snapshot,
    user_of,
)
from medinfra.facilities.models import Facility
from medinfra.geography.models import Region
from medinfra.geography.queries import region_by_code
from medinfra.occupied.models import (
    Channel,
    ContactLogEntry,
    EventKind,
    OccupiedEvent,
    Verification,
)
from medinfra.sources.models import Source

# Which review states may follow which; a decision can be reopened (back to 'reported').
NEXT_STATES: dict[str, set[str]] = {
    Verification.REPORTED: {Verification.VERIFIED, Verification.REJECTED},
    Verification.VERIFIED: {Verification.REPORTED},
    Verification.REJECTED: {Verification.REPORTED},
}
# Fields a change may touch; review and bookkeeping have their own services.
EDITABLE_EVENT_FIELDS = {
    "kind",
    "occurred_on",
    "date_precision",
    "region",
    "facility",
    "settlement",
    "persons",
    "description",
    "public_summary",
    "contact",
}
EDITABLE_CONTACT_FIELDS = {
    "facility",
    "contacted_on",
    "channel",
    "summary",
    "contact_name",
    "contact_details",
}


def _choice(value: str, allowed: Any, field: str) -> str:
    if value not in allowed.values:
        raise InvalidInput(
            {
                field: _("Unknown value %(value)r; use one of %(allowed)s.")
                % {"value": value, "allowed": ", ".join(allowed.values)}
            }
        )
    return value


def _text(value: str | None) -> str:
    return (value or "").strip()


@transaction.atomic
def record_event(
    *,
    actor: Actor,
    kind: str,
    occurred_on: dt.date,
    region: Region | str | None = None,
    facility: Facility | None = None,
    date_precision: str = "day",
    settlement: str = "",
    persons: str = "",
    description: str = "",
    public_summary: str = "",
    sources: Sequence[Source] = (),
    contact: ContactLogEntry | None = None,
    is_synthetic: bool = False,
) -> OccupiedEvent:
    """Record an event as reported; only verified events are counted in public."""
    kind = _choice(kind, EventKind, "kind")
    if isinstance(region, str):
        region = region_by_code(region)
    if region is None:
        if facility is None:
            raise InvalidInput({"region": _("Give the region, or the facility.")})
        region = facility.region
    if not sources and contact is None:
        raise InvalidInput(
            {"sources": _("Name a source, or the contact log entry the event was learnt from.")}
        )
    event = OccupiedEvent(
        kind=kind,
        occurred_on=occurred_on,
        date_precision=date_precision,
        region=region,
        facility=facility,
        settlement=_text(settlement),
        persons=_text(persons),
        description=_text(description),
        public_summary=_text(public_summary),
        contact=contact,
        reported_by=user_of(actor),
        is_synthetic=is_synthetic,
    )
    create_record(
        event,
        actor=actor,
        extra_changes={**sealed_markers(event), "sources": sorted(s.pk for s in sources)},
    )
    event.sources.set(sources)
    return event


def update_event(
    event: OccupiedEvent,
    *,
    actor: Actor,
    changes: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "",
) -> OccupiedEvent:
    """Correct an event's facts; names and private texts are audited as markers only."""
    refused = sorted(set(changes) - EDITABLE_EVENT_FIELDS)
    if refused:
        raise InvalidInput(
            dict.fromkeys(refused, _("This field is set by the review, not changed directly."))
        )
    if "kind" in changes:
        _choice(changes["kind"], EventKind, "kind")
    if "contact" in changes and changes["contact"] is None and not event.sources.exists():
        raise InvalidInput(
            {"contact": _("The event names no source: keep the contact it was learnt from.")}
        )
    for name in ("settlement", "persons", "description", "public_summary"):
        if name in changes:
            changes[name] = _text(changes[name])
    return update_sealed_record(
        event, actor=actor, changes=changes, expected_version=expected_version, reason=reason
    )


@transaction.atomic
def set_event_sources(
    event: OccupiedEvent, *, actor: Actor, sources: Sequence[Source], reason: str = ""
) -> OccupiedEvent:
    """Replace the sources an event names, audited on the event."""
    stored = OccupiedEvent.all_objects.select_for_update().get(pk=event.pk)
    if stored.is_retracted:
        raise Conflict(_("The event is retracted and cannot be changed."))
    if not sources and stored.contact_id is None:
        raise InvalidInput(
            {"sources": _("Name a source, or the contact log entry the event was learnt from.")}
        )
    old = sorted(stored.sources.values_list("pk", flat=True))
    new = sorted({s.pk for s in sources})
    if old == new:
        return stored
    stored.sources.set(sources)
    stored.version += 1
    stored.save(update_fields=["version", "updated_at"])
    record_audit_event(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=stored,
        changes={"before": {"sources": old}, "after": {"sources": new}},
        reason=reason,
    )
    return stored


@transaction.atomic
def set_event_verification(
    event: OccupiedEvent,
    *,
    actor: Actor,
    state: str,
    reason: str = "",
    expected_version: int | None = None,
) -> OccupiedEvent:
    """Verify, reject or reopen an event; nobody decides on an event they reported."""
    _choice(state, Verification, "verification")
    stored = OccupiedEvent.all_objects.select_for_update().get(pk=event.pk)
    if stored.is_retracted:
        raise Conflict(_("The event is retracted and cannot be reviewed."))
    if expected_version is not None and stored.version != expected_version:
        raise Conflict(
            _(
                "The event was changed by someone else (version %(current)s, you reviewed "
                "version %(expected)s): reload it and decide again."
            )
            % {"current": stored.version, "expected": expected_version}
        )
    if state not in NEXT_STATES[stored.verification]:
        raise Conflict(
            _("An event that is %(current)s cannot become %(state)s.")
            % {"current": stored.verification, "state": state}
        )
    deciding = state in (Verification.VERIFIED, Verification.REJECTED)
    if deciding and actor is not None and stored.reported_by_id == actor.pk:
        raise Conflict(_("Nobody verifies or rejects their own report: ask another verifier."))
    if state == Verification.REJECTED and not reason.strip():
        raise InvalidInput({"reason": _("Say why the event is rejected.")})
    before = snapshot(stored)
    stored.verification = state
    stored.verified_by = user_of(actor) if deciding else None
    stored.verified_at = timezone.now() if deciding else None
    stored.version += 1
    stored.save()
    record_audit_event(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=stored,
        changes=diff(before, snapshot(stored)),
        reason=reason.strip(),
    )
    return stored


def retract_event(event: OccupiedEvent, *, actor: Actor, reason: str) -> OccupiedEvent:
    """Take an event out of every count and list, keeping it with who, when and why."""
    return retract_record(event, actor=actor, reason=reason)


@transaction.atomic
def record_contact(
    *,
    actor: Actor,
    facility: Facility,
    contacted_on: dt.date,
    channel: str,
    summary: str,
    contact_name: str = "",
    contact_details: str = "",
    is_synthetic: bool = False,
) -> ContactLogEntry:
    """Log a contact with a facility in occupied territory."""
    _choice(channel, Channel, "channel")
    if not _text(summary):
        raise InvalidInput({"summary": _("Say in a few words what was said or learnt.")})
    entry = ContactLogEntry(
        facility=facility,
        contacted_on=contacted_on,
        channel=channel,
        summary=_text(summary),
        contact_name=_text(contact_name),
        contact_details=_text(contact_details),
        recorded_by=user_of(actor),
        is_synthetic=is_synthetic,
    )
    return create_record(entry, actor=actor, extra_changes=sealed_markers(entry))


def update_contact(
    entry: ContactLogEntry,
    *,
    actor: Actor,
    changes: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "",
) -> ContactLogEntry:
    """Correct a contact log entry; names, contacts and the summary are audited as markers."""
    refused = sorted(set(changes) - EDITABLE_CONTACT_FIELDS)
    if refused:
        raise InvalidInput(dict.fromkeys(refused, _("This field cannot be changed.")))
    if "channel" in changes:
        _choice(changes["channel"], Channel, "channel")
    for name in ("summary", "contact_name", "contact_details"):
        if name in changes:
            changes[name] = _text(changes[name])
    if "summary" in changes and not changes["summary"]:
        raise InvalidInput({"summary": _("Say in a few words what was said or learnt.")})
    return update_sealed_record(
        entry, actor=actor, changes=changes, expected_version=expected_version, reason=reason
    )


def retract_contact(entry: ContactLogEntry, *, actor: Actor, reason: str) -> ContactLogEntry:
    """Take a contact log entry out of the log, keeping it with who, when and why."""
    return retract_record(entry, actor=actor, reason=reason)
