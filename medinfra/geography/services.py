"""Writes to countries and regions: loading packaged data, changing access status."""

from __future__ import annotations

import csv
from decimal import Decimal
from importlib import resources
from pathlib import Path

from django.db import transaction

from medinfra.core.errors import InvalidInput
from medinfra.core.services import Actor, record_audit_event, snapshot, validate
from medinfra.geography.models import AccessStatus, Country, Region

DATA = resources.files("medinfra.geography") / "data"


def available_countries() -> list[str]:
    """Codes of the countries whose region lists ship with medinfra."""
    return sorted(p.name for p in Path(str(DATA)).iterdir() if p.is_dir())


@transaction.atomic
def load_country(code: str, *, actor: Actor) -> tuple[Country, int]:
    """Create or refresh a country and its regions from the packaged data; return new regions."""
    code = code.upper()
    with (DATA / "countries.csv").open(encoding="utf-8") as handle:
        rows = {row["code"]: row for row in csv.DictReader(handle)}
    if code not in rows or code not in available_countries():
        raise InvalidInput({"country": f"No region data ships for country {code!r}; "
                                       f"available: {', '.join(available_countries())}."})
    row = rows[code]
    country, _ = Country.objects.update_or_create(
        code=code,
        defaults={
            "name_en": row["name_en"],
            "name_uk": row["name_uk"],
            **{k: Decimal(row[k]) for k in
               ("min_latitude", "max_latitude", "min_longitude", "max_longitude")},
        },
    )
    created = 0
    with (DATA / code / "regions.csv").open(encoding="utf-8") as handle:
        for line in csv.DictReader(handle):
            region, was_created = Region.objects.update_or_create(
                code=line["iso_code"],
                defaults={
                    "country": country,
                    "kind": line["kind"],
                    "name_en": line["name_en"],
                    "name_uk": line["name_uk"],
                    "svg_id": line.get("svg_id", ""),
                },
            )
            if was_created:
                created += 1
                record_audit_event(actor=actor, action="create", obj=region,
                                   changes={"after": snapshot(region)})
    return country, created


@transaction.atomic
def set_access_status(region: Region, *, status: str, actor: Actor, reason: str = "") -> Region:
    """Change what access the registry has to a region (controlled, frontline, occupied, ...)."""
    if status not in AccessStatus.values:
        raise InvalidInput({"access_status": f"Unknown access status {status!r}; use one of "
                                             f"{', '.join(AccessStatus.values)}."})
    before = region.access_status
    if before == status:
        return region
    region.access_status = status
    validate(region)
    region.version += 1
    region.save(update_fields=["access_status", "version"])
    record_audit_event(actor=actor, action="update", obj=region,
                       changes={"before": {"access_status": before},
                                "after": {"access_status": status}}, reason=reason)
    return region
