"""Configuration check: evidence files must never lie where the web server serves files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from medinfra.evidence.files import evidence_dir


def served_folders() -> list[Path]:
    """Every folder whose files the application serves as they are."""
    folders = [getattr(settings, "STATIC_ROOT", None), getattr(settings, "WHITENOISE_ROOT", None)]
    folders += list(getattr(settings, "STATICFILES_DIRS", []))
    if getattr(settings, "MEDIA_URL", ""):
        folders.append(getattr(settings, "MEDIA_ROOT", None))
    found = []
    for folder in folders:
        if isinstance(folder, tuple | list):  # STATICFILES_DIRS may hold (prefix, path)
            folder = folder[-1]
        if folder:
            found.append(Path(folder).resolve())
    return found


@register(Tags.security)
def check_evidence_dir(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Evidence kept under a served folder could be fetched by anyone who guessed its name."""
    kept = evidence_dir().resolve()
    for served in served_folders():
        if kept == served or served in kept.parents:
            return [
                Error(
                    f"MEDINFRA_EVIDENCE_DIR ({kept}) overlaps a folder the web server serves "
                    f"({served}).",
                    hint="Keep evidence files outside STATIC_ROOT, STATICFILES_DIRS and "
                    "MEDIA_ROOT.",
                    id="medinfra.E101",
                )
            ]
    return []
