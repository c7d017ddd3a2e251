"""Writes to sources."""

from __future__ import annotations

import datetime as dt

from medinfra.core.services import Actor, create_record
from medinfra.sources.models import Source


def register_source(
    *,
    actor: Actor,
    publisher: str,
    title: str,
    url: str = "",
    published_on: dt.date | None = None,
    language: str = "",
    full_text: str = "",
    is_synthetic: bool = False,
) -> Source:
    """Record a document that facts come from."""
    return create_record(
        Source(
            publisher=publisher.strip(),
            title=title.strip(),
            url=url.strip(),
            published_on=published_on,
            language=language.strip(),
            full_text=full_text,
            is_synthetic=is_synthetic,
        ),
        actor=actor,
    )
