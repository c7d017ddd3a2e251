"""Fixtures of the API tests: accounts with tokens for every role, a small public world."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

D = dt.date
PREFIX = "/api/v1"
ROLES = ("reporter", "verifier", "coordinator", "administrator")


@dataclass
class Account:
    user: Any
    token: str


@pytest.fixture
def accounts(db: None) -> dict[str, Account]:
    """One account per role, each with an API token."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from medinfra.api.services import issue_token
    from medinfra.core.roles import ensure_role_groups
    from medinfra.core.services import system_actor

    ensure_role_groups()
    found = {}
    for role in ROLES:
        # No password: these accounts use tokens, and hashing one costs a third of a second.
        user = get_user_model().objects.create_user(username=f"api-{role}")
        user.groups.add(Group.objects.get(name=role))
        _, secret = issue_token(user, name="tests", actor=system_actor())
        found[role] = Account(user=user, token=secret)
    return found


class Api:
    """A client of /api/v1 that sends JSON and, when asked, a bearer token."""

    def __init__(self, client: Client) -> None:
        self.client = client

    @staticmethod
    def _headers(token: str | None) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, path: str, token: str | None = None, **params: Any) -> Any:
        return self.client.get(PREFIX + path, data=params, **self._headers(token))

    def post(
        self, path: str, body: Any = None, token: str | None = None, raw: str | None = None
    ) -> Any:
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(
            PREFIX + path, data=data, content_type="application/json", **self._headers(token)
        )


@pytest.fixture
def api(client: Client) -> Api:
    return Api(client)


@dataclass
class World:
    sources: list[Any]
    kharkiv: Any
    lviv: Any
    occupied: Any
    verified: list[Any]
    unverified: Any
    vehicle: Any
    vehicle_event: Any
    assessments: list[Any]
    restoration: Any
    partner: Any
    donor: Any
    project: Any
    funding: Any
    agreement: Any
    figure: Any


@pytest.fixture
def world(
    ua: Any,
    actor: Any,
    other_actor: Any,
    make_source: Callable[..., Any],
    make_facility: Callable[..., Any],
    make_incident: Callable[..., Any],
    assess: Callable[..., Any],
    restore: Callable[..., Any],
) -> World:
    """A few records of every public kind, in controlled and occupied regions."""
    from medinfra.geography.queries import region_by_code
    from medinfra.geography.services import set_access_status
    from medinfra.incidents.services import set_verification
    from medinfra.partnerships.services import record_agreement
    from medinfra.recovery.services import record_funding, register_partner, register_project
    from medinfra.vehicles.services import record_vehicle_event, register_vehicle

    set_access_status(region_by_code("UA-43"), status="occupied", actor=actor)
    sources = [make_source(published_on=D(2023, 1, 1), language="en"), make_source(language="uk")]
    kharkiv = make_facility(region="UA-63", settlement="Kharkiv", kind="hospital")
    lviv = make_facility(
        region="UA-46",
        settlement="Lviv",
        kind="primary_care_centre",
        latitude=Decimal("49.84"),
        longitude=Decimal("24.03"),
    )
    occupied = make_facility(region="UA-43", settlement="Occupied town", kind="hospital")
    assessments = [
        assess(kharkiv, D(2022, 3, 1), "partial", "partial"),
        assess(lviv, D(2022, 5, 1), "destroyed", "none"),
    ]
    restoration = restore(kharkiv, D(2023, 1, 1), "partially_restored")
    verified = [
        make_incident(
            facility=kharkiv,
            occurred_on=D(2022, 3, 1),
            attack_types=["heavy_weapons"],
            sources=[sources[0]],
            public_summary="Shelling of a hospital",
        ),
        make_incident(
            region="UA-46",
            occurred_on=D(2023, 6, 1),
            attack_types=["psychological", "obstruction"],
            resources=["personnel"],
            certainty="confirmed",
            sources=sources,
        ),
    ]
    verified = [set_verification(i, actor=other_actor, state="verified") for i in verified]
    unverified = make_incident(region="UA-63", occurred_on=D(2024, 1, 1))
    vehicle = register_vehicle(actor=actor, region="UA-63", owner_facility=kharkiv)
    vehicle_event = record_vehicle_event(
        vehicle, actor=actor, occurred_on=D(2022, 4, 1), status="damaged"
    )
    partner = register_partner(
        actor=actor, name_en="Partner Hospital", kind="foreign_hospital", country="DE"
    )
    donor = register_partner(actor=actor, name_en="A donor", kind="donor", country="US")
    project = register_project(
        actor=actor,
        title_en="Rebuild the surgery",
        block=2,
        facility=kharkiv,
        priority=1,
    )
    funding = record_funding(
        project,
        actor=actor,
        partner=donor,
        kind="commitment",
        amount=Decimal("500000"),
        currency="USD",
        on=D(2023, 3, 1),
    )
    agreement = record_agreement(
        actor=actor,
        facility=lviv,
        partner=partner,
        kind="twinning",
        signed_on=D(2023, 9, 1),
        programme="International Medical Partnership",
        areas=["rehabilitation"],
    )
    from medinfra.figures.services import record_figure

    figure = record_figure(
        actor=actor,
        metric="facilities_destroyed",
        value=150,
        as_of=D(2023, 2, 20),
        country="UA",
        source=sources[0],
    )
    return World(
        sources=sources,
        kharkiv=kharkiv,
        lviv=lviv,
        occupied=occupied,
        verified=verified,
        unverified=unverified,
        vehicle=vehicle,
        vehicle_event=vehicle_event,
        assessments=assessments,
        restoration=restoration,
        partner=partner,
        donor=donor,
        project=project,
        funding=funding,
        agreement=agreement,
        figure=figure,
    )


def errors_of(response: Any) -> dict[str, list[str]]:
    """The errors of an answer in the one error format (and check that it is that format)."""
    body = response.json()
    assert set(body) == {"errors"}, body
    assert all(isinstance(v, list) and v for v in body["errors"].values()), body
    return body["errors"]
