"""Reads of the reporting pages: a reporter's drafts and reports, the verifiers' queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from medinfra.geography.models import Region
from medinfra.incidents.models import Incident, Verification
from medinfra.reporting.models import Draft, DraftState

QUEUE_PAGE = 50
OWN_REPORTS_SHOWN = 100


def drafts_of(owner: Any, *, state: str = DraftState.OPEN) -> QuerySet[Draft]:
    """A person's drafts in one state, last changed first, with the records they became."""
    return (
        Draft.objects.filter(owner_id=owner.pk, state=state)
        .select_related(
            "amends",
            "incident",
            "assessment__facility",
            "restoration__facility",
            "vehicle_event__vehicle",
        )
        .order_by("-updated_at", "-id")
    )


def incidents_reported_by(reporter: Any) -> QuerySet[Incident]:
    """Incidents a person reported, by any way in, retracted and merged ones included."""
    return (
        Incident.all_objects.filter(reported_by_id=reporter.pk)
        .select_related("region", "facility")
        .prefetch_related("attack_types")
        .order_by("-created_at", "-id")
    )


AWAITING = (Verification.REPORTED, Verification.UNDER_REVIEW)


@dataclass(frozen=True)
class QueuePage:
    incidents: list[Incident]
    total: int
    page: int
    pages: int


def review_queue(*, region: Region | None = None, page: int = 1) -> QueuePage:
    """Incidents reported or under review, the oldest incident first (by its date)."""
    incidents = Incident.objects.filter(verification__in=AWAITING)
    if region is not None:
        incidents = incidents.filter(region=region)
    total = incidents.count()
    pages = max(1, -(-total // QUEUE_PAGE))
    page = min(max(page, 1), pages)
    start = (page - 1) * QUEUE_PAGE
    rows = list(
        incidents.select_related("region", "facility", "reported_by")
        .prefetch_related("attack_types")
        .order_by("occurred_on", "id")[start : start + QUEUE_PAGE]
    )
    return QueuePage(incidents=rows, total=total, page=page, pages=pages)


def incident_for_review(pk: int) -> Incident | None:
    """One incident with everything the review page shows (retracted ones too)."""
    return (
        Incident.all_objects.select_related(
            "region", "facility", "reported_by", "verified_by", "retracted_by", "merged_into"
        )
        .prefetch_related("attack_types", "resources", "sources")
        .filter(pk=pk)
        .first()
    )
