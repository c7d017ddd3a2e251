"""Admin pages for countries and regions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from medinfra.core.admin import RecordAdmin, RecordForm, actor_of
from medinfra.geography.models import Country, Region
from medinfra.geography.services import change_country, set_access_status

# A region's identity comes from the packaged data; staff change only its access status.
REGION_FIXED_FIELDS = ("country", "code", "kind", "name_en", "name_uk", "svg_id", "boundary")


@admin.register(Country)
class CountryAdmin(RecordAdmin):
    """Countries the registry covers, with the bounding box that coordinates are checked in."""

    list_display = (
        "code",
        "name_en",
        "name_uk",
        "min_latitude",
        "max_latitude",
        "min_longitude",
        "max_longitude",
    )
    search_fields = ("code", "name_en", "name_uk")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        """The code once the country exists: its regions and figures refer to it."""
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "code"] if obj is not None else fields

    def update(self, request: HttpRequest, obj: Any, form: Any) -> None:
        """Correct names or the bounding box through the geography services."""
        changes = self.changed_fields(obj, form)
        if changes:
            change_country(obj, actor=actor_of(request), changes=changes)


class RegionForm(RecordForm):
    """A region, and why its access status changes."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Why the access status changes; kept in the audit trail."),
    )


@admin.register(Region)
class RegionAdmin(RecordAdmin):
    """First-level regions; the access status says whether damage there can be assessed."""

    form = RegionForm
    list_display = ("code", "name_en", "name_uk", "kind", "country", "access_status")
    list_filter = ("country", "access_status", "kind")
    list_select_related = ("country",)
    search_fields = ("code", "name_en", "name_uk")
    form_only_fields = ("reason",)
    change_only_fields = ("reason",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        """Everything but the access status once the region exists."""
        fields = list(super().get_readonly_fields(request, obj))
        return [*REGION_FIXED_FIELDS, *fields] if obj is not None else fields

    def update(self, request: HttpRequest, obj: Any, form: Any) -> None:
        """Change the access status through the geography services, with the reason given."""
        if "access_status" not in form.changed_data:
            return
        # The service compares with the stored status; the form's instance already holds the new.
        stored = Region.objects.get(pk=obj.pk)
        region = set_access_status(
            stored,
            status=form.cleaned_data["access_status"],
            actor=actor_of(request),
            reason=form.cleaned_data.get("reason", ""),
        )
        obj.version = region.version
