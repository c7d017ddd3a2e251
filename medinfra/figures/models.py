"""Numbers that sources published, kept with the span of text they were read from."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from medinfra.core.models import Record
from medinfra.core.validators import not_in_future
from medinfra.geography.models import Region
from medinfra.sources.models import Source


class Metric(models.TextChoices):
    FACILITIES_DAMAGED = "facilities_damaged", _("facilities partially damaged")
    FACILITIES_DESTROYED = "facilities_destroyed", _("facilities destroyed")
    FACILITIES_DAMAGED_OR_DESTROYED = (
        "facilities_damaged_or_destroyed",
        _("facilities damaged or destroyed"),
    )
    FACILITIES_RESTORED = "facilities_restored", _("facilities fully or partially restored")
    FACILITIES_FULLY_RESTORED = "facilities_fully_restored", _("facilities fully restored")
    FACILITIES_PARTIALLY_RESTORED = (
        "facilities_partially_restored",
        _("facilities partially restored"),
    )
    FACILITIES_BACK_IN_OPERATION = (
        "facilities_back_in_operation",
        _("facilities back in operation"),
    )
    ATTACKS_RECORDED = "attacks_recorded", _("attacks on health care recorded")
    AMBULANCES_DAMAGED = "ambulances_damaged", _("ambulances damaged")
    AMBULANCES_DESTROYED = "ambulances_destroyed", _("ambulances destroyed")
    AMBULANCES_SEIZED = "ambulances_seized", _("ambulances seized")
    AMBULANCES_LOST = "ambulances_lost", _("ambulances damaged, destroyed or seized")
    RECOVERY_NEEDS_USD = "recovery_needs_usd", _("recovery needs, USD")
    HOSPITALS_CLOSED = "hospitals_closed", _("hospitals closed")
    HEALTH_WORKERS_KILLED = "health_workers_killed", _("health workers killed")
    HEALTH_WORKERS_INJURED = "health_workers_injured", _("health workers injured")
    HEALTH_WORKERS_DETAINED = "health_workers_detained", _("health workers detained")
    PARTNERSHIP_AGREEMENTS_SIGNED = (
        "partnership_agreements_signed",
        _("partnership agreements signed"),
    )


class Qualifier(models.TextChoices):
    EXACT = "exact", _("exactly")
    AT_LEAST = "at_least", _("at least / over")
    APPROXIMATELY = "approximately", _("approximately")
    ALMOST = "almost", _("almost")
    AT_MOST = "at_most", _("at most / up to")


class DatePrecision(models.TextChoices):
    DAY = "day", _("the source gives the day")
    MONTH = "month", _("the source gives the month; as of its last day")
    YEAR = "year", _("the source gives the year; as of its last day")
    NOT_STATED = "not_stated", _("the source gives no date; placed by the reviewer")


class ReportedFigure(Record):
    """A number a source published, as of a date, for a country and optionally a region."""

    metric = models.CharField(max_length=40, choices=Metric.choices)
    value = models.DecimalField(
        max_digits=20, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    qualifier = models.CharField(max_length=16, choices=Qualifier.choices, default=Qualifier.EXACT)
    as_of = models.DateField(validators=[not_in_future])
    as_of_precision = models.CharField(
        max_length=16, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    country = models.CharField(
        max_length=2, validators=[RegexValidator(r"^[A-Z]{2}$", "Use an ISO 3166-1 alpha-2 code.")]
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="reported_figures"
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="figures")
    attributed_to = models.CharField(
        max_length=200,
        blank=True,
        help_text="The organisation the source credits with the number, when not its publisher",
    )
    span = models.TextField(blank=True, help_text="The exact text the figure was read from")

    class Meta:
        ordering = ["metric", "as_of", "id"]
        indexes = [models.Index(fields=["metric", "country", "as_of"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="figure_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.qualifier} {self.value} as of {self.as_of}"

    @property
    def reported_by(self) -> str:
        """Who says so: the credited organisation, else the source's publisher."""
        return self.attributed_to or self.source.publisher

    def clean(self) -> None:
        region = self.region if self.region_id else None
        if region is not None and self.country and region.country.code != self.country:
            raise ValidationError({"region": f"Region {region.code} is not in {self.country}."})
        if (
            self.source_id
            and self.span
            and self.source.full_text
            and self.span not in self.source.full_text
        ):
            raise ValidationError({"span": "The span must be text from the source."})
