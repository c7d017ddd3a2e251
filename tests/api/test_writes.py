"""Writes through the API: through the services, audited, and nothing changed when refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from tests.api.conftest import Account, Api, World, errors_of

D = dt.date


def stored_rows() -> dict[str, int]:
    """How many rows every table of medinfra holds, retracted ones included."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {
            "core",
            "geography",
            "sources",
            "facilities",
            "incidents",
            "vehicles",
            "recovery",
            "partnerships",
            "figures",
        }
    }


def new_incident(world: World, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "occurred_on": "2024-02-01",
        "region": "UA-63",
        "attack_types": ["heavy_weapons"],
        "resources": ["facility"],
        "sources": [world.sources[0].pk],
    }
    body.update(fields)
    return body


def test_reporter_reports_an_incident_that_stays_private_until_verified(
    api: Api, world: World, accounts: dict[str, Account]
) -> None:
    from medinfra.core.queries import history_of
    from medinfra.incidents.models import Incident

    reporter = accounts["reporter"]
    response = api.post(
        "/incidents",
        new_incident(world, facility=world.kharkiv.pk, health_workers_injured=2, description="x"),
        token=reporter.token,
    )

    assert response.status_code == 201, response.content
    receipt = response.json()
    assert set(receipt) == {"id", "verification", "certainty", "version"}
    assert receipt["verification"] == "reported" and receipt["version"] == 1
    incident = Incident.objects.get(pk=receipt["id"])
    assert incident.reported_by == reporter.user and incident.health_workers_injured == 2
    assert [e.actor_label for e in history_of(incident)] == ["api-reporter"]
    assert api.get(f"/incidents/{incident.pk}").status_code == 404

    decided = api.post(
        f"/incidents/{incident.pk}/verification",
        {"state": "verified", "certainty": "probable", "expected_version": 1},
        token=accounts["verifier"].token,
    )

    assert decided.status_code == 200, decided.content
    assert decided.json() == {
        "id": incident.pk,
        "verification": "verified",
        "certainty": "probable",
        "version": 2,
    }
    assert api.get(f"/incidents/{incident.pk}").json()["certainty"] == "probable"


def test_nobody_verifies_their_own_report(
    api: Api, world: World, accounts: dict[str, Account]
) -> None:
    from django.contrib.auth.models import Group

    from medinfra.incidents.models import Incident

    both = accounts["reporter"]
    both.user.groups.add(Group.objects.get(name="verifier"))
    incident_id = api.post("/incidents", new_incident(world), token=both.token).json()["id"]
    before = stored_rows()

    response = api.post(
        f"/incidents/{incident_id}/verification", {"state": "verified"}, token=both.token
    )

    assert response.status_code == 409
    assert "own report" in errors_of(response)["__all__"][0]
    assert Incident.objects.get(pk=incident_id).verification == "reported"
    assert stored_rows() == before


def test_review_of_a_version_someone_changed_is_refused(
    api: Api, world: World, accounts: dict[str, Account]
) -> None:
    response = api.post(
        f"/incidents/{world.unverified.pk}/verification",
        {"state": "under_review", "expected_version": 7},
        token=accounts["verifier"].token,
    )

    assert response.status_code == 409
    assert "changed by someone else" in errors_of(response)["__all__"][0]


def test_rejection_needs_a_reason(api: Api, world: World, accounts: dict[str, Account]) -> None:
    response = api.post(
        f"/incidents/{world.unverified.pk}/verification",
        {"state": "rejected"},
        token=accounts["verifier"].token,
    )

    assert response.status_code == 422
    assert list(errors_of(response)) == ["reason"]


def test_verifying_an_unknown_incident_answers_404(
    api: Api, world: World, accounts: dict[str, Account]
) -> None:
    response = api.post(
        "/incidents/999999/verification", {"state": "verified"}, token=accounts["verifier"].token
    )

    assert response.status_code == 404
    errors_of(response)


