"""Writes to partnership agreements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from medinfra.core.services import Actor, create_record
from medinfra.facilities.models import Facility
from medinfra.partnerships.models import PartnershipAgreement
from medinfra.recovery.models import Partner


def record_agreement(
    *,
    actor: Actor,
    facility: Facility,
    partner: Partner,
    kind: str,
    signed_on: dt.date,
    programme: str = "",
    areas: Sequence[str] = (),
    status: str = "active",
    is_synthetic: bool = False,
) -> PartnershipAgreement:
    """Record a signed agreement between a domestic facility and a foreign institution."""
    return create_record(
        PartnershipAgreement(
            facility=facility,
            partner=partner,
            kind=kind,
            signed_on=signed_on,
            programme=programme.strip(),
            areas=[a.strip() for a in areas],
            status=status,
            is_synthetic=is_synthetic,
        ),
        actor=actor,
    )
