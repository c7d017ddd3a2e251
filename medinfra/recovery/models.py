"""Recovery projects of the recovery plan, the partners who fund them, and their funding."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from medinfra.core.models import Record
from medinfra.core.validators import currency_code, not_in_future
from medinfra.facilities.models import Facility
from medinfra.geography.models import Region


class PartnerKind(models.TextChoices):
    MINISTRY = "ministry", _("ministry")
    INTERNATIONAL_ORGANISATION = "international_organisation", _("international organisation")
    GOVERNMENT = "government", _("government")
    NGO = "ngo", _("non-governmental organisation")
    DONOR = "donor", _("donor")
    FOREIGN_HOSPITAL = "foreign_hospital", _("foreign hospital")
    OTHER = "other", _("other")


class Block(models.IntegerChoices):
    """The three blocks of the healthcare infrastructure recovery plan."""

    DEOCCUPIED_CARE = 1, _("1: care in de-occupied territories and damage monitoring")
    RESTORATION = 2, _("2: restoration of damaged and destroyed infrastructure")
    MODERNISATION = 3, _("3: modernisation to European practice")


class Stage(models.TextChoices):
    IDEA = "idea", _("idea")
    ASSESSED = "assessed", _("assessed")
    DESIGNED = "designed", _("designed")
    FUNDED = "funded", _("funded")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")


class Partner(Record):
    """A ministry, international organisation, government, NGO, donor or foreign hospital."""

    name_en = models.CharField(max_length=300)
    name_uk = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=32, choices=PartnerKind.choices)
    country = models.CharField(
        max_length=2,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", "Use an ISO 3166-1 alpha-2 code.")],
        help_text="ISO 3166-1 alpha-2; blank for international organisations",
    )
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["name_en", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "").startswith("uk") and self.name_uk:
            return self.name_uk
        return self.name_en


class RecoveryProject(Record):
    """Work to restore or modernise health facilities, within a block of the recovery plan."""

    title_en = models.CharField(max_length=300)
    title_uk = models.CharField(max_length=300, blank=True)
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="recovery_projects"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="recovery_projects")
    block = models.PositiveSmallIntegerField(choices=Block.choices)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.IDEA)
    cost_estimate = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(max_length=3, blank=True, validators=[currency_code])
    priority = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (highest) to 5 (lowest)",
    )
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["priority", "title_en", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost_estimate__isnull=True) | Q(cost_estimate__gte=0),
                name="project_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1, priority__lte=5), name="project_priority_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        if (get_language() or "").startswith("uk") and self.title_uk:
            return self.title_uk
        return self.title_en

    def clean(self) -> None:
        if self.cost_estimate is not None and not self.currency:
            raise ValidationError({"currency": "Say the currency of the cost estimate."})
        if (
            self.facility is not None
            and self.region_id
            and self.facility.region_id != self.region_id
        ):
            raise ValidationError({"facility": "The facility is not in the project's region."})


class FundingKind(models.TextChoices):
    COMMITMENT = "commitment", _("commitment")
    DISBURSEMENT = "disbursement", _("disbursement")


class Funding(Record):
    """A partner's commitment or disbursement to a project."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="funding")
    project = models.ForeignKey(RecoveryProject, on_delete=models.PROTECT, related_name="funding")
    kind = models.CharField(max_length=16, choices=FundingKind.choices)
    amount = models.DecimalField(
        max_digits=18, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    currency = models.CharField(max_length=3, validators=[currency_code])
    on = models.DateField(validators=[not_in_future])

    class Meta:
        ordering = ["project", "on", "id"]
        verbose_name_plural = "funding"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="funding_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} to project {self.project_id}"
