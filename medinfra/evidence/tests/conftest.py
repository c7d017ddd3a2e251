"""Fixtures for evidence tests: a private evidence folder, people with roles, records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from medinfra.occupied.tests.factories import person_with_role


@pytest.fixture(autouse=True)
def evidence_dir(settings: Any, tmp_path: Path) -> Path:
    folder = tmp_path / "evidence"
    settings.MEDINFRA_EVIDENCE_DIR = folder
    return folder


@pytest.fixture(autouse=True)
def _english() -> Any:
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def reporter(db: None) -> Any:
    return person_with_role("reporter-one", "reporter")


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
def incident(make_incident: Any, reporter: Any) -> Any:
    return make_incident(actor=reporter)


@pytest.fixture
def occupied_event(ua: Any, reporter: Any, make_source: Any) -> Any:
    import datetime as dt

    from medinfra.occupied.services import record_event

    return record_event(
        actor=reporter,
        kind="looting",
        occurred_on=dt.date(2024, 6, 1),
        region="UA-14",
        sources=[make_source()],
    )
