"""`medinfra export --kind KIND --format FORMAT [-o FILE]`: public records, streamed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medinfra.exchange.formats import FileProblem
from medinfra.exchange.queries import FORMATS, dictionary_csv, export_pieces
from medinfra.exchange.schemas import EXPORT_KINDS


class Command(BaseCommand):
    help = "Write every public record of a kind as CSV, XLSX, HXL, GeoJSON or FHIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", required=True, choices=EXPORT_KINDS)
        parser.add_argument("--format", dest="file_format", required=True, choices=sorted(FORMATS))
        parser.add_argument("-o", "--output", default="", help="file to write (default: stdout)")
        parser.add_argument(
            "--dictionary", action="store_true", help="write the data dictionary instead (CSV)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind, fmt = options["kind"], options["file_format"]
        try:
            pieces = dictionary_csv(kind) if options["dictionary"] else export_pieces(kind, fmt)
        except FileProblem as problem:
            raise CommandError(str(problem)) from None
        if options["output"]:
            with Path(options["output"]).open("wb") as handle:
                for piece in pieces:
                    handle.write(piece)
        else:
            out = sys.stdout.buffer
            for piece in pieces:
                out.write(piece)
            out.flush()
