"""Factories for recovery tests: partners, projects, funding and rates, through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Messages are read in English here; pages test both languages through their requests."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def make_partner(ua: Any, actor: Any) -> Callable[..., Any]:
    from medinfra.recovery.services import register_partner

    def make(**fields: Any) -> Any:
        fields.setdefault("name_en", f"Test partner {next(_counter)}")
        fields.setdefault("kind", "donor")
        return register_partner(actor=actor, **fields)

    return make


@pytest.fixture
def make_project(ua: Any, actor: Any) -> Callable[..., Any]:
    from medinfra.recovery.services import register_project

    def make(**fields: Any) -> Any:
        fields.setdefault("title_en", f"Test project {next(_counter)}")
        fields.setdefault("block", 2)
        if "facility" not in fields:
            fields.setdefault("region", "UA-63")
        fields.setdefault("stage_since", dt.date(2023, 1, 2))
        if "cost_estimate" in fields:
            fields.setdefault("currency", "USD")
            fields.setdefault("estimated_on", dt.date(2023, 1, 2))
        return register_project(actor=actor, **fields)

    return make


@pytest.fixture
def make_rate(actor: Any) -> Callable[..., Any]:
    from medinfra.recovery.services import record_rate

    def make(currency: str, valid_from: dt.date, per_usd: str) -> Any:
        return record_rate(
            actor=actor, currency=currency, valid_from=valid_from, per_usd=Decimal(per_usd)
        )

    return make


@pytest.fixture
def fund(actor: Any) -> Callable[..., Any]:
    from medinfra.recovery.services import record_funding

    def make(
        project: Any,
        partner: Any,
        amount: str,
        currency: str,
        on: dt.date,
        kind: str = "commitment",
    ) -> Any:
        return record_funding(
            project,
            actor=actor,
            partner=partner,
            kind=kind,
            amount=Decimal(amount),
            currency=currency,
            on=on,
        )

    return make


@pytest.fixture
def move(actor: Any) -> Callable[..., Any]:
    """Walk a project through stages: move(project, ("assessed", date), ("designed", date))."""
    from medinfra.recovery.services import change_stage

    def make(project: Any, *steps: tuple[str, dt.date]) -> Any:
        for stage, on in steps:
            change_stage(project, actor=actor, stage=stage, on=on)
        return project

    return make


@pytest.fixture
def coordinator(db: None, django_user_model: Any) -> Any:
    """A signed-in member of the coordinators' group (not staff)."""
    from django.contrib.auth.models import Group

    from medinfra.core.roles import Role

    user = django_user_model.objects.create_user(username="coordinator", password="x-unused-x-3")
    user.groups.add(Group.objects.get_or_create(name=Role.COORDINATOR.value)[0])
    return user


@pytest.fixture
def reporter(db: None, django_user_model: Any) -> Any:
    """A signed-in user without the coordinator role."""
    from django.contrib.auth.models import Group

    from medinfra.core.roles import Role

    user = django_user_model.objects.create_user(username="reporter", password="x-unused-x-4")
    user.groups.add(Group.objects.get_or_create(name=Role.REPORTER.value)[0])
    return user
