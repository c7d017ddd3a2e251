"""Imports: read a file, map its columns, check every row naming row and column, apply in one
transaction; record every run.

A run is either a check (dry run: everything is written and then rolled back, so the report
says exactly what applying would do) or an application. In lenient mode the valid rows are
applied and the bad ones reported; in strict mode one bad row means nothing is applied.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import logging
import os
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from medinfra.core.services import audit_batch, user_of
from medinfra.exchange.formats import FileProblem, Sheet, column_letter, read_sheet
from medinfra.exchange.formats.hxl import normalise
from medinfra.exchange.models import MAX_STORED_PROBLEMS, ImportRun, RunStatus
from medinfra.exchange.schemas import BOOLEAN, CHOICE, DATE, INTEGER, LIST, TABLES, TEXT, Table
from medinfra.exchange.services.cells import CellProblem, cell_parser, parse_date
from medinfra.exchange.services.kinds import CREATED, IMPORTERS, UNCHANGED, Importer, Row
from medinfra.sources.models import Source

logger = logging.getLogger(__name__)

CHUNK = 1000
# A running run writes a heartbeat (to its progress file) at least this often.
HEARTBEAT_EVERY = 2.0
FIELD_COLUMNS = {"external_id": "id"}
Progress = Callable[[int, int], None]


class _Rollback(Exception):
    """Leaves the import's transaction without keeping anything (dry run, strict refusal)."""


@dataclass(frozen=True)
class Mapping:
    """Which field each column of the file goes to ('' for a column that is not imported)."""

    header: list[str]
    fields: list[str]

    def as_json(self) -> dict[str, list[str]]:
        return {"header": self.header, "fields": self.fields}

    def column_of(self, name: str) -> int | None:
        return self.fields.index(name) if name in self.fields else None


# -- files ---------------------------------------------------------------------------------------


def upload_dir() -> Path:
    """Where uploaded import files are kept between the steps of the import page."""
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(chunks: Iterable[bytes]) -> tuple[Path, str, int]:
    """Keep an uploaded file under its SHA-256; return its path, digest and size."""
    digest = hashlib.sha256()
    size = 0
    folder = upload_dir()
    with tempfile.NamedTemporaryFile(dir=folder, delete=False) as handle:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            handle.write(chunk)
    path = folder / digest.hexdigest()
    os.replace(handle.name, path)
    return path, digest.hexdigest(), size


def file_digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def stored_path(run: ImportRun) -> Path:
    return upload_dir() / run.sha256


# -- mapping -------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return text.strip().strip("\ufeff").strip().lower().replace(" ", "_").replace("-", "_")


def suggest_mapping(table: Table, header: list[str], hashtags: list[str] | None) -> Mapping:
    """Map each column by its hashtag, else by its name (or an alias of it)."""
    by_tag = {normalise(c.hxl): c.name for c in table.import_columns}
    by_name: dict[str, str] = {}
    for column in table.import_columns:
        for word in (column.name, *column.aliases):
            by_name.setdefault(_norm(word), column.name)
    fields: list[str] = []
    for index, text in enumerate(header):
        tag = hashtags[index] if hashtags and index < len(hashtags) else ""
        name = by_tag.get(tag) if tag else None
        name = name or by_name.get(_norm(text), "")
        fields.append("" if name in fields else name)
    return Mapping(header=list(header), fields=fields)


def parse_mapping_text(text: str) -> dict[str, str]:
    """'Дата=occurred_on,Область=region,Коментар=' as {column: field} ('' ignores it)."""
    pairs: dict[str, str] = {}
    for part in (p for p in text.split(",") if p.strip()):
        if "=" not in part:
            raise FileProblem(
                _("Write the mapping as column=field, separated by commas (not %(part)r).")
                % {"part": part.strip()}
            )
        column, name = part.split("=", 1)
        pairs[column.strip()] = name.strip()
    return pairs


