"""The only code that writes records: validated, atomic, audited, never deleting."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from medinfra.core.errors import Conflict, InvalidInput, field_errors
from medinfra.core.models import AuditChainHead, AuditEvent, DatasetInfo, Record

R = TypeVar("R", bound=Record)
Actor = AbstractBaseUser | None

SYSTEM_USERNAME = "medinfra-system"
AUDIT_EVENT_FIELDS = (
    "at",
    "actor",
    "actor_label",
    "action",
    "model",
    "object_id",
    "changes",
    "reason",
    "previous_hash",
    "hash",
)
GENESIS_HASH = "0" * 64


def user_of(actor: Actor) -> User | None:
    """The account row an actor is, for foreign keys (None for anonymous or unsaved)."""
    return cast(User, actor) if actor is not None and actor.pk else None


def system_actor() -> User:
    """The account that command-line loads and generators write as."""
    user, _ = User.objects.get_or_create(username=SYSTEM_USERNAME, defaults={"is_active": False})
    return user


def json_ready(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return (
            [json_ready(v) for v in sorted(value, key=str)]
            if isinstance(value, set)
            else [json_ready(v) for v in value]
        )
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The record's audited fields as JSON-ready values."""
    exclude: set[str] = getattr(obj, "AUDIT_EXCLUDE", set())
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = json_ready(getattr(obj, field.attname))
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields that changed between two snapshots, as the audit trail's before/after."""
    changed = [k for k in after if before.get(k) != after[k]]
    return {"before": {k: before.get(k) for k in changed}, "after": {k: after[k] for k in changed}}


def event_digest(
    *,
    previous_hash: str,
    at: dt.datetime,
    actor_label: str,
    action: str,
    model: str,
    object_id: str,
    changes: dict[str, Any],
    reason: str,
) -> str:
    """The hash that chains an audit event to the one before it."""
    body = json.dumps(
        {
            "previous": previous_hash,
            "at": at.astimezone(dt.UTC).isoformat(),
            "actor": actor_label,
            "action": action,
            "model": model,
            "object": object_id,
            "changes": changes,
            "reason": reason,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _actor_label(actor: Actor) -> str:
    return actor.get_username() if actor is not None else "anonymous"


@dataclass
class _ChainTip:
    hash: str
    length: int


# While a batch runs, the chain's tip lives here and its head row is written once at the end:
# updating one row per event inside a long transaction slows PostgreSQL quadratically.
_batch_tip: ContextVar[_ChainTip | None] = ContextVar("medinfra_audit_batch", default=None)


@contextmanager
def audit_batch() -> Iterator[None]:
    """Hold the audit chain for many writes in one transaction (loads, imports)."""
    if _batch_tip.get() is not None:
        yield
        return
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"hash": GENESIS_HASH, "length": 0}
        )
        tip = _ChainTip(hash=head.hash, length=head.length)
        token = _batch_tip.set(tip)
        try:
            yield
        finally:
            _batch_tip.reset(token)
        head.hash, head.length = tip.hash, tip.length
        head.save(update_fields=["hash", "length"])


def record_audit_event(
    *,
    actor: Actor,
    action: str,
    obj: models.Model,
    changes: dict[str, Any],
    reason: str = "",
) -> AuditEvent:
    """Append one event to the audit chain (inside the caller's transaction)."""
    with transaction.atomic():
        tip = _batch_tip.get()
        head = None
        if tip is None:
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(
                pk=1, defaults={"hash": GENESIS_HASH, "length": 0}
            )
            tip = _ChainTip(hash=head.hash, length=head.length)
        at = timezone.now()
        label = _actor_label(actor)
        model_label = obj._meta.label_lower
        changes = json.loads(json.dumps(changes, default=json_ready))
        digest = event_digest(
            previous_hash=tip.hash,
            at=at,
            actor_label=label,
            action=action,
            model=model_label,
            object_id=str(obj.pk),
            changes=changes,
            reason=reason,
        )
        event = AuditEvent.objects.create(
            at=at,
            actor=user_of(actor),
            actor_label=label,
            action=action,
            model=model_label,
            object_id=str(obj.pk),
            changes=changes,
            reason=reason,
            previous_hash=tip.hash,
            hash=digest,
        )
        tip.hash = digest
        tip.length += 1
        if head is not None:
            head.hash, head.length = tip.hash, tip.length
            head.save(update_fields=["hash", "length"])
    return event


