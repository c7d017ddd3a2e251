"""Admin pages for the documents that facts come from."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from medinfra.core.admin import RecordAdmin, actor_of
from medinfra.sources.models import Source
from medinfra.sources.services import register_source


@admin.register(Source)
class SourceAdmin(RecordAdmin):
    """Documents that incidents and reported figures cite."""

    list_display = ("publisher", "title", "published_on", "language", "is_synthetic")
    list_filter = ("language", "is_synthetic")
    search_fields = ("publisher", "title", "url")
    # Links typed without a scheme are taken as https, as Django 6 will.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def create(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """Register the source through the sources service."""
        return register_source(actor=actor_of(request), **self.form_values(form))