def override_mapping(table: Table, mapping: Mapping, overrides: dict[str, str]) -> Mapping:
    """Apply the user's choices of field for some columns (by header, hashtag or letter)."""
    fields = list(mapping.fields)
    names = {c.name for c in table.import_columns}
    for column, name in overrides.items():
        if name and name not in names:
            raise FileProblem(
                _("“%(field)s” is not a field of %(kind)s; the fields are: %(names)s.")
                % {"field": name, "kind": table.title, "names": ", ".join(sorted(names))}
            )
        matches = [
            i
            for i, text in enumerate(mapping.header)
            if text == column or _norm(text) == _norm(column) or column_letter(i) == column
        ]
        if not matches:
            raise FileProblem(
                _("The file has no column “%(column)s”; its columns are: %(header)s.")
                % {"column": column, "header": ", ".join(f"“{h}”" for h in mapping.header)}
            )
        for index in matches:
            fields = ["" if (f == name and name) else f for f in fields]
            fields[index] = name
    return Mapping(header=mapping.header, fields=fields)


def mapping_problems(table: Table, mapping: Mapping, *, has_default_source: bool) -> list[str]:
    """What makes a mapping unusable: required fields without a column, fields mapped twice."""
    problems = []
    mapped = [f for f in mapping.fields if f]
    for name in sorted({f for f in mapped if mapped.count(f) > 1}):
        columns = [mapping.header[i] for i, f in enumerate(mapping.fields) if f == name]
        problems.append(
            _("Columns %(columns)s are all mapped to “%(field)s”: map only one of them.")
            % {"columns": ", ".join(f"“{c}”" for c in columns), "field": name}
        )
    for column in table.import_columns:
        if column.required and column.name not in mapped:
            problems.append(
                _(
                    "The file has no column for “%(field)s” (%(description)s). Add the column, "
                    "or map one of the file's columns to it."
                )
                % {"field": column.name, "description": column.description}
            )
    if table.kind == "incidents" and "region" not in mapped and "facility" not in mapped:
        problems.append(
            _("The file needs a column “region” (or “facility”): every incident has a place.")
        )
    if table.kind in ("incidents", "figures") and not has_default_source:
        name = "sources" if table.kind == "incidents" else "source"
        if name not in mapped:
            problems.append(
                _(
                    "The file has no column “%(field)s”: add it, or choose one source for the "
                    "whole file."
                )
                % {"field": name}
            )
    if len([h for h in mapping.header if h]) == 1 and problems:
        problems.append(
            _(
                "The first row has a single column (“%(header)s”): columns must be separated "
                "by commas, semicolons or tabs."
            )
            % {"header": mapping.header[0][:80]}
        )
    return problems


# -- runs ----------------------------------------------------------------------------------------


def open_sheet(run: ImportRun, path: Path) -> Sheet:
    return read_sheet(
        path, format=run.format, sheet=run.sheet, kind=run.kind, file_name=run.file_name
    )


def prepare_run(
    *,
    path: Path,
    file_name: str,
    kind: str,
    user: AbstractBaseUser | None,
    file_format: str = "",
    sheet: str = "",
    strict: bool = False,
    dry_run: bool = True,
    mapping_text: str = "",
    default_source: Source | None = None,
) -> ImportRun:
    """Record a run for a file: read its header and map its columns (a refused run says why)."""
    mark_interrupted()
    digest, size = file_digest(path)
    run = ImportRun.objects.create(
        user=user_of(user),
        kind=kind,
        file_name=file_name[:255],
        sha256=digest,
        size=size,
        format=file_format,
        sheet=sheet,
        strict=strict,
        dry_run=dry_run,
        default_source=default_source,
    )
    table = TABLES[kind]
    try:
        sheet_read = open_sheet(run, path)
        mapping = suggest_mapping(table, sheet_read.header, sheet_read.hashtags)
        if mapping_text:
            mapping = override_mapping(table, mapping, parse_mapping_text(mapping_text))
        _close(sheet_read)
    except FileProblem as problem:
        return _refuse(run, str(problem))
    except Exception:
        # A reader failing in a way we did not foresee is still an answer, never a server error.
        logger.exception("import run %s: the file could not be opened", run.pk)
        return _refuse(run, _("The file could not be read as %(kind)s.") % {"kind": table.title})
    run.format = sheet_read.format
    run.encoding = sheet_read.encoding
    run.delimiter = sheet_read.delimiter
    run.sheet = sheet_read.sheet
    run.mapping = mapping.as_json()
    run.notices = list(sheet_read.notices)
    run.save()
    return run


