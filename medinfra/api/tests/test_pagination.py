"""Cursors: opaque, signed, tied to one list and one ordering."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import signing

from medinfra.api.pagination import CURSOR_SALT, decode_cursor, encode_cursor, paginate
from medinfra.api.schemas import PageParams
from medinfra.core.errors import InvalidInput
from medinfra.incidents.models import Incident
from medinfra.sources.models import Source


def test_cursor_carries_the_sort_value_and_id_back() -> None:
    cursor = encode_cursor(
        model=Incident, ordering="-occurred_on", value=dt.date(2022, 3, 1), pk=42
    )

    assert decode_cursor(cursor, model=Incident, ordering="-occurred_on", path="occurred_on") == (
        dt.date(2022, 3, 1),
        42,
    )


# Signed cursors carry the time of signing: they are made in the test, so that every test
# process collects the same test names.
@pytest.mark.parametrize(
    "make_cursor",
    [
        lambda: "",
        lambda: "garbage",
        lambda: signing.dumps({"m": "incidents.incident", "o": "id", "v": 1, "k": 1}, salt="other"),
        lambda: signing.dumps(
            {"m": "incidents.incident", "o": "id", "v": 1, "k": "1"}, salt=CURSOR_SALT
        ),
        lambda: signing.dumps(["not", "a", "dict"], salt=CURSOR_SALT),
    ],
    ids=["empty", "garbage", "other-salt", "key-not-a-number", "not-a-dict"],
)
def test_cursor_the_api_did_not_make_is_refused_naming_cursor(make_cursor: Any) -> None:
    cursor = make_cursor()
    with pytest.raises(InvalidInput) as refused:
        decode_cursor(cursor, model=Incident, ordering="id", path="pk")

    assert list(refused.value.message_dict) == ["cursor"]


def test_changed_cursor_is_refused() -> None:
    cursor = encode_cursor(model=Incident, ordering="id", value=5, pk=5)
    value, signature = cursor.rsplit(":", 1)

    with pytest.raises(InvalidInput):
        decode_cursor(f"{value}:{signature[::-1]}", model=Incident, ordering="id", path="pk")


def test_cursor_of_another_ordering_or_list_is_refused() -> None:
    cursor = encode_cursor(model=Incident, ordering="id", value=5, pk=5)

    with pytest.raises(InvalidInput, match="ordering=id"):
        decode_cursor(cursor, model=Incident, ordering="-id", path="pk")
    with pytest.raises(InvalidInput, match="another list"):
        decode_cursor(cursor, model=Source, ordering="id", path="pk")


def test_pages_follow_the_order_and_end_with_no_cursor(make_source: Any) -> None:
    made = [make_source(title=f"T{n % 2}").pk for n in range(5)]
    seen: list[int] = []
    cursor = None

    for _ in range(5):
        rows, cursor = paginate(
            Source.objects.all(),
            params=PageParams(cursor=cursor, limit=2),
            ordering="-title",
            orderings={"title": "title"},
        )
        seen.extend(r.pk for r in rows)
        if cursor is None:
            break

    by_title = sorted(made, key=lambda pk: (Source.objects.get(pk=pk).title, pk), reverse=True)
    assert seen == by_title


def test_ordering_outside_the_allow_list_is_refused(db: None) -> None:
    with pytest.raises(InvalidInput) as refused:
        paginate(Source.objects.all(), params=PageParams(), ordering="full_text", orderings={})

    assert list(refused.value.message_dict) == ["ordering"]
