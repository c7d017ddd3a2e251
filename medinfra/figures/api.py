"""Read endpoints for the ledger of figures that sources published."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema

from medinfra.api.inputs import check_dates, region_filter
from medinfra.api.pagination import page_of
from medinfra.api.schemas import MAX_ID, Page, PageParams
from medinfra.core.errors import NotFound
from medinfra.figures.models import Metric, Qualifier, ReportedFigure
from medinfra.figures.queries import current_figures
from medinfra.figures.schemas import FigurePublic

router = Router(tags=["reported figures"])

ORDERINGS = {"as_of": "as_of", "id": "pk"}


class ReportedFigureFilters(Schema):
    metric: Metric | None = Field(None, description="What was counted")
    qualifier: Qualifier | None = None
    country: str | None = Field(
        None, min_length=2, max_length=2, description="ISO 3166-1 alpha-2 code"
    )
    region: str | None = Field(None, max_length=20, description="ISO 3166-2 code of a region")
    national: bool | None = Field(
        None, description="true: only figures for a whole country; false: only regions'"
    )
    source: int | None = Field(None, ge=1, le=MAX_ID, description="Source id")
    from_: dt.date | None = Field(None, alias="from", description="As of this day or later")
    to: dt.date | None = Field(None, description="As of this day or earlier")
    ordering: Literal["as_of", "-as_of", "id", "-id"] = "as_of"


@router.get(
    "/reported-figures",
    response=Page[FigurePublic],
    summary="List figures published by sources",
)
def list_reported_figures(
    request: HttpRequest, filters: Query[ReportedFigureFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Numbers that ministries, WHO and others published, each with its date, place and source.

    These are what the sources said, not the registry's counts (see /figures for those).
    """
    check_dates(filters.from_, filters.to)
    figures = current_figures()
    if filters.metric:
        figures = figures.filter(metric=filters.metric)
    if filters.qualifier:
        figures = figures.filter(qualifier=filters.qualifier)
    if filters.country:
        figures = figures.filter(country=filters.country.upper())
    region = region_filter(filters.region)
    if region is not None:
        figures = figures.filter(region=region)
    if filters.national is not None:
        figures = figures.filter(region__isnull=filters.national)
    if filters.source:
        figures = figures.filter(source_id=filters.source)
    if filters.from_:
        figures = figures.filter(as_of__gte=filters.from_)
    if filters.to:
        figures = figures.filter(as_of__lte=filters.to)
    return page_of(figures, params=page, ordering=filters.ordering, orderings=ORDERINGS)


@router.get(
    "/reported-figures/{figure_id}",
    response=FigurePublic,
    summary="One figure published by a source",
)
def get_reported_figure(
    request: HttpRequest, figure_id: int = Path(..., ge=1, le=MAX_ID)
) -> ReportedFigure:
    """A published figure by id."""
    found = current_figures().filter(pk=figure_id).first()
    if found is None:
        raise NotFound(f"No reported figure with id {figure_id}.")
    return found
