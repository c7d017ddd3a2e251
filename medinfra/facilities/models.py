"""The facility registry, and dated assessments and restorations of each facility."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from medinfra.core.models import Record
from medinfra.core.validators import currency_code, not_in_future
from medinfra.geography.models import Region
from medinfra.sources.models import Source


class FacilityKind(models.TextChoices):
    HOSPITAL = "hospital", _("hospital")
    MATERNITY_HOSPITAL = "maternity_hospital", _("maternity hospital")
    CHILDRENS_HOSPITAL = "childrens_hospital", _("children's hospital")
    PRIMARY_CARE_CENTRE = "primary_care_centre", _("primary care centre")
    OUTPATIENT_CLINIC = "outpatient_clinic", _("outpatient clinic")
    PARAMEDIC_STATION = "paramedic_station", _("paramedic and midwife station")
    EMERGENCY_STATION = "emergency_station", _("emergency medical station")
    DENTAL = "dental", _("dental clinic")
    PHARMACY = "pharmacy", _("pharmacy")
    BLOOD_SERVICE = "blood_service", _("blood service")
    LABORATORY = "laboratory", _("laboratory")
    REHABILITATION = "rehabilitation", _("rehabilitation centre")
    MENTAL_HEALTH = "mental_health", _("mental health facility")
    SANATORIUM = "sanatorium", _("sanatorium")
    OTHER = "other", _("other")


class Ownership(models.TextChoices):
    STATE = "state", _("state")
    MUNICIPAL = "municipal", _("municipal")
    PRIVATE = "private", _("private")
    OTHER = "other", _("other")
    UNKNOWN = "unknown", _("unknown")


class Condition(models.TextChoices):
    """Building condition, after WHO HeRAMS."""

    NONE = "none", _("not damaged")
    PARTIAL = "partial", _("partially damaged")
    DESTROYED = "destroyed", _("destroyed")


class Functionality(models.TextChoices):
    """Whether the facility provides its services, after WHO HeRAMS."""

    FULL = "full", _("fully functioning")
    PARTIAL = "partial", _("partially functioning")
    NONE = "none", _("not functioning")


class Milestone(models.TextChoices):
    PARTIALLY_RESTORED = "partially_restored", _("partially restored")
    FULLY_RESTORED = "fully_restored", _("fully restored")


DAMAGED_CONDITIONS = (Condition.PARTIAL, Condition.DESTROYED)
WORKING_FUNCTIONALITY = (Functionality.FULL, Functionality.PARTIAL)


class Facility(Record):
    """A health-care institution or site."""

    name_uk = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=32, choices=FacilityKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="facilities")
    settlement = models.CharField(max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    edrpou = models.CharField(
        "EDRPOU code",
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d{8}$", "An EDRPOU code has exactly 8 digits.")],
    )
    ownership = models.CharField(
        max_length=16, choices=Ownership.choices, default=Ownership.UNKNOWN
    )
    beds = models.PositiveIntegerField(null=True, blank=True)
    external_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["region__code", "name_uk", "id"]
        verbose_name_plural = "facilities"
        constraints = [
            models.UniqueConstraint(
                fields=["edrpou"],
                condition=~Q(edrpou=""),
                name="facility_edrpou_unique",
                violation_error_message="Another facility already has this EDRPOU code.",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="facility_coordinates_both_or_neither",
            ),
        ]
        indexes = [models.Index(fields=["region", "kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_uk

    def clean(self) -> None:
        if self.region_id:
            self.region.check_point(self.latitude, self.longitude)


class Assessment(Record):
    """A dated observation of one facility's building condition and functionality."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField(validators=[not_in_future])
    condition = models.CharField(max_length=16, choices=Condition.choices)
    functionality = models.CharField(max_length=16, choices=Functionality.choices)
    repair_cost = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    repair_cost_currency = models.CharField(max_length=3, blank=True, validators=[currency_code])
    assessed_by = models.CharField(
        max_length=200, blank=True, help_text="The organisation that assessed (not a person)"
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["facility", "assessed_on", "id"]
        indexes = [
            models.Index(fields=["facility", "assessed_on"]),
            models.Index(fields=["condition", "assessed_on"]),
            # "Was this facility ever destroyed by then?" is asked of every damaged facility:
            # without the facility first, SQLite answers it from the (condition, date) index,
            # reading every destroyed facility's rows each time.
            models.Index(fields=["facility", "condition", "assessed_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(repair_cost__isnull=True) | Q(repair_cost__gte=0),
                name="assessment_repair_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} on {self.assessed_on}: {self.condition}/{self.functionality}"

    def clean(self) -> None:
        if self.repair_cost is not None and not self.repair_cost_currency:
            raise ValidationError({"repair_cost_currency": "Say the currency of the repair cost."})


class Restoration(Record):
    """A dated milestone in bringing a damaged facility back."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="restorations")
    restored_on = models.DateField(validators=[not_in_future])
    milestone = models.CharField(max_length=24, choices=Milestone.choices)
    note = models.TextField(blank=True)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["facility", "restored_on", "id"]
        indexes = [models.Index(fields=["facility", "restored_on"])]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.milestone} on {self.restored_on}"

    def clean(self) -> None:
        if not self.facility_id or self.restored_on is None:
            return
        damaged = Assessment.objects.filter(
            facility_id=self.facility_id,
            condition__in=DAMAGED_CONDITIONS,
            assessed_on__lte=self.restored_on,
        ).exists()
        if not damaged:
            raise ValidationError(
                {
                    "facility": "This facility has no damage recorded on or before "
                    f"{self.restored_on}: record the damage (an assessment) before its restoration."
                }
            )
