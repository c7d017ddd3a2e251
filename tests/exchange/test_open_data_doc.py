"""docs/open-data.md lists every column of every table with its hashtag, as the code has them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from medinfra.exchange.schemas import TABLES, TYPE_WORDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "open-data.md"


def documented(kind: str) -> list[list[str]]:
    text = DOC.read_text(encoding="utf-8")
    section = re.split(r"^### ", text, flags=re.MULTILINE)
    body = next(s for s in section if s.startswith(f"{kind}\n"))
    rows = [line for line in body.splitlines() if line.startswith("| `")]
    return [[c.strip() for c in row.strip().strip("|").split(" | ")] for row in rows]


@pytest.mark.parametrize("kind", list(TABLES))
def test_the_data_dictionary_page_matches_the_code(kind: str) -> None:
    table = TABLES[kind]
    rows = documented(kind)
    with translation.override("en"):
        expected = [
            [
                f"`{c.name}`" + ("" if c.export and table.schema is not None else " (import only)"),
                f"`{c.hxl}`",
                str(TYPE_WORDS[c.datatype]),
                "yes" if c.required else "no",
            ]
            for c in table.columns
        ]
    assert [row[:4] for row in rows] == expected
    for row, column in zip(rows, table.columns, strict=True):
        for value in column.choice_values():
            assert f"`{value}`" in row[4], f"{kind}.{column.name}: list the value {value}"
