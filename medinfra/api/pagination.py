"""Cursor pagination: a signed, opaque cursor over a stable order (a chosen field, then id).

A page is found by its position in the order (keyset), never by an offset, so a walk over all
pages meets every record exactly once even while records are added, and page N costs as much
as page 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet

from medinfra.api.schemas import PageParams
from medinfra.core.errors import InvalidInput

M = TypeVar("M", bound=models.Model)

CURSOR_SALT = "medinfra.api.cursor"


def _field(model: type[models.Model], path: str) -> Any:
    """The model field at the end of a lookup path such as 'region__code'."""
    field: Any = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if field.is_relation:
            model = field.related_model
    return field


def _value_at(obj: models.Model, path: str) -> Any:
    value: Any = obj
    for part in path.split("__"):
        value = getattr(value, part)
    return value


def _plain(value: Any) -> Any:
    """A value as JSON can carry it; the field's to_python() reads it back."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _bad_cursor(message: str) -> InvalidInput:
    return InvalidInput({"cursor": message})


def encode_cursor(*, model: type[models.Model], ordering: str, value: Any, pk: Any) -> str:
    """The cursor that continues after the record with this sort value and id."""
    payload = {"m": model._meta.label_lower, "o": ordering, "v": _plain(value), "k": pk}
    return signing.dumps(payload, salt=CURSOR_SALT, compress=True)


def decode_cursor(
    cursor: str, *, model: type[models.Model], ordering: str, path: str
) -> tuple[Any, int]:
    """The sort value and id a cursor points after, or InvalidInput naming 'cursor'."""
    try:
        payload = signing.loads(cursor, salt=CURSOR_SALT)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise _bad_cursor(
            "This is not a cursor this API gave out, or it was changed: "
            "start again without a cursor."
        ) from None
    if not isinstance(payload, dict) or payload.get("m") != model._meta.label_lower:
        raise _bad_cursor("This cursor belongs to another list.")
    if payload.get("o") != ordering:
        raise _bad_cursor(
            f"This cursor was made for ordering={payload.get('o')}: ask with that ordering, "
            "or start again without a cursor."
        )
    pk = payload.get("k")
    if not isinstance(pk, int):
        raise _bad_cursor("This cursor is damaged: start again without a cursor.")
    value = payload.get("v")
    if path != "pk":
        try:
            value = _field(model, path).to_python(value)
        except ValidationError:
            raise _bad_cursor("This cursor is damaged: start again without a cursor.") from None
    return value, pk


def paginate(
    queryset: QuerySet[M],
    *,
    params: PageParams,
    ordering: str,
    orderings: Mapping[str, str],
) -> tuple[list[M], str | None]:
    """One page of the queryset in the chosen order, and the next page's cursor (or None)."""
    # `orderings` maps each allowed ordering name to a non-null field path ('pk' for the id);
    # `ordering` is one of those names, with '-' in front for descending.
    descending = ordering.startswith("-")
    name = ordering.removeprefix("-")
    if name not in orderings:
        raise InvalidInput(
            {"ordering": f"Unknown ordering {ordering!r}; use one of {', '.join(orderings)}."}
        )
    path = orderings[name]
    sign = "-" if descending else ""
    keys = [f"{sign}pk"] if path == "pk" else [f"{sign}{path}", f"{sign}pk"]
    model = queryset.model
    page = queryset.order_by(*keys)
    if params.cursor:
        value, last_pk = decode_cursor(params.cursor, model=model, ordering=ordering, path=path)
        after = "lt" if descending else "gt"
        if path == "pk":
            page = page.filter(**{f"pk__{after}": last_pk})
        else:
            page = page.filter(
                Q(**{f"{path}__{after}": value}) | Q(**{path: value, f"pk__{after}": last_pk})
            )
    rows = list(page[: params.limit + 1])
    if len(rows) <= params.limit:
        return rows, None
    rows = rows[: params.limit]
    last = rows[-1]
    value = last.pk if path == "pk" else _value_at(last, path)
    return rows, encode_cursor(model=model, ordering=ordering, value=value, pk=last.pk)


def page_of(
    queryset: QuerySet[M],
    *,
    params: PageParams,
    ordering: str,
    orderings: Mapping[str, str],
    check: Callable[[M], object] | None = None,
) -> dict[str, Any]:
    """A page answer: the records (shaped by the response schema) and the next cursor."""
    # `check` sees each record before it is answered, and raises to refuse one.
    rows, next_cursor = paginate(queryset, params=params, ordering=ordering, orderings=orderings)
    if check is not None:
        for row in rows:
            check(row)
    return {"items": rows, "next_cursor": next_cursor}
