"""Reads of evidence files: which a person may see, and of which record."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from medinfra.core.roles import Role, has_role
from medinfra.evidence.models import EvidenceFile
from medinfra.incidents.models import Incident
from medinfra.occupied.models import OccupiedEvent


def may_review_evidence(user: Any) -> bool:
    """Verifiers and administrators open copies, read file names and retract evidence."""
    return has_role(user, Role.VERIFIER) or has_role(user, Role.ADMINISTRATOR)


def may_attach_to(user: Any, record: Incident | OccupiedEvent) -> bool:
    """Reviewers attach evidence to any record; a reporter to the records they reported."""
    if may_review_evidence(user):
        return True
    return has_role(user, Role.REPORTER) and record.reported_by_id == user.pk


def evidence_of(record: Incident | OccupiedEvent) -> QuerySet[EvidenceFile]:
    """Every file of a record, retracted ones included (marked), newest first."""
    files = EvidenceFile.all_objects.select_related("uploaded_by")
    if isinstance(record, Incident):
        files = files.filter(incident=record)
    else:
        files = files.filter(occupied_event=record)
    return files.order_by("-uploaded_at", "-id")


def evidence_for(user: Any) -> QuerySet[EvidenceFile]:
    """The files a person may list: every one for reviewers, their own uploads for reporters."""
    files = EvidenceFile.all_objects.select_related("uploaded_by")
    if not may_review_evidence(user):
        files = files.filter(uploaded_by_id=user.pk)
    return files.order_by("-uploaded_at", "-id")