def test_reporter_records_assessment_restoration_and_vehicle_loss(
    api: Api, world: World, accounts: dict[str, Account]
) -> None:
    from medinfra.core.models import AuditEvent

    token = accounts["reporter"].token
    events = AuditEvent.objects.count()

    assessment = api.post(
        f"/facilities/{world.occupied.pk}/assessments",
        {
            "assessed_on": "2024-01-10",
            "condition": "destroyed",
            "functionality": "none",
            "repair_cost": "1200000.50",
            "repair_cost_currency": "uah",
            "assessed_by": "Regional health department",
        },
        token=token,
    )
    restoration = api.post(
        f"/facilities/{world.occupied.pk}/restorations",
        {"restored_on": "2024-03-01", "milestone": "partially_restored", "note": "private"},
        token=token,
    )
    loss = api.post(
        f"/vehicles/{world.vehicle.pk}/events",
        {"occurred_on": "2024-03-02", "status": "seized", "source": world.sources[1].pk},
        token=token,
    )

    assert assessment.status_code == 201, assessment.content
    assert assessment.json()["repair_cost_currency"] == "UAH"
    assert assessment.json()["facility"] == world.occupied.pk
    assert restoration.status_code == 201, restoration.content
    assert "note" not in restoration.json()
    assert loss.status_code == 201, loss.content
    assert loss.json() == {
        "id": loss.json()["id"],
        "vehicle": world.vehicle.pk,
        "occurred_on": "2024-03-02",
        "status": "seized",
    }
    assert AuditEvent.objects.count() == events + 3
    assert set(AuditEvent.objects.order_by("-id")[:3].values_list("actor_label", flat=True)) == {
        "api-reporter"
    }


def test_token_use_is_noted(api: Api, world: World, accounts: dict[str, Account]) -> None:
    from medinfra.api.models import ApiToken

    reporter = accounts["reporter"]
    api.post("/incidents", new_incident(world), token=reporter.token)

    token = ApiToken.objects.get(owner=reporter.user)
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < dt.timedelta(minutes=1)


def _future() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


BAD_INCIDENTS: list[tuple[str, dict[str, Any], str]] = [
    ("unknown region", {"region": "UA-99"}, "region"),
    ("future date", {"occurred_on": "FUTURE"}, "occurred_on"),
    ("impossible date", {"occurred_on": "2024-02-30"}, "occurred_on"),
    ("date as a word", {"occurred_on": "yesterday"}, "occurred_on"),
    (
        "month precision mid-month",
        {"date_precision": "month", "occurred_on": "2024-02-15"},
        "occurred_on",
    ),
    ("negative count", {"health_workers_killed": -1}, "health_workers_killed"),
    ("count as text", {"patients_injured": "three"}, "patients_injured"),
    ("count too large", {"patients_killed": 2**40}, "patients_killed"),
    ("no attack type", {"attack_types": []}, "attack_types"),
    ("unknown attack type", {"attack_types": ["bombing"]}, "attack_types.0"),
    ("attack types not a list", {"attack_types": "heavy_weapons"}, "attack_types"),
    ("unknown source", {"sources": [999999]}, "sources"),
    ("no source", {"sources": []}, "sources"),
    ("unknown facility", {"facility": 999999}, "facility"),
    ("facility in another region", {"facility": "LVIV", "region": "UA-63"}, "facility"),
    ("latitude off the globe", {"latitude": "91", "longitude": "30"}, "latitude"),
    ("point outside the country", {"latitude": "10", "longitude": "10"}, "latitude"),
    ("latitude without longitude", {"latitude": "49.5"}, "longitude"),
    ("NUL in text", {"settlement": "Izium\x00"}, "settlement"),
    ("lone surrogate in text", {"public_summary": "\ud800"}, "public_summary"),
    ("misspelt field", {"health_worker_killed": 1}, "health_worker_killed"),
    ("unknown certainty", {"certainty": "sure"}, "certainty"),
    ("duplicate external id", {"external_id": "DUP"}, "external_id"),
]


@pytest.mark.parametrize(
    ("change", "field"), [c[1:] for c in BAD_INCIDENTS], ids=[c[0] for c in BAD_INCIDENTS]
)
def test_bad_incident_is_refused_naming_the_field_and_changes_nothing(
    api: Api,
    world: World,
    accounts: dict[str, Account],
    make_incident: Any,
    change: dict[str, Any],
    field: str,
) -> None:
    make_incident(external_id="DUP")
    change = {
        k: (_future() if v == "FUTURE" else world.lviv.pk if v == "LVIV" else v)
        for k, v in change.items()
    }
    before = stored_rows()

    response = api.post(
        "/incidents", new_incident(world, **change), token=accounts["reporter"].token
    )

    assert response.status_code == 422, response.content
    assert field in errors_of(response), errors_of(response)
    assert stored_rows() == before


