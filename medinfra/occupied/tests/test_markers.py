"""Private fields never reach public output: each is seeded with a marker no public page,
export or API answer may contain."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.test import Client
from PIL import Image

from medinfra.evidence.services import attach_evidence
from medinfra.geography.queries import region_by_code
from medinfra.geography.services import set_access_status
from medinfra.incidents.services import set_verification
from medinfra.occupied.services import set_event_verification

MARKERS = {
    "person": "MRKPERSON4ba1",
    "relative": "MRKRELATIVEc2d7",
    "contact_name": "MRKCONTACTe91f",
    "contact_details": "MRKPHONE0d55",
    "contact_summary": "MRKSUMMARY3a08",
    "settlement": "MRKSETTLEMENT77b2",
    "description": "MRKDESCRIPTION5c6e",
    "evidence_event": "MRKFILEEVENT19ad",
    "evidence_incident": "MRKFILEINCIDENT8f40",
    "incident_description": "MRKINCIDENTDESC2b9c",
}
PUBLIC_PAGES = [
    "/",
    "/occupied/",
    "/regions/",
    "/regions/UA-14/",
    "/facilities/",
    "/attacks/",
    "/bulletin.txt",
    "/charts/attacks-by-month.csv",
    "/charts/regions.csv",
]


def png_bytes(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def seeded(
    settings, tmp_path, actor, make_event, make_contact, make_facility, make_incident, verifier
):
    """Verified records whose private fields hold the markers, in an occupied region."""
    settings.MEDINFRA_EVIDENCE_DIR = tmp_path / "evidence"
    set_access_status(region_by_code("UA-14"), status="occupied", actor=actor)
    facility = make_facility(region="UA-14")
    contact = make_contact(
        facility=facility,
        contact_name=MARKERS["contact_name"],
        contact_details=MARKERS["contact_details"],
        summary=MARKERS["contact_summary"],
    )
    event = make_event(
        kind="detention",
        facility=facility,
        contact=contact,
        settlement=MARKERS["settlement"],
        persons=f"{MARKERS['person']}\n{MARKERS['relative']}",
        description=MARKERS["description"],
        public_summary="A paramedic was detained.",
        occurred_on=dt.date(2024, 4, 9),
    )
    set_event_verification(event, actor=verifier, state="verified")
    incident = make_incident(
        facility=facility,
        settlement=MARKERS["settlement"],
        description=MARKERS["incident_description"],
        public_summary="Equipment was removed.",
    )
    set_verification(incident, actor=verifier, state="verified")
    attach_evidence(
        actor=verifier,
        chunks=[png_bytes("red")],
        original_name=f"{MARKERS['evidence_event']}.png",
        occupied_event=event,
    )
    attach_evidence(
        actor=verifier,
        chunks=[png_bytes("blue")],
        original_name=f"{MARKERS['evidence_incident']}.png",
        incident=incident,
    )
    return {"facility": facility, "incident": incident, "event": event}


def leaked(body: str) -> list[str]:
    return [name for name, marker in MARKERS.items() if marker in body]


@pytest.mark.parametrize("language", ["en", "uk"])
def test_public_pages_carry_no_private_field(seeded, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    pages = [*PUBLIC_PAGES, f"/facilities/{seeded['facility'].pk}/"]

    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert leaked(response.content.decode()) == [], path


def test_the_public_page_counts_the_seeded_event(seeded):
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/occupied/").content.decode()

    assert "Detention" in page
    assert "2024-04" in page
    assert "2024-04-09" not in page


def api_paths(client: Client, seeded) -> list[str]:
    schema = client.get("/api/v1/openapi.json").json()
    values = {
        "code": "UA-14",
        "facility_id": seeded["facility"].pk,
        "incident_id": seeded["incident"].pk,
        "source_id": seeded["incident"].sources.first().pk,
    }
    paths = []
    for path, operations in schema["paths"].items():
        if "get" not in operations or "/docs" in path:
            continue
        paths.append(re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), 1)), path))
    return paths


def test_the_public_api_carries_no_private_field(seeded):
    client = Client()
    paths = api_paths(client, seeded)

    assert "/api/v1/incidents" in paths
    assert len(paths) > 20
    for path in [*paths, "/api/v1/openapi.json"]:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert leaked(response.content.decode()) == [], path


def test_the_verified_incident_is_public_without_its_private_fields(seeded):
    body = Client().get(f"/api/v1/incidents/{seeded['incident'].pk}").json()

    assert body["public_summary"] == "Equipment was removed."
    assert body["settlement"] == ""


def test_the_markers_are_there_for_staff_who_may_read_them(seeded, verifier):
    # The control: what the public never sees, a verifier does.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(verifier)
    event_page = client.get(f"/occupied/events/{seeded['event'].pk}/").content.decode()
    evidence_page = client.get(f"/evidence/incidents/{seeded['incident'].pk}/").content.decode()

    assert {"person", "relative", "settlement", "description"} <= set(leaked(event_page))
    assert leaked(evidence_page) == ["evidence_incident"]
