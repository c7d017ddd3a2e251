"""Public shape of sources: the allow-list of fields that may leave the system."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class SourcePublic(Schema):
    id: int
    publisher: str
    title: str
    url: str
    published_on: dt.date | None
    language: str
    is_synthetic: bool
