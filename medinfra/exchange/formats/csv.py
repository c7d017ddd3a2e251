"""CSV: encoding and separator detection on reading, streamed UTF-8 on writing."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medinfra.exchange.formats import FileProblem, Sheet, cell_text

DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {
    ",": gettext_lazy("commas"),
    ";": gettext_lazy("semicolons"),
    "\t": gettext_lazy("tabs"),
}
# A cell longer than this is a broken quote or not a table: refuse rather than read it all.
MAX_CELL = 100_000
SAMPLE = 64 * 1024
CHUNK = 1024 * 1024


def _first_invalid_utf8(path: Path) -> int | None:
    """The byte offset of the first byte that is not UTF-8, or None when all of it is."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return offset + error.start
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset
    return None


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
    return controls > max(2, len(text) // 100)


def detect_encoding(path: Path) -> tuple[str, list[str]]:
    """The encoding to read a text file with, and what the reader should be told about it."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE)
    if not head:
        raise FileProblem(_("The file is empty."))
    if head.startswith(codecs.BOM_UTF8):
        encoding, notices = "utf-8-sig", []
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
        notices = [_("The file is in UTF-16 (Unicode text); it was read as such.")]
    else:
        bad = _first_invalid_utf8(path)
        if bad is None:
            encoding, notices = "utf-8", []
        else:
            encoding = "cp1251"
            notices = [
                _(
                    "The file is not in UTF-8 (byte %(offset)s is not valid UTF-8). It was read "
                    "as Windows-1251 (Cyrillic), the usual encoding of Excel in Ukraine. If "
                    "names below look wrong, save the file as “CSV UTF-8” and import it again."
                )
                % {"offset": f"{bad:,}"}
            ]
    try:
        sample = head.decode(encoding, errors="strict" if encoding == "cp1251" else "ignore")
    except UnicodeDecodeError:
        raise FileProblem(
            _(
                "The file is neither UTF-8 nor Windows-1251 text: it looks like binary data. "
                "Upload a CSV or XLSX file."
            )
        ) from None
    if _looks_binary(sample):
        raise FileProblem(
            _(
                "The file does not look like a table of text (CSV): it holds binary data. "
                "Upload a CSV or XLSX file."
            )
        )
    return encoding, notices


def sniff_delimiter(first_line: str) -> str:
    """The separator the header uses most, outside quotes: comma, semicolon or tab."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def read(path: Path) -> Sheet:
    """Read a CSV file (any of the usual encodings and separators) as a Sheet."""
    encoding, notices = detect_encoding(path)
    handle = path.open(encoding=encoding, errors="replace", newline="")
    first = handle.readline()
    while first and not first.strip():
        first = handle.readline()
    if not first.strip():
        handle.close()
        raise FileProblem(_("The file has no rows: it is empty."))
    delimiter = sniff_delimiter(first)
    handle.seek(0)
    csv.field_size_limit(MAX_CELL)
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        header = next(reader)
        while not any(c.strip() for c in header):
            header = next(reader)
    except StopIteration:
        handle.close()
        raise FileProblem(_("The file has no row with the names of its columns.")) from None
    except csv.Error as error:
        handle.close()
        raise FileProblem(
            _("The first row cannot be read: %(error)s.") % {"error": error}
        ) from None
    header = [h.strip() for h in header]
    if delimiter != ",":
        notices.append(
            _("Columns are separated by %(name)s.") % {"name": DELIMITER_NAMES[delimiter]}
        )

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 1
        try:
            for cells in reader:
                number += 1
                # The first cell tells most rows apart from a blank one.
                if (cells and cells[0].strip()) or any(c.strip() for c in cells):
                    yield number, cells
        except csv.Error as error:
            raise FileProblem(
                _(
                    "The file cannot be read past row %(row)s: %(error)s. A quote may not be "
                    "closed, or a cell is longer than %(limit)s characters."
                )
                % {"row": number + 1, "error": error, "limit": f"{MAX_CELL:,}"}
            ) from None
        finally:
            handle.close()

    return Sheet(
        header=header,
        rows=rows(),
        format="csv",
        encoding=encoding,
        delimiter=delimiter,
        notices=notices,
    )


def write(header: list[str], rows: Iterable[list[Any]], *, batch: int = 500) -> Iterator[bytes]:
    """Stream a CSV file (UTF-8, comma-separated, a header first), a few hundred rows a piece."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    pending = 1
    for row in rows:
        writer.writerow([cell_text(v) for v in row])
        pending += 1
        if pending >= batch:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")
