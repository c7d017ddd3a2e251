"""Admin pages for recovery projects, partners and funding."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from medinfra.core.admin import ReadOnlyInline, RecordAdmin, RecordForm, actor_of
from medinfra.recovery.models import Funding, Partner, RecoveryProject
from medinfra.recovery.services import record_funding, register_partner, register_project


@admin.register(Partner)
class PartnerAdmin(RecordAdmin):
    """Ministries, organisations, governments, NGOs, donors and foreign hospitals."""

    list_display = ("name_en", "name_uk", "kind", "country")
    list_filter = ("kind", "country", "is_synthetic")
    search_fields = ("name_en", "name_uk")

    def create(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """Register the partner through the recovery service."""
        return register_partner(actor=actor_of(request), **self.form_values(form))


class RecoveryProjectForm(RecordForm):
    """A recovery project; its region defaults to its facility's."""

    region_from = "facility"


class FundingInline(ReadOnlyInline):
    """A project's commitments and disbursements."""

    model = Funding
    fields = ("on", "partner", "kind", "amount", "currency", "retracted_at")
    ordering = ("on", "id")


@admin.register(RecoveryProject)
class RecoveryProjectAdmin(RecordAdmin):
    """Projects of the recovery plan."""

    form = RecoveryProjectForm
    list_display = (
        "title_en",
        "region",
        "facility",
        "block",
        "stage",
        "cost_estimate",
        "currency",
        "priority",
    )
    list_filter = ("block", "stage", "priority", "region", "is_synthetic")
    list_select_related = ("region", "facility")
    search_fields = ("title_en", "title_uk", "facility__name_uk", "facility__name_en")
    autocomplete_fields = ("region", "facility")
    inlines = (FundingInline,)

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        """The funding of an existing project; a new one has none."""
        return list(self.inlines) if obj is not None else []

    def create(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """Register the project through the recovery service."""
        return register_project(actor=actor_of(request), **self.form_values(form))


@admin.register(Funding)
class FundingAdmin(RecordAdmin):
    """Partners' commitments and disbursements to projects."""

    list_display = ("project", "partner", "kind", "amount", "currency", "on")
    list_filter = ("kind", "currency")
    list_select_related = ("project", "partner")
    search_fields = ("project__title_en", "partner__name_en")
    autocomplete_fields = ("project", "partner")

    def create(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """Record the funding through the recovery service."""
        values = self.form_values(form)
        return record_funding(values.pop("project"), actor=actor_of(request), **values)