def audit_event_columns() -> tuple[str, ...]:
    """The audit table's columns that a bulk insert of events fills, in a fixed order: at,
    actor, actor_label, action, model, object_id, changes, reason, previous_hash, hash."""
    return tuple(
        str(cast("models.Field[Any, Any]", AuditEvent._meta.get_field(name)).column)
        for name in AUDIT_EVENT_FIELDS
    )


def record_audit_events(
    *,
    actor: Actor,
    action: str,
    items: Iterable[tuple[models.Model, dict[str, Any]]],
    reason: str = "",
    batch_size: int = 1000,
    plain: bool = False,
) -> int:
    """Append one event per (record, changes) to the chain, written in bulk.

    The events and their digests are the same as ``record_audit_event`` would write one by
    one; only the inserts are batched, and the events inserted together share one time.
    Returns how many events were written. ``plain`` says the changes hold JSON values only
    (str, int, float, bool, None, and lists and dicts of them), so they are used as they are
    instead of being made JSON-ready first.
    """
    # The rows go to the database as plain tuples, one executemany per batch: building a
    # model instance per event and compiling it in bulk_create cost more than the hashing.
    written = 0
    with audit_batch():
        tip = _batch_tip.get()
        assert tip is not None  # audit_batch() set it
        label = _actor_label(actor)
        user = user_of(actor)
        user_id = user.pk if user is not None else None
        connection = transaction.get_connection()
        # What the changes field's get_db_prep_save() does with a dict, without its layers.
        encoder = cast("models.JSONField[Any]", AuditEvent._meta.get_field("changes")).encoder
        adapt_json = connection.ops.adapt_json_value
        columns = audit_event_columns()
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(AuditEvent._meta.db_table)} "  # noqa: S608 - names from the model
            f"({', '.join(quote(c) for c in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )

        def insert(rows: list[tuple[Any, ...]]) -> None:
            with connection.cursor() as cursor:
                cursor.executemany(sql, rows)

        pending: list[tuple[Any, ...]] = []
        at = stored_at = None
        for obj, changes in items:
            if not pending or at is None:
                # One time for the events inserted together (in one statement).
                at = timezone.now()
                stored_at = connection.ops.adapt_datetimefield_value(at)
            model_label = obj._meta.label_lower
            object_id = str(obj.pk)
            clean = changes if plain else json.loads(json.dumps(changes, default=json_ready))
            digest = event_digest(
                previous_hash=tip.hash,
                at=at,
                actor_label=label,
                action=action,
                model=model_label,
                object_id=object_id,
                changes=clean,
                reason=reason,
            )
            pending.append(
                (
                    stored_at,
                    user_id,
                    label,
                    action,
                    model_label,
                    object_id,
                    adapt_json(clean, encoder),
                    reason,
                    tip.hash,
                    digest,
                )
            )
            tip.hash = digest
            tip.length += 1
            if len(pending) >= batch_size:
                insert(pending)
                written += len(pending)
                pending = []
        if pending:
            insert(pending)
            written += len(pending)
    return written


def _unique_clashes(obj: models.Model, excluded: set[str]) -> dict[str, list[str]]:
    """Unique values already held by another record, retracted ones included."""
    model = type(obj)
    manager = getattr(model, "all_objects", model._default_manager)
    name = model._meta.verbose_name
    checks: list[tuple[str, dict[str, Any], Q | None, str]] = []
    for field in model._meta.concrete_fields:
        if field.unique and not field.primary_key and field.name not in excluded:
            checks.append(
                (
                    field.name,
                    {field.attname: getattr(obj, field.attname)},
                    None,
                    str(field.verbose_name),
                )
            )
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            if excluded.intersection(constraint.fields):
                continue
            fields = [
                cast("models.Field[Any, Any]", model._meta.get_field(f)) for f in constraint.fields
            ]
            lookup = {f.attname: getattr(obj, f.attname) for f in fields}
            key = constraint.fields[0] if len(constraint.fields) == 1 else "__all__"
            label = " and ".join(str(f.verbose_name) for f in fields)
            checks.append((key, lookup, constraint.condition, label))
    errors: dict[str, list[str]] = {}
    for key, lookup, condition, label in checks:
        if any(v is None for v in lookup.values()):
            continue
        if condition is not None and not _satisfies(obj, condition):
            continue
        clash = manager.filter(**lookup)
        if condition is not None:
            clash = clash.filter(condition)
        if obj.pk is not None:
            clash = clash.exclude(pk=obj.pk)
        if clash.exists():
            errors.setdefault(key, []).append(
                f"Another {name} already has this {label} (perhaps a retracted one)."
            )
    return errors


