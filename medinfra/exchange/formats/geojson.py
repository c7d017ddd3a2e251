"""GeoJSON (RFC 7946): public records with public coordinates as WGS84 points, streamed."""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import Any

# The JSON Schema our GeoJSON follows (a FeatureCollection of Points), for validators.
SCHEMA_FILE = "geojson-schema.json"


def schema() -> dict[str, Any]:
    """The JSON Schema of the GeoJSON files medinfra writes."""
    text = (resources.files("medinfra.exchange.formats") / SCHEMA_FILE).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def json_value(value: Any) -> Any:
    """A property value as JSON: ISO dates, exact decimals as text, lists as arrays."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value


def feature(row: dict[str, Any]) -> dict[str, Any] | None:
    """One row as a Feature with a Point, or None when it has no public coordinates."""
    latitude, longitude = row.get("latitude"), row.get("longitude")
    if latitude is None or longitude is None:
        return None
    properties = {k: json_value(v) for k, v in row.items() if k not in ("latitude", "longitude")}
    return {
        "type": "Feature",
        "id": row.get("id"),
        # RFC 7946: longitude first, WGS84, no more precision than the data has.
        "geometry": {"type": "Point", "coordinates": [float(longitude), float(latitude)]},
        "properties": properties,
    }


def write(
    rows: Iterable[dict[str, Any]], *, name: str, licence: dict[str, str], batch: int = 500
) -> Iterator[bytes]:
    """Stream a FeatureCollection, a few hundred features a piece."""
    head = {"type": "FeatureCollection", "name": name, "license": licence}
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "features": ['
    yield opening.encode("utf-8")
    pieces: list[str] = []
    first = True
    for row in rows:
        item = feature(row)
        if item is None:
            continue
        text = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
        pieces.append(text if first else "," + text)
        first = False
        if len(pieces) >= batch:
            yield "\n".join(pieces).encode("utf-8")
            pieces = []
    if pieces:
        yield "\n".join(pieces).encode("utf-8")
    yield b"]}\n"
