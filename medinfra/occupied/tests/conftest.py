"""Fixtures for occupied-territory tests: people with roles, events and contacts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from medinfra.occupied.tests.factories import person_with_role


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Messages are read in English here; pages are asked for in English too."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def reporter(db: None) -> Any:
    return person_with_role("reporter-one", "reporter")


@pytest.fixture
def other_reporter(db: None) -> Any:
    return person_with_role("reporter-two", "reporter")


@pytest.fixture
def verifier(db: None) -> Any:
    return person_with_role("verifier-one", "verifier")


@pytest.fixture
def administrator(db: None) -> Any:
    return person_with_role("admin-one", "administrator")


@pytest.fixture
def coordinator(db: None) -> Any:
    return person_with_role("coordinator-one", "coordinator")


@pytest.fixture
def make_event(ua: Any, reporter: Any, make_source: Callable[..., Any]) -> Callable[..., Any]:
    from medinfra.occupied.services import record_event

    def make(**fields: Any) -> Any:
        fields.setdefault("kind", "threat")
        fields.setdefault("occurred_on", dt.date(2024, 3, 5))
        if "facility" not in fields:
            fields.setdefault("region", "UA-14")
        if "contact" not in fields:
            fields.setdefault("sources", [make_source()])
        return record_event(actor=fields.pop("actor", reporter), **fields)

    return make


@pytest.fixture
def make_contact(ua: Any, reporter: Any, make_facility: Callable[..., Any]) -> Callable[..., Any]:
    from medinfra.occupied.services import record_contact

    def make(**fields: Any) -> Any:
        if "facility" not in fields:
            fields["facility"] = make_facility(region="UA-14")
        fields.setdefault("contacted_on", dt.date(2024, 3, 1))
        fields.setdefault("channel", "phone")
        fields.setdefault("summary", "Staff are safe; the ambulance was taken.")
        return record_contact(actor=fields.pop("actor", reporter), **fields)

    return make