def _satisfies(obj: models.Model, condition: Q) -> bool:
    """Whether a record meets a partial unique constraint's condition (e.g. not retracted)."""
    # Typed values, as Django's own constraint validation passes them: a bare None has no
    # type, and the database cannot compare it.
    values = obj._get_field_expression_map(meta=obj._meta)  # type: ignore[attr-defined]
    return bool(condition.check(values))


def validate(obj: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """Run the model's field, clean and uniqueness checks; raise InvalidInput naming fields.

    Check constraints are left to the database: each mirrors a field validator that says
    the same thing with the field's name, and checking them here would cost a query each.
    Uniqueness is checked against every record, retracted ones too, as the database does.
    """
    excluded = set(exclude)
    for field in obj._meta.concrete_fields:
        # A related object already in hand and saved exists: skip the query that would say so.
        if isinstance(field, models.ForeignKey) and field.is_cached(obj):
            related = field.get_cached_value(obj)
            if related is not None and related.pk is not None and not related._state.adding:
                excluded.add(field.name)
    errors: dict[str, list[str]] = {}
    try:
        obj.full_clean(
            exclude=list(excluded) or None, validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        errors = {k: list(v) for k, v in field_errors(error).items()}
    for key, messages in _unique_clashes(obj, excluded).items():
        if key not in errors:
            errors[key] = messages
    if errors:
        raise InvalidInput(dict(errors))


def create_record(obj: R, *, actor: Actor, extra_changes: dict[str, Any] | None = None) -> R:
    """Validate and save a new record, writing its 'create' audit event."""
    validate(obj)
    with transaction.atomic():
        obj.save(force_insert=True)
        after = snapshot(obj)
        if extra_changes:
            after.update(extra_changes)
        record_audit_event(
            actor=actor, action=AuditEvent.Action.CREATE, obj=obj, changes={"after": after}
        )
    return obj


def update_record(
    obj: R,
    *,
    actor: Actor,
    changes: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "",
) -> R:
    """Apply field changes to a record, refusing to overwrite a newer version silently."""
    if obj.is_retracted:
        raise Conflict(f"{obj._meta.verbose_name} {obj.pk} is retracted and cannot be changed")
    unknown = [name for name in changes if name not in {f.name for f in obj._meta.fields}]
    if unknown:
        raise InvalidInput(dict.fromkeys(unknown, "This field does not exist."))
    with transaction.atomic():
        stored = type(obj).all_objects.select_for_update().get(pk=obj.pk)
        if expected_version is not None and stored.version != expected_version:
            raise Conflict(
                f"{obj._meta.verbose_name} {obj.pk} was changed by someone else "
                f"(version {stored.version}, you edited version {expected_version}); "
                "reload it and apply your change again."
            )
        before = snapshot(stored)
        for name, value in changes.items():
            setattr(stored, name, value)
        validate(stored)
        stored.version += 1
        stored.save()

        record_audit_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=stored,
            changes=diff(before, snapshot(stored)),
            reason=reason,
        )
    for name in changes:
        setattr(obj, name, getattr(stored, name))
    obj.version = stored.version
    return obj


def retract_record(obj: R, *, actor: Actor, reason: str) -> R:
    """Take a record out of every count and page, keeping it and saying who, when and why."""
    if not reason or not reason.strip():
        raise InvalidInput({"reason": "Say why the record is retracted."})
    if obj.is_retracted:
        raise Conflict(f"{obj._meta.verbose_name} {obj.pk} is already retracted")
    with transaction.atomic():
        before = snapshot(obj)
        obj.retracted_at = timezone.now()
        obj.retracted_by = user_of(actor)
        obj.retraction_reason = reason.strip()
        obj.version += 1
        obj.save(
            update_fields=[
                "retracted_at",
                "retracted_by",
                "retraction_reason",
                "version",
                "updated_at",
            ]
        )
        record_audit_event(
            actor=actor,
            action=AuditEvent.Action.RETRACT,
            obj=obj,
            changes=diff(before, snapshot(obj)),
            reason=obj.retraction_reason,
        )
    return obj


def mark_dataset(*, synthetic: bool, description: str, seed: int | None = None) -> DatasetInfo:
    """Say what this instance holds; pages label synthetic data as such."""
    info, _ = DatasetInfo.objects.update_or_create(
        pk=1,
        defaults={
            "is_synthetic": synthetic,
            "description": description,
            "generated_at": timezone.now(),
            "seed": seed,
        },
    )
    return info
