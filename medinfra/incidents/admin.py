"""Admin pages for the attack log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from medinfra.core.admin import RecordAdmin, RecordForm, actor_of
from medinfra.core.errors import Conflict, InvalidInput
from medinfra.core.services import update_record
from medinfra.incidents.models import AttackType, Incident, Resource
from medinfra.incidents.services import record_incident, set_verification, update_incident_lists

# Who reported and who decided are set by the services, never typed in.
REVIEW_FIELDS = ("reported_by", "verified_by", "verified_at")


class IncidentForm(RecordForm):
    """An incident with its attack types and affected resources as checkboxes."""

    region_from = "facility"

    attack_types = forms.MultipleChoiceField(
        label=_("Attack types"),
        choices=AttackType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One or more, after WHO's Surveillance System for Attacks on Health Care."),
    )
    resources = forms.MultipleChoiceField(
        label=_("Resources affected"),
        choices=Resource.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Why the incident changes; required to reject it. Kept in the audit trail."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["attack_types"].initial = list(
                self.instance.attack_types.values_list("attack_type", flat=True)
            )
            self.fields["resources"].initial = list(
                self.instance.resources.values_list("resource", flat=True)
            )


@admin.register(Incident)
class IncidentAdmin(RecordAdmin):
    """Attacks on health care: recorded, reviewed, verified or rejected."""

    form = IncidentForm
    list_display = (
        "id",
        "occurred_on",
        "region",
        "facility",
        "settlement",
        "certainty",
        "verification",
    )
    list_filter = ("verification", "certainty", "region", "date_precision", "is_synthetic")
    list_select_related = ("region", "facility")
    search_fields = ("settlement", "=external_id", "facility__name_uk", "facility__name_en")
    autocomplete_fields = ("region", "facility", "sources")
    form_only_fields = ("attack_types", "resources", "reason")
    change_only_fields = ("reason",)
    fieldsets = (
        (
            _("When and where"),
            {
                "fields": (
                    ("occurred_on", "date_precision"),
                    "region",
                    "facility",
                    "settlement",
                    ("latitude", "longitude"),
                )
            },
        ),
        (
            _("What happened"),
            {
                "fields": (
                    "attack_types",
                    "resources",
                    "description",
                    "public_summary",
                )
            },
        ),
        (
            _("Casualties"),
            {
                "fields": (
                    ("health_workers_killed", "health_workers_injured", "health_workers_detained"),
                    ("patients_killed", "patients_injured", "patients_detained"),
                )
            },
        ),
        (
            _("Sources and review"),
            {
                "fields": (
                    "sources",
                    "certainty",
                    "verification",
                    "reason",
                    *REVIEW_FIELDS,
                    "external_id",
                    "is_synthetic",
                )
            },
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        """Review fields always; the verification state is set by review, after recording."""
        fields = [*super().get_readonly_fields(request, obj), *REVIEW_FIELDS]
        if obj is None:
            fields.append("verification")
        return fields

    @admin.display(description=_("attack types"))
    def attack_type_list(self, incident: Incident) -> str:
        """The attack types, for a read-only page."""
        return ", ".join(
            str(AttackType(row.attack_type).label) for row in incident.attack_types.all()
        )

    @admin.display(description=_("resources affected"))
    def resource_list(self, incident: Incident) -> str:
        """The resources affected, for a read-only page."""
        return ", ".join(str(Resource(row.resource).label) for row in incident.resources.all())

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        """The fieldsets; a read-only incident lists its attack types and resources as text."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            fieldsets.insert(
                1, (_("What happened"), {"fields": ["attack_type_list", "resource_list"]})
            )
        return fieldsets

    def create(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """Record the incident through the incidents service, with its lists."""
        data = form.cleaned_data
        return record_incident(
            actor=actor_of(request),
            attack_types=data["attack_types"],
            resources=data["resources"],
            sources=list(data["sources"]),
            **self.form_values(form),
        )

    def update(self, request: HttpRequest, obj: Any, form: Any) -> None:
        """Write field changes, list changes and a verification step, each through its service."""
        actor = actor_of(request)
        data = form.cleaned_data
        reason = data.get("reason", "")
        changes = self.changed_fields(obj, form)
        # Verification moves only by the review rules (nobody verifies their own report).
        changes.pop("verification", None)
        if changes:
            update_record(obj, actor=actor, changes=changes, reason=reason)
        lists: dict[str, Any] = {}
        for name in ("attack_types", "resources"):
            if name in form.changed_data:
                lists[name] = data[name]
        if "sources" in form.changed_data:
            lists["sources"] = list(data["sources"])
        if lists:
            update_incident_lists(obj, actor=actor, reason=reason, **lists)
        if "verification" in form.changed_data:
            try:
                set_verification(obj, actor=actor, state=data["verification"], reason=reason)
            except Conflict as error:
                raise InvalidInput({"verification": str(error)}) from None
