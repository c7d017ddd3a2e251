"""File formats medinfra reads and writes: CSV, HXL-tagged CSV, XLSX, GeoJSON and FHIR R4.

Readers turn a file into a ``Sheet`` (header, optional HXL hashtags, numbered rows of text);
writers turn streams of public rows into bytes, a piece at a time.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why in a data clerk's words."""


@dataclass
class Sheet:
    """A table read from a file: what a spreadsheet program would show."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (row number as a spreadsheet shows it, cells)
    format: str
    hashtags: list[str] | None = None
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    notices: list[str] = field(default_factory=list)


def detect_format(path: Path, *, file_name: str = "", requested: str = "") -> str:
    """The format to read a file as: the one asked for, else its first bytes and name."""
    with path.open("rb") as handle:
        start = handle.read(8)
    is_zip = start.startswith(b"PK\x03\x04")
    if requested in ("csv", "hxl") and is_zip:
        return "xlsx"
    if requested:
        return requested
    if is_zip or (file_name or path.name).lower().endswith((".xlsx", ".xlsm")):
        return "xlsx"
    return "csv"


def read_sheet(
    path: Path, *, format: str, sheet: str = "", kind: str = "", file_name: str = ""
) -> Sheet:
    """Open a file of any supported format as a Sheet, or raise FileProblem."""
    from medinfra.exchange.formats import csv as csv_format
    from medinfra.exchange.formats import hxl, xlsx

    fmt = detect_format(path, file_name=file_name, requested=format)
    if fmt == "xlsx":
        result = xlsx.read(path, sheet=sheet, kind=kind)
    elif fmt in ("csv", "hxl"):
        result = csv_format.read(path)
    else:
        raise FileProblem(
            _("Unknown file format %(format)r: use csv, xlsx or hxl.") % {"format": format}
        )
    if fmt == "xlsx" and format in ("csv", "hxl"):
        result.notices.insert(0, _("The file is an Excel workbook: it was read as XLSX."))
    hxl.find_hashtags(result)
    if format == "hxl" and result.hashtags is None:
        raise FileProblem(
            _(
                "The file has no row of HXL hashtags (such as #adm1+code, #date) under its "
                "header. Add one, or import it as plain CSV."
            )
        )
    if result.hashtags is not None:
        result.format = "hxl" if result.format == "csv" else result.format
    return result


def cell_text(value: Any) -> str:
    """A value as the text of one cell: ISO dates, a full stop for decimals, lists by ';'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple):
        return ";".join(cell_text(v) for v in value)
    return str(value)


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
