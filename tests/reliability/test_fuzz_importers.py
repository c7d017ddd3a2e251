"""Fuzzing the imports: whatever file arrives, in whatever format, encoding and shape, the
import answers with a refusal or a report — never an error of its own — every problem names
its row and column, and a check (dry run) changes nothing in the registry.

The imports catch what they did not foresee and log it (a run then ends "failed"); these
tests count such a log record, or a failed run, as the crash it stands for.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from medinfra.exchange.formats import FileProblem, read_sheet
from medinfra.exchange.models import ImportRun, RunStatus
from medinfra.exchange.schemas import IMPORT_KINDS, TABLES, Column, Table
from medinfra.exchange.services import execute_run, prepare_run
from medinfra.exchange.services.cells import CellProblem, parse_cell, parse_date
from tests.reliability.budget import fuzz, tally

pytestmark = pytest.mark.django_db

FORMATS = ("csv", "xlsx", "hxl")
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-32", "cp1251", "koi8-u", "latin-1")
# The apps an import writes to (through their services), and the audit trail.
WRITTEN_APPS = (
    "core",
    "geography",
    "sources",
    "facilities",
    "incidents",
    "vehicles",
    "recovery",
    "partnerships",
    "figures",
    "exchange",
)
# Problems of a whole row, which no single column is to blame for (they name the row).
ROW_WIDE = ("cells but the header has", "repeats row")

# Records the files below may refer to, made by importing these files first.
REFERENCES: dict[str, tuple[list[str], list[list[str]]]] = {
    "sources": (["id", "publisher", "title"], [["src-1", "Publisher", "A report"]]),
    "facilities": (
        ["id", "name_uk", "kind", "region", "edrpou"],
        [["f-1", "Лікарня", "hospital", "UA-63", "12345678"]],
    ),
    "vehicles": (
        ["id", "kind", "region", "owner_facility"],
        [["v-1", "ambulance", "UA-63", "f-1"]],
    ),
    "partners": (["id", "name_en", "kind", "country"], [["p-1", "A donor", "donor", "DE"]]),
    "projects": (["id", "title_en", "block", "facility"], [["pr-1", "Rebuild", "2", "f-1"]]),
}

SPECIAL_CELLS = (
    "",
    " ",
    "UA-63",
    " ua-63 ",
    "UA-99",
    "UA-",
    "f-1",
    "12345678",
    "src-1",
    "v-1",
    "p-1",
    "pr-1",
    "2023-05-04",
    "2023-05-04 00:00:00",
    "2023-02-30",
    "0001-01-01",
    "9999-12-31",
    "31.12.1899",
    "05.2023",
    "2023-5",
    "2023-13",
    "1e9999",
    "-1e-9999",
    "NaN",
    "sNaN",
    "Infinity",
    "-0",
    "-1",
    "0.5",
    "1 000",
    "1\u00a0000",
    "1,5",
    "10.0",
    "1'000'000",
    "9" * 40,
    "-" + "9" * 40,
    "½",
    "٣",
    "true",
    "так",
    "ні",
    "maybe",
    "hospital",
    "heavy_weapons; looting",
    "heavy_weapons;;facility",
    ";;;",
    "|,;",
    "=1+1",
    "@SUM(A1)",
    '"',
    '""',
    "\x00",
    "\ufeff",
    "\u202e",
    "x" * 600,
    "Харків",
    "https://example.org/a",
    "USD",
    "uah",
    "destroyed",
    "partial",
    "full",
    "none",
    "fully_restored",
    "seized",
    "exact",
    "at_least",
    "facilities_destroyed",
    "1",
    "2",
    "3",
    "5",
    "6",
)


def table(kind: str) -> Table:
    return TABLES[kind]


def column_words(kind: str) -> list[str]:
    """What a header cell of this kind may say: names, aliases, HXL hashtags."""
    words: list[str] = []
    for column in table(kind).import_columns:
        words += [column.name, *column.aliases, column.hxl]
    return words


def choice_values(kind: str) -> list[str]:
    return [v for c in table(kind).import_columns for v in c.choice_values()]


def cells(kind: str) -> st.SearchStrategy[str]:
    """A cell's text: anything, or something close to what the kind's columns hold."""
    return st.one_of(
        st.sampled_from(SPECIAL_CELLS),
        st.sampled_from(choice_values(kind) or ["x"]),
        st.text(max_size=20),
        st.integers(min_value=-(10**25), max_value=10**25).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats().map(repr),
        st.dates(min_value=dt.date(1, 1, 1)).map(lambda d: d.isoformat()),
        st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
    )


@st.composite
def tables_of(draw: st.DrawFn, kind: str) -> tuple[list[str], list[list[str]]]:
    """A header of the kind's columns (some missing, some twice, some unknown) and rows."""
    words = column_words(kind)
    required = [c.name for c in table(kind).import_columns if c.required]
    header = draw(
        st.one_of(
            # Every required column, in any order, with other columns of the kind.
            st.lists(st.sampled_from(words), max_size=len(words)).flatmap(
                lambda extra: st.permutations(required + extra)
            ),
            # Anything: missing columns, duplicated ones, unknown ones.
            st.lists(st.one_of(st.sampled_from(words), st.text(max_size=12)), max_size=12),
        )
    )
    width = st.integers(min_value=0, max_value=len(header) + 2)
    rows = draw(
        st.lists(
            width.flatmap(lambda n: st.lists(cells(kind), min_size=n, max_size=n)),
            max_size=6,
        )
    )
    return list(header), rows


