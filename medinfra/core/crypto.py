"""Names and contacts of persons, encrypted at rest with a key from the environment.

``MEDINFRA_ENCRYPTION_KEY`` holds one key, or several separated by commas: the first encrypts,
every one of them decrypts, so a key is changed by putting the new one first and keeping the
old one after it until ``medinfra encryption rotate`` has re-encrypted every value. Outside
production a key kept under ``VAR_DIR`` stands in, so the demo and the tests need no set-up;
in production the application refuses to start without the variable (see ``CoreConfig``).

The audit trail never copies an encrypted value: a record's snapshot leaves these fields out,
and the services that write them add a marker instead (``sealed_markers``).
"""

from __future__ import annotations

import functools
import os
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models.lookups import Exact, IsNull

ENV_VAR = "MEDINFRA_ENCRYPTION_KEY"
KEY_FILE_NAME = "encryption_key"
# What the audit trail holds in place of an encrypted value.
MARKER = "(encrypted)"
CHANGED_MARKER = "(encrypted, changed)"

R = TypeVar("R", bound=models.Model)


class EncryptionKeyError(ImproperlyConfigured):
    """The key is missing, malformed, or not the one a stored value was encrypted with."""


def generate_key() -> str:
    """A new random key in the form MEDINFRA_ENCRYPTION_KEY takes."""
    return Fernet.generate_key().decode("ascii")


def is_production() -> bool:
    from medinfra.core.checks import _is_production

    return _is_production()


def require_key_in_production() -> None:
    """Refuse to start a production instance without the key, and any instance with a bad one."""
    raw = os.environ.get(ENV_VAR, "").strip()
    if not raw:
        if is_production():
            raise EncryptionKeyError(
                f"{ENV_VAR} is not set. medinfra serves public hosts here and refuses to start "
                "without the key that encrypts names and contacts of persons at rest. Generate "
                f"one with `medinfra encryption generate-key` and set {ENV_VAR} in the "
                "environment of every app server (the same key everywhere)."
            )
        return
    _cipher_of(raw)


def _local_key_file() -> Path:
    return Path(settings.VAR_DIR) / KEY_FILE_NAME


@functools.lru_cache(maxsize=4)
def _local_key(path: Path) -> str:
    """The key kept under VAR_DIR outside production, created once, readable by the owner only."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and linked into place: two processes starting at once agree on one key.
    spare = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    spare.write_text(generate_key())
    spare.chmod(0o600)
    try:
        os.link(spare, path)
    except FileExistsError:
        pass
    finally:
        spare.unlink()
    return path.read_text().strip()


@functools.lru_cache(maxsize=4)
def _cipher_of(raw: str) -> MultiFernet:
    keys = [part.strip() for part in raw.split(",") if part.strip()]
    if not keys:
        raise EncryptionKeyError(f"{ENV_VAR} holds no key.")
    fernets = []
    for number, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode("ascii")))
        except (ValueError, UnicodeEncodeError):
            raise EncryptionKeyError(
                f"{ENV_VAR}: key {number} of {len(keys)} is not a valid key (32 random bytes "
                "in URL-safe base64, 44 characters); generate one with "
                "`medinfra encryption generate-key`."
            ) from None
    return MultiFernet(fernets)


def cipher() -> MultiFernet:
    """The keys in force: the environment's, else (outside production) the local one.

    A production instance without the variable never gets here: it refused to start.
    """
    raw = os.environ.get(ENV_VAR, "").strip()
    if raw:
        return _cipher_of(raw)
    return _cipher_of(_local_key(_local_key_file()))


def encrypt(text: str) -> str:
    """The text, encrypted and authenticated with the first key."""
    return cipher().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str, *, what: str = "a value") -> str:
    """The plain text of a stored value; a clear error naming the field when no key fits."""
    try:
        return cipher().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        raise EncryptionKeyError(
            f"Cannot decrypt {what}: none of the keys in {ENV_VAR} (or, outside production, "
            f"in {KEY_FILE_NAME} under the var directory) is the key it was encrypted with, "
            "or the stored value was altered. After changing the key, list the new key first "
            "and the old one after it, separated by a comma."
        ) from None


def reencrypt(token: str) -> str:
    """The stored value encrypted again with the first key (for key rotation)."""
    return cipher().rotate(token.encode("ascii")).decode("ascii")


# -- the model field ------------------------------------------------------------------------------


class EncryptedTextField(models.TextField):
    """Text kept encrypted in the database; code sees the plain text, the audit trail a marker.

    Empty text is stored empty. A stored value cannot be searched or compared: the only
    lookups are ``isnull`` and equality with the empty text.
    """

    description = "Text encrypted at rest"

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False
    ) -> None:
        super().contribute_to_class(cls, name, private_only)
        # Every snapshot the audit trail takes leaves the field out (see core.services).
        excluded = set(getattr(cls, "AUDIT_EXCLUDE", set()))
        cls.AUDIT_EXCLUDE = excluded | {name}  # type: ignore[attr-defined]

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(str(value), what=f"{self.model._meta.label_lower}.{self.name}")

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def value_to_string(self, obj: models.Model) -> str:
        # Serialised dumps (dumpdata, fixtures) carry no plain text.
        value = self.value_from_object(obj)
        return MARKER if value else ""

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact":
            return EmptyOnlyExact
        return None


class EmptyOnlyExact(Exact):
    """``field=""``: ciphertexts differ each time, so no other value can be looked up."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise ValueError(
                f"{self.lhs.target.name} is encrypted: it can only be compared with the empty text."
            )
        return super().get_prep_lookup()


