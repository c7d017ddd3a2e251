"""Ambulances and other health transport, and what happened to them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from medinfra.core.models import Record
from medinfra.core.validators import not_in_future
from medinfra.facilities.models import Facility
from medinfra.geography.models import Region
from medinfra.sources.models import Source


class VehicleKind(models.TextChoices):
    AMBULANCE = "ambulance", _("ambulance")
    MOBILE_CLINIC = "mobile_clinic", _("mobile clinic")
    EVACUATION = "evacuation", _("evacuation vehicle")
    SUPPLY = "supply", _("medical supply vehicle")
    OTHER = "other", _("other health transport")


class VehicleStatus(models.TextChoices):
    DAMAGED = "damaged", _("damaged")
    DESTROYED = "destroyed", _("destroyed")
    SEIZED = "seized", _("seized")


# The worst status ever is what a vehicle counts as. A seized vehicle is not destroyed: the
# ministry counts them apart; a vehicle seized and later destroyed counts as destroyed.
STATUS_SEVERITY = {
    VehicleStatus.DAMAGED: 1,
    VehicleStatus.SEIZED: 2,
    VehicleStatus.DESTROYED: 3,
}


class Vehicle(Record):
    """A vehicle of the health system."""

    kind = models.CharField(
        max_length=16, choices=VehicleKind.choices, default=VehicleKind.AMBULANCE
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="vehicles")
    owner_facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="vehicles"
    )
    description = models.CharField(max_length=200, blank=True)
    external_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["region__code", "id"]
        indexes = [models.Index(fields=["region"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} ({self.region_id})"


class VehicleEvent(Record):
    """A dated loss of a vehicle: damaged, destroyed or seized."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="events")
    occurred_on = models.DateField(validators=[not_in_future])
    status = models.CharField(max_length=16, choices=VehicleStatus.choices)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["vehicle", "occurred_on", "id"]
        indexes = [
            models.Index(fields=["vehicle", "occurred_on"]),
            models.Index(fields=["status", "occurred_on"]),
            # "Did this vehicle ever have this status by then?" is asked of every vehicle: with
            # the vehicle first, each answer reads that vehicle's rows only.
            models.Index(fields=["vehicle", "status", "occurred_on"]),
        ]

    def __str__(self) -> str:
        return f"vehicle {self.vehicle_id} {self.status} on {self.occurred_on}"
