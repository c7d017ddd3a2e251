"""Nothing private reaches any API answer: staff text, unverified incidents, places in
occupied territory. Markers are seeded where private data lives; every read is then walked."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from tests.api.conftest import Account, Api, World
from tests.api.test_authorization import operations

D = dt.date

MARKERS = {
    "description": "MARKER-staff-description-4821",
    "facility settlement": "MARKER-occupied-settlement-1937",
    "incident settlement": "MARKER-occupied-incident-place-5530",
    "unverified summary": "MARKER-unverified-summary-7781",
    "rejected summary": "MARKER-rejected-summary-2264",
    "retracted summary": "MARKER-retracted-summary-9902",
    "restoration note": "MARKER-restoration-note-6613",
    "vehicle description": "MARKER-vehicle-description-3308",
    "vehicle event note": "MARKER-vehicle-note-1180",
    "source text": "MARKER-source-full-text-4479",
    "retraction reason": "MARKER-retraction-reason-8856",
}
# Coordinates in occupied territory, written as the API would write them.
OCCUPIED_POINT = ("44.95123", "34.10456")


def seed_private_data(
    actor: Any, other_actor: Any, make_incident: Any, make_facility: Any, make_source: Any
) -> None:
    from medinfra.core.services import retract_record
    from medinfra.facilities.services import record_assessment, record_restoration
    from medinfra.incidents.services import set_verification
    from medinfra.vehicles.services import record_vehicle_event, register_vehicle

    # UA-43 is occupied in the world.
    site = make_facility(
        region="UA-43",
        settlement=MARKERS["facility settlement"],
        latitude=Decimal(OCCUPIED_POINT[0]),
        longitude=Decimal(OCCUPIED_POINT[1]),
    )
    record_assessment(
        site, actor=actor, assessed_on=D(2023, 1, 1), condition="partial", functionality="none"
    )
    record_restoration(
        site,
        actor=actor,
        restored_on=D(2023, 7, 1),
        milestone="fully_restored",
        note=MARKERS["restoration note"],
    )
    source = make_source(full_text=MARKERS["source text"])
    verified = make_incident(
        facility=site,
        region="UA-43",
        settlement=MARKERS["incident settlement"],
        latitude=Decimal(OCCUPIED_POINT[0]),
        longitude=Decimal(OCCUPIED_POINT[1]),
        description=MARKERS["description"],
        public_summary="Threats to staff",
        sources=[source],
    )
    set_verification(verified, actor=other_actor, state="verified")
    make_incident(public_summary=MARKERS["unverified summary"], description=MARKERS["description"])
    rejected = make_incident(public_summary=MARKERS["rejected summary"])
    set_verification(rejected, actor=other_actor, state="rejected", reason="not an attack")
    retracted = make_incident(public_summary=MARKERS["retracted summary"])
    retracted = set_verification(retracted, actor=other_actor, state="verified")
    retract_record(retracted, actor=actor, reason=MARKERS["retraction reason"])
    vehicle = register_vehicle(
        actor=actor, region="UA-43", description=MARKERS["vehicle description"]
    )
    record_vehicle_event(
        vehicle,
        actor=actor,
        occurred_on=D(2023, 2, 1),
        status="seized",
        note=MARKERS["vehicle event note"],
    )


def every_id() -> list[int]:
    """Every id of every record, retracted ones too: detail routes are asked for each."""
    from django.apps import apps

    found: set[int] = set()
    for model in apps.get_models():
        if model.__module__.startswith("medinfra.") and model._meta.pk.get_internal_type() in (
            "AutoField",
            "BigAutoField",
        ):
            found.update(model._base_manager.values_list("pk", flat=True))
    return sorted(found)


def every_read(api: Api, token: str | None) -> list[tuple[str, str]]:
    """Every GET answer: every list walked to its end, every detail route for every id."""
    answers = []
    ids = every_id()
    for method, path in operations():
        if method != "get":
            continue
        if "{" not in path:
            cursor = None
            for _ in range(100):
                params: dict[str, Any] = {"limit": 7}
                if cursor:
                    params["cursor"] = cursor
                response = api.get(path, token=token, **params)
                answers.append((path, response.content.decode()))
                cursor = response.json().get("next_cursor")
                if not cursor:
                    break
        elif "{code}" in path:
            for code in ("UA-43", "UA-63", "UA-09"):
                answers.append((path, api.get(path.replace("{code}", code)).content.decode()))
        else:
            for pk in ids:
                url = re.sub(r"\{\w+\}", str(pk), path)
                answers.append((url, api.get(url, token=token).content.decode()))
    for extra in ("/openapi.json", "/figures/headline?region=UA-43", "/figures/by-region"):
        answers.append((extra, api.get(extra).content.decode()))
    return answers


def test_no_api_answer_carries_private_data(
    api: Api,
    world: World,
    accounts: dict[str, Account],
    actor: Any,
    other_actor: Any,
    make_incident: Any,
    make_facility: Any,
    make_source: Any,
) -> None:
    seed_private_data(actor, other_actor, make_incident, make_facility, make_source)

    for token in (None, accounts["verifier"].token):
        answers = every_read(api, token)
        assert len(answers) > 300
        for where, text in answers:
            for what, marker in MARKERS.items():
                assert marker not in text, f"{what} leaked in {where}"
            for coordinate in OCCUPIED_POINT:
                assert coordinate not in text, f"an occupied-territory coordinate leaked in {where}"


def test_write_answers_carry_nothing_of_the_staff_text(
    api: Api, world: World, accounts: dict[str, Account]
) -> None:
    response = api.post(
        "/incidents",
        {
            "occurred_on": "2024-02-01",
            "region": "UA-43",
            "settlement": MARKERS["incident settlement"],
            "attack_types": ["arrest_detention"],
            "resources": ["personnel"],
            "sources": [world.sources[0].pk],
            "description": MARKERS["description"],
        },
        token=accounts["reporter"].token,
    )
    refused = api.post(
        "/incidents",
        {"occurred_on": "2024-02-01", "description": MARKERS["description"]},
        token=accounts["reporter"].token,
    )

    assert response.status_code == 201
    for answer in (response, refused):
        assert MARKERS["description"] not in answer.content.decode()
        assert MARKERS["incident settlement"] not in answer.content.decode()
