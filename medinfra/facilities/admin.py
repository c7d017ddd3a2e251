"""Admin pages for the facility registry, its assessments and restorations."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from medinfra.core.admin import ReadOnlyInline, RecordAdmin, actor_of
from medinfra.facilities.models import Assessment, Facility, Restoration
from medinfra.facilities.services import (
    record_assessment,
    record_restoration,
    register_facility,
)


class AssessmentInline(ReadOnlyInline):
    """A facility's assessments, oldest first."""

    model = Assessment
    fields = (
        "assessed_on",
        "condition",
        "functionality",
        "repair_cost",
        "repair_cost_currency",
        "assessed_by",
        "retracted_at",
    )
    ordering = ("assessed_on", "id")


class RestorationInline(ReadOnlyInline):
    """A facility's restoration milestones, oldest first."""

    model = Restoration
    fields = ("restored_on", "milestone", "note", "retracted_at")
    ordering = ("restored_on", "id")


@admin.register(Facility)
class FacilityAdmin(RecordAdmin):
    """The facility registry."""

    list_display = ("name_uk", "name_en", "kind", "region", "settlement", "edrpou", "ownership")
    list_filter = ("region", "kind", "ownership", "is_synthetic")
    list_select_related = ("region",)
    search_fields = ("name_uk", "name_en", "=edrpou", "=external_id")
    autocomplete_fields = ("region",)
    inlines = (AssessmentInline, RestorationInline)

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        """Assessments and restorations of an existing facility; a new one has none."""
        return list(self.inlines) if obj is not None else []

    def create(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """Register the facility through the facilities service."""
        return register_facility(actor=actor_of(request), **self.form_values(form))


@admin.register(Assessment)
class AssessmentAdmin(RecordAdmin):
    """Dated observations of facilities' condition and functionality."""

    list_display = (
        "facility",
        "assessed_on",
        "condition",
        "functionality",
        "repair_cost",
        "repair_cost_currency",
        "assessed_by",
    )
    list_filter = ("condition", "functionality", "facility__region")
    list_select_related = ("facility",)
    search_fields = ("facility__name_uk", "facility__name_en", "=facility__edrpou", "assessed_by")
    autocomplete_fields = ("facility", "source")

    def create(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """Record the assessment through the facilities service."""
        values = self.form_values(form)
        return record_assessment(values.pop("facility"), actor=actor_of(request), **values)


@admin.register(Restoration)
class RestorationAdmin(RecordAdmin):
    """Dated milestones of damaged facilities coming back."""

    list_display = ("facility", "restored_on", "milestone")
    list_filter = ("milestone", "facility__region")
    list_select_related = ("facility",)
    search_fields = ("facility__name_uk", "facility__name_en", "=facility__edrpou")
    autocomplete_fields = ("facility", "source")

    def create(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """Record the restoration through the facilities service."""
        values = self.form_values(form)
        return record_restoration(values.pop("facility"), actor=actor_of(request), **values)