def csv_bytes(
    header: list[str],
    rows: list[list[str]],
    *,
    delimiter: str,
    encoding: str,
    hashtags: list[str] | None = None,
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    if hashtags is not None:
        writer.writerow(hashtags)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


def xlsx_cell(text: str) -> Any:
    """A cell as a spreadsheet program would type it: numbers and dates stay typed."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    for read in (int, float, dt.date.fromisoformat):
        try:
            value = read(text)  # type: ignore[operator]
        except (ValueError, OverflowError):
            continue
        if isinstance(value, float) and value != value:  # Excel has no NaN
            return text
        return value
    return text or None


def xlsx_bytes(header: list[str], rows: list[list[str]], *, title: str = "Sheet") -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title)
    for row in [header, *rows]:
        sheet.append([xlsx_cell(c) for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    # The same rows make the same bytes on every run: no time of writing in the file.
    stable = io.BytesIO()
    with zipfile.ZipFile(buffer) as written, zipfile.ZipFile(stable, "w") as rewritten:
        for info in written.infolist():
            body = written.read(info)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-01-01T00:00:00Z", body)
            rewritten.writestr(
                zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0)),
                body,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return stable.getvalue()


# -- the checks --------------------------------------------------------------------------------


@contextmanager
def unforeseen_errors() -> Iterator[list[logging.LogRecord]]:
    """The records of exceptions the import caught without having foreseen them."""
    caught: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.exc_info:
                caught.append(record)

    handler = Keep(level=logging.ERROR)
    logger = logging.getLogger("medinfra.exchange")
    logger.addHandler(handler)
    try:
        yield caught
    finally:
        logger.removeHandler(handler)


def registry_state() -> dict[str, Any]:
    """How many rows every table holds (but the import runs), and the audit chain's head."""
    from django.apps import apps

    from medinfra.core.models import AuditChainHead

    counts: dict[str, Any] = {
        model._meta.label: model._base_manager.count()
        for label in WRITTEN_APPS
        for model in apps.get_app_config(label).get_models()
        if model is not ImportRun
    }
    counts["audit head"] = list(AuditChainHead.objects.values_list("hash", "length"))
    return counts


def assert_problem_names_its_place(problem: dict[str, Any], kind: str) -> None:
    message = problem["message"]
    assert isinstance(message, str) and message.strip(), problem
    assert isinstance(problem["row"], int) and problem["row"] >= 1, problem
    if problem["row"] == 1:
        return  # the header: which columns are missing or mapped twice, named in the words
    if not problem["column"]:
        assert any(words in message for words in ROW_WIDE), (
            f"a problem of a {kind} row names no column: {problem}"
        )


class Checker:
    """Checks one file as the import page and `medinfra import --dry-run` do."""

    def __init__(self, tmp_path: Path, actor: Any, source: Any) -> None:
        self.folder = tmp_path / "files"
        self.folder.mkdir(exist_ok=True)
        self.actor = actor
        self.source = source

    def __call__(
        self,
        data: bytes,
        kind: str,
        *,
        name: str = "file.csv",
        file_format: str = "",
        mapping_text: str = "",
        with_source: bool = False,
        strict: bool = False,
    ) -> ImportRun:
        path = self.folder / name
        path.write_bytes(data)
        before = registry_state()
        with unforeseen_errors() as caught:
            run = prepare_run(
                path=path,
                file_name=name,
                kind=kind,
                user=self.actor,
                file_format=file_format,
                strict=strict,
                dry_run=True,
                mapping_text=mapping_text,
                default_source=self.source if with_source else None,
            )
            if run.status == RunStatus.PENDING:
                run = execute_run(run, path=path, actor=self.actor)
        assert not caught, [r.getMessage() for r in caught]
        assert run.status in (RunStatus.SUCCEEDED, RunStatus.REFUSED), (run.status, run.message)
        assert run.message.strip()
        for problem in run.problems:
            assert_problem_names_its_place(problem, kind)
        assert registry_state() == before, "a dry run changed the registry"
        run.refresh_from_db()
        tally(f"import files: {kind}")
        return run


@pytest.fixture
def check(
    private_files: Path, english: None, ua: Any, actor: Any, make_source: Callable[..., Any]
) -> Checker:
    """A registry holding one record of each kind the files refer to."""
    for kind, (header, rows) in REFERENCES.items():
        path = private_files / f"{kind}.csv"
        path.write_bytes(csv_bytes(header, rows, delimiter=",", encoding="utf-8"))
        run = prepare_run(path=path, file_name=path.name, kind=kind, user=actor, dry_run=False)
        run = execute_run(run, path=path, actor=actor)
        assert (run.status, run.created) == (RunStatus.SUCCEEDED, 1), (kind, run.problems)
    return Checker(private_files, actor, make_source())


# -- the properties ----------------------------------------------------------------------------


@fuzz(100)
@given(
    data=st.binary(max_size=3000),
    kind=st.sampled_from(IMPORT_KINDS),
    file_format=st.sampled_from(["", *FORMATS]),
)
@example(data=b"", kind="incidents", file_format="")
@example(data=b"PK\x03\x04" + b"\x00" * 60, kind="facilities", file_format="csv")
@example(data=b"\xff\xfe" + "id,name\r\n".encode("utf-16-le"), kind="facilities", file_format="")
@example(data=b'"' * 3000, kind="incidents", file_format="csv")
def test_any_bytes_are_refused_or_reported_never_an_error(
    check: Checker, data: bytes, kind: str, file_format: str
) -> None:
    check(data, kind, file_format=file_format, name="upload.bin")


@fuzz(100)
@given(
    text=st.text(max_size=1500),
    encoding=st.sampled_from(ENCODINGS),
    kind=st.sampled_from(IMPORT_KINDS),
    file_format=st.sampled_from(["", "csv", "hxl"]),
)
def test_any_text_in_any_encoding_is_refused_or_reported(
    check: Checker, text: str, encoding: str, kind: str, file_format: str
) -> None:
    check(text.encode(encoding, errors="replace"), kind, file_format=file_format)


KINDS_WITH_SOURCES = {"incidents", "figures"}


def _structured(kind: str, examples: int) -> Any:
    @fuzz(examples)
    @given(
        shape=tables_of(kind),
        delimiter=st.sampled_from([",", ",", ";", "\t", "|"]),
        encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "utf-16"]),
        file_format=st.sampled_from(FORMATS),
        with_source=st.booleans(),
        strict=st.booleans(),
    )
    def test(
        check: Checker,
        shape: tuple[list[str], list[list[str]]],
        delimiter: str,
        encoding: str,
        file_format: str,
        with_source: bool,
        strict: bool,
    ) -> None:
        header, rows = shape
        if file_format == "xlsx":
            data, name = xlsx_bytes(header, rows, title=kind), "file.xlsx"
        else:
            hashtags = None
            if file_format == "hxl":
                tags = {c.name: c.hxl for c in table(kind).import_columns}
                hashtags = [tags.get(h, h if h.startswith("#") else "") for h in header]
            data = csv_bytes(
                header, rows, delimiter=delimiter, encoding=encoding, hashtags=hashtags
            )
            name = "file.csv"
        check(
            data,
            kind,
            name=name,
            file_format=file_format,
            with_source=with_source and kind in KINDS_WITH_SOURCES,
            strict=strict,
        )

    return test


