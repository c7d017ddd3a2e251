"""Public shape of regions: the allow-list of fields that may leave the system."""

from __future__ import annotations

from ninja import Schema

from medinfra.geography.models import Region


class RegionPublic(Schema):
    code: str
    country: str
    kind: str
    name_en: str
    name_uk: str
    access_status: str

    @staticmethod
    def resolve_country(obj: Region) -> str:
        return obj.country.code
