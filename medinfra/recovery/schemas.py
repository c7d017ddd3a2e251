"""Public shape of partners, projects, stages, funding, rates and priorities: the allow-list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema

from medinfra.recovery.models import (
    CurrencyRate,
    Funding,
    PopulationServed,
    RecoveryProject,
    StageChange,
)


class PartnerPublic(Schema):
    id: int
    name_en: str
    name_uk: str
    kind: str
    country: str
    is_synthetic: bool


class ProjectPublic(Schema):
    id: int
    title_en: str
    title_uk: str
    facility: int | None
    region: str
    block: int
    scope: str
    stage: str
    stage_since: dt.date | None
    cost_estimate: Decimal | None
    currency: str
    estimated_on: dt.date | None
    priority: int
    is_synthetic: bool

    @staticmethod
    def resolve_facility(obj: RecoveryProject) -> int | None:
        return obj.facility_id

    @staticmethod
    def resolve_region(obj: RecoveryProject) -> str:
        return obj.region.code


class FundingPublic(Schema):
    id: int
    partner: int
    project: int
    kind: str
    amount: Decimal
    currency: str
    on: dt.date

    @staticmethod
    def resolve_partner(obj: Funding) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_project(obj: Funding) -> int:
        return obj.project_id


class StageChangePublic(Schema):
    """A project's dated stage; its note is free text and never public."""

    id: int
    project: int
    from_stage: str
    to_stage: str
    on: dt.date

    @staticmethod
    def resolve_project(obj: StageChange) -> int:
        return obj.project_id


class CurrencyRatePublic(Schema):
    id: int
    currency: str
    valid_from: dt.date
    per_usd: Decimal
    source: int | None
    is_synthetic: bool

    @staticmethod
    def resolve_source(obj: CurrencyRate) -> int | None:
        return obj.source_id


class PriorityWeightsPublic(Schema):
    damage: int
    services: int
    population: int
    operation: int
    access: int
    version: int


class PopulationServedPublic(Schema):
    facility: int
    population: int
    as_of: dt.date
    source: int | None

    @staticmethod
    def resolve_facility(obj: PopulationServed) -> int:
        return obj.facility_id

    @staticmethod
    def resolve_source(obj: PopulationServed) -> int | None:
        return obj.source_id
