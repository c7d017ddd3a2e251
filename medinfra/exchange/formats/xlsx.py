"""Excel workbooks (XLSX), read and written row by row so that memory stays flat."""

from __future__ import annotations

import datetime as dt
import decimal
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from medinfra.exchange.formats import FileProblem, Sheet, cell_text

# Excel's own limit; longer tables continue on a second sheet.
MAX_ROWS = 1_048_576
# What reading a damaged workbook raises, from the zip (bad data, truncation, unknown
# compression), the XML (ParseError is a SyntaxError) or openpyxl's model of unknown parts.
DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    SyntaxError,
    LookupError,
    OSError,
    ValueError,
    TypeError,
    AttributeError,
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return cell_text(value)


def _damaged(error: BaseException, row: int) -> FileProblem:
    return FileProblem(
        _(
            "The workbook cannot be read from row %(row)s on (%(error)s): it may be damaged. "
            "Save it again from Excel as “Excel Workbook (.xlsx)”, or as CSV."
        )
        % {"row": row, "error": type(error).__name__}
    )


def read(path: Path, *, sheet: str = "", kind: str = "") -> Sheet:
    """Read one sheet: the one named, else the one named after the kind, else the first."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, *DAMAGED) as error:
        raise FileProblem(
            _(
                "This is not an Excel workbook (.xlsx) that can be read (%(error)s). Save it "
                "again from Excel as “Excel Workbook (.xlsx)”, or as CSV."
            )
            % {"error": type(error).__name__}
        ) from None
    names = book.sheetnames
    if sheet:
        if sheet not in names:
            book.close()
            raise FileProblem(
                _("The workbook has no sheet “%(sheet)s”; its sheets are: %(names)s.")
                % {"sheet": sheet, "names": ", ".join(f"“{n}”" for n in names)}
            )
        chosen = sheet
    else:
        chosen = next((n for n in names if n.strip().lower() == kind), names[0] if names else "")
    if not chosen:
        book.close()
        raise FileProblem(_("The workbook has no sheets."))
    header: list[str] | None = None
    number = 0
    try:
        values = book[chosen].iter_rows(values_only=True)
        for row in values:
            number += 1
            cells = [_text(v) for v in row]
            if any(c.strip() for c in cells):
                header = [c.strip() for c in cells]
                break
    except DAMAGED as error:
        book.close()
        raise _damaged(error, number + 1) from None
    if header is None:
        book.close()
        raise FileProblem(_("The sheet “%(sheet)s” is empty.") % {"sheet": chosen})
    while header and not header[-1]:
        header.pop()
    notices = []
    if len(names) > 1:
        notices.append(
            _("Read the sheet “%(sheet)s” of %(count)s sheets.")
            % {"sheet": chosen, "count": len(names)}
        )

    def rows() -> Iterator[tuple[int, list[str]]]:
        current = number
        try:
            for row in values:
                current += 1
                cells = [_text(v) for v in row]
                if any(c.strip() for c in cells):
                    yield current, cells
        except DAMAGED as error:
            raise _damaged(error, current + 1) from None
        finally:
            book.close()

    return Sheet(header=header, rows=rows(), format="xlsx", sheet=chosen, notices=notices)


def write(
    sheets: Iterable[tuple[str, list[str], Iterable[list[Any]]]],
) -> IO[bytes]:
    """A temporary file holding a workbook of (title, header, rows) sheets, read from its start."""
    # A workbook is a zip whose index comes last, so it is written whole before it is sent;
    # the write-only mode keeps one row in memory at a time.
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        part = 1
        worksheet = book.create_sheet(title=title[:31])
        worksheet.append(header)
        count = 1
        for row in rows:
            if count >= MAX_ROWS:
                part += 1
                worksheet = book.create_sheet(title=f"{title[:26]} ({part})")
                worksheet.append(header)
                count = 1
            worksheet.append([_cell(v) for v in row])
            count += 1
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the caller streams and closes it
    book.save(handle)
    handle.seek(0)
    return handle


def _cell(value: Any) -> Any:
    """Numbers and dates stay typed in the workbook; lists and the rest become text."""
    if value is None or isinstance(value, bool | int | dt.date):
        return value
    # A float holds 15 significant digits exactly; longer amounts stay exact as text.
    if isinstance(value, decimal.Decimal) and len(value.as_tuple().digits) <= 15:
        return float(value)
    return cell_text(value)
