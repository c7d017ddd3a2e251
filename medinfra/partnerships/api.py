"""Read endpoints for partnership agreements between domestic and foreign institutions."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema

from medinfra.api.inputs import check_dates, region_filter
from medinfra.api.pagination import page_of
from medinfra.api.schemas import MAX_ID, Page, PageParams
from medinfra.core.errors import NotFound
from medinfra.partnerships.models import AgreementKind, AgreementStatus, PartnershipAgreement
from medinfra.partnerships.schemas import AgreementPublic

router = Router(tags=["partnerships"])

ORDERINGS = {"signed_on": "signed_on", "id": "pk"}


class AgreementFilters(Schema):
    facility: int | None = Field(None, ge=1, le=MAX_ID, description="Domestic facility id")
    partner: int | None = Field(None, ge=1, le=MAX_ID, description="Foreign partner id")
    region: str | None = Field(
        None, max_length=20, description="ISO 3166-2 code of the facility's region"
    )
    kind: AgreementKind | None = None
    status: AgreementStatus | None = None
    programme: str | None = Field(None, max_length=200, description="Exact programme name")
    from_: dt.date | None = Field(None, alias="from", description="Signed on or after")
    to: dt.date | None = Field(None, description="Signed on or before")
    ordering: Literal["signed_on", "-signed_on", "id", "-id"] = "-signed_on"


def _current_agreements() -> Any:
    # An agreement of a retracted facility or partner is not shown: it belongs to them.
    return PartnershipAgreement.objects.filter(
        facility__retracted_at__isnull=True, partner__retracted_at__isnull=True
    )


@router.get("/agreements", response=Page[AgreementPublic], summary="List partnership agreements")
def list_agreements(
    request: HttpRequest, filters: Query[AgreementFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Memoranda and twinnings between domestic facilities and foreign institutions."""
    check_dates(filters.from_, filters.to)
    agreements = _current_agreements()
    if filters.facility:
        agreements = agreements.filter(facility_id=filters.facility)
    if filters.partner:
        agreements = agreements.filter(partner_id=filters.partner)
    region = region_filter(filters.region)
    if region is not None:
        agreements = agreements.filter(facility__region=region)
    if filters.kind:
        agreements = agreements.filter(kind=filters.kind)
    if filters.status:
        agreements = agreements.filter(status=filters.status)
    if filters.programme:
        agreements = agreements.filter(programme=filters.programme)
    if filters.from_:
        agreements = agreements.filter(signed_on__gte=filters.from_)
    if filters.to:
        agreements = agreements.filter(signed_on__lte=filters.to)
    return page_of(agreements, params=page, ordering=filters.ordering, orderings=ORDERINGS)


@router.get(
    "/agreements/{agreement_id}", response=AgreementPublic, summary="One partnership agreement"
)
def get_agreement(
    request: HttpRequest, agreement_id: int = Path(..., ge=1, le=MAX_ID)
) -> PartnershipAgreement:
    """A partnership agreement by id."""
    found = _current_agreements().filter(pk=agreement_id).first()
    if found is None:
        raise NotFound(f"No partnership agreement with id {agreement_id}.")
    return found