def _close(sheet: Sheet) -> None:
    close = getattr(sheet.rows, "close", None)
    if close is not None:
        close()


def _refuse(run: ImportRun, message: str) -> ImportRun:
    run.status = RunStatus.REFUSED
    run.message = message
    run.finished_at = timezone.now()
    run.save()
    return run


def current_mapping(run: ImportRun) -> Mapping:
    return Mapping(header=list(run.mapping.get("header", [])), fields=list(run.mapping["fields"]))


def set_mapping(run: ImportRun, fields: list[str]) -> ImportRun:
    """Keep the fields a person chose for the columns."""
    run.mapping = {**run.mapping, "fields": fields}
    run.save(update_fields=["mapping"])
    return run


def application_of(run: ImportRun, *, user: AbstractBaseUser | None) -> ImportRun:
    """A new run that applies what a dry run checked (same file, mapping and options)."""
    mark_interrupted()
    return ImportRun.objects.create(
        user=user_of(user),
        kind=run.kind,
        file_name=run.file_name,
        sha256=run.sha256,
        size=run.size,
        format=run.format,
        encoding=run.encoding,
        delimiter=run.delimiter,
        sheet=run.sheet,
        mapping=run.mapping,
        strict=run.strict,
        dry_run=False,
        default_source=run.default_source,
        checked_by=run,
        notices=run.notices,
    )


# Cells of these types are read once per distinct text (at most this many texts per column):
# a file of many rows holds few dates, codes and counts, each written again and again.
_REMEMBERED_DATATYPES = frozenset({DATE, INTEGER, BOOLEAN, CHOICE, LIST})
_REMEMBERED_PER_COLUMN = 4096


def _rows(sheet: Sheet, table: Table, mapping: Mapping, importer: Importer) -> Iterator[Row]:
    """Each data row with its cells typed, and a problem for each cell that is not right."""
    # (index, name, required, reader (None: text), occurred_on, verdicts remembered, list)
    columns: list[
        tuple[
            int,
            str,
            bool,
            Callable[[str, dt.date | None], Any] | None,
            bool,
            dict[str, tuple[bool, Any]] | None,
            bool,
        ]
    ] = [
        (
            index,
            column.name,
            column.required,
            None if column.datatype == TEXT else cell_parser(column),
            column.datatype == DATE and column.name == "occurred_on",
            {} if column.datatype in _REMEMBERED_DATATYPES else None,
            column.datatype == LIST,
        )
        for index, name in enumerate(mapping.fields)
        if name
        for column in (table.column(name),)
    ]
    width = len(mapping.header)
    empty = _("This cell is empty; every row needs a value here.")
    today = timezone.localdate()
    for count, (number, cells) in enumerate(sheet.rows):
        if count % CHUNK == 0 and timezone.localdate() != today:
            today = timezone.localdate()  # a long import may run past midnight
            for column in columns:
                if column[5] is not None:
                    column[5].clear()  # a date's verdict depends on the day
        row = Row(number=number, values={})
        values, problems = row.values, row.problems
        size = len(cells)
        if size > width and any(c.strip() for c in cells[width:]):
            problems.append(
                (
                    "",
                    _(
                        "This row has %(cells)s cells but the header has %(width)s columns: "
                        "check the separators and quotes in this row."
                    )
                    % {"cells": size, "width": width},
                )
            )
        for index, name, required, parse, occurred, remembered, is_list in columns:
            text = cells[index].strip() if index < size else ""
            if not text:
                if required:
                    problems.append((name, empty))
                continue
            if parse is None:  # text: what the cell holds, trimmed
                values[name] = text
                continue
            verdict: tuple[bool, Any] | None = (
                remembered.get(text) if remembered is not None else None
            )
            if verdict is None:
                result: Any
                try:
                    result = parse_date(text, today=today) if occurred else parse(text, today)
                    verdict = (True, result)
                except CellProblem as problem:
                    result = str(problem)
                    verdict = (False, result)
                if remembered is not None and len(remembered) < _REMEMBERED_PER_COLUMN:
                    remembered[text] = verdict
            if not verdict[0]:
                problems.append((name, verdict[1]))
            elif occurred:
                values[name], row.month_only = verdict[1]
            else:
                # Each row gets its own list: a remembered one may not be changed by a row.
                values[name] = list(verdict[1]) if is_list else verdict[1]
        yield row


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def _estimate_rows(run: ImportRun, path: Path) -> int:
    """About how many data rows a file has, for the progress bar (the run counts them exactly)."""
    # Counting a CSV's line breaks in its bytes is quick; a quoted cell with a line break in
    # it makes the estimate a little high, and the bar then ends early, not late.
    if run.format == "xlsx":
        sheet = open_sheet(run, path)
        count = sum(1 for _ in sheet.rows)
        return count
    lines = 0
    last = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    if last and last != b"\n":
        lines += 1
    header_rows = 2 if run.format == "hxl" else 1
    return max(lines - header_rows, 0)