# Files of each kind with the kind's header (or most of it) and any cells; the kinds the
# registry is mostly made of get more of them.
test_facility_files_with_any_cells_are_checked_safely = _structured("facilities", 70)
test_incident_files_with_any_cells_are_checked_safely = _structured("incidents", 70)
test_assessment_files_with_any_cells_are_checked_safely = _structured("assessments", 60)
test_vehicle_files_with_any_cells_are_checked_safely = _structured("vehicles", 60)
test_project_files_with_any_cells_are_checked_safely = _structured("projects", 60)
test_figure_files_with_any_cells_are_checked_safely = _structured("figures", 60)
test_source_files_with_any_cells_are_checked_safely = _structured("sources", 25)
test_restoration_files_with_any_cells_are_checked_safely = _structured("restorations", 25)
test_vehicle_event_files_with_any_cells_are_checked_safely = _structured("vehicle_events", 25)
test_partner_files_with_any_cells_are_checked_safely = _structured("partners", 25)
test_funding_files_with_any_cells_are_checked_safely = _structured("funding", 25)
test_agreement_files_with_any_cells_are_checked_safely = _structured("agreements", 25)


@fuzz(50)
@given(
    kind=st.sampled_from(IMPORT_KINDS),
    mapping_text=st.one_of(
        st.text(max_size=60),
        st.lists(
            st.tuples(st.text(max_size=8), st.text(max_size=12)).map("=".join), max_size=4
        ).map(",".join),
    ),
)
def test_any_column_mapping_is_refused_with_a_message_or_used(
    check: Checker, kind: str, mapping_text: str
) -> None:
    header = [c.name for c in table(kind).import_columns]
    data = csv_bytes(header, [["" for _ in header]], delimiter=",", encoding="utf-8")
    check(data, kind, mapping_text=mapping_text)


