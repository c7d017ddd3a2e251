"""Exports: public rows only, exactly the allow-listed fields, streamed in every format."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from medinfra.exchange.queries import (
    dictionary_csv,
    export_pieces,
    formats_of,
    public_incident_rows,
    public_rows,
)
from medinfra.exchange.schemas import EXPORT_KINDS, TABLES, written_description

pytestmark = pytest.mark.django_db

MARKERS = ("MARKER-description", "MARKER-village", "MARKER-unverified", "MARKER-retracted")


@pytest.fixture
def world(
    make_facility: Callable[..., Any],
    make_incident: Callable[..., Any],
    make_source: Callable[..., Any],
    actor: Any,
    other_actor: Any,
) -> dict[str, Any]:
    """Verified and unverified incidents, one in occupied territory, a retracted one."""
    from medinfra.core.services import retract_record
    from medinfra.geography.queries import region_by_code
    from medinfra.geography.services import set_access_status
    from medinfra.incidents.services import set_verification

    set_access_status(region_by_code("UA-43"), status="occupied", actor=actor)
    free = make_facility(region="UA-63", latitude=Decimal("49.99"), longitude=Decimal("36.23"))
    hidden = make_facility(
        region="UA-43",
        latitude=Decimal("44.95"),
        longitude=Decimal("34.10"),
        settlement="MARKER-village",
    )
    kept, withdrawn = make_source(), make_source(title="MARKER-retracted source")
    public = make_incident(
        facility=free,
        settlement="Харків",
        latitude=Decimal("49.99001"),
        longitude=Decimal("36.23002"),
        description="MARKER-description",
        public_summary="Shelling",
        sources=[kept, withdrawn],
        attack_types=["setting_fire", "heavy_weapons"],
    )
    occupied = make_incident(
        region="UA-43",
        facility=hidden,
        settlement="MARKER-village",
        latitude=Decimal("44.95001"),
        longitude=Decimal("34.10002"),
    )
    make_incident(public_summary="MARKER-unverified")
    retracted = make_incident(public_summary="MARKER-retracted")
    for incident in (public, occupied, retracted):
        set_verification(incident, actor=other_actor, state="verified")
    retract_record(retracted, actor=actor, reason="duplicate")
    retract_record(withdrawn, actor=actor, reason="wrong document")
    return {"public": public, "occupied": occupied, "free": free, "hidden": hidden}


def export_text(kind: str, fmt: str) -> str:
    return b"".join(export_pieces(kind, fmt)).decode("utf-8")


def test_incident_rows_are_what_the_public_schema_shows(world: dict[str, Any]) -> None:
    from medinfra.incidents.models import Incident
    from medinfra.incidents.schemas import IncidentPublic

    rows = list(public_incident_rows(chunk_size=1))

    expected = [
        IncidentPublic.of(i).model_dump()
        for i in Incident.objects.filter(
            pk__in=[world["public"].pk, world["occupied"].pk]
        ).order_by("pk")
    ]
    assert rows == expected
    assert rows[0]["sources"] == [world["public"].sources.order_by("pk").first().pk]
    assert rows[0]["attack_types"] == ["heavy_weapons", "setting_fire"]
    assert (rows[1]["settlement"], rows[1]["latitude"], rows[1]["longitude"]) == ("", None, None)


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 1000])
def test_public_incident_rows_are_public_incidents(
    world: dict[str, Any],
    make_incident: Callable[..., Any],
    other_actor: Any,
    chunk_size: int,
) -> None:
    """The export walks every incident by key and keeps public_incidents()'s: whole chunks of
    unverified or retracted incidents between public ones lose nothing and add nothing."""
    import datetime as dt

    from django.utils import timezone

    from medinfra.incidents.queries import public_incidents
    from medinfra.incidents.services import set_verification

    for n in range(7):
        incident = make_incident(occurred_on=dt.date(2023, 1, 1 + n))
        if n in (3, 6):
            set_verification(incident, actor=other_actor, state="verified")

    ids = [row["id"] for row in public_incident_rows(chunk_size=chunk_size)]

    expected = public_incidents(as_of=timezone.localdate()).order_by("pk")
    assert ids == list(expected.values_list("pk", flat=True))
    assert len(ids) == 4


@pytest.mark.parametrize("fmt", ["csv", "hxl", "geojson", "xlsx"])
def test_incident_exports_hold_nothing_private(world: dict[str, Any], fmt: str) -> None:
    data = b"".join(export_pieces("incidents", fmt))
    if fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True)
        text = " ".join(
            str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row
        )
    else:
        text = data.decode("utf-8")
    for marker in MARKERS:
        assert marker not in text
    assert "44.95001" not in text and "34.10002" not in text
    assert "Shelling" in text


def test_facility_exports_hide_coordinates_in_occupied_regions(world: dict[str, Any]) -> None:
    rows = {r["id"]: r for r in public_rows("facilities")}
    assert rows[world["hidden"].pk]["latitude"] is None
    assert rows[world["free"].pk]["latitude"] == Decimal("49.99000")
    for fmt in formats_of("facilities"):
        text = b"".join(export_pieces("facilities", fmt)).decode("utf-8", errors="ignore")
        assert "44.95" not in text and "34.1" not in text


def test_geojson_has_points_only_where_coordinates_are_public(world: dict[str, Any]) -> None:
    features = json.loads(export_text("incidents", "geojson"))["features"]

    assert [f["id"] for f in features] == [world["public"].pk]
    assert features[0]["geometry"] == {"type": "Point", "coordinates": [36.23002, 49.99001]}
    assert "latitude" not in features[0]["properties"]


@pytest.mark.parametrize("kind", EXPORT_KINDS)
def test_every_export_has_exactly_the_public_schemas_fields(kind: str) -> None:
    table = TABLES[kind]
    assert table.schema is not None
    assert [c.name for c in table.export_columns] == list(table.schema.model_fields)
    header = next(csv.reader(io.StringIO(export_text(kind, "csv"))))
    assert header == list(table.schema.model_fields)


@pytest.mark.parametrize("kind", EXPORT_KINDS)
def test_every_exported_column_has_its_own_hashtag_and_written_meaning(kind: str) -> None:
    table = TABLES[kind]
    tags = [c.hxl for c in table.export_columns]
    assert len(set(tags)) == len(tags)
    for column in table.export_columns:
        assert written_description(table, column.name), (
            f"write the data dictionary entry of {kind}.{column.name} in exchange/schemas.py"
        )


def test_the_data_dictionary_lists_types_and_allowed_values() -> None:
    rows = list(csv.DictReader(io.StringIO(b"".join(dictionary_csv("incidents")).decode())))

    by_column = {r["column"]: r for r in rows}
    assert list(by_column) == [c.name for c in TABLES["incidents"].export_columns]
    assert "heavy_weapons" in by_column["attack_types"]["allowed_values"]
    assert by_column["occurred_on"]["type"] == "date, YYYY-MM-DD"
    assert by_column["occurred_on"]["hxl"] == "#date+occurred"
    assert "description" not in by_column


def test_the_workbook_holds_the_data_the_dictionary_and_the_licence(world: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(b"".join(export_pieces("facilities", "xlsx"))))

    assert book.sheetnames == ["facilities", "dictionary", "licence"]
    assert book["facilities"].max_row == 3
    assert "CC BY 4.0" in book["licence"]["A2"].value


def test_an_export_is_streamed_in_pieces(make_facility: Callable[..., Any]) -> None:
    for _ in range(1200):
        make_facility()

    pieces = list(export_pieces("facilities", "csv"))

    assert len(pieces) >= 3
    assert sum(p.count(b"\n") for p in pieces) == 1201


def test_a_table_longer_than_excel_allows_continues_on_another_sheet(
    make_facility: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import load_workbook

    from medinfra.exchange.formats import xlsx

    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    for _ in range(5):
        make_facility()

    book = load_workbook(io.BytesIO(b"".join(export_pieces("facilities", "xlsx"))))

    assert book.sheetnames[:3] == ["facilities", "facilities (2)", "facilities (3)"]
    assert [book[name].max_row for name in book.sheetnames[:3]] == [3, 3, 2]
