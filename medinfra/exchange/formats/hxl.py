"""HXL, the Humanitarian Exchange Language: a CSV whose second row holds hashtags.

A hashtag names what a column holds (``#adm1+code``, ``#date+occurred``) so that tools of the
humanitarian field read the column whatever its header says.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from typing import Any

from medinfra.exchange.formats import Sheet
from medinfra.exchange.formats import csv as csv_format

HASHTAG = re.compile(r"^#[a-z][a-z0-9_]*(\s*\+\s*[a-z][a-z0-9_]*)*$", re.IGNORECASE)


def normalise(tag: str) -> str:
    """A hashtag in one spelling: lower case, attributes sorted (#Adm1 +code → #adm1+code)."""
    parts = [p.strip().lower() for p in tag.strip().split("+")]
    if not parts or not parts[0].startswith("#"):
        return ""
    return "+".join([parts[0], *sorted(p for p in parts[1:] if p)])


def is_hashtag_row(cells: list[str]) -> bool:
    """Whether a row is HXL's row of hashtags: most of its non-empty cells are hashtags."""
    filled = [c.strip() for c in cells if c.strip()]
    if not filled:
        return False
    tags = sum(1 for c in filled if HASHTAG.match(c))
    return tags * 2 > len(filled)


def find_hashtags(sheet: Sheet) -> None:
    """Take the hashtag row out of a sheet's rows (it is the header or the row under it)."""
    if is_hashtag_row(sheet.header):
        sheet.hashtags = [normalise(c) if HASHTAG.match(c.strip()) else "" for c in sheet.header]
        return
    try:
        number, first = next(sheet.rows)
    except StopIteration:
        return
    if is_hashtag_row(first):
        sheet.hashtags = [normalise(c) if HASHTAG.match(c.strip()) else "" for c in first]
        sheet.hashtags += [""] * (len(sheet.header) - len(sheet.hashtags))
        return
    sheet.rows = itertools.chain([(number, first)], sheet.rows)


def write(header: list[str], hashtags: list[str], rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """Stream an HXL-tagged CSV: the header, the row of hashtags, then the data."""
    pieces = csv_format.write(header, itertools.chain([hashtags], rows))
    yield from pieces
