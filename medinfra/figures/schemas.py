"""Public shape of reported figures: the allow-list of fields that may leave the system.

A published figure is public by nature: the number, what it counts, the date, the place, the
source and the exact words it was read from. Who entered it and when stay in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema

from medinfra.figures.models import ReportedFigure


class FigurePublic(Schema):
    id: int
    metric: str
    value: Decimal
    qualifier: str
    as_of: dt.date
    as_of_precision: str
    country: str
    region: str | None
    source: int
    attributed_to: str
    span: str
    is_synthetic: bool

    @staticmethod
    def resolve_region(obj: ReportedFigure) -> str | None:
        return obj.region.code if obj.region is not None else None

    @staticmethod
    def resolve_source(obj: ReportedFigure) -> int:
        return obj.source_id

    @staticmethod
    def resolve_is_synthetic(obj: ReportedFigure) -> bool:
        return bool(obj.source.is_synthetic)
