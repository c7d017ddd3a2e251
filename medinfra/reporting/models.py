"""Reporters' drafts: what was typed into a report form, kept on the server until submitted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medinfra.facilities.models import Assessment, Restoration
from medinfra.incidents.models import Incident
from medinfra.vehicles.models import VehicleEvent


class DraftKind(models.TextChoices):
    INCIDENT = "incident", _("incident")
    ASSESSMENT = "assessment", _("assessment")
    RESTORATION = "restoration", _("restoration")
    VEHICLE_EVENT = "vehicle_event", _("vehicle loss")


class DraftState(models.TextChoices):
    OPEN = "open", _("open")
    SUBMITTED = "submitted", _("submitted")
    DISCARDED = "discarded", _("discarded")


class Draft(models.Model):
    """A report being written: the form's values as typed, valid or not, with a version.

    Drafts are a person's work in progress, not facts of the registry: they are not audited
    and never public. They are never deleted either: a discarded draft is marked and can be
    taken up again; a submitted one links to the record it became.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=DraftKind.choices)
    payload = models.JSONField(
        default=dict, blank=True, help_text="The form's fields as typed: text or lists of text."
    )
    state = models.CharField(max_length=12, choices=DraftState.choices, default=DraftState.OPEN)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    discarded_at = models.DateTimeField(null=True, blank=True)
    amends = models.ForeignKey(
        Incident,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The reporter's own incident this draft changes, while it is still reported.",
    )
    amends_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The incident's version this change was started from."
    )
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    restoration = models.ForeignKey(
        Restoration, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    vehicle_event = models.ForeignKey(
        VehicleEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["owner", "state", "updated_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(state=DraftState.SUBMITTED, submitted_at__isnull=False)
                | (~Q(state=DraftState.SUBMITTED) & Q(submitted_at__isnull=True)),
                name="draft_submitted_when_submitted_at",
            ),
            models.CheckConstraint(
                condition=Q(amends__isnull=True) | Q(kind=DraftKind.INCIDENT),
                name="draft_amends_only_incidents",
            ),
        ]

    def __str__(self) -> str:
        return f"draft {self.pk} ({self.kind}, {self.state})"

    @property
    def record(self) -> models.Model | None:
        """The record this draft became once submitted (the incident it changed, for edits)."""
        return self.incident or self.assessment or self.restoration or self.vehicle_event

    @property
    def is_open(self) -> bool:
        return self.state == DraftState.OPEN
