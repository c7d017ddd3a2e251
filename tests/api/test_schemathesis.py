"""schemathesis, a client written by others, against our OpenAPI document: no server error,
and every answer (errors included) matches the document."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import Account, World

# Examples per operation and mode: about 30 operations, two modes, well under two minutes.
EXAMPLES = 25
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


def exercise(operation: Any, mode: GenerationMode, answered: Counter[int], *, token: str) -> None:
    """Call one operation with generated requests; a write carries the token."""
    # The in-process client does not unpack gzip, which the site's middleware may apply.
    headers = {"Accept-Encoding": "identity"}
    if operation.method.upper() == "POST":
        headers["Authorization"] = f"Bearer {token}"

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def call(case: Any) -> None:
        response = case.call(headers=headers)
        answered[response.status_code] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    call()


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_generated_requests_meet_no_server_error_and_match_the_schema(
    world: World,
    accounts: dict[str, Account],
    in_process_server: None,
    mode: GenerationMode,
) -> None:
    from django.contrib.auth.models import Group

    from medinfra.wsgi import application

    # One account that may call every write, so generated writes get past the token check.
    writer = accounts["reporter"]
    writer.user.groups.add(Group.objects.get(name="verifier"))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    answered: Counter[int] = Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30

    for operation in operations:
        exercise(operation, mode, answered, token=writer.token)

    print(f"schemathesis {mode}: {sum(answered.values())} requests, statuses {dict(answered)}")
    assert not [status for status in answered if status >= 500]
    assert sum(answered.values()) >= len(operations) * 5
