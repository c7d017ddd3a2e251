"""`medinfra import FILE --kind KIND`: check or import a CSV, XLSX or HXL file, with a progress
bar on standard error."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from medinfra.core.services import system_actor
from medinfra.exchange.models import ImportRun, RunStatus
from medinfra.exchange.schemas import IMPORT_KINDS
from medinfra.exchange.services import execute_run, mark_interrupted, prepare_run
from medinfra.sources.models import Source


class ProgressBar:
    """A one-line bar on a terminal stream, redrawn at most a few times a second."""

    def __init__(self, stream: Any, *, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.2:
            return
        self.last = now
        share = done / total if total else 1.0
        filled = int(self.width * share)
        rate = done / max(now - self.started, 1e-9)
        self.stream.write(
            f"\r[{'#' * filled}{'-' * (self.width - filled)}] {share:4.0%} "
            f"{done:,}/{total:,} rows  {rate:,.0f} rows/s"
        )
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Check (--dry-run) or import a file of facilities, incidents, assessments, ..."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV, XLSX or HXL file")
        parser.add_argument("--kind", required=True, choices=IMPORT_KINDS)
        parser.add_argument(
            "--format", dest="file_format", choices=["csv", "xlsx", "hxl"], default=""
        )
        parser.add_argument("--sheet", default="", help="the sheet of an XLSX workbook")
        parser.add_argument("--dry-run", action="store_true", help="check only; change nothing")
        parser.add_argument(
            "--strict", action="store_true", help="apply nothing when any row has a problem"
        )
        parser.add_argument(
            "--mapping", default="", help="column=field pairs, comma-separated; field empty: ignore"
        )
        parser.add_argument(
            "--source", type=int, help="id of the source to name for rows without one"
        )
        parser.add_argument("--user", default="", help="user name to record the import as")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        actor = system_actor()
        if options["user"]:
            found = get_user_model().objects.filter(username=options["user"]).first()
            if found is None:
                raise CommandError(f"No user {options['user']!r}.")
            actor = found
        source = None
        if options["source"] is not None:
            source = Source.objects.filter(pk=options["source"]).first()
            if source is None:
                raise CommandError(f"No source with id {options['source']}.")
        for stopped in mark_interrupted():
            self.stderr.write(f"import run {stopped.pk} ({stopped.file_name}): {stopped.message}")
        run = prepare_run(
            path=path,
            file_name=path.name,
            kind=options["kind"],
            user=actor,
            file_format=options["file_format"],
            sheet=options["sheet"],
            strict=options["strict"],
            dry_run=options["dry_run"],
            mapping_text=options["mapping"],
            default_source=source,
        )
        if run.status == RunStatus.PENDING:
            for notice in run.notices:
                self.stderr.write(notice)
            bar = None if options["no_progress"] else ProgressBar(self.stderr._out)
            run = execute_run(run, path=path, actor=actor, progress=bar)
            if bar is not None:
                bar.close()
        self.report(run)
        if run.status != RunStatus.SUCCEEDED:
            raise CommandError(run.message)

    def report(self, run: ImportRun) -> None:
        mapping = run.mapping or {}
        for header, name in zip(mapping.get("header", []), mapping.get("fields", []), strict=False):
            if header and not name:
                self.stderr.write(f"column “{header}” is not imported")
        for problem in run.problems:
            where = f"row {problem['row']}" if problem["row"] else "file"
            column = f", column {problem['column']}" if problem["column"] else ""
            self.stdout.write(f"{where}{column}: {problem['message']}")
        if run.rows_invalid > len(run.problems):
            self.stdout.write(f"… and more problems: {run.rows_invalid:,} rows in all")
        if run.status == RunStatus.SUCCEEDED:
            self.stdout.write(run.message)
        self.stdout.write(f"import run {run.pk}: {run.get_status_display()}")
        sys.stdout.flush()