def problem_text(run: ImportRun, row: int | None, column: str, message: str) -> dict[str, Any]:
    """A problem as stored and shown: the row, the column as the file names it, the words."""
    mapping = current_mapping(run)
    label = ""
    if column:
        # The services name the stored field; the file calls it by the column it came from.
        index = mapping.column_of(FIELD_COLUMNS.get(column, column))
        if index is not None:
            header = mapping.header[index] or column
            label = f"{header} ({column_letter(index)})"
        else:
            label = column
    return {"row": row, "column": label, "message": message}


def execute_run(
    run: ImportRun, *, path: Path, actor: AbstractBaseUser | None, progress: Progress | None = None
) -> ImportRun:
    """Check or apply a prepared run, all rows in one transaction; never raises for bad input."""
    table = TABLES[run.kind]
    run.status = RunStatus.RUNNING
    run.started_at = run.heartbeat_at = timezone.now()
    run.host, run.pid = this_host(), os.getpid()
    run.problems, run.rows_done, run.rows_invalid, run.created, run.unchanged = [], 0, 0, 0, 0
    run.save()
    _write_progress(run.pk, 0, run.rows_total, RunStatus.RUNNING)
    beat = time.monotonic()
    problems: list[dict[str, Any]] = []
    try:
        mapping = current_mapping(run)
        wrong = mapping_problems(table, mapping, has_default_source=run.default_source is not None)
        if wrong:
            run.problems = [problem_text(run, 1, "", m) for m in wrong]
            return _finish(run, RunStatus.REFUSED, " ".join(wrong))
        total = _estimate_rows(run, path)
        run.rows_total = total
        if progress:
            progress(0, total)
        sheet = open_sheet(run, path)
        if list(sheet.header) != mapping.header[: len(sheet.header)]:
            return _finish(
                run, RunStatus.REFUSED, _("The file's header changed since it was mapped.")
            )
        importer = IMPORTERS[run.kind](actor=actor, run=run)
        seen: dict[int, int] = {}
        counts = {CREATED: 0, UNCHANGED: 0, "invalid": 0, "done": 0}
        try:
            with transaction.atomic(), audit_batch():
                with importer.loading(total):
                    for chunk in _chunks(_rows(sheet, table, mapping, importer), CHUNK):
                        _mark_repeats(chunk, importer, seen, mapping)
                        importer.apply(chunk)
                        for row in chunk:
                            counts["done"] += 1
                            if row.problems:
                                counts["invalid"] += 1
                                for column, message in row.problems:
                                    if len(problems) < MAX_STORED_PROBLEMS:
                                        problems.append(
                                            problem_text(run, row.number, column, message)
                                        )
                            elif row.outcome:
                                counts[row.outcome] += 1
                        if progress:
                            progress(counts["done"], total)
                        if time.monotonic() - beat >= HEARTBEAT_EVERY:
                            beat = time.monotonic()
                            _write_progress(run.pk, counts["done"], total, RunStatus.RUNNING)
                    # Inside loading(): what it changed for the writes goes with the rollback.
                    if run.dry_run or (run.strict and counts["invalid"]):
                        raise _Rollback
                # The run's record commits with its rows: a process killed just after the
                # commit cannot leave rows applied by a run that says it is still running.
                _count(run, counts, problems)
                run.status, run.message, run.finished_at = (
                    RunStatus.SUCCEEDED,
                    summary(run),
                    timezone.now(),
                )
                run.save()
        except _Rollback:
            pass
        _count(run, counts, problems)
        if run.strict and counts["invalid"]:
            return _finish(
                run,
                RunStatus.REFUSED,
                ngettext(
                    "%(count)s row has problems: nothing was applied (strict mode).",
                    "%(count)s rows have problems: nothing was applied (strict mode).",
                    counts["invalid"],
                )
                % {"count": f"{counts['invalid']:,}"},
            )
        return _finish(run, RunStatus.SUCCEEDED, summary(run))
    except FileProblem as problem:
        run.problems = problems
        return _finish(run, RunStatus.REFUSED, str(problem))
    except Exception:
        logger.exception("import run %s stopped by an unexpected error", run.pk)
        run.problems = problems
        return _finish(
            run,
            RunStatus.FAILED,
            _("An unexpected error stopped the import; nothing was changed. It has been logged."),
        )


