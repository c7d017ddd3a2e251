"""Recovery projects of the recovery plan, the partners who fund them, their funding, the
exchange rates that convert it, and the weights of the facilities' priority score."""

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
from medinfra.sources.models import Source


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


class Scope(models.TextChoices):
    """What kind of work a project does."""

    REBUILD = "rebuild", _("rebuild")
    REPAIR = "repair", _("repair")
    EQUIPMENT = "equipment", _("equipment")
    REHABILITATION_SERVICE = "rehabilitation_service", _("rehabilitation service")
    MENTAL_HEALTH_SERVICE = "mental_health_service", _("mental-health service")
    MODERNISATION = "modernisation", _("modernisation")


# The stages a project may move to from each stage; a completed or cancelled project is final.
NEXT_STAGES: dict[str, tuple[str, ...]] = {
    Stage.IDEA: (Stage.ASSESSED, Stage.CANCELLED),
    Stage.ASSESSED: (Stage.DESIGNED, Stage.CANCELLED),
    Stage.DESIGNED: (Stage.FUNDED, Stage.CANCELLED),
    Stage.FUNDED: (Stage.IN_PROGRESS, Stage.CANCELLED),
    Stage.IN_PROGRESS: (Stage.COMPLETED, Stage.CANCELLED),
    Stage.COMPLETED: (),
    Stage.CANCELLED: (),
}
STAGE_ORDER = [str(stage) for stage in Stage]


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
    scope = models.CharField(
        max_length=32, choices=Scope.choices, blank=True, help_text="Blank until it is decided"
    )
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.IDEA)
    stage_since = models.DateField(
        null=True,
        blank=True,
        validators=[not_in_future],
        help_text="The day the project reached its current stage",
    )
    cost_estimate = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(max_length=3, blank=True, validators=[currency_code])
    estimated_on = models.DateField(
        null=True,
        blank=True,
        validators=[not_in_future],
        help_text="The day of the estimate: it is converted at the rate valid on that day",
    )
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

    @property
    def is_open(self) -> bool:
        """Neither completed nor cancelled: the project may still change stage."""
        return bool(NEXT_STAGES.get(self.stage))

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.cost_estimate is not None and not self.currency:
            errors["currency"] = "Say the currency of the cost estimate."
        if self.cost_estimate is not None and self.estimated_on is None:
            errors["estimated_on"] = (
                "Say when the cost was estimated: it is converted to USD and UAH at the rate "
                "valid on that day."
            )
        if (
            self.facility is not None
            and self.region_id
            and self.facility.region_id != self.region_id
        ):
            errors["facility"] = "The facility is not in the project's region."
        if errors:
            raise ValidationError(errors)


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


class StageChange(Record):
    """One dated move of a project from one stage to the next (the first has no 'from')."""

    project = models.ForeignKey(
        RecoveryProject, on_delete=models.PROTECT, related_name="stage_changes"
    )
    from_stage = models.CharField(
        max_length=16, choices=Stage.choices, blank=True, help_text="Blank for the first stage"
    )
    to_stage = models.CharField(max_length=16, choices=Stage.choices)
    on = models.DateField(validators=[not_in_future])
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["project", "on", "id"]
        indexes = [models.Index(fields=["project", "on"])]

    def __str__(self) -> str:
        return (
            f"project {self.project_id}: {self.from_stage or '-'} -> {self.to_stage} on {self.on}"
        )


class CurrencyRate(Record):
    """How many units of a currency one US dollar bought, from a day until the next rate."""

    currency = models.CharField(max_length=3, validators=[currency_code])
    valid_from = models.DateField(validators=[not_in_future])
    per_usd = models.DecimalField(
        "units per US dollar",
        max_digits=20,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("0.000001"))],
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["currency", "-valid_from", "id"]
        indexes = [models.Index(fields=["currency", "valid_from"])]
        constraints = [
            models.CheckConstraint(condition=Q(per_usd__gt=0), name="rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 USD = {self.per_usd} {self.currency} from {self.valid_from}"

    def clean(self) -> None:
        if self.currency == "USD":
            raise ValidationError(
                {"currency": "USD is the base of the rate table: one dollar is always one dollar."}
            )
        # One current rate per currency and day; a retracted one leaves its day free. (Checked
        # here, not by a partial unique index, so that the message names the field.)
        if self.currency and self.valid_from and self._clashes():
            raise ValidationError(
                {
                    "valid_from": "This currency already has a rate from this day: change that "
                    "rate, or retract it first."
                }
            )

    def _clashes(self) -> bool:
        same_day = CurrencyRate.objects.filter(currency=self.currency, valid_from=self.valid_from)
        if self.pk is not None:
            same_day = same_day.exclude(pk=self.pk)
        return same_day.exists()


# Bounds of one weight of the priority score; the weights need not add up to anything.
MAX_WEIGHT = 100


def _weight(default: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        default=default, validators=[MinValueValidator(0), MaxValueValidator(MAX_WEIGHT)]
    )


class PriorityWeights(models.Model):
    """How much each part of a damaged facility's priority score counts (one row)."""

    damage = _weight(30)
    services = _weight(25)
    population = _weight(20)
    operation = _weight(15)
    access = _weight(10)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    PARTS = ("damage", "services", "population", "operation", "access")
    AUDIT_EXCLUDE = {"version", "updated_at"}

    class Meta:
        verbose_name_plural = "priority weights"
        constraints = [
            models.CheckConstraint(
                condition=Q(damage__lte=MAX_WEIGHT)
                & Q(services__lte=MAX_WEIGHT)
                & Q(population__lte=MAX_WEIGHT)
                & Q(operation__lte=MAX_WEIGHT)
                & Q(access__lte=MAX_WEIGHT),
                name="priority_weights_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(f"{part} {getattr(self, part)}" for part in self.PARTS)

    @classmethod
    def current(cls) -> PriorityWeights:
        """The stored weights, or the defaults (unsaved) before anyone changed them."""
        weights = cls.objects.filter(pk=1).first()
        return weights if weights is not None else cls(pk=1)

    def as_dict(self) -> dict[str, int]:
        return {part: int(getattr(self, part)) for part in self.PARTS}

    def clean(self) -> None:
        if not any(getattr(self, part) for part in self.PARTS):
            raise ValidationError(
                {"damage": "At least one weight must be above 0, or no facility has a score."}
            )


class PopulationServed(Record):
    """How many people a facility serves, where known: one part of its priority score."""

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="population_served"
    )
    population = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    as_of = models.DateField(validators=[not_in_future])
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["facility", "id"]
        verbose_name_plural = "population served"
        constraints = [
            models.CheckConstraint(condition=Q(population__gte=1), name="population_positive"),
        ]

    def __str__(self) -> str:
        return f"facility {self.facility_id}: {self.population} people ({self.as_of})"

    def clean(self) -> None:
        if not self.facility_id:
            return
        others = PopulationServed.objects.filter(facility_id=self.facility_id)
        if self.pk is not None:
            others = others.exclude(pk=self.pk)
        if others.exists():
            raise ValidationError(
                {"facility": "This facility already has its population served: change that one."}
            )
