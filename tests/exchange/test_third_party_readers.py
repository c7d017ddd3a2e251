"""Our exports as tools written by others read them: libhxl, fhir.resources, GeoJSON validators."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from medinfra.exchange.queries import export_pieces

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilities(make_facility: Callable[..., Any], actor: Any) -> list[Any]:
    from medinfra.geography.queries import region_by_code
    from medinfra.geography.services import set_access_status

    set_access_status(region_by_code("UA-09"), status="inaccessible", actor=actor)
    return [
        make_facility(
            region="UA-63",
            name_uk="Обласна лікарня",
            name_en="Regional hospital",
            settlement="Харків",
            latitude=Decimal("49.99"),
            longitude=Decimal("36.23"),
            edrpou="01234567",
            beds=300,
        ),
        make_facility(region="UA-14", kind="paramedic_station", name_en=""),
        make_facility(
            region="UA-09", latitude=Decimal("48.57"), longitude=Decimal("39.31"), is_synthetic=True
        ),
    ]


@pytest.fixture
def verified_incidents(
    facilities: list[Any], make_incident: Callable[..., Any], other_actor: Any
) -> list[Any]:
    from medinfra.incidents.services import set_verification

    made = [
        make_incident(
            facility=facilities[0],
            latitude=Decimal("49.99"),
            longitude=Decimal("36.23"),
            health_workers_killed=2,
            patients_injured=5,
        ),
        make_incident(region="UA-09", latitude=Decimal("48.5"), longitude=Decimal("39.3")),
        make_incident(region="UA-14"),
    ]
    return [set_verification(i, actor=other_actor, state="verified") for i in made]


def test_libhxl_reads_our_hxl_export_back(verified_incidents: list[Any]) -> None:
    import hxl

    data = b"".join(export_pieces("incidents", "hxl"))

    source = hxl.data(io.BytesIO(data))
    rows = list(source)

    tags = [column.display_tag for column in source.columns]
    assert "#adm1+code" in tags and "#date+occurred" in tags and "#event+type" in tags
    assert "#affected+killed+health_workers" in tags
    by_id = {row.get("#event+id"): row for row in rows}
    first = by_id[str(verified_incidents[0].pk)]
    assert first.get("#adm1+code") == "UA-63"
    assert first.get("#affected+killed+health_workers") == "2"
    assert first.get("#affected+injured+patients") == "5"
    assert first.get("#date+occurred") == "2024-03-01"
    assert len(rows) == 3


def test_libhxl_reads_facilities_and_filters_them_by_region(facilities: list[Any]) -> None:
    import hxl

    source = hxl.data(io.BytesIO(b"".join(export_pieces("facilities", "hxl"))))

    kharkiv = list(source.with_rows("#adm1+code=UA-63"))
    assert [row.get("#org+name+i_uk") for row in kharkiv] == ["Обласна лікарня"]
    assert kharkiv[0].get("#geo+lat") == "49.99000"


def test_fhir_resources_validates_our_bundle(facilities: list[Any]) -> None:
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.location import Location
    from fhir.resources.R4B.organization import Organization

    document = json.loads(b"".join(export_pieces("facilities", "fhir")))

    bundle = Bundle.model_validate(document)

    assert bundle.type == "collection"
    resources = [entry.resource for entry in bundle.entry]
    organizations = [r for r in resources if isinstance(r, Organization)]
    locations = [r for r in resources if isinstance(r, Location)]
    assert len(organizations) == len(locations) == 3
    hospital = next(r for r in locations if r.name == "Обласна лікарня")
    assert (hospital.position.latitude, hospital.position.longitude) == (
        Decimal("49.99"),
        Decimal("36.23"),
    )
    assert hospital.address.state == "UA-63" and hospital.address.city == "Харків"
    organization = next(r for r in organizations if r.name == "Обласна лікарня")
    assert {i.value for i in organization.identifier} == {str(facilities[0].pk), "01234567"}
    assert hospital.managingOrganization.reference == next(
        e.fullUrl for e in bundle.entry if e.resource is organization
    )
    inaccessible = next(r for r in locations if r.identifier[0].value == str(facilities[2].pk))
    assert inaccessible.position is None
    assert inaccessible.meta.tag[0].code == "synthetic"


@pytest.mark.parametrize("kind", ["facilities", "incidents"])
def test_geojson_validators_accept_our_geojson(verified_incidents: list[Any], kind: str) -> None:
    import geojson
    import jsonschema

    from medinfra.exchange.formats.geojson import schema

    text = b"".join(export_pieces(kind, "geojson")).decode("utf-8")

    collection = geojson.loads(text)
    assert collection.is_valid, collection.errors()
    jsonschema.validate(json.loads(text), schema())
    assert len(collection["features"]) == 1
    for feature in collection["features"]:
        assert geojson.Point(feature["geometry"]["coordinates"]).is_valid


def test_our_geojson_schema_refuses_what_is_not_our_geojson() -> None:
    import jsonschema

    from medinfra.exchange.formats.geojson import schema

    wrong = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [49.9, 236.2]},
                "properties": {},
            }
        ],
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(wrong, schema())
