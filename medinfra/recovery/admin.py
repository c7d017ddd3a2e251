"""Admin pages for recovery projects and their stages, partners, funding, rates and priorities."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from medinfra.core.admin import ReadOnlyInline, RecordAdmin, RecordForm, actor_of
from medinfra.core.errors import InvalidInput
from medinfra.recovery.models import (
    CurrencyRate,
    Funding,
    Partner,
    PopulationServed,
    PriorityWeights,
    RecoveryProject,
    StageChange,
)
from medinfra.recovery.services import (
    change_stage,
    record_funding,
    record_population_served,
    record_rate,
    register_partner,
    register_project,
    set_priority_weights,
    update_project,
)

# A project's stage changes only as a dated stage change (its own admin page), never here.
PROJECT_STAGE_FIELDS = ("stage", "stage_since")


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


class StageChangeInline(ReadOnlyInline):
    """A project's dated stages."""

    model = StageChange
    fields = ("on", "from_stage", "to_stage", "note", "retracted_at")
    ordering = ("on", "id")


@admin.register(RecoveryProject)
class RecoveryProjectAdmin(RecordAdmin):
    """Projects of the recovery plan; their stage changes on the stage changes' page, dated."""

    form = RecoveryProjectForm
    list_display = (
        "title_en",
        "region",
        "facility",
        "block",
        "scope",
        "stage",
        "stage_since",
        "cost_estimate",
        "currency",
        "priority",
    )
    list_filter = ("block", "stage", "scope", "priority", "region", "is_synthetic")
    list_select_related = ("region", "facility")
    search_fields = ("title_en", "title_uk", "facility__name_uk", "facility__name_en")
    autocomplete_fields = ("region", "facility")
    inlines = (StageChangeInline, FundingInline)

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        """The stages and funding of an existing project; a new one has none."""
        return list(self.inlines) if obj is not None else []

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        """Once the project exists, its stage is read here and changed as a stage change."""
        fields = super().get_readonly_fields(request, obj)
        if obj is not None:
            fields += [name for name in PROJECT_STAGE_FIELDS if name not in fields]
        return fields

    def create(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """Register the project, with its first dated stage, through the recovery service."""
        return register_project(actor=actor_of(request), **self.form_values(form))

    def update(self, request: HttpRequest, obj: Any, form: Any) -> None:
        """Change the project's description through the recovery service."""
        changes = self.changed_fields(obj, form)
        if changes:
            update_project(obj, actor=actor_of(request), changes=changes)


class StageChangeForm(RecordForm):
    """A new stage of a project and its date; the project's present stage is the 'from'."""

    class Meta:
        model = StageChange
        fields = ("project", "to_stage", "on", "note")


@admin.register(StageChange)
class StageChangeAdmin(RecordAdmin):
    """Dated stage changes: added through the service, never edited or retracted."""

    form = StageChangeForm
    list_display = ("project", "on", "from_stage", "to_stage")
    list_filter = ("to_stage", "from_stage")
    list_select_related = ("project",)
    search_fields = ("project__title_en", "project__title_uk")
    autocomplete_fields = ("project",)
    actions: list[Any] = []
    retractable = False

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        """The project, the new stage, its date and a note; the 'from' once it exists."""
        if obj is None:
            return ["project", "to_stage", "on", "note"]
        return ["project", "from_stage", "to_stage", "on", "note"]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        """None: a stage change is history; a wrong stage is corrected by the next change."""
        return {}

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Never: the project's later stages are dated after this one."""
        return False if obj is not None else super().has_change_permission(request, obj)

    def create(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """Move the project through the recovery service (dated, checked, audited)."""
        values = form.cleaned_data
        try:
            return change_stage(
                values["project"],
                actor=actor_of(request),
                stage=values["to_stage"],
                on=values.get("on"),
                note=values.get("note", ""),
            )
        except InvalidInput as error:
            # The service names the new stage 'stage'; this form calls it 'to_stage'.
            named: dict[str, str | list[str]] = {
                ("to_stage" if k == "stage" else k): v for k, v in error.message_dict.items()
            }
            raise InvalidInput(named) from None


class CurrencyCodeForm(RecordForm):
    """A form with a currency code, typed in any case and stored in capitals, as services do."""

    def clean_currency(self) -> str:
        """The code in capitals, before the model's check for three capital letters."""
        return str(self.cleaned_data.get("currency") or "").strip().upper()


@admin.register(Funding)
class FundingAdmin(RecordAdmin):
    """Partners' commitments and disbursements to projects."""

    form = CurrencyCodeForm

    list_display = ("project", "partner", "kind", "amount", "currency", "on")
    list_filter = ("kind", "currency")
    list_select_related = ("project", "partner")
    search_fields = ("project__title_en", "partner__name_en")
    autocomplete_fields = ("project", "partner")

    def create(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """Record the funding through the recovery service."""
        values = self.form_values(form)
        return record_funding(values.pop("project"), actor=actor_of(request), **values)


@admin.register(CurrencyRate)
class CurrencyRateAdmin(RecordAdmin):
    """The rate table that converts every amount to US dollars and the local currency."""

    form = CurrencyCodeForm

    list_display = ("currency", "valid_from", "per_usd", "source", "is_synthetic")
    list_filter = ("currency", "is_synthetic")
    search_fields = ("currency",)
    ordering = ("currency", "-valid_from", "id")
    autocomplete_fields = ("source",)

    def create(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """Add the rate through the recovery service."""
        return record_rate(actor=actor_of(request), **self.form_values(form))


class PriorityWeightsForm(RecordForm):
    """The weights, with the version they were loaded at and why they change."""

    reason = forms.CharField(
        label=_("Reason"), required=False, help_text=_("Kept in the audit trail.")
    )

    class Meta:
        model = PriorityWeights
        fields = ("damage", "services", "population", "operation", "access")


@admin.register(PriorityWeights)
class PriorityWeightsAdmin(RecordAdmin):
    """The weights of the priority score: one row, changed through the service."""

    form = PriorityWeightsForm
    list_display = ("__str__", "version", "updated_at")
    fields = ("damage", "services", "population", "operation", "access", "reason")
    readonly_fields = ("version", "updated_at")
    form_only_fields = ("reason",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Only while the one row does not exist yet."""
        return not PriorityWeights.objects.exists() and super().has_add_permission(request)

    def create(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """Store the weights through the recovery service."""
        return set_priority_weights(actor=actor_of(request), **self._values(form))

    def update(self, request: HttpRequest, obj: Any, form: Any) -> None:
        """Change the weights through the recovery service (audited, version-checked)."""
        stored = set_priority_weights(
            actor=actor_of(request),
            expected_version=form.cleaned_data.get("expected_version"),
            **self._values(form),
        )
        obj.version = stored.version

    def check_version(self, obj: Any, form: Any) -> None:
        """The service checks the version itself, under its lock."""

    def _values(self, form: Any) -> dict[str, Any]:
        values = {part: form.cleaned_data[part] for part in PriorityWeights.PARTS}
        return {**values, "reason": form.cleaned_data.get("reason", "")}


@admin.register(PopulationServed)
class PopulationServedAdmin(RecordAdmin):
    """How many people facilities serve, where known (a part of their priority score)."""

    list_display = ("facility", "population", "as_of")
    list_select_related = ("facility",)
    search_fields = ("facility__name_uk", "facility__name_en")
    autocomplete_fields = ("facility", "source")

    def create(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """Record the population through the recovery service."""
        values = self.form_values(form)
        return record_population_served(values.pop("facility"), actor=actor_of(request), **values)
