"""Every response carries the Content-Security-Policy and the other security headers."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize("path", ["/", "/about/", "/api/v1/regions", "/healthz", "/no-such-page/"])
def test_every_answer_carries_the_policy(client: Any, ua: Any, path: str) -> None:
    response = client.get(path)

    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no inline script, no other origin
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_a_deployment_may_set_its_own_policy(client: Any, ua: Any, settings: Any) -> None:
    settings.MEDINFRA_CONTENT_SECURITY_POLICY = {"default-src": "'self' https://tiles.example"}
    # The middleware reads the setting when the handler is built: a fresh client builds one.
    from django.test import Client

    assert Client().get("/about/")["Content-Security-Policy"] == (
        "default-src 'self' https://tiles.example"
    )


def test_production_settings_pass_the_deployment_checks(tmp_path: Any) -> None:
    """`medinfra check --deploy` on production settings reports nothing, not even a warning."""
    import os
    import secrets
    import subprocess
    import sys

    from cryptography.fernet import Fernet

    # Nothing of the test process's own set-up (the browser tests allow ORM calls from their
    # event loop, which a deployment must not).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MEDINFRA_", "DATABASE_URL", "DJANGO_"))
    }
    env.update(
        MEDINFRA_VAR_DIR=str(tmp_path),
        MEDINFRA_ALLOWED_HOSTS="medinfra.example.org",
        MEDINFRA_HTTPS="1",
        MEDINFRA_SECRET_KEY=secrets.token_urlsafe(60),
        MEDINFRA_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        # Checked, never connected to: the checks need no database server.
        DATABASE_URL="postgres://medinfra:unused@127.0.0.1:9/medinfra",
    )
    result = subprocess.run(
        [sys.executable, "-m", "medinfra.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
