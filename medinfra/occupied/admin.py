"""Admin pages for occupied territory: encrypted fields only for verifiers and administrators."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from medinfra.core.admin import RecordAdmin, RecordForm, actor_of
from medinfra.core.crypto import sealed_fields
from medinfra.core.errors import Conflict, InvalidInput
from medinfra.occupied.models import ContactLogEntry, OccupiedEvent
from medinfra.occupied.queries import may_see_names
from medinfra.occupied.services import (
    record_contact,
    record_event,
    set_event_sources,
    set_event_verification,
    update_contact,
    update_event,
)

REVIEW_FIELDS = ("reported_by", "verified_by", "verified_at")


class SealedFieldsAdmin(RecordAdmin):
    """Leaves encrypted fields out of every page for people who may not read them, and shows
    them only the records they wrote (as the staff pages do)."""

    # The field naming who wrote a record; others see only their own records.
    owner_field = ""

    def sealed(self, request: HttpRequest) -> set[str]:
        """The encrypted fields this person may not see."""
        return set() if may_see_names(request.user) else set(sealed_fields(self.model))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        """The fieldsets without the fields this person may not see."""
        hidden = self.sealed(request)
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [
                tuple(f for f in field if f not in hidden)
                if isinstance(field, list | tuple)
                else field
                for field in options["fields"]
                if not (isinstance(field, str) and field in hidden)
            ]
            fields = [f for f in fields if f]
            if fields:
                fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        """The form leaves out the fields this person may not see, so they cannot change them."""
        return [*(super().get_exclude(request, obj) or ()), *sorted(self.sealed(request))]

    def get_queryset(self, request: HttpRequest) -> Any:
        """Every record for those who may read it all; one's own records, undecrypted, else."""
        queryset = super().get_queryset(request)
        hidden = self.sealed(request)
        if not hidden:
            return queryset
        if self.owner_field:
            queryset = queryset.filter(**{self.owner_field: request.user.pk})
        return queryset.defer(*hidden)


class EventForm(RecordForm):
    """An event; the review reason travels with a decision."""

    region_from = "facility"

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Why the event changes; required to reject it. Kept in the audit trail."),
    )


@admin.register(OccupiedEvent)
class OccupiedEventAdmin(SealedFieldsAdmin):
    """Events in occupied territory: recorded, reviewed, verified or rejected."""

    form = EventForm
    owner_field = "reported_by"
    list_display = ("id", "occurred_on", "kind", "region", "facility", "verification")
    list_filter = ("verification", "kind", "region", "date_precision", "is_synthetic")
    list_select_related = ("region", "facility")
    search_fields = ("facility__name_uk", "facility__name_en", "=region__code")
    autocomplete_fields = ("region", "facility", "sources")
    raw_id_fields = ("contact",)
    form_only_fields = ("reason",)
    change_only_fields = ("reason",)
    fieldsets = (
        (
            _("When and where"),
            {"fields": (("occurred_on", "date_precision"), "region", "facility", "settlement")},
        ),
        (
            _("What happened"),
            {"fields": ("kind", "persons", "description", "public_summary")},
        ),
        (
            _("Sources and review"),
            {
                "fields": (
                    "sources",
                    "contact",
                    "verification",
                    "reason",
                    *REVIEW_FIELDS,
                    "is_synthetic",
                )
            },
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        """Who reported and decided is set by the services; a new event starts as reported."""
        fields = [*super().get_readonly_fields(request, obj), *REVIEW_FIELDS]
        if obj is None or not may_see_names(request.user):
            fields.append("verification")
        return fields

    def create(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """Record the event through the occupied-territory service."""
        values = self.form_values(form)
        values.pop("verification", None)
        return record_event(
            actor=actor_of(request), sources=list(form.cleaned_data["sources"]), **values
        )

    def update(self, request: HttpRequest, obj: Any, form: Any) -> None:
        """Facts, sources and a review step, each through its service."""
        actor = actor_of(request)
        data = form.cleaned_data
        reason = data.get("reason", "")
        changes = self.changed_fields(obj, form)
        changes.pop("verification", None)
        changes.pop("is_synthetic", None)
        if changes:
            update_event(obj, actor=actor, changes=changes, reason=reason)
        if "sources" in form.changed_data:
            set_event_sources(obj, actor=actor, sources=list(data["sources"]), reason=reason)
        if "verification" in form.changed_data:
            try:
                set_event_verification(obj, actor=actor, state=data["verification"], reason=reason)
            except Conflict as error:
                raise InvalidInput({"verification": str(error)}) from None


@admin.register(ContactLogEntry)
class ContactLogEntryAdmin(SealedFieldsAdmin):
    """The contact log with facilities in occupied territory."""

    owner_field = "recorded_by"
    list_display = ("id", "contacted_on", "facility", "channel")
    list_filter = ("channel", "is_synthetic")
    list_select_related = ("facility",)
    search_fields = ("facility__name_uk", "facility__name_en")
    autocomplete_fields = ("facility",)
    fieldsets = (
        (None, {"fields": ("facility", "contacted_on", "channel", "summary")}),
        (_("Contact person"), {"fields": ("contact_name", "contact_details")}),
        (_("Recorded by"), {"fields": ("recorded_by", "is_synthetic")}),
    )
    readonly_fields = ("recorded_by",)

    def create(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """Log the contact through the occupied-territory service."""
        return record_contact(actor=actor_of(request), **self.form_values(form))

    def update(self, request: HttpRequest, obj: Any, form: Any) -> None:
        """Correct the entry; names and contacts are audited as markers."""
        changes = self.changed_fields(obj, form)
        changes.pop("is_synthetic", None)
        if changes:
            update_contact(obj, actor=actor_of(request), changes=changes)
