"""Who may call what: every route of the API for anonymous callers and every role."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.api.conftest import ROLES, Account, Api, World, errors_of

WRITES: dict[tuple[str, str], str] = {
    ("post", "/incidents"): "reporter",
    ("post", "/facilities/{facility_id}/assessments"): "reporter",
    ("post", "/facilities/{facility_id}/restorations"): "reporter",
    ("post", "/vehicles/{vehicle_id}/events"): "reporter",
    ("post", "/incidents/{incident_id}/verification"): "verifier",
}


def operations() -> list[tuple[str, str]]:
    """Every operation the OpenAPI document describes, as (method, path under /api/v1)."""
    from medinfra.api.api import api

    schema = api.get_openapi_schema(path_prefix="")
    return sorted(
        (method, "/" + path.lstrip("/")) for path, ops in schema["paths"].items() for method in ops
    )


def concrete(path: str, world: World, method: str) -> str:
    """The route with real ids of the world filled in."""
    values = {
        "code": "UA-63",
        "source_id": world.sources[0].pk,
        "facility_id": world.kharkiv.pk,
        "assessment_id": world.assessments[0].pk,
        "restoration_id": world.restoration.pk,
        # Reads ask for a public incident; a verification decides on the unverified one.
        "incident_id": world.unverified.pk if method == "post" else world.verified[0].pk,
        "vehicle_id": world.vehicle.pk,
        "event_id": world.vehicle_event.pk,
        "partner_id": world.partner.pk,
        "project_id": world.project.pk,
        "funding_id": world.funding.pk,
        "agreement_id": world.agreement.pk,
        "figure_id": world.figure.pk,
    }
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


def body_for(path: str, world: World) -> dict[str, Any]:
    if path == "/incidents":
        return {
            "occurred_on": "2024-02-01",
            "region": "UA-63",
            "attack_types": ["heavy_weapons"],
            "resources": ["facility"],
            "sources": [world.sources[0].pk],
        }
    if path.endswith("/assessments"):
        return {"assessed_on": "2024-02-01", "condition": "partial", "functionality": "partial"}
    if path.endswith("/restorations"):
        return {"restored_on": "2024-02-01", "milestone": "fully_restored"}
    if path.endswith("/events"):
        return {"occurred_on": "2024-02-01", "status": "destroyed"}
    return {"state": "verified"}


def test_every_write_route_is_in_the_table_and_every_other_route_is_a_read() -> None:
    found = operations()

    assert {op for op in found if op[0] != "get"} == set(WRITES)
    assert len([op for op in found if op[0] == "get"]) >= 25


@pytest.mark.parametrize(("method", "path"), operations())
def test_route_answers_each_caller_as_its_role_allows(
    api: Api, world: World, accounts: dict[str, Account], method: str, path: str
) -> None:
    url = concrete(path, world, method)
    if method == "get":
        anonymous = api.get(url)
        assert anonymous.status_code == 200, anonymous.content
        for role in ROLES:
            # A token changes nothing about a read: staff get the public shape too.
            seen = api.get(url, token=accounts[role].token)
            assert (seen.status_code, seen.json()) == (200, anonymous.json()), role
        return

    needed = WRITES[(method, path)]
    body = body_for(path, world)
    anonymous = api.post(url, body)
    assert anonymous.status_code == 401
    assert list(errors_of(anonymous)) == ["authorization"]
    assert anonymous["WWW-Authenticate"] == "Bearer"
    # Callers without the role go first: a refused call changes nothing the next one sees.
    for role in [r for r in ROLES if r != needed]:
        refused = api.post(url, body, token=accounts[role].token)
        assert refused.status_code == 403, (role, refused.content)
        assert needed in errors_of(refused)["__all__"][0]
    allowed = api.post(url, body, token=accounts[needed].token)
    assert allowed.status_code in (200, 201), allowed.content


def test_role_is_checked_before_the_body_is_read(
    api: Api, world: World, accounts: dict[str, Account]
) -> None:
    response = api.post("/incidents", raw="{not json", token=accounts["coordinator"].token)

    assert response.status_code == 403


def test_superuser_holds_every_role(api: Api, world: World) -> None:
    from django.contrib.auth import get_user_model

    from medinfra.api.services import issue_token
    from medinfra.core.services import system_actor

    admin = get_user_model().objects.create_superuser(username="root-api", email="", password=None)
    _, secret = issue_token(admin, name="ops", actor=system_actor())

    response = api.post(
        f"/incidents/{world.unverified.pk}/verification", {"state": "under_review"}, token=secret
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        "Bearer mi_not-a-token",
        "Bearer ",
        "Token {token}",
        "{token}",
        "Basic dXNlcjpwYXNz",
        "Bearer {token}x",
    ],
)
def test_request_without_a_valid_token_answers_401(
    client: Any, world: World, accounts: dict[str, Account], header: str
) -> None:
    response = client.post(
        "/api/v1/incidents",
        data="{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=header.format(token=accounts["reporter"].token),
    )

    assert response.status_code == 401
    assert list(errors_of(response)) == ["authorization"]


def test_revoked_token_stops_working(api: Api, world: World, accounts: dict[str, Account]) -> None:
    from medinfra.api.models import ApiToken
    from medinfra.api.services import revoke_token
    from medinfra.core.services import system_actor

    reporter = accounts["reporter"]
    revoke_token(ApiToken.objects.get(owner=reporter.user), actor=system_actor())

    response = api.post("/incidents", {}, token=reporter.token)

    assert response.status_code == 401


def test_token_of_a_deactivated_account_stops_working(
    api: Api, world: World, accounts: dict[str, Account]
) -> None:
    reporter = accounts["reporter"]
    reporter.user.is_active = False
    reporter.user.save()

    response = api.post("/incidents", {}, token=reporter.token)

    assert response.status_code == 401
