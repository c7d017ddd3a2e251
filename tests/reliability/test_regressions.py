"""The inputs that fuzzing found to crash or hang medinfra, each kept as a test of its fix.

(A kill between an import's commit and its run's record is kept in test_import_kill.py.)
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from medinfra.core.errors import InvalidInput
from medinfra.exchange.formats import FileProblem, read_sheet
from medinfra.figures.extraction import RegionIndex, extract_figures
from tests.reliability.test_fuzz_importers import GOOD_WORKBOOK, Checker, check  # noqa: F401

REGIONS = RegionIndex.packaged(["UA"])


def workbook_with(sheet_xml: bytes) -> bytes:
    """The good workbook with its sheet's XML replaced."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(GOOD_WORKBOOK)) as good,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as damaged,
    ):
        for info in good.infolist():
            body = good.read(info)
            damaged.writestr(info, sheet_xml if info.filename.endswith("sheet1.xml") else body)
    return out.getvalue()


def sheet_xml() -> bytes:
    """The good workbook's sheet, with the <dimension> that Excel writes (openpyxl then reads
    no further than it on opening, and reads the rows as they are asked for)."""
    with zipfile.ZipFile(io.BytesIO(GOOD_WORKBOOK)) as good:
        name = next(n for n in good.namelist() if n.endswith("sheet1.xml"))
        xml = good.read(name)
    return xml.replace(b"<sheetViews>", b'<dimension ref="A1:D3"/><sheetViews>', 1)


def with_a_broken_row(number: int) -> bytes:
    """The sheet, its row `number` closing a cell with the wrong tag."""
    xml = sheet_xml()
    at = xml.index(b'<row r="%d"' % number)
    return workbook_with(xml[:at] + xml[at:].replace(b"</c>", b"</x>", 1))


# -- XLSX: damaged workbooks raised zlib, XML and zip errors the reader did not catch -------------


def test_a_workbook_whose_compressed_data_is_damaged_is_a_file_problem(tmp_path: Path) -> None:
    data = bytearray(GOOD_WORKBOOK)
    with zipfile.ZipFile(io.BytesIO(GOOD_WORKBOOK)) as good:
        header = next(i for i in good.infolist() if i.filename.endswith("workbook.xml"))
    # Inside the member's deflated bytes, after its 30-byte local header, name and extra.
    at = header.header_offset
    start = at + 30 + int.from_bytes(data[at + 26 : at + 28], "little")
    start += int.from_bytes(data[at + 28 : at + 30], "little")
    data[start + 5 : start + 25] = bytes(range(20))
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data))

    with pytest.raises(FileProblem, match=r"\.xlsx"):
        sheet = read_sheet(path, format="", kind="facilities")
        list(sheet.rows)


def test_a_workbook_whose_rows_break_off_names_the_row_it_stops_at(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(with_a_broken_row(3))

    sheet = read_sheet(path, format="", kind="facilities")
    assert sheet.header == ["id", "name_uk", "kind", "region"]
    with pytest.raises(FileProblem, match=r"\b3\b"):
        list(sheet.rows)


@pytest.mark.django_db
def test_importing_a_damaged_workbook_is_refused_not_failed(check: Checker) -> None:  # noqa: F811
    run = check(with_a_broken_row(2), "facilities", name="broken.xlsx")
    assert run.status == "refused"
    assert "from row 2 on" in run.message


# -- figure extraction ---------------------------------------------------------------------------


def test_a_number_longer_than_the_decimal_context_is_read_not_crashed_on() -> None:
    # `value % 1` raised decimal.InvalidOperation (DivisionImpossible) past 28 digits.
    [figure] = extract_figures(
        "99999999999999999999999999 billion hospitals were destroyed", regions=REGIONS
    )
    assert figure.value == 99999999999999999999999999 * 10**9
    assert figure.metric == "facilities_destroyed"


def test_a_long_run_of_bare_numbers_is_read_in_one_pass() -> None:
    # Each number searched the rest of its sentence, and each "1.1.1" start scanned to the
    # run's end: 40,000 characters of these took minutes. Now it takes about a second.
    assert extract_figures("1 " * 20_000, regions=REGIONS) == []
    assert extract_figures("1." * 20_000, regions=REGIONS) == []
    figures = extract_figures("2 " * 5_000 + "hospitals were destroyed.", regions=REGIONS)
    assert all(f.metric == "facilities_destroyed" for f in figures)


# -- a NUL in a region code reached PostgreSQL, which refuses it: a server error -----------------


@pytest.mark.django_db
def test_a_region_code_with_a_nul_is_an_unknown_region(ua: Any) -> None:
    from medinfra.geography.queries import region_by_code

    with pytest.raises(InvalidInput) as refused:
        region_by_code("UA-63\x00")
    assert "region" in refused.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/bulletin.txt?region=%00",
        "/figures/facilities_destroyed/?region=UA-63%00",
        "/recovery/projects/?region=%00",
        "/recovery/priorities/?region=UA-6%003",
    ],
)
def test_a_page_asked_for_a_region_code_with_a_nul_answers_400(
    ua: Any, client: Client, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 400