def sealed_fields(model: type[models.Model] | models.Model) -> list[str]:
    """The names of a model's encrypted fields."""
    return [
        field.name for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)
    ]


def sealed_markers(obj: models.Model) -> dict[str, str]:
    """What the audit trail says of each encrypted field of a new record: set or empty."""
    return {name: MARKER if getattr(obj, name) else "" for name in sealed_fields(obj)}


def sealed_changes(before: dict[str, str], obj: models.Model) -> dict[str, dict[str, str]]:
    """The audit trail's before/after for encrypted fields that changed: markers, no text."""
    changed: dict[str, dict[str, str]] = {"before": {}, "after": {}}
    for name in sealed_fields(obj):
        old, new = before.get(name) or "", getattr(obj, name) or ""
        if old != new:
            changed["before"][name] = MARKER if old else ""
            changed["after"][name] = CHANGED_MARKER if new else ""
    return changed


def update_sealed_record(
    obj: R,
    *,
    actor: Any,
    changes: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "",
) -> R:
    """``update_record`` for records with encrypted fields: their changes are audited as markers."""
    from medinfra.core.errors import Conflict, InvalidInput
    from medinfra.core.models import AuditEvent
    from medinfra.core.services import diff, record_audit_event, snapshot, validate

    if getattr(obj, "is_retracted", False):
        raise Conflict(f"{obj._meta.verbose_name} {obj.pk} is retracted and cannot be changed")
    known = {f.name for f in obj._meta.fields}
    unknown = [name for name in changes if name not in known]
    if unknown:
        raise InvalidInput(dict.fromkeys(unknown, "This field does not exist."))
    with transaction.atomic():
        stored = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
        version = getattr(stored, "version", None)
        if expected_version is not None and version != expected_version:
            raise Conflict(
                f"{obj._meta.verbose_name} {obj.pk} was changed by someone else "
                f"(version {version}, you edited version {expected_version}); "
                "reload it and apply your change again."
            )
        before = snapshot(stored)
        sealed_before = {name: getattr(stored, name) for name in sealed_fields(stored)}
        for name, value in changes.items():
            setattr(stored, name, value)
        validate(stored)
        audit = diff(before, snapshot(stored))
        sealed = sealed_changes(sealed_before, stored)
        audit["before"].update(sealed["before"])
        audit["after"].update(sealed["after"])
        if not audit["after"]:
            return obj
        if version is not None:
            stored.version = version + 1  # type: ignore[attr-defined]
        stored.save()
        record_audit_event(
            actor=actor, action=AuditEvent.Action.UPDATE, obj=stored, changes=audit, reason=reason
        )
    for name in changes:
        setattr(obj, name, getattr(stored, name))
    if version is not None:
        obj.version = stored.version  # type: ignore[attr-defined]
    return obj


# -- key rotation ---------------------------------------------------------------------------------


def models_with_sealed_fields() -> Iterable[tuple[type[models.Model], list[str]]]:
    from django.apps import apps

    for model in apps.get_models():
        names = sealed_fields(model)
        if names and model._meta.managed and not model._meta.proxy:
            yield model, names


def reencrypt_all(*, batch_size: int = 500) -> int:
    """Encrypt every stored value again with the first key; returns how many were rewritten.

    The values do not change, so the audit trail (which holds markers only) stays true.
    """
    rewritten = 0
    for model, names in models_with_sealed_fields():
        table = model._meta.db_table
        manager = model._base_manager
        columns = {name: str(model._meta.get_field(name).column) for name in names}  # type: ignore[union-attr]
        with transaction.atomic():
            pks = list(manager.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), batch_size):
                chunk = pks[start : start + batch_size]
                rows = _raw_rows(model, table, columns, chunk)
                for pk, values in rows:
                    updates = {
                        columns[name]: reencrypt(value) for name, value in values.items() if value
                    }
                    if updates:
                        _raw_update(model, table, pk, updates)
                        rewritten += len(updates)
    return rewritten


def _pk_column(model: type[models.Model]) -> str:
    pk = model._meta.pk
    assert pk is not None
    return str(pk.column)


def _raw_rows(
    model: type[models.Model], table: str, columns: dict[str, str], pks: list[Any]
) -> list[tuple[Any, dict[str, str]]]:
    from django.db import connections, router

    connection = connections[router.db_for_read(model)]
    quote = connection.ops.quote_name
    pk_column = _pk_column(model)
    names = list(columns)
    selected = ", ".join(quote(columns[name]) for name in names)
    placeholders = ", ".join(["%s"] * len(pks))
    sql = (
        f"SELECT {quote(pk_column)}, {selected} FROM {quote(table)} "  # noqa: S608 - names from the model
        f"WHERE {quote(pk_column)} IN ({placeholders})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, pks)
        return [(row[0], dict(zip(names, row[1:], strict=True))) for row in cursor.fetchall()]


def _raw_update(model: type[models.Model], table: str, pk: Any, updates: dict[str, str]) -> None:
    from django.db import connections, router

    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    pk_column = _pk_column(model)
    assignments = ", ".join(f"{quote(column)} = %s" for column in updates)
    sql = f"UPDATE {quote(table)} SET {assignments} WHERE {quote(pk_column)} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*updates.values(), pk])
