"""Configuration checks, run by `medinfra check` (and `medinfra check --deploy`)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

WEAK_KEY_LENGTH = 50


def _is_production() -> bool:
    hosts = [h for h in settings.ALLOWED_HOSTS if h not in ("127.0.0.1", "localhost", "[::1]")]
    return bool(hosts) or os.environ.get("MEDINFRA_ENV", "").lower() == "production"


@register(Tags.security, deploy=True)
def check_debug_and_key(app_configs: Any, **kwargs: Any) -> list[Error | Warning]:
    """Debug pages and weak keys leak data or let sessions be forged."""
    problems: list[Error | Warning] = []
    if settings.DEBUG and _is_production():
        problems.append(
            Error(
                "MEDINFRA_DEBUG is on while serving public hosts: error pages "
                "would show settings and data.",
                hint="Unset MEDINFRA_DEBUG.",
                id="medinfra.E001",
            )
        )
    key = settings.SECRET_KEY
    if len(key) < WEAK_KEY_LENGTH or len(set(key)) < 5 or key.startswith("django-insecure"):
        problems.append(
            Error(
                "The secret key is weak (short or repetitive).",
                hint="Set MEDINFRA_SECRET_KEY to 50+ random characters.",
                id="medinfra.E002",
            )
        )
    return problems


@register(Tags.database)
def check_sqlite_for_many_users(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """SQLite serves one machine well; many writers at once want PostgreSQL."""
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and _is_production():
        return [
            Warning(
                "The database is SQLite while serving public hosts: under many "
                "concurrent writers it serialises every write.",
                hint="Set DATABASE_URL to PostgreSQL for a multi-user deployment.",
                id="medinfra.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_encryption_key(app_configs: Any, **kwargs: Any) -> list[Error | Warning]:
    """Names and contacts of persons are to be encrypted at rest with this key."""
    if os.environ.get("MEDINFRA_ENCRYPTION_KEY"):
        return []
    if _is_production():
        return [
            Error(
                "MEDINFRA_ENCRYPTION_KEY is not set: personal data cannot be kept encrypted.",
                hint="Set it to a key made by `medinfra encryption generate-key`.",
                id="medinfra.E003",
            )
        ]
    return [
        Warning(
            "MEDINFRA_ENCRYPTION_KEY is not set (fine for the demo, not for production).",
            hint="A key kept in encryption_key under the var directory is used meanwhile; "
            "`medinfra encryption generate-key` makes one for production.",
            id="medinfra.W002",
        )
    ]
