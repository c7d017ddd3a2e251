"""Read endpoints for sources: the documents facts come from (without their full text)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema

from medinfra.api.inputs import check_dates
from medinfra.api.pagination import page_of
from medinfra.api.schemas import MAX_ID, Page, PageParams
from medinfra.core.errors import NotFound
from medinfra.sources.models import Source
from medinfra.sources.schemas import SourcePublic

router = Router(tags=["sources"])

ORDERINGS = {"id": "pk", "title": "title", "publisher": "publisher"}


class SourceFilters(Schema):
    language: str | None = Field(None, max_length=8, description="BCP 47 code, e.g. uk, en")
    publisher: str | None = Field(None, max_length=200, description="Exact publisher name")
    from_: dt.date | None = Field(None, alias="from", description="Published on or after")
    to: dt.date | None = Field(None, description="Published on or before")
    ordering: Literal["id", "-id", "title", "-title", "publisher", "-publisher"] = "id"


@router.get("/sources", response=Page[SourcePublic], summary="List sources")
def list_sources(
    request: HttpRequest, filters: Query[SourceFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Documents that incidents and figures cite."""
    check_dates(filters.from_, filters.to)
    sources = Source.objects.all()
    if filters.language:
        sources = sources.filter(language=filters.language)
    if filters.publisher:
        sources = sources.filter(publisher=filters.publisher)
    if filters.from_:
        sources = sources.filter(published_on__gte=filters.from_)
    if filters.to:
        sources = sources.filter(published_on__lte=filters.to)
    return page_of(sources, params=page, ordering=filters.ordering, orderings=ORDERINGS)


@router.get("/sources/{source_id}", response=SourcePublic, summary="One source")
def get_source(request: HttpRequest, source_id: int = Path(..., ge=1, le=MAX_ID)) -> Source:
    """A source by id."""
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        raise NotFound(f"No source with id {source_id}.")
    return source
