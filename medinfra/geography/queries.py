"""Region and country look-ups."""

from __future__ import annotations

from django.db.models import QuerySet

from medinfra.core.errors import InvalidInput
from medinfra.geography.models import AccessStatus, Country, Region


def region_by_code(code: str, *, field: str = "region") -> Region:
    """The region with this ISO 3166-2 code, or InvalidInput naming the field."""
    normalised = (code or "").strip().upper()
    # No code holds a NUL, and PostgreSQL refuses one in a query (a server error, not an answer).
    found = Region.objects.select_related("country").filter(code=normalised)
    region = None if "\x00" in normalised else found.first()
    if region is None:
        raise InvalidInput(
            {field: f"Unknown region code {code!r}: use an ISO 3166-2 code such as UA-63."}
        )
    return region


def regions_of(country_code: str) -> QuerySet[Region]:
    return Region.objects.filter(country__code=country_code).order_by("code")


def country_by_code(code: str) -> Country | None:
    return Country.objects.filter(code=(code or "").upper()).first()


def inaccessible_regions(country_code: str | None = None) -> QuerySet[Region]:
    """Regions where damage cannot be assessed."""
    regions = Region.objects.filter(access_status=AccessStatus.INACCESSIBLE)
    if country_code:
        regions = regions.filter(country__code=country_code)
    return regions.order_by("code")
