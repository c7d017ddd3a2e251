"""Public shape of partnership agreements: the allow-list of fields."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from medinfra.partnerships.models import PartnershipAgreement


class AgreementPublic(Schema):
    id: int
    facility: int
    partner: int
    kind: str
    programme: str
    signed_on: dt.date
    areas: list[str]
    status: str
    is_synthetic: bool

    @staticmethod
    def resolve_facility(obj: PartnershipAgreement) -> int:
        return obj.facility_id

    @staticmethod
    def resolve_partner(obj: PartnershipAgreement) -> int:
        return obj.partner_id
