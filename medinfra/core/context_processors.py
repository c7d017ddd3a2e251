"""Template context every page needs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from medinfra.core.models import DatasetInfo


def dataset(request: HttpRequest) -> dict[str, Any]:
    """Whether the data shown is synthetic, so every page can say so."""
    return {"dataset": DatasetInfo.current()}
