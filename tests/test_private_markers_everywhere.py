"""Private data seeded with unique markers reaches no public page, API answer, export or log.

Markers go where private data lives: staff descriptions, places and coordinates in occupied
territory, unverified, rejected and retracted incidents, notes, full texts of sources,
retraction reasons, names and contacts of persons, evidence file names. Then every public page
of the access policy, every API read, every export in every format and every log line written
meanwhile is searched for them.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.conftest import Api, World
from tests.api.conftest import api as api
from tests.api.conftest import world as world
from tests.api.test_private_markers import MARKERS as API_MARKERS
from tests.api.test_private_markers import OCCUPIED_POINT, every_read, seed_private_data
from tests.test_authorization_pages import ACCESS, PUBLIC, page_urls

D = dt.date
PERSON_MARKERS = {
    "person in occupied territory": "MARKER-person-name-6042",
    "contact name": "MARKER-contact-name-3117",
    "contact details": "MARKER-contact-phone-5821",
    "contact summary": "MARKER-contact-summary-7450",
    "occupied event place": "MARKER-occupied-event-place-2290",
    "occupied event description": "MARKER-occupied-event-text-8813",
    "evidence file name": "MARKER-evidence-file-4406",
}
MARKERS = {**API_MARKERS, **PERSON_MARKERS}


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def seeded(
    world: World,
    actor: Any,
    other_actor: Any,
    make_incident: Any,
    make_facility: Any,
    make_source: Any,
    settings: Any,
    tmp_path: Any,
) -> World:
    from medinfra.evidence.services import attach_evidence
    from medinfra.occupied.services import record_contact, record_event, set_event_verification

    settings.MEDINFRA_EVIDENCE_DIR = tmp_path / "evidence"
    seed_private_data(actor, other_actor, make_incident, make_facility, make_source)
    contact = record_contact(
        actor=actor,
        facility=world.occupied,
        contacted_on=D(2024, 3, 1),
        channel="messenger",
        summary=PERSON_MARKERS["contact summary"],
        contact_name=PERSON_MARKERS["contact name"],
        contact_details=PERSON_MARKERS["contact details"],
    )
    event = record_event(
        actor=actor,
        kind="detention",
        occurred_on=D(2024, 3, 5),
        facility=world.occupied,
        settlement=PERSON_MARKERS["occupied event place"],
        persons=PERSON_MARKERS["person in occupied territory"],
        description=PERSON_MARKERS["occupied event description"],
        public_summary="A paramedic was detained.",
        contact=contact,
    )
    set_event_verification(event, actor=other_actor, state="verified")
    attach_evidence(
        actor=other_actor,
        chunks=[_png()],
        original_name=f"{PERSON_MARKERS['evidence file name']}.png",
        occupied_event=event,
    )
    return world


def leaks(body: str) -> list[str]:
    found = [name for name, marker in MARKERS.items() if marker in body]
    if OCCUPIED_POINT[0] in body or OCCUPIED_POINT[1] in body:
        found.append("coordinates in occupied territory")
    return found


def _readable(content: bytes) -> str:
    """The text of an answer; an XLSX workbook is unzipped so its cells are searched too."""
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return "\n".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())
    return content.decode("utf-8", "replace")


def test_no_public_surface_carries_a_marker(
    seeded: World, client: Client, api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    from medinfra.exchange.queries import FORMATS
    from medinfra.exchange.schemas import EXPORT_KINDS
    from medinfra.exchange.views import formats_of

    caplog.set_level(logging.DEBUG)
    found: dict[str, list[str]] = {}
    checked = 0

    def check(where: str, body: str) -> None:
        nonlocal checked
        checked += 1
        if leaked := leaks(body):
            found[where] = leaked

    # every public page of the access policy, in both languages, for every record id
    ids = [str(seeded.kharkiv.pk), str(seeded.occupied.pk), str(seeded.verified[0].pk)]
    values = {"code": "UA-43", "kind": "incidents", "fmt": "csv", "metric": "attacks_recorded"}
    for name, route in page_urls():
        if ACCESS[name] != PUBLIC:
            continue
        for pk in ids:
            path = re.sub(
                r"<(?:\w+:)?(\w+)>",
                lambda m, pk=pk: values.get(m.group(1), pk),
                "/" + route.lstrip("/"),
            )
            for language in ("en", "uk"):
                response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
                check(f"{path} ({language})", _readable(b"".join(response)))
            if "<" not in route:
                break

    # every API read, walked to the end of every list
    for path, body in every_read(api, token=None):
        check(f"/api/v1{path}", body)

    # every export in every format
    for kind in EXPORT_KINDS:
        for fmt in formats_of(kind):
            url = reverse("exchange:download", args=[kind, FORMATS[fmt][0]])
            check(url, _readable(b"".join(client.get(url).streaming_content)))

    # every log line written while all of this was answered and the data was written
    for record in caplog.records:
        check(f"log {record.name}", record.getMessage() + " " + str(record.__dict__))

    assert checked > 200
    assert found == {}


def test_the_markers_are_really_stored_where_staff_read_them(seeded: World) -> None:
    """A control: the private data is in the database, so the search above means something."""
    from medinfra.incidents.models import Incident
    from medinfra.occupied.models import ContactLogEntry, OccupiedEvent

    assert Incident.all_objects.filter(description=API_MARKERS["description"]).exists()
    event = OccupiedEvent.objects.get()
    assert event.persons == PERSON_MARKERS["person in occupied territory"]
    assert ContactLogEntry.objects.get().contact_details == PERSON_MARKERS["contact details"]
