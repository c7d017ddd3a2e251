"""Signed agreements between domestic facilities and foreign institutions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from medinfra.core.models import Record
from medinfra.core.validators import not_in_future
from medinfra.facilities.models import Facility
from medinfra.recovery.models import Partner, PartnerKind


class AgreementKind(models.TextChoices):
    MEMORANDUM = "memorandum", _("memorandum of cooperation")
    TWINNING = "twinning", _("twinning")
    OTHER = "other", _("other agreement")


class AgreementStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    COMPLETED = "completed", _("completed")
    SUSPENDED = "suspended", _("suspended")
    TERMINATED = "terminated", _("terminated")


class PartnershipAgreement(Record):
    """A memorandum or twinning between a domestic facility and a foreign institution."""

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="partnership_agreements"
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="partnership_agreements",
        help_text="The foreign institution",
    )
    kind = models.CharField(max_length=16, choices=AgreementKind.choices)
    programme = models.CharField(
        max_length=200, blank=True, help_text="e.g. International Medical Partnership"
    )
    signed_on = models.DateField(validators=[not_in_future])
    areas = models.JSONField(
        default=list, blank=True, help_text="Areas of cooperation, e.g. rehabilitation, surgery"
    )
    status = models.CharField(
        max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE
    )
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-signed_on", "id"]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} {self.facility_id} / {self.partner_id} ({self.signed_on})"
        )

    def clean(self) -> None:
        if not isinstance(self.areas, list) or not all(isinstance(a, str) for a in self.areas):
            raise ValidationError({"areas": "Give the areas of cooperation as a list of words."})
        if self.partner_id and self.partner.kind not in (
            PartnerKind.FOREIGN_HOSPITAL,
            PartnerKind.INTERNATIONAL_ORGANISATION,
            PartnerKind.OTHER,
        ):
            raise ValidationError(
                {
                    "partner": "The other side of an agreement is a foreign "
                    "institution (a foreign hospital or organisation)."
                }
            )
