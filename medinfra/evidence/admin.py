"""Admin pages for evidence files: read-only, file names only for verifiers and administrators.

Files are added on the evidence pages (checked, hashed, stored); here they can be found,
inspected and retracted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from medinfra.evidence.models import EvidenceFile
from medinfra.evidence.queries import may_review_evidence
from medinfra.occupied.admin import SealedFieldsAdmin

FIELDS = (
    "incident",
    "occupied_event",
    "uploaded_by",
    "uploaded_at",
    "size",
    "sha256",
    "detected_type",
    "original_name",
)


@admin.register(EvidenceFile)
class EvidenceFileAdmin(SealedFieldsAdmin):
    """Evidence files of incidents and occupied-territory events."""

    owner_field = "uploaded_by"
    list_display = ("id", "uploaded_at", "detected_type", "size", "incident", "occupied_event")
    list_filter = ("detected_type",)
    search_fields = ("=sha256", "=incident__id", "=occupied_event__id")
    fieldsets = ((None, {"fields": FIELDS}),)
    readonly_fields = FIELDS

    def sealed(self, request: HttpRequest) -> set[str]:
        """The original file name is for verifiers and administrators."""
        return set() if may_review_evidence(request.user) else {"original_name"}

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Never here: files arrive through the evidence pages, which check them."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Nothing of a file changes; retraction (an action of the list) marks it."""
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)
