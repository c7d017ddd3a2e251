"""Import runs, and the keys that let a re-imported file find the records it already made."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medinfra.sources.models import Source


class ImportKind(models.TextChoices):
    SOURCES = "sources", _("sources")
    FACILITIES = "facilities", _("facilities")
    ASSESSMENTS = "assessments", _("assessments")
    RESTORATIONS = "restorations", _("restorations")
    INCIDENTS = "incidents", _("incidents")
    VEHICLES = "vehicles", _("vehicles")
    VEHICLE_EVENTS = "vehicle_events", _("vehicle events")
    PARTNERS = "partners", _("partners")
    PROJECTS = "projects", _("recovery projects")
    FUNDING = "funding", _("funding")
    AGREEMENTS = "agreements", _("partnership agreements")
    FIGURES = "figures", _("reported figures")


class FileFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel (XLSX)")
    HXL = "hxl", _("HXL-tagged CSV")


class RunStatus(models.TextChoices):
    PENDING = "pending", _("waiting for its column mapping")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("finished")
    REFUSED = "refused", _("refused: nothing was changed")
    FAILED = "failed", _("failed: nothing was changed")
    INTERRUPTED = "interrupted", _("interrupted: nothing was changed")


# How many row problems a run keeps; the count of problem rows is kept in full.
MAX_STORED_PROBLEMS = 1000


class ImportRun(models.Model):
    """One check (dry run) or application of an import file: who, when, what, with what result."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the file's bytes")
    size = models.PositiveBigIntegerField(default=0, help_text="Bytes")
    format = models.CharField(max_length=8, choices=FileFormat.choices, blank=True)
    encoding = models.CharField(max_length=32, blank=True)
    delimiter = models.CharField(max_length=8, blank=True)
    sheet = models.CharField(max_length=100, blank=True)
    mapping = models.JSONField(
        default=dict, blank=True, help_text="Column of the file → field; empty field: ignored"
    )
    strict = models.BooleanField(
        default=False, help_text="Apply nothing when any row has a problem"
    )
    dry_run = models.BooleanField(default=True, help_text="Check only: change nothing")
    default_source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        help_text="The dry run this application follows",
    )
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.PENDING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_invalid = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    problems = models.JSONField(
        default=list, blank=True, help_text="[{row, column, message}], the first 1,000"
    )
    notices = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    # Signs of life of the process running the run: a run whose process was killed would
    # otherwise say "running" for ever. The heartbeat also goes to the run's progress file,
    # which is written while the import's transaction holds the database.
    host = models.CharField(max_length=255, blank=True, help_text="Host of the process")
    pid = models.PositiveIntegerField(null=True, blank=True, help_text="Id of the process")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    interrupted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the run was found to have stopped unfinished"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["sha256", "kind"])]

    def __str__(self) -> str:
        what = "check" if self.dry_run else "import"
        return f"{what} of {self.file_name} ({self.kind}) {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (
            RunStatus.SUCCEEDED,
            RunStatus.REFUSED,
            RunStatus.FAILED,
            RunStatus.INTERRUPTED,
        )


class ExternalKey(models.Model):
    """The id a source, partner or project had in an imported file, and the record it became."""

    # Files refer to sources, partners and projects by the identifiers of the system that
    # wrote them, and these tables have no external_id: this maps each identifier to the
    # record its first import made, so that a re-import finds it and references resolve.

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    key = models.CharField(max_length=200)
    object_id = models.PositiveBigIntegerField()
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="keys")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="external_key_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → {self.object_id}"
