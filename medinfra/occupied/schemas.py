"""Public shape of occupied-territory data: counts of verified events, nothing else.

No event is public one by one: no settlement, no facility, no persons, no description, no
day. A count names a region (ISO 3166-2), a kind and, for the trend, a month.
"""

from __future__ import annotations

from ninja import Schema


class OccupiedCountPublic(Schema):
    """Verified, current events of one kind in one region."""

    region: str
    kind: str
    count: int


class OccupiedMonthPublic(Schema):
    """Verified, current events of one kind in one month (YYYY-MM), in the whole country."""

    month: str
    kind: str
    count: int
