"""Admin pages for partnership agreements."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from medinfra.core.admin import RecordAdmin, RecordForm, actor_of
from medinfra.partnerships.models import PartnershipAgreement
from medinfra.partnerships.services import record_agreement


class AreasField(forms.CharField):
    """Areas of cooperation typed as a comma-separated line, kept as a list of words."""

    def prepare_value(self, value: Any) -> Any:
        """The stored list as the line the user edits."""
        if isinstance(value, list):
            return ", ".join(str(area) for area in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        """The typed line as a list of areas, blanks dropped."""
        text = super().to_python(value) or ""
        return [area.strip() for area in text.split(",") if area.strip()]

    def has_changed(self, initial: Any, data: Any) -> bool:
        """Whether the areas differ, however they were spaced."""
        return bool(self.to_python(self.prepare_value(initial or [])) != self.to_python(data))


class PartnershipAgreementForm(RecordForm):
    """An agreement, with its areas of cooperation as one line of text."""

    areas = AreasField(
        label=_("Areas of cooperation"),
        required=False,
        help_text=_("Separated by commas, e.g. rehabilitation, surgery"),
    )


@admin.register(PartnershipAgreement)
class PartnershipAgreementAdmin(RecordAdmin):
    """Memoranda and twinnings between domestic facilities and foreign institutions."""

    form = PartnershipAgreementForm
    list_display = ("facility", "partner", "kind", "programme", "signed_on", "status")
    list_filter = ("kind", "status", "programme", "is_synthetic")
    list_select_related = ("facility", "partner")
    search_fields = ("facility__name_uk", "facility__name_en", "partner__name_en", "programme")
    autocomplete_fields = ("facility", "partner")

    def create(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """Record the agreement through the partnerships service."""
        return record_agreement(actor=actor_of(request), **self.form_values(form))
