"""Countries and their first-level regions, keyed by ISO 3166 codes."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Country(models.Model):
    """A country whose health infrastructure the registry covers, with its bounding box."""

    code = models.CharField(
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}$")],
        help_text="ISO 3166-1 alpha-2 code",
    )
    name_en = models.CharField(max_length=120)
    name_uk = models.CharField(max_length=120)
    min_latitude = models.DecimalField(max_digits=8, decimal_places=5)
    max_latitude = models.DecimalField(max_digits=8, decimal_places=5)
    min_longitude = models.DecimalField(max_digits=8, decimal_places=5)
    max_longitude = models.DecimalField(max_digits=8, decimal_places=5)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_uk if (get_language() or "").startswith("uk") else self.name_en

    def contains(self, latitude: Decimal, longitude: Decimal) -> bool:
        return (
            self.min_latitude <= latitude <= self.max_latitude
            and self.min_longitude <= longitude <= self.max_longitude
        )


class AccessStatus(models.TextChoices):
    CONTROLLED = "controlled", _("controlled")
    FRONTLINE = "frontline", _("frontline")
    OCCUPIED = "occupied", _("occupied")
    INACCESSIBLE = "inaccessible", _("inaccessible")


class RegionKind(models.TextChoices):
    OBLAST = "oblast", _("oblast")
    CITY = "city", _("city with special status")
    REPUBLIC = "republic", _("autonomous republic")
    OTHER = "other", _("other first-level unit")


class Region(models.Model):
    """A first-level unit (oblast, city with special status, autonomous republic)."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="regions")
    code = models.CharField(
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}-[A-Z0-9]{1,3}$", "Use an ISO 3166-2 code.")],
        help_text="ISO 3166-2 code, e.g. UA-63",
    )
    kind = models.CharField(max_length=16, choices=RegionKind.choices)
    name_en = models.CharField(max_length=120)
    name_uk = models.CharField(max_length=120)
    svg_id = models.CharField(max_length=60, blank=True)
    boundary = models.JSONField(null=True, blank=True, help_text="GeoJSON geometry, WGS84")
    access_status = models.CharField(
        max_length=16, choices=AccessStatus.choices, default=AccessStatus.CONTROLLED
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    AUDIT_EXCLUDE = {"version"}

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def name(self) -> str:
        return self.name_uk if (get_language() or "").startswith("uk") else self.name_en

    @property
    def is_assessable(self) -> bool:
        """Damage can be assessed here; an inaccessible region shows 'not assessable', never 0."""
        return self.access_status != AccessStatus.INACCESSIBLE

    def check_point(self, latitude: Decimal | None, longitude: Decimal | None) -> None:
        """Coordinates come in pairs and lie inside the region's country."""
        if (latitude is None) != (longitude is None):
            missing = "longitude" if longitude is None else "latitude"
            raise ValidationError({missing: "Give both latitude and longitude, or neither."})
        if latitude is None or longitude is None:
            return
        country = self.country
        if not country.contains(Decimal(latitude), Decimal(longitude)):
            raise ValidationError(
                {
                    "latitude": (
                        f"The point ({latitude}, {longitude}) lies outside {country.name_en} "
                        f"(latitude {country.min_latitude} to {country.max_latitude}, "
                        f"longitude {country.min_longitude} to {country.max_longitude})."
                    )
                }
            )

    @property
    def is_occupied(self) -> bool:
        """Exact places here can endanger people: they never reach public output."""
        return self.access_status in (AccessStatus.OCCUPIED, AccessStatus.INACCESSIBLE)
