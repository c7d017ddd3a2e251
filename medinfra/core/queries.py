"""Reads of the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from medinfra.core.models import AuditChainHead, AuditEvent
from medinfra.core.services import GENESIS_HASH, event_digest


def history_of(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """Every audit event about one record, oldest first."""
    return AuditEvent.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk)).order_by(
        "id"
    )


@dataclass(frozen=True)
class ChainReport:
    events: int
    broken_at: int | None
    problem: str

    @property
    def intact(self) -> bool:
        return self.broken_at is None and not self.problem


def verify_audit_chain() -> ChainReport:
    """Recompute every event's hash; name the first event that was changed or removed."""
    previous = GENESIS_HASH
    count = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        expected = event_digest(
            previous_hash=previous,
            at=event.at,
            actor_label=event.actor_label,
            action=event.action,
            model=event.model,
            object_id=event.object_id,
            changes=event.changes,
            reason=event.reason,
        )
        if event.previous_hash != previous:
            return ChainReport(
                count,
                event.pk,
                f"audit event {event.pk}: the event before it was removed or changed",
            )
        if event.hash != expected:
            return ChainReport(count, event.pk, f"audit event {event.pk}: its content was changed")
        previous = event.hash
        count += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.hash != previous or head.length != count):
        return ChainReport(
            count,
            None,
            f"the newest audit events were removed (chain head says {head.length}, found {count})",
        )
    return ChainReport(count, None, "")


def data_version() -> int:
    """A number that changes with every write: the audit chain's length (a cache key part).

    Every write appends an audit event, so caches keyed by this never serve stale figures,
    whichever server process wrote.
    """
    length = AuditChainHead.objects.values_list("length", flat=True).filter(pk=1).first()
    return int(length or 0)
