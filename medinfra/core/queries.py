"""Reads of the audit trail."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.db import models

from medinfra.core.models import AuditChainHead, AuditEvent
from medinfra.core.services import GENESIS_HASH, event_digest, json_ready, snapshot


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


@dataclass(frozen=True)
class RecordProblem:
    model: str
    object_id: str
    problem: str

    def __str__(self) -> str:
        return f"{self.model} #{self.object_id}: {self.problem}"


def _same(a: Any, b: Any) -> bool:
    if a == b:
        return True
    try:  # decimals come back from the database with their column's scale
        return a is not None and b is not None and Decimal(str(a)) == Decimal(str(b))
    except (InvalidOperation, ValueError):
        return False


def verify_audited_records() -> list[RecordProblem]:
    """Replay the audit trail and compare each record's last known state with its row.

    A row changed, deleted or inserted behind the application's back is named.
    """
    states: dict[tuple[str, str], dict[str, Any]] = {}
    for event in (
        AuditEvent.objects.order_by("id")
        .only("model", "object_id", "action", "changes")
        .iterator(chunk_size=5000)
    ):
        state = states.setdefault((event.model, event.object_id), {})
        state.update(event.changes.get("after", {}))
    problems: list[RecordProblem] = []
    by_model: dict[str, dict[str, dict[str, Any]]] = {}
    for (label, object_id), state in states.items():
        by_model.setdefault(label, {})[object_id] = state
    for label, known in sorted(by_model.items()):
        try:
            model = apps.get_model(label)
        except LookupError:
            problems.append(
                RecordProblem(label, "*", "the audit trail names a table that no longer exists")
            )
            continue
        fields = {f.attname for f in model._meta.concrete_fields}
        rows = model._base_manager.all().order_by("pk")
        seen: set[str] = set()
        for row in rows.iterator(chunk_size=2000):
            key = str(row.pk)
            seen.add(key)
            if key not in known:
                problems.append(RecordProblem(label, key, "inserted without an audit event"))
                continue
            current = json.loads(json.dumps(snapshot(row), default=json_ready))
            changed = sorted(
                name
                for name, value in known[key].items()
                if name in fields and name in current and not _same(current[name], value)
            )
            if changed:
                problems.append(
                    RecordProblem(
                        label, key, f"changed outside the application: {', '.join(changed)}"
                    )
                )
        for key in sorted(set(known) - seen, key=lambda k: (len(k), k)):
            problems.append(RecordProblem(label, key, "deleted outside the application"))
    return problems
