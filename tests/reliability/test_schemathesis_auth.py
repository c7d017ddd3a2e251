"""schemathesis over the whole API as a signed-in client: every request carries the token of an
account holding every role, so the writes get past authentication to their validation and
services. No answer is a server error, and every answer matches the OpenAPI document.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import World, world  # noqa: F401 - the fixture, for this test too
from tests.reliability.budget import fuzz, tally

pytestmark = pytest.mark.slow

# Examples per operation and mode: about 30 operations, two modes, a minute or two in all.
EXAMPLES = 35
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def in_process_server() -> Iterator[None]:
    """Serve the WSGI app in the test's own transaction, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def token(db: None) -> str:
    """The API token of an account that holds every role."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from medinfra.api.services import issue_token
    from medinfra.core.roles import Role, ensure_role_groups
    from medinfra.core.services import system_actor

    ensure_role_groups()
    user = get_user_model().objects.create_user(username="api-every-role")
    user.groups.add(*Group.objects.filter(name__in=[role.value for role in Role]))
    _, secret = issue_token(user, name="reliability", actor=system_actor())
    return secret


def known_records(world: World) -> dict[str, str]:  # noqa: F811
    """A path parameter's value that names a record of the world (generated ids rarely do)."""
    return {
        "code": "UA-63",
        "source_id": str(world.sources[0].pk),
        "facility_id": str(world.kharkiv.pk),
        "assessment_id": str(world.assessments[0].pk),
        "restoration_id": str(world.restoration.pk),
        "incident_id": str(world.verified[0].pk),
        "vehicle_id": str(world.vehicle.pk),
        "event_id": str(world.vehicle_event.pk),
        "partner_id": str(world.partner.pk),
        "project_id": str(world.project.pk),
        "funding_id": str(world.funding.pk),
        "agreement_id": str(world.agreement.pk),
    }


def exercise(
    operation: Any,
    mode: GenerationMode,
    answered: Counter[str],
    token: str,
    known: dict[str, str],
) -> None:
    """Call one operation with generated requests, each with the token; in positive mode half
    of them name a record that exists, so that reads and writes get past their 404."""
    # The in-process client does not unpack gzip, which the site's middleware may apply.
    headers = {"Accept-Encoding": "identity", "Authorization": f"Bearer {token}"}

    @fuzz(EXAMPLES)
    @given(case=operation.as_strategy(generation_mode=mode), existing=st.booleans())
    def call(case: Any, existing: bool) -> None:
        if existing and mode == GenerationMode.POSITIVE and case.path_parameters:
            case.path_parameters = {
                name: known.get(name, value) for name, value in case.path_parameters.items()
            }
        response = case.call(headers=headers)
        answered[f"{operation.method.upper()} {response.status_code}"] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)
        if response.status_code == 422:
            # A refused parameter or field is named: never only "__all__".
            named = [name for name in response.json()["errors"] if name and name != "__all__"]
            assert named, response.json()

    call()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_called_with_a_token_of_every_role_meets_no_server_error(
    world: World,  # noqa: F811
    token: str,
    in_process_server: None,
    mode: GenerationMode,
) -> None:
    from medinfra.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    writes = [o for o in operations if o.method.upper() == "POST"]
    assert len(operations) >= 30 and len(writes) >= 5

    answered: Counter[str] = Counter()
    known = known_records(world)
    for operation in operations:
        exercise(operation, mode, answered, token, known)

    requests = sum(answered.values())
    tally(f"API requests, {mode.value}", requests)
    print(f"\nschemathesis {mode.value} with a token: {requests} requests, {dict(answered)}")
    assert not [status for status in answered if int(status.split()[1]) >= 500]
    # The token opened the writes: they reached validation (422) or wrote (201). (Negative
    # cases may send a broken Authorization header of their own: 401 is right for those.)
    assert any(status.startswith("POST 422") for status in answered)
    if mode == GenerationMode.POSITIVE:
        assert not [status for status in answered if status.startswith("POST 401")]
        # A write got past validation to the service: it wrote (201) or met a record's state
        # (409). With fewer examples (the PostgreSQL pass) none may happen to write.
        assert any(status.startswith(("POST 201", "POST 409")) for status in answered)


def test_a_nul_in_any_parameter_is_answered_without_a_server_error(
    world: World,  # noqa: F811
    token: str,
    client: Any,
) -> None:
    """PostgreSQL refuses a NUL in a query; generated strings seldom hold one, so each
    parameter of each operation is sent one here."""
    from medinfra.api.api import api

    document = api.get_openapi_schema()
    known = known_records(world)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    answered: Counter[int] = Counter()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            parameters = operation.get("parameters", [])
            for parameter in parameters:
                values = {p["name"]: known.get(p["name"], "1") for p in parameters}
                values[parameter["name"]] = "UA-63\x00" if parameter["name"] != "cursor" else "\x00"
                address = path.format(**{k: v for k, v in values.items() if "{" + k in path})
                query = {k: v for k, v in values.items() if "{" + k not in path}
                if method == "get":
                    response = client.get(address, query, **headers)
                else:
                    response = client.post(
                        address + "?" + urlencode(query),
                        "{}",
                        content_type="application/json",
                        **headers,
                    )
                answered[response.status_code] += 1
                assert response.status_code < 500, (method, address, query)
    tally("API parameters with a NUL", sum(answered.values()))
    assert sum(answered.values()) >= 100
