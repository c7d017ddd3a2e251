"""Writes to the ledger of reported figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from medinfra.core.services import Actor, create_record
from medinfra.figures.models import ReportedFigure
from medinfra.geography.models import Region
from medinfra.geography.queries import region_by_code
from medinfra.sources.models import Source


def record_figure(
    *,
    actor: Actor,
    metric: str,
    value: Decimal | int,
    as_of: dt.date,
    country: str,
    source: Source,
    qualifier: str = "exact",
    region: Region | str | None = None,
    span: str = "",
) -> ReportedFigure:
    """Enter a published number into the ledger, with its source."""
    if isinstance(region, str):
        region = region_by_code(region)
    return create_record(
        ReportedFigure(
            metric=metric,
            value=Decimal(value),
            qualifier=qualifier,
            as_of=as_of,
            country=country.strip().upper(),
            region=region,
            source=source,
            span=span,
        ),
        actor=actor,
    )
