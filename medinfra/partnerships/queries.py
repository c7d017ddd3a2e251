"""Reads of partnership agreements: lists with filters, and counts by programme and country."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from medinfra.partnerships.models import AgreementStatus, PartnershipAgreement

# The programme of seeds/004, spelt as the ministry spells it.
INTERNATIONAL_MEDICAL_PARTNERSHIP = "International Medical Partnership"

# Areas offered when an agreement is typed in; others may be added.
SUGGESTED_AREAS = (
    "rehabilitation",
    "surgery",
    "training",
    "mental health",
    "paediatrics",
    "emergency care",
    "oncology",
    "cardiology",
    "burns",
    "prosthetics",
)


def agreements(
    *,
    as_of: dt.date | None = None,
    country: str | None = None,
    programme: str | None = None,
    partner_country: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    area: str | None = None,
) -> list[PartnershipAgreement]:
    """Current agreements signed on or before the day, newest first, filtered.

    `country` is the domestic facility's country; `partner_country` the foreign institution's
    ("" for international organisations, which have none).
    """
    day = as_of or timezone.localdate()
    rows = PartnershipAgreement.objects.filter(signed_on__lte=day).select_related(
        "facility__region", "partner"
    )
    if country:
        rows = rows.filter(facility__region__country__code=country)
    if programme is not None:
        rows = rows.filter(programme=programme)
    if partner_country is not None:
        rows = rows.filter(partner__country=partner_country)
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    found = list(rows.order_by("-signed_on", "id"))
    if area:
        # Areas are a JSON list; not every database can search inside one, so filter here.
        wanted = area.strip().casefold()
        found = [a for a in found if wanted in (x.casefold() for x in a.areas)]
    return found


@dataclass(frozen=True)
class AgreementCounts:
    """How many agreements: in all, by programme, by partner country, by status and by area."""

    total: int
    by_programme: list[tuple[str, int]]
    by_partner_country: list[tuple[str, int]]
    by_programme_and_country: list[tuple[str, str, int]]
    by_status: list[tuple[str, str, int]]
    by_area: list[tuple[str, int]]

    def in_programme(self, programme: str) -> int:
        return dict(self.by_programme).get(programme, 0)


def _ranked(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda pair: (-pair[1], pair[0]))


def agreement_counts(
    rows: list[PartnershipAgreement] | None = None,
    *,
    as_of: dt.date | None = None,
    country: str | None = None,
) -> AgreementCounts:
    """Counts of the given agreements, or of every current one signed on or before the day."""
    if rows is None:
        rows = agreements(as_of=as_of, country=country)
    programmes: Counter[str] = Counter(a.programme for a in rows)
    countries: Counter[str] = Counter(a.partner.country for a in rows)
    pairs: Counter[tuple[str, str]] = Counter((a.programme, a.partner.country) for a in rows)
    statuses: Counter[str] = Counter(a.status for a in rows)
    areas: Counter[str] = Counter(area.casefold() for a in rows for area in set(a.areas))
    return AgreementCounts(
        total=len(rows),
        by_programme=_ranked(programmes),
        by_partner_country=_ranked(countries),
        by_programme_and_country=[
            (programme, partner_country, n)
            for (programme, partner_country), n in sorted(
                pairs.items(), key=lambda item: (item[0][0], -item[1], item[0][1])
            )
        ],
        by_status=[
            (value, str(label), statuses.get(value, 0)) for value, label in AgreementStatus.choices
        ],
        by_area=_ranked(areas),
    )


def programmes() -> list[str]:
    """The programmes agreements have been signed under, for filters and suggestions."""
    return sorted(
        set(PartnershipAgreement.objects.exclude(programme="").values_list("programme", flat=True))
    )
