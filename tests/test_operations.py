"""Health and readiness endpoints, and the configuration checks of `medinfra check`."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.db import connection


def test_health_answers_without_the_database(client):
    # No database mark: any query here would raise, so this proves liveness needs none.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_answers_ok_when_migrations_are_applied(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_ready_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    from django.db import DatabaseError

    def refuse() -> None:
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def _ids(include_deployment_checks: bool = True) -> set[str]:
    return {
        m.id
        for m in run_checks(include_deployment_checks=include_deployment_checks)
        if m.id and m.id.startswith("medinfra.")
    }


def test_debug_on_public_hosts_is_an_error(settings):
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = ["medinfra.example.org"]

    assert "medinfra.E001" in _ids()


def test_weak_secret_key_is_an_error(settings):
    settings.SECRET_KEY = "short"

    assert "medinfra.E002" in _ids()


def test_sqlite_on_public_hosts_is_a_warning(settings, monkeypatch):
    # The suite also runs on PostgreSQL: say which engine this check is about.
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.sqlite3")
    settings.ALLOWED_HOSTS = ["medinfra.example.org"]

    assert "medinfra.W001" in _ids(include_deployment_checks=False)


def test_postgresql_on_public_hosts_is_not_warned_about(settings, monkeypatch):
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.postgresql")
    settings.ALLOWED_HOSTS = ["medinfra.example.org"]

    assert "medinfra.W001" not in _ids(include_deployment_checks=False)


def test_missing_encryption_key_is_an_error_in_production(settings, monkeypatch):
    monkeypatch.delenv("MEDINFRA_ENCRYPTION_KEY", raising=False)
    settings.ALLOWED_HOSTS = ["medinfra.example.org"]

    assert "medinfra.E003" in _ids()


def test_a_sound_local_configuration_has_no_errors(settings, monkeypatch):
    monkeypatch.setenv("MEDINFRA_ENCRYPTION_KEY", "k" * 44)
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    settings.SECRET_KEY = "a-long-random-key-" + "x1y2z3" * 10

    assert not {i for i in _ids() if ".E" in i}
