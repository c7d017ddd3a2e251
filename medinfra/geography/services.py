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


def _audit_refresh(
    obj: Country | Region, *, before: dict[str, object] | None, actor: Actor
) -> None:
    """Audit a record loaded from packaged data: created, or changed by newer data."""
    after = snapshot(obj)
    if before is None:
        record_audit_event(actor=actor, action="create", obj=obj, changes={"after": after})
        return
    changed = {k: v for k, v in before.items() if after.get(k) != v}
    if changed:
        record_audit_event(
            actor=actor,
            action="update",
            obj=obj,
            changes={"before": changed, "after": {k: after[k] for k in changed}},
            reason="Refreshed from the region data shipped with medinfra",
        )


@transaction.atomic
def load_country(code: str, *, actor: Actor) -> tuple[Country, int]:
    """Create or refresh a country and its regions from the packaged data; return new regions."""
    code = code.upper()
    with (DATA / "countries.csv").open(encoding="utf-8") as handle:
        rows = {row["code"]: row for row in csv.DictReader(handle)}
    if code not in rows or code not in available_countries():
        raise InvalidInput(
            {
                "country": f"No region data ships for country {code!r}; "
                f"available: {', '.join(available_countries())}."
            }
        )
    row = rows[code]
    country = Country.objects.filter(code=code).first() or Country(code=code)
    before = snapshot(country) if country.pk else None
    country.name_en, country.name_uk = row["name_en"], row["name_uk"]
    for key in ("min_latitude", "max_latitude", "min_longitude", "max_longitude"):
        setattr(country, key, Decimal(row[key]))
    country.save()
    _audit_refresh(country, before=before, actor=actor)
    created = 0
    with (DATA / code / "regions.csv").open(encoding="utf-8") as handle:
        for line in csv.DictReader(handle):
            region = Region.objects.filter(code=line["iso_code"]).first()
            before = snapshot(region) if region is not None else None
            if region is None:
                region = Region(code=line["iso_code"])
                created += 1
            region.country = country
            region.kind = line["kind"]
            region.name_en, region.name_uk = line["name_en"], line["name_uk"]
            region.svg_id = line.get("svg_id", "")
            if before is not None and snapshot(region) != before:
                region.version += 1
            region.save()
            _audit_refresh(region, before=before, actor=actor)
    return country, created


@transaction.atomic
def set_access_status(region: Region, *, status: str, actor: Actor, reason: str = "") -> Region:
    """Change what access the registry has to a region (controlled, frontline, occupied, ...)."""
    if status not in AccessStatus.values:
        raise InvalidInput(
            {
                "access_status": f"Unknown access status {status!r}; use one of "
                f"{', '.join(AccessStatus.values)}."
            }
        )
    before = region.access_status
    if before == status:
        return region
    region.access_status = status
    validate(region)
    region.version += 1
    region.save(update_fields=["access_status", "version"])
    record_audit_event(
        actor=actor,
        action="update",
        obj=region,
        changes={"before": {"access_status": before}, "after": {"access_status": status}},
        reason=reason,
    )
    return region


@transaction.atomic
def change_country(
    country: Country, *, actor: Actor, changes: dict[str, object], reason: str = ""
) -> Country:
    """Correct a country's names or bounding box, writing an 'update' audit event."""
    editable = {
        "name_en",
        "name_uk",
        "min_latitude",
        "max_latitude",
        "min_longitude",
        "max_longitude",
    }
    if "code" in changes and changes["code"] != country.code:
        raise InvalidInput(
            {
                "code": "A country's code cannot change: its regions and reported "
                "figures refer to it."
            }
        )
    unknown = sorted(set(changes) - editable - {"code"})
    if unknown:
        raise InvalidInput(dict.fromkeys(unknown, "This field cannot be changed."))
    stored = Country.objects.select_for_update().get(pk=country.pk)
    before = snapshot(stored)
    for name, value in changes.items():
        setattr(stored, name, value)
    validate(stored)
    if stored.min_latitude > stored.max_latitude:
        raise InvalidInput({"max_latitude": "The northern edge lies south of the southern one."})
    if stored.min_longitude > stored.max_longitude:
        raise InvalidInput({"max_longitude": "The eastern edge lies west of the western one."})
    stored.save()
    after = snapshot(stored)
    changed = [name for name in before if before[name] != after[name]]
    if changed:
        record_audit_event(
            actor=actor,
            action="update",
            obj=stored,
            changes={
                "before": {name: before[name] for name in changed},
                "after": {name: after[name] for name in changed},
            },
            reason=reason,
        )
    return stored