def _count(run: ImportRun, counts: dict[str, int], problems: list[dict[str, Any]]) -> None:
    run.rows_done = run.rows_total = counts["done"]
    run.rows_invalid = counts["invalid"]
    run.created = counts[CREATED]
    run.unchanged = counts[UNCHANGED]
    run.problems = problems


def _mark_repeats(
    chunk: list[Row], importer: Importer, seen: dict[int, int], mapping: Mapping
) -> None:
    """A row that repeats an earlier row of the same file is a problem, named with both rows."""
    for row in chunk:
        if row.problems:
            continue
        key = hash(importer.file_key(row))
        first = seen.get(key)
        if first is None:
            seen[key] = row.number
            continue
        if "id" in row.values and importer.table.id_as != "none":
            row.problems.append(
                (
                    "id",
                    _("This row repeats the id “%(id)s” of row %(first)s.")
                    % {"id": row.values["id"], "first": first},
                )
            )
        else:
            row.problems.append(
                ("", _("This row repeats row %(first)s exactly.") % {"first": first})
            )


def summary(run: ImportRun) -> str:
    """One sentence on what a run did (or, for a dry run, would do)."""
    if run.dry_run:
        text = _(
            "Checked %(rows)s rows: %(created)s would be added, %(unchanged)s are already in "
            "the registry, %(invalid)s have problems."
        )
    else:
        text = _(
            "Imported %(rows)s rows: %(created)s added, %(unchanged)s already in the registry "
            "(left as they are), %(invalid)s with problems left out."
        )
    return text % {
        "rows": f"{run.rows_done:,}",
        "created": f"{run.created:,}",
        "unchanged": f"{run.unchanged:,}",
        "invalid": f"{run.rows_invalid:,}",
    }


def _finish(run: ImportRun, status: str, message: str) -> ImportRun:
    run.status = status
    run.message = message
    run.finished_at = run.heartbeat_at = timezone.now()
    run.save()
    _write_progress(run.pk, run.rows_done, run.rows_total, status)
    return run


# -- progress ------------------------------------------------------------------------------------


def progress_path(run_id: int) -> Path:
    folder = upload_dir() / "progress"
    folder.mkdir(exist_ok=True)
    return folder / f"{run_id}.json"


def _write_progress(run_id: int, done: int, total: int, status: str) -> None:
    """Write how far a run has got, for the page that polls it."""
    # A small file, not the run's row: on SQLite the import's transaction holds the database's
    # write lock until it ends, and the page must see progress meanwhile.
    # Each write is also the run's heartbeat: the run's own row cannot say it is alive while
    # the transaction is open.
    path = progress_path(run_id)
    temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_text(
        json.dumps(
            {
                "done": done,
                "total": total,
                "status": status,
                "heartbeat": timezone.now().isoformat(),
            }
        )
    )
    os.replace(temporary, path)


def read_progress(run: ImportRun) -> dict[str, Any]:
    """How far a run has got: {done, total, status}."""
    try:
        written = json.loads(progress_path(run.pk).read_text())
        data: dict[str, Any] = {k: written[k] for k in ("done", "total", "status")}
    except (OSError, ValueError, KeyError, TypeError):
        data = {"done": run.rows_done, "total": run.rows_total, "status": run.status}
    if run.is_finished:
        data["status"] = run.status
    return data


def progress_to_file(run: ImportRun) -> Progress:
    def report(done: int, total: int) -> None:
        _write_progress(run.pk, done, max(total, done), RunStatus.RUNNING)

    return report


