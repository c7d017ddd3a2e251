"""Writes to recovery projects, partners and funding."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from medinfra.core.errors import InvalidInput
from medinfra.core.services import Actor, create_record
from medinfra.facilities.models import Facility
from medinfra.geography.models import Region
from medinfra.geography.queries import region_by_code
from medinfra.recovery.models import Funding, Partner, RecoveryProject


def register_partner(
    *,
    actor: Actor,
    name_en: str,
    kind: str,
    name_uk: str = "",
    country: str = "",
    is_synthetic: bool = False,
) -> Partner:
    """Add a partner organisation."""
    return create_record(
        Partner(
            name_en=name_en.strip(),
            name_uk=name_uk.strip(),
            kind=kind,
            country=country.strip().upper(),
            is_synthetic=is_synthetic,
        ),
        actor=actor,
    )


def register_project(
    *,
    actor: Actor,
    title_en: str,
    block: int,
    region: Region | str | None = None,
    facility: Facility | None = None,
    title_uk: str = "",
    stage: str = "idea",
    cost_estimate: Decimal | None = None,
    currency: str = "",
    priority: int = 3,
    is_synthetic: bool = False,
) -> RecoveryProject:
    """Add a recovery project for a facility or a region."""
    if isinstance(region, str):
        region = region_by_code(region)
    if region is None:
        if facility is None:
            raise InvalidInput({"region": "Give the region, or the facility the project is for."})
        region = facility.region
    return create_record(
        RecoveryProject(
            title_en=title_en.strip(),
            title_uk=title_uk.strip(),
            facility=facility,
            region=region,
            block=block,
            stage=stage,
            cost_estimate=cost_estimate,
            currency=currency.strip().upper(),
            priority=priority,
            is_synthetic=is_synthetic,
        ),
        actor=actor,
    )


def record_funding(
    project: RecoveryProject,
    *,
    actor: Actor,
    partner: Partner,
    kind: str,
    amount: Decimal,
    currency: str,
    on: dt.date,
) -> Funding:
    """Record a partner's commitment or disbursement to a project."""
    return create_record(
        Funding(
            project=project,
            partner=partner,
            kind=kind,
            amount=amount,
            currency=currency.strip().upper(),
            on=on,
        ),
        actor=actor,
    )
