"""FHIR R4: facilities as a Bundle of Organization and Location resources, streamed.

Each facility is an Organization (the institution, with its EDRPOU code) and a Location (the
site, with its address and, where public, its position) managed by it. Only the facilities'
public fields are used.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone

# Identifiers and codes of our own are URNs: they name things in medinfra, not on a web site.
NAMESPACE = uuid.UUID("5b0f8a57-4f2b-4a39-9d0e-2a6f3c7d8e11")
FACILITY_ID = "urn:medinfra:facility"
EDRPOU = "urn:medinfra:edrpou"
KIND = "urn:medinfra:facility-kind"
OWNERSHIP = "urn:medinfra:ownership"
TAGS = "urn:medinfra:tag"
ORGANIZATION_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"


def _uuid(kind: str, facility_id: Any) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{facility_id}"))


def resources_of(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The Organization and the Location of one facility, as Bundle entries."""
    org_id = _uuid("organization", row["id"])
    loc_id = _uuid("location", row["id"])
    identifiers = [{"system": FACILITY_ID, "value": str(row["id"])}]
    if row.get("edrpou"):
        identifiers.append({"system": EDRPOU, "value": row["edrpou"]})
    meta = (
        {"meta": {"tag": [{"system": TAGS, "code": "synthetic", "display": "synthetic data"}]}}
        if row.get("is_synthetic")
        else {}
    )
    aliases = {"alias": [row["name_en"]]} if row.get("name_en") else {}
    organization: dict[str, Any] = {
        "resourceType": "Organization",
        "id": org_id,
        **meta,
        "identifier": identifiers,
        "active": True,
        "type": [
            {
                "coding": [
                    {"system": ORGANIZATION_TYPE, "code": "prov", "display": "Healthcare Provider"}
                ]
            },
            {"coding": [{"system": OWNERSHIP, "code": row.get("ownership") or "unknown"}]},
        ],
        "name": row["name_uk"],
        **aliases,
    }
    region = str(row.get("region") or "")
    address: dict[str, Any] = {"state": region, "country": region.split("-")[0]}
    if row.get("settlement"):
        address["city"] = row["settlement"]
    location: dict[str, Any] = {
        "resourceType": "Location",
        "id": loc_id,
        **meta,
        "identifier": identifiers,
        "status": "active",
        "name": row["name_uk"],
        **aliases,
        "mode": "instance",
        "type": [{"coding": [{"system": KIND, "code": row["kind"]}]}],
        "address": address,
        "managingOrganization": {"reference": f"urn:uuid:{org_id}"},
    }
    if row.get("latitude") is not None and row.get("longitude") is not None:
        location["position"] = {
            "longitude": float(row["longitude"]),
            "latitude": float(row["latitude"]),
        }
    return [
        {"fullUrl": f"urn:uuid:{org_id}", "resource": organization},
        {"fullUrl": f"urn:uuid:{loc_id}", "resource": location},
    ]


def write(rows: Iterable[dict[str, Any]], *, batch: int = 200) -> Iterator[bytes]:
    """Stream a Bundle of type 'collection' holding every facility's two resources."""
    head = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "timestamp": timezone.now().isoformat(timespec="seconds"),
    }
    yield (json.dumps(head, ensure_ascii=False)[:-1] + ', "entry": [').encode("utf-8")
    pieces: list[str] = []
    first = True
    for row in rows:
        for entry in resources_of(row):
            text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
            pieces.append(text if first else "," + text)
            first = False
        if len(pieces) >= batch:
            yield "\n".join(pieces).encode("utf-8")
            pieces = []
    if pieces:
        yield "\n".join(pieces).encode("utf-8")
    yield b"]}\n"
