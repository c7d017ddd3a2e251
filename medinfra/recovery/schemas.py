"""Public shape of partners, recovery projects and funding: the allow-list of fields."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema

from medinfra.recovery.models import Funding, RecoveryProject


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
    stage: str
    cost_estimate: Decimal | None
    currency: str
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
