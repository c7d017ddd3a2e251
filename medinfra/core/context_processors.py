"""Template context every page needs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from medinfra.core.models import DatasetInfo


def dataset(request: HttpRequest) -> dict[str, Any]:
    """Whether the data shown is synthetic, so every page can say so."""
    return {"dataset": DatasetInfo.current()}


def staff(request: HttpRequest) -> dict[str, Any]:
    """The staff menu: the pages the signed-in person's roles open (lazy: no query otherwise)."""
    from django.utils.functional import SimpleLazyObject

    from medinfra.core.access import staff_links_for

    return {
        "staff_links": SimpleLazyObject(lambda: staff_links_for(getattr(request, "user", None)))
    }
