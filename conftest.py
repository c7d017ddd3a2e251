"""Fixtures shared by every test: a real database with the country's regions, and factories.

Factories write through the services, so a test sees what users see: validation and audit.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import socket
from collections.abc import Callable
from typing import Any

import pytest

# Template data folders for tests that run medinfra in a child process.
pytest_plugins = ["tests.var_templates"]

_counter = itertools.count(1)

# A read after a write sees the write: servers that tests start never answer older figures.
os.environ.setdefault("MEDINFRA_FIGURES_STALE_SECONDS", "0")
os.environ.setdefault("MEDINFRA_FIGURES_RECHECK_SECONDS", "0")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests talk to loopback only: the database server, the app server, the browser."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in ("127.0.0.1", "::1", "localhost")
            and not host.startswith("/")
        ):
            raise RuntimeError(f"tests may not reach the network ({host})")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    """In-process tests render pages without a collectstatic run; the real server test has one."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _figures_never_stale(settings: Any) -> None:
    """A read after a write sees the write (the tests of the rule set their own bound)."""
    from medinfra.dashboard import pagecache

    settings.MEDINFRA_FIGURES_STALE_SECONDS = 0
    settings.MEDINFRA_FIGURES_RECHECK_SECONDS = 0
    # Threads of their own do not see a test's transaction; the tests of it set this.
    settings.MEDINFRA_FIGURES_COMPUTE_BEHIND = False
    pagecache.forget_state()  # the version seen in another test's database


@pytest.fixture
def ua(db: None) -> Any:
    """Ukraine and its 27 regions, loaded from the data shipped in the package."""
    from medinfra.core.services import system_actor
    from medinfra.geography.services import load_country

    country, _ = load_country("UA", actor=system_actor())
    return country


@pytest.fixture
def actor(db: None) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username="clerk", password="x-unused-x-1")


@pytest.fixture
def other_actor(db: None) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username="verifier", password="x-unused-x-2")


@pytest.fixture
def make_source(ua: Any, actor: Any) -> Callable[..., Any]:
    from medinfra.sources.services import register_source

    def make(**fields: Any) -> Any:
        fields.setdefault("publisher", "Test publisher")
        fields.setdefault("title", f"Test document {next(_counter)}")
        return register_source(actor=actor, **fields)

    return make


@pytest.fixture
def make_facility(ua: Any, actor: Any) -> Callable[..., Any]:
    from medinfra.facilities.services import register_facility

    def make(region: str = "UA-63", **fields: Any) -> Any:
        n = next(_counter)
        fields.setdefault("name_uk", f"Тестова лікарня {n}")
        fields.setdefault("name_en", f"Test hospital {n}")
        fields.setdefault("kind", "hospital")
        return register_facility(actor=actor, region=region, **fields)

    return make


@pytest.fixture
def assess(actor: Any) -> Callable[..., Any]:
    from medinfra.facilities.services import record_assessment

    def make(
        facility: Any, on: dt.date, condition: str, functionality: str = "none", **fields: Any
    ) -> Any:
        return record_assessment(
            facility,
            actor=actor,
            assessed_on=on,
            condition=condition,
            functionality=functionality,
            **fields,
        )

    return make


@pytest.fixture
def restore(actor: Any) -> Callable[..., Any]:
    from medinfra.facilities.services import record_restoration

    def make(facility: Any, on: dt.date, milestone: str) -> Any:
        return record_restoration(facility, actor=actor, restored_on=on, milestone=milestone)

    return make


@pytest.fixture
def make_incident(ua: Any, actor: Any, make_source: Callable[..., Any]) -> Callable[..., Any]:
    from medinfra.incidents.services import record_incident

    def make(**fields: Any) -> Any:
        fields.setdefault("occurred_on", dt.date(2024, 3, 1))
        fields.setdefault("attack_types", ["heavy_weapons"])
        fields.setdefault("resources", ["facility"])
        if "facility" not in fields:
            fields.setdefault("region", "UA-63")
        fields.setdefault("sources", [make_source()])
        return record_incident(actor=fields.pop("actor", actor), **fields)

    return make


@pytest.fixture
def make_vehicle(ua: Any, actor: Any) -> Callable[..., Any]:
    from medinfra.vehicles.services import record_vehicle_event, register_vehicle

    def make(region: str = "UA-63", events: tuple[tuple[dt.date, str], ...] = ()) -> Any:
        vehicle = register_vehicle(actor=actor, region=region)
        for on, status in events:
            record_vehicle_event(vehicle, actor=actor, occurred_on=on, status=status)
        return vehicle

    return make


@pytest.fixture(scope="session")
def playwright_chromium() -> Any:
    """One Chromium per test process, shared by every browser test wherever it lives.

    Playwright's sync API allows one running instance per thread: two fixtures each starting
    their own would fail when the tests of both run in the same process.
    """
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: scripts/install-system-packages installs it")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
