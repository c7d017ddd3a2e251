"""Factories for partnership tests: foreign institutions and agreements, through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
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
def make_institution(ua: Any, actor: Any) -> Callable[..., Any]:
    from medinfra.recovery.services import register_partner

    def make(country: str = "PL", **fields: Any) -> Any:
        fields.setdefault("name_en", f"Foreign hospital {next(_counter)}")
        fields.setdefault("kind", "foreign_hospital")
        return register_partner(actor=actor, country=country, **fields)

    return make


@pytest.fixture
def make_agreement(
    actor: Any, make_facility: Callable[..., Any], make_institution: Callable[..., Any]
) -> Callable[..., Any]:
    from medinfra.partnerships.services import record_agreement

    def make(**fields: Any) -> Any:
        if "facility" not in fields:
            fields["facility"] = make_facility()
        if "partner" not in fields:
            fields["partner"] = make_institution()
        fields.setdefault("kind", "memorandum")
        fields.setdefault("signed_on", dt.date(2023, 9, 11))
        return record_agreement(actor=actor, **fields)

    return make


@pytest.fixture
def coordinator(db: None, django_user_model: Any) -> Any:
    from django.contrib.auth.models import Group

    from medinfra.core.roles import Role

    user = django_user_model.objects.create_user(username="coordinator", password="x-unused-x-3")
    user.groups.add(Group.objects.get_or_create(name=Role.COORDINATOR.value)[0])
    return user
