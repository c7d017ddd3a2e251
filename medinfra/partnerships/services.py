"""Writes to partnership agreements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils.translation import gettext as _

from medinfra.core.errors import InvalidInput
from medinfra.core.services import Actor, create_record, update_record
from medinfra.facilities.models import Facility
from medinfra.partnerships.models import AgreementStatus, PartnershipAgreement
from medinfra.recovery.models import Partner


def _areas(areas: Sequence[str] | str | None) -> list[str]:
    """Areas of cooperation as a list of words, from a list or a comma-separated line."""
    if areas is None:
        return []
    if isinstance(areas, str):
        areas = areas.split(",")
    if not isinstance(areas, list | tuple):
        raise InvalidInput({"areas": _("Give the areas of cooperation as a list of words.")})
    return [str(a).strip() for a in areas if str(a).strip()]


def record_agreement(
    *,
    actor: Actor,
    facility: Facility,
    partner: Partner,
    kind: str,
    signed_on: dt.date,
    programme: str = "",
    areas: Sequence[str] | str = (),
    status: str = "active",
    is_synthetic: bool = False,
) -> PartnershipAgreement:
    """Record a signed agreement between a domestic facility and a foreign institution."""
    errors: dict[str, str | list[str]] = {}
    if facility is not None and facility.is_retracted:
        errors["facility"] = _("This facility is retracted.")
    if partner is not None and partner.is_retracted:
        errors["partner"] = _("This partner is retracted.")
    if errors:
        raise InvalidInput(errors)
    return create_record(
        PartnershipAgreement(
            facility=facility,
            partner=partner,
            kind=kind,
            signed_on=signed_on,
            programme=(programme or "").strip(),
            areas=_areas(areas),
            status=status,
            is_synthetic=is_synthetic,
        ),
        actor=actor,
    )


def set_agreement_status(
    agreement: PartnershipAgreement,
    *,
    actor: Actor,
    status: str,
    reason: str = "",
    expected_version: int | None = None,
) -> PartnershipAgreement:
    """Say whether an agreement is in force, completed, suspended or terminated, and why."""
    if status not in AgreementStatus.values:
        raise InvalidInput(
            {
                "status": _("Unknown status %(status)r: use one of %(statuses)s.")
                % {"status": status, "statuses": ", ".join(AgreementStatus.values)}
            }
        )
    return update_record(
        agreement,
        actor=actor,
        changes={"status": status},
        expected_version=expected_version,
        reason=(reason or "").strip(),
    )
