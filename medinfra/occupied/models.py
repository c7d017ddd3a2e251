"""What happens to health care in occupied territory, and the contact log with facilities there.

Names of persons, contact details and the free texts that may name people are encrypted at
rest (``EncryptedTextField``); the settlement is private. Only counts of verified events by
kind, region and month are public.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from medinfra.core.crypto import EncryptedTextField
from medinfra.core.models import Record
from medinfra.core.validators import not_in_future
from medinfra.facilities.models import Facility
from medinfra.geography.models import Region
from medinfra.incidents.models import DatePrecision
from medinfra.sources.models import Source


class EventKind(models.TextChoices):
    THREAT = "threat", _("threat")
    PRESSURE_ON_RELATIVES = "pressure_on_relatives", _("pressure on relatives")
    DETENTION = "detention", _("detention")
    LOOTING = "looting", _("looting of equipment")
    ILLEGAL_DECREE = "illegal_decree", _("illegal decree")
    CARE_BAN = "care_ban", _("ban on providing care")
    OTHER = "other", _("other")


class Verification(models.TextChoices):
    REPORTED = "reported", _("reported")
    VERIFIED = "verified", _("verified")
    REJECTED = "rejected", _("rejected")


class Channel(models.TextChoices):
    PHONE = "phone", _("phone")
    MESSENGER = "messenger", _("messenger")
    EMAIL = "email", _("email")
    IN_PERSON = "in_person", _("in person")
    INTERMEDIARY = "intermediary", _("through an intermediary")
    OTHER = "other", _("other")


def _facility_in_region(facility: Facility | None, region_id: int | None) -> None:
    if facility is not None and region_id and facility.region_id != region_id:
        raise ValidationError(
            {"facility": f"The facility is in {facility.region.code}, not in this region."}
        )


class ContactLogEntry(Record):
    """One contact with a facility in occupied territory: when, how, what was said, with whom."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="contact_log")
    contacted_on = models.DateField(validators=[not_in_future])
    channel = models.CharField(max_length=16, choices=Channel.choices)
    summary = EncryptedTextField(help_text="Staff only, encrypted: what was said or learnt.")
    contact_name = EncryptedTextField(
        blank=True, help_text="Encrypted; shown to verifiers and administrators only."
    )
    contact_details = EncryptedTextField(
        blank=True,
        help_text="Phone, messenger handle or address; encrypted, verifiers and administrators.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-contacted_on", "-id"]
        verbose_name = "contact log entry"
        verbose_name_plural = "contact log entries"
        indexes = [models.Index(fields=["facility", "contacted_on"])]

    def __str__(self) -> str:
        return f"Contact {self.pk} with facility {self.facility_id} on {self.contacted_on}"


class OccupiedEvent(Record):
    """Pressure on health care in occupied territory: threats, detention, looting, decrees."""

    kind = models.CharField(max_length=24, choices=EventKind.choices)
    occurred_on = models.DateField(
        validators=[not_in_future],
        help_text="The day; with month precision, the first day of the month.",
    )
    date_precision = models.CharField(
        max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="occupied_events")
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="occupied_events"
    )
    settlement = models.CharField(max_length=200, blank=True, help_text="Private.")
    persons = EncryptedTextField(
        blank=True,
        help_text="Names of the persons involved, one a line; encrypted, verifiers and "
        "administrators only.",
    )
    description = EncryptedTextField(
        blank=True, help_text="Staff only, encrypted: may hold details that endanger people."
    )
    public_summary = models.TextField(
        blank=True, help_text="Without names or places; for publications of verified events."
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="occupied_events")
    contact = models.ForeignKey(
        ContactLogEntry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        help_text="The contact the event was learnt from, if any.",
    )
    verification = models.CharField(
        max_length=12, choices=Verification.choices, default=Verification.REPORTED
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["verification", "region", "kind"]),
            models.Index(fields=["reported_by", "occurred_on"]),
        ]

    def __str__(self) -> str:
        return f"Occupied-territory event {self.pk} ({self.kind}) in {self.region_id}"

    def clean(self) -> None:
        if (
            self.date_precision == DatePrecision.MONTH
            and self.occurred_on is not None
            and self.occurred_on.day != 1
        ):
            raise ValidationError(
                {"occurred_on": "With month precision, give the first day of the month."}
            )
        _facility_in_region(self.facility, self.region_id)
        if (
            self.contact is not None
            and self.facility is not None
            and self.contact.facility_id != self.facility.pk
        ):
            raise ValidationError({"contact": "The contact log entry is about another facility."})

    @property
    def is_verified(self) -> bool:
        return self.verification == Verification.VERIFIED
