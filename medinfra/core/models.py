"""Cross-cutting records: the audit trail, retraction, and what kind of data this instance holds."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordQuerySet(models.QuerySet):
    """Queries over records that can be retracted."""

    def current(self) -> RecordQuerySet:
        return self.filter(retracted_at__isnull=True)

    def retracted(self) -> RecordQuerySet:
        return self.filter(retracted_at__isnull=False)


class CurrentManager(models.Manager.from_queryset(RecordQuerySet)):  # type: ignore[misc]
    """The default manager: retracted records are never counted or shown unless asked for."""

    def get_queryset(self) -> RecordQuerySet:
        return super().get_queryset().filter(retracted_at__isnull=True)


class AllRecordsManager(models.Manager.from_queryset(RecordQuerySet)):  # type: ignore[misc]
    """Every record, retracted ones included (admin, audit, history)."""


class Record(models.Model):
    """A domain record: never deleted, only retracted with who, when and why."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    retracted_at = models.DateTimeField(null=True, blank=True, editable=False)
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    retraction_reason = models.TextField(blank=True, editable=False)

    objects = CurrentManager()
    all_objects = AllRecordsManager()

    # Fields that never reach the audit trail's before/after (bookkeeping, not facts).
    AUDIT_EXCLUDE: ClassVar[set[str]] = {"created_at", "updated_at", "version"}

    class Meta:
        abstract = True
        base_manager_name = "all_objects"

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None


class AuditEvent(models.Model):
    """One write to the registry: who, when, what, before and after; chained by hashes."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        RETRACT = "retract", _("retracted")
        RESTORE = "restore", _("restored after retraction")

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=16, choices=Action.choices)
    model = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    changes = models.JSONField(default=dict)
    reason = models.TextField(blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} "
            f"{self.model}#{self.object_id}"
        )


class AuditChainHead(models.Model):
    """The last hash of the audit chain; locked while an event is appended."""

    hash = models.CharField(max_length=64)
    length = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit chain of {self.length} events"


class DatasetInfo(models.Model):
    """What kind of data this instance holds; synthetic data is labelled on every page."""

    is_synthetic = models.BooleanField(default=False)
    description = models.CharField(max_length=300, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    seed = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return "synthetic data" if self.is_synthetic else "registry data"

    @classmethod
    def current(cls) -> DatasetInfo:
        info = cls.objects.filter(pk=1).first()
        return info if info is not None else cls(pk=1)

    def as_dict(self) -> dict[str, Any]:
        return {"is_synthetic": self.is_synthetic, "description": self.description}


class LoginFailure(models.Model):
    """A failed sign-in, kept for a while to slow down password guessing."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["address", "at"])]

    def __str__(self) -> str:
        return f"failed sign-in for {self.username!r} at {self.at:%Y-%m-%d %H:%M}"