@fuzz(15)
@given(
    kind=st.sampled_from(["facilities", "incidents", "figures"]),
    size=st.sampled_from([99_999, 100_001, 250_000]),
    quote=st.booleans(),
)
def test_huge_cells_and_unclosed_quotes_are_refused_with_the_row(
    check: Checker, kind: str, size: int, quote: bool
) -> None:
    header = [c.name for c in table(kind).import_columns]
    huge = ("x" * size) if not quote else '"' + "y" * size
    text = ",".join(header) + "\r\n" + ",".join([huge] * 2) + "\r\n"
    run = check(text.encode("utf-8"), kind)
    if size > 100_000:
        assert run.status == RunStatus.REFUSED
        assert re.search(r"\brow \d+", run.message), run.message


GOOD_WORKBOOK = xlsx_bytes(
    ["id", "name_uk", "kind", "region"],
    [["f-9", "Б", "hospital", "UA-63"], ["f-10", "В", "x", "1"]],
)


@fuzz(60)
@given(
    data=st.binary(min_size=1, max_size=400),
    offset=st.integers(min_value=0),
    file_format=st.sampled_from(["", "xlsx", "csv"]),
)
def test_damaged_workbooks_are_refused_not_crashed_on(
    check: Checker, data: bytes, offset: int, file_format: str
) -> None:
    good = GOOD_WORKBOOK
    at = offset % len(good)
    damaged = good[:at] + data + good[at + len(data) :]
    check(damaged, "facilities", name="book.xlsx", file_format=file_format)


# -- the parts: readers and cell parsers, without the database ---------------------------------


def _all_columns() -> list[Column]:
    return [c for kind in IMPORT_KINDS for c in table(kind).import_columns]


@fuzz(1000, postgres_share=1)
@given(
    column=st.sampled_from(_all_columns()),
    text=st.one_of(st.text(), st.sampled_from(SPECIAL_CELLS)),
)
def test_every_cell_parser_returns_a_value_or_says_why_not(column: Column, text: str) -> None:
    tally("cell parsers")
    try:
        parse_cell(text, column)
    except CellProblem as problem:
        assert str(problem).strip()
    try:
        parse_date(text)
    except CellProblem as problem:
        assert str(problem).strip()


@fuzz(300, postgres_share=1)
@given(
    data=st.one_of(
        st.binary(max_size=2000),
        st.tuples(st.text(max_size=800), st.sampled_from(ENCODINGS)).map(
            lambda t: t[0].encode(t[1], errors="replace")
        ),
    ),
    file_format=st.sampled_from(["", *FORMATS]),
)
def test_readers_give_a_sheet_or_a_file_problem(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, file_format: str
) -> None:
    tally("file readers")
    path = tmp_path_factory.getbasetemp() / "reader-input"
    path.write_bytes(data)
    try:
        sheet = read_sheet(path, format=file_format, kind="incidents")
        assert all(isinstance(h, str) for h in sheet.header)
        for number, row in sheet.rows:
            assert number >= 2 and all(isinstance(c, str) for c in row)
    except FileProblem as problem:
        assert str(problem).strip()
