"""Admin pages for ambulances and other health transport."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from medinfra.core.admin import ReadOnlyInline, RecordAdmin, RecordForm, actor_of
from medinfra.vehicles.models import Vehicle, VehicleEvent
from medinfra.vehicles.services import record_vehicle_event, register_vehicle


class VehicleForm(RecordForm):
    """A vehicle; its region defaults to its owner facility's."""

    region_from = "owner_facility"


class VehicleEventInline(ReadOnlyInline):
    """A vehicle's losses, oldest first."""

    model = VehicleEvent
    fields = ("occurred_on", "status", "note", "retracted_at")
    ordering = ("occurred_on", "id")


@admin.register(Vehicle)
class VehicleAdmin(RecordAdmin):
    """The vehicles of the health system."""

    form = VehicleForm
    list_display = ("id", "kind", "region", "owner_facility", "description")
    list_filter = ("kind", "region", "is_synthetic")
    list_select_related = ("region", "owner_facility")
    search_fields = (
        "description",
        "=external_id",
        "owner_facility__name_uk",
        "owner_facility__name_en",
    )
    autocomplete_fields = ("region", "owner_facility")
    inlines = (VehicleEventInline,)

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        """The events of an existing vehicle; a new one has none."""
        return list(self.inlines) if obj is not None else []

    def create(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """Register the vehicle through the vehicles service."""
        return register_vehicle(actor=actor_of(request), **self.form_values(form))


@admin.register(VehicleEvent)
class VehicleEventAdmin(RecordAdmin):
    """Dated losses of vehicles: damaged, destroyed, seized."""

    list_display = ("vehicle", "occurred_on", "status", "source")
    list_filter = ("status", "vehicle__region")
    list_select_related = ("vehicle", "source")
    search_fields = ("note", "=vehicle__external_id")
    autocomplete_fields = ("vehicle", "source")

    def create(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """Record the event through the vehicles service."""
        values = self.form_values(form)
        return record_vehicle_event(values.pop("vehicle"), actor=actor_of(request), **values)