@pytest.mark.parametrize(
    ("raw", "status", "field"),
    [
        ('{"occurred_on": "2024-02-01",', 400, "body"),
        ("not json at all", 400, "body"),
        ("[1, 2, 3]", 422, "body"),
        ('"a string"', 422, "body"),
        ("", 422, "body"),
        ('{"occurred_on": "2024-02-01", "region": "UA-63\\u0000"}', 422, "region"),
    ],
)
def test_malformed_body_is_refused_in_the_error_format(
    api: Api, world: World, accounts: dict[str, Account], raw: str, status: int, field: str
) -> None:
    before = stored_rows()

    response = api.post("/incidents", raw=raw, token=accounts["reporter"].token)

    assert response.status_code == status, response.content
    assert field in errors_of(response), errors_of(response)
    assert stored_rows() == before


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "assessments",
            {"assessed_on": "FUTURE", "condition": "partial", "functionality": "none"},
            "assessed_on",
        ),
        (
            "assessments",
            {"assessed_on": "2024-01-01", "condition": "ruined", "functionality": "none"},
            "condition",
        ),
        (
            "assessments",
            {
                "assessed_on": "2024-01-01",
                "condition": "partial",
                "functionality": "none",
                "repair_cost": "-5",
                "repair_cost_currency": "USD",
            },
            "repair_cost",
        ),
        (
            "assessments",
            {
                "assessed_on": "2024-01-01",
                "condition": "partial",
                "functionality": "none",
                "repair_cost": "5",
            },
            "repair_cost_currency",
        ),
        (
            "assessments",
            {
                "assessed_on": "2024-01-01",
                "condition": "partial",
                "functionality": "none",
                "repair_cost": "5",
                "repair_cost_currency": "U1",
            },
            "repair_cost_currency",
        ),
        (
            "assessments",
            {
                "assessed_on": "2024-01-01",
                "condition": "partial",
                "functionality": "none",
                "source": 999999,
            },
            "source",
        ),
        ("assessments", {"condition": "partial", "functionality": "none"}, "assessed_on"),
        ("restorations", {"restored_on": "2024-01-01", "milestone": "fully_restored"}, "facility"),
        ("restorations", {"restored_on": "2024-01-01", "milestone": "reborn"}, "milestone"),
    ],
)
def test_bad_assessment_or_restoration_is_refused_and_changes_nothing(
    api: Api,
    world: World,
    accounts: dict[str, Account],
    path: str,
    body: dict[str, Any],
    field: str,
) -> None:
    body = {k: (_future() if v == "FUTURE" else v) for k, v in body.items()}
    before = stored_rows()

    # The occupied-region facility has no damage recorded, so it cannot be restored yet.
    response = api.post(
        f"/facilities/{world.occupied.pk}/{path}", body, token=accounts["reporter"].token
    )

    assert response.status_code == 422, response.content
    assert field in errors_of(response), errors_of(response)
    assert stored_rows() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"occurred_on": "2024-01-01", "status": "stolen"}, "status"),
        ({"occurred_on": "FUTURE", "status": "seized"}, "occurred_on"),
        ({"occurred_on": 20240101, "status": "seized"}, "occurred_on"),
    ],
)
def test_bad_vehicle_loss_is_refused_and_changes_nothing(
    api: Api, world: World, accounts: dict[str, Account], body: dict[str, Any], field: str
) -> None:
    body = {k: (_future() if v == "FUTURE" else v) for k, v in body.items()}
    before = stored_rows()

    response = api.post(
        f"/vehicles/{world.vehicle.pk}/events", body, token=accounts["reporter"].token
    )

    assert response.status_code == 422, response.content
    assert field in errors_of(response), errors_of(response)
    assert stored_rows() == before


def test_write_to_an_unknown_facility_answers_404(
    api: Api, world: World, accounts: dict[str, Account]
) -> None:
    response = api.post(
        "/facilities/999999/assessments",
        {"assessed_on": "2024-01-01", "condition": "partial", "functionality": "none"},
        token=accounts["reporter"].token,
    )

    assert response.status_code == 404
    errors_of(response)


def test_write_to_a_retracted_vehicle_answers_404(
    api: Api, world: World, accounts: dict[str, Account], actor: Any
) -> None:
    from medinfra.core.services import retract_record

    retract_record(world.vehicle, actor=actor, reason="entered twice")

    response = api.post(
        f"/vehicles/{world.vehicle.pk}/events",
        {"occurred_on": "2024-01-01", "status": "seized"},
        token=accounts["reporter"].token,
    )

    assert response.status_code == 404