def start_run(run: ImportRun, *, actor: AbstractBaseUser | None) -> None:
    """Run a check or an application, in a background thread unless settings say otherwise."""
    path = stored_path(run)
    _write_progress(run.pk, 0, 0, RunStatus.RUNNING)
    if not getattr(settings, "MEDINFRA_IMPORT_IN_BACKGROUND", True):
        execute_run(run, path=path, actor=actor, progress=progress_to_file(run))
        return

    def work() -> None:
        close_old_connections()
        try:
            fresh = ImportRun.objects.get(pk=run.pk)
            execute_run(fresh, path=path, actor=actor, progress=progress_to_file(fresh))
        finally:
            connections.close_all()

    threading.Thread(target=work, name=f"import-run-{run.pk}", daemon=True).start()


# -- interrupted runs ----------------------------------------------------------------------------


def this_host() -> str:
    return socket.gethostname()[:255]


def stale_after() -> dt.timedelta:
    """How long a running run may give no sign of life before it counts as interrupted."""
    return dt.timedelta(seconds=getattr(settings, "MEDINFRA_IMPORT_STALE_AFTER", 300))


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, as another user's process
    return True


def last_heartbeat(run: ImportRun) -> dt.datetime | None:
    """The latest sign of life of a run: its row's, or its progress file's when newer."""
    latest = run.heartbeat_at or run.started_at
    try:
        text = json.loads(progress_path(run.pk).read_text()).get("heartbeat")
        written = dt.datetime.fromisoformat(text) if isinstance(text, str) else None
    except (OSError, ValueError, AttributeError):
        written = None
    if written is not None and timezone.is_aware(written) and (latest is None or written > latest):
        latest = written
    return latest


def interruption_of(run: ImportRun, *, now: dt.datetime | None = None) -> str | None:
    """Why a run that says it is running has in fact stopped, or None if it may be running."""
    if run.status != RunStatus.RUNNING:
        return None
    if run.pid and run.host == this_host() and not _process_exists(run.pid):
        return _(
            "The run was interrupted: its process (%(pid)s on %(host)s) ended before the run "
            "finished. Nothing of it was applied; start it again."
        ) % {"pid": run.pid, "host": run.host}
    now = now or timezone.now()
    last = last_heartbeat(run) or run.created_at
    if now - last > stale_after():
        return _(
            "The run was interrupted: it gave no sign of life since %(when)s UTC (more than "
            "%(minutes)s minutes), so its process was stopped before the run finished. Nothing "
            "of it was applied; start it again."
        ) % {
            "when": last.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
            "minutes": int(stale_after().total_seconds() // 60),
        }
    return None


def mark_interrupted(runs: Iterable[ImportRun] | None = None) -> list[ImportRun]:
    """Record as interrupted every running run (or each of these runs) whose process has
    stopped: the status, when it was found and why. Nothing is deleted. Returns those runs."""
    if runs is None:
        runs = ImportRun.objects.filter(status=RunStatus.RUNNING).order_by("pk")
    found = []
    now = timezone.now()
    for run in runs:
        reason = interruption_of(run, now=now)
        if reason is None:
            continue
        try:
            with transaction.atomic():
                changed = ImportRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                    status=RunStatus.INTERRUPTED, interrupted_at=now, message=reason
                )
        except DatabaseError:
            # Another import holds the database (SQLite): the run is shown as interrupted now
            # and recorded as such by the next look.
            logger.warning("import run %s: could not record its interruption yet", run.pk)
            changed = 1
        else:
            if not changed:  # it finished meanwhile
                run.refresh_from_db()
                continue
            logger.warning("import run %s interrupted: %s", run.pk, reason)
            _write_progress(run.pk, run.rows_done, run.rows_total, RunStatus.INTERRUPTED)
        run.status, run.interrupted_at, run.message = RunStatus.INTERRUPTED, now, reason
        found.append(run)
    return found


def uploaded_chunks(handle: IO[bytes] | Any) -> Iterator[bytes]:
    """The chunks of an uploaded file (Django's UploadedFile) or any binary file."""
    if hasattr(handle, "chunks"):
        yield from handle.chunks()
        return
    while chunk := handle.read(1024 * 1024):
        yield chunk
