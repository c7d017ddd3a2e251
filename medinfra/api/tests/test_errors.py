"""The one error format: every field error keyed by the field it is about."""

from __future__ import annotations

import pytest

from medinfra.api.errors import error_body, validation_errors
from medinfra.api.parser import text_problem


@pytest.mark.parametrize(
    ("loc", "field"),
    [
        (("query", "region"), "region"),
        (("body", "payload", "attack_types", 0), "attack_types.0"),
        (("body", "payload"), "body"),
        (("path", "facility_id"), "facility_id"),
        ((), "body"),
    ],
)
def test_ninja_errors_are_keyed_by_field(loc: tuple[object, ...], field: str) -> None:
    assert validation_errors([{"loc": loc, "msg": "wrong"}]) == {field: ["wrong"]}


def test_messages_of_one_field_stay_together() -> None:
    found = validation_errors(
        [{"loc": ("query", "limit"), "msg": "a"}, {"loc": ("query", "limit"), "msg": "b"}]
    )

    assert found == {"limit": ["a", "b"]}
    assert error_body(found) == {"errors": {"limit": ["a", "b"]}}


@pytest.mark.parametrize(
    ("text", "refused"),
    [("Харків", False), ("", False), ("a\x00b", True), ("\ud800", True), ("emoji 🚑", False)],
)
def test_only_text_a_database_can_store_is_accepted(text: str, refused: bool) -> None:
    assert (text_problem(text) is not None) is refused
