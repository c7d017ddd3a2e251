"""Writes to the facility registry: registering, assessing, restoring, retracting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from medinfra.core.services import Actor, create_record
from medinfra.facilities.models import Assessment, Facility, Restoration
from medinfra.geography.models import Region
from medinfra.geography.queries import region_by_code
from medinfra.sources.models import Source


def register_facility(
    *,
    actor: Actor,
    name_uk: str,
    kind: str,
    region: Region | str,
    name_en: str = "",
    settlement: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    edrpou: str = "",
    ownership: str = "unknown",
    beds: int | None = None,
    external_id: str | None = None,
    is_synthetic: bool = False,
) -> Facility:
    """Add a facility to the registry."""
    if isinstance(region, str):
        region = region_by_code(region)
    return create_record(
        Facility(
            name_uk=name_uk.strip(),
            name_en=name_en.strip(),
            kind=kind,
            region=region,
            settlement=settlement.strip(),
            latitude=latitude,
            longitude=longitude,
            edrpou=edrpou.strip(),
            ownership=ownership,
            beds=beds,
            external_id=external_id or None,
            is_synthetic=is_synthetic,
        ),
        actor=actor,
    )


def record_assessment(
    facility: Facility,
    *,
    actor: Actor,
    assessed_on: dt.date,
    condition: str,
    functionality: str,
    repair_cost: Decimal | None = None,
    repair_cost_currency: str = "",
    assessed_by: str = "",
    source: Source | None = None,
) -> Assessment:
    """Record what a facility's building and services looked like on a date."""
    return create_record(
        Assessment(
            facility=facility,
            assessed_on=assessed_on,
            condition=condition,
            functionality=functionality,
            repair_cost=repair_cost,
            repair_cost_currency=repair_cost_currency.strip().upper(),
            assessed_by=assessed_by.strip(),
            source=source,
        ),
        actor=actor,
    )


def record_restoration(
    facility: Facility,
    *,
    actor: Actor,
    restored_on: dt.date,
    milestone: str,
    note: str = "",
    source: Source | None = None,
) -> Restoration:
    """Record that a damaged facility was partially or fully restored on a date."""
    return create_record(
        Restoration(
            facility=facility,
            restored_on=restored_on,
            milestone=milestone,
            note=note,
            source=source,
        ),
        actor=actor,
    )
