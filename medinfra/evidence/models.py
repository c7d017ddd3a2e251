"""Evidence files of incidents and occupied-territory events.

The bytes are kept as uploaded, outside the web root, under a random storage name; the
original file name is encrypted. A file is never deleted: a retraction marks it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medinfra.core.crypto import EncryptedTextField
from medinfra.core.models import Record
from medinfra.incidents.models import Incident
from medinfra.occupied.models import OccupiedEvent


class FileType(models.TextChoices):
    JPEG = "jpeg", _("JPEG image")
    PNG = "png", _("PNG image")
    WEBP = "webp", _("WebP image")
    PDF = "pdf", _("PDF document")


class EvidenceFile(Record):
    """One file that documents an incident or an occupied-territory event."""

    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence_files"
    )
    occupied_event = models.ForeignKey(
        OccupiedEvent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence_files",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    size = models.PositiveBigIntegerField(help_text="Bytes, as uploaded.")
    sha256 = models.CharField(
        max_length=64,
        validators=[RegexValidator(r"^[0-9a-f]{64}$", "A SHA-256 is 64 hexadecimal digits.")],
        help_text="SHA-256 of the bytes as uploaded, hexadecimal.",
    )
    detected_type = models.CharField(max_length=8, choices=FileType.choices)
    original_name = EncryptedTextField(
        blank=True, help_text="The file's name on the uploader's device; private, encrypted."
    )
    storage_name = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = "evidence file"
        constraints = [
            models.CheckConstraint(
                condition=Q(incident__isnull=False, occupied_event__isnull=True)
                | Q(incident__isnull=True, occupied_event__isnull=False),
                name="evidence_belongs_to_exactly_one_record",
            ),
            models.UniqueConstraint(
                fields=["incident", "sha256"],
                condition=Q(retracted_at__isnull=True),
                name="evidence_once_per_incident",
            ),
            models.UniqueConstraint(
                fields=["occupied_event", "sha256"],
                condition=Q(retracted_at__isnull=True),
                name="evidence_once_per_occupied_event",
            ),
        ]

    def __str__(self) -> str:
        return f"Evidence file {self.pk} ({self.detected_type}, {self.sha256[:12]}…)"

    @property
    def record(self) -> Incident | OccupiedEvent | None:
        """The incident or event the file documents."""
        return self.incident if self.incident_id else self.occupied_event
