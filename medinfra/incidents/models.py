"""Attacks on health care, after WHO's Surveillance System for Attacks on Health Care (SSA)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medinfra.core.models import Record
from medinfra.core.validators import not_in_future
from medinfra.facilities.models import Facility
from medinfra.geography.models import Region
from medinfra.sources.models import Source


class AttackType(models.TextChoices):
    HEAVY_WEAPONS = "heavy_weapons", _("violence with heavy weapons")
    INDIVIDUAL_WEAPONS = "individual_weapons", _("violence with individual weapons")
    PSYCHOLOGICAL = "psychological", _("psychological violence / threat")
    OBSTRUCTION = "obstruction", _("obstruction to delivery of care")
    REMOVAL_OF_ASSETS = "removal_of_assets", _("removal of health assets (looting)")
    MILITARY_USE = "military_use", _("military use of health assets")
    ARREST_DETENTION = "arrest_detention", _("arrest / detention")
    ABDUCTION = "abduction", _("abduction / kidnapping")
    SETTING_FIRE = "setting_fire", _("setting fire")
    OTHER = "other", _("other")


class Resource(models.TextChoices):
    FACILITY = "facility", _("health facility")
    TRANSPORT = "transport", _("health transport")
    PERSONNEL = "personnel", _("health personnel")
    PATIENT = "patient", _("patient")
    SUPPLIES = "supplies", _("health supplies")
    WAREHOUSE = "warehouse", _("health warehouse")


class Certainty(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    PROBABLE = "probable", _("probable")
    POSSIBLE = "possible", _("possible")


class Verification(models.TextChoices):
    REPORTED = "reported", _("reported")
    UNDER_REVIEW = "under_review", _("under review")
    VERIFIED = "verified", _("verified")
    REJECTED = "rejected", _("rejected")


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")


CASUALTY_FIELDS = (
    "health_workers_killed",
    "health_workers_injured",
    "health_workers_detained",
    "patients_killed",
    "patients_injured",
    "patients_detained",
)


class Incident(Record):
    """One attack on health care: when, where, what kind, whom it hit, how sure we are."""

    occurred_on = models.DateField(
        validators=[not_in_future],
        help_text="The day; with month precision, the first day of the month.",
    )
    date_precision = models.CharField(
        max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="incidents")
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    settlement = models.CharField(max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)

    health_workers_killed = models.PositiveIntegerField(default=0)
    health_workers_injured = models.PositiveIntegerField(default=0)
    health_workers_detained = models.PositiveIntegerField(
        default=0, help_text="Detained or abducted"
    )
    patients_killed = models.PositiveIntegerField(default=0)
    patients_injured = models.PositiveIntegerField(default=0)
    patients_detained = models.PositiveIntegerField(default=0, help_text="Detained or abducted")

    description = models.TextField(
        blank=True, help_text="Staff only: may hold details that endanger people."
    )
    public_summary = models.TextField(
        blank=True, help_text="Shown publicly once verified: no names, no exact places."
    )
    sources = models.ManyToManyField(Source, related_name="incidents")
    certainty = models.CharField(
        max_length=12, choices=Certainty.choices, default=Certainty.POSSIBLE
    )
    verification = models.CharField(
        max_length=16, choices=Verification.choices, default=Verification.REPORTED
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    external_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    is_synthetic = models.BooleanField(default=False)
    # A duplicate report keeps its row and history: it is retracted and points here.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_duplicates",
        help_text="Set when this report was merged into another incident as its duplicate.",
    )

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["verification", "occurred_on"]),
            models.Index(fields=["region", "occurred_on"]),
            models.Index(fields=["facility", "occurred_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="incident_coordinates_both_or_neither",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 0}), name=f"incident_{name}_not_negative"
                )
                for name in CASUALTY_FIELDS
            ],
        ]

    def __str__(self) -> str:
        return f"Incident {self.pk} on {self.occurred_on} in {self.region_id}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if (
            self.date_precision == DatePrecision.MONTH
            and self.occurred_on is not None
            and self.occurred_on.day != 1
        ):
            errors["occurred_on"] = "With month precision, give the first day of the month."
        if (
            self.facility is not None
            and self.region_id
            and self.facility.region_id != self.region_id
        ):
            errors["facility"] = (
                f"The facility is in {self.facility.region.code}, not in {self.region.code}."
            )
        if errors:
            raise ValidationError(errors)
        if self.region_id:
            self.region.check_point(self.latitude, self.longitude)

    @property
    def is_verified(self) -> bool:
        return self.verification == Verification.VERIFIED


class IncidentAttackType(models.Model):
    """One of an incident's attack types (an incident has one or more)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="attack_types")
    attack_type = models.CharField(max_length=24, choices=AttackType.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "attack_type"], name="incident_attack_type_once"
            ),
        ]
        indexes = [models.Index(fields=["attack_type", "incident"])]

    def __str__(self) -> str:
        return self.attack_type


class IncidentResource(models.Model):
    """One of the resources an incident affected (an incident affects one or more)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="resources")
    resource = models.CharField(max_length=16, choices=Resource.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "resource"], name="incident_resource_once"),
        ]

    def __str__(self) -> str:
        return self.resource
