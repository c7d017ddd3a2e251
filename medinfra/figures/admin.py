"""Admin pages for the ledger of reported figures."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from medinfra.core.admin import RecordAdmin, actor_of
from medinfra.figures.models import ReportedFigure
from medinfra.figures.services import record_figure


@admin.register(ReportedFigure)
class ReportedFigureAdmin(RecordAdmin):
    """Numbers that sources published, each with its source and the text it was read from."""

    list_display = (
        "metric",
        "qualifier",
        "value",
        "as_of",
        "as_of_precision",
        "country",
        "region",
        "attributed_to",
        "source",
    )
    list_filter = ("metric", "qualifier", "as_of_precision", "country", "region")
    list_select_related = ("region", "source")
    search_fields = ("span", "attributed_to", "source__title", "source__publisher")
    autocomplete_fields = ("region", "source")

    def create(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """Enter the figure through the figures service."""
        return record_figure(actor=actor_of(request), **self.form_values(form))
