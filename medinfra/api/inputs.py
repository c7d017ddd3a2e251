"""Turning parameters and body fields into records, with errors that name the field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TypeVar

from django.db import models
from django.db.models import QuerySet

from medinfra.core.errors import InvalidInput
from medinfra.geography.models import Region
from medinfra.geography.queries import region_by_code

M = TypeVar("M", bound=models.Model)


def region_filter(code: str | None, *, field: str = "region") -> Region | None:
    """The region a ?region= filter names, or None when it is not given."""
    return region_by_code(code, field=field) if code else None


def check_dates(start: dt.date | None, end: dt.date | None) -> None:
    """A date range whose end is not before its start (?from= and ?to=)."""
    if start is not None and end is not None and end < start:
        raise InvalidInput({"to": f"The range ends ({end}) before it starts ({start})."})


def check_not_future(value: dt.date | None, *, field: str, today: dt.date) -> None:
    """A date that is not after today (an as-of date in the future would count nothing new)."""
    if value is not None and value > today:
        raise InvalidInput({field: f"The date {value.isoformat()} is in the future."})


def one_of(records: QuerySet[M], pk: int | None, *, field: str) -> M | None:
    """The record with this id among the current ones, or InvalidInput naming the field."""
    if pk is None:
        return None
    found = records.filter(pk=pk).first()
    if found is None:
        name = records.model._meta.verbose_name
        raise InvalidInput({field: f"There is no {name} with id {pk}."})
    return found


def all_of(records: QuerySet[M], pks: Sequence[int], *, field: str) -> list[M]:
    """The records with these ids, in that order, or InvalidInput naming the missing ones."""
    found = {r.pk: r for r in records.filter(pk__in=set(pks))}
    missing = [pk for pk in dict.fromkeys(pks) if pk not in found]
    if missing:
        name = records.model._meta.verbose_name_plural
        raise InvalidInput({field: f"There are no {name} with id {', '.join(map(str, missing))}."})
    return [found[pk] for pk in dict.fromkeys(pks)]
