"""`medinfra figures extract FILE [--date YYYY-MM-DD] [--lang en|uk]`: candidate figures as JSON."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from medinfra.figures.extraction import extract_figures
from medinfra.figures.queries import region_index

MAX_BYTES = 1_000_000


class Command(BaseCommand):
    help = "Reported figures: read candidate figures from a press text."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        extract = actions.add_parser(
            "extract",
            help="Print the candidate figures of a text as a JSON list.",
            description=(
                "Print the candidate figures of a text as a JSON list of objects with the keys "
                "metric, value, qualifier, region, country, as_of, span."
            ),
        )
        extract.add_argument("file", metavar="FILE", help="a UTF-8 text file; - reads stdin")
        extract.add_argument(
            "--date", help="YYYY-MM-DD: the document's date, for figures the text does not date"
        )
        extract.add_argument(
            "--lang", choices=["en", "uk"], help="the text's language (default: recognised)"
        )
        extract.add_argument(
            "--country",
            default=settings.MEDINFRA_COUNTRY,
            help="the country the text is about unless it names another",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = self._text(options["file"])
        document_date = self._date(options["date"])
        country = (options["country"] or "").strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise CommandError(f"--country: {options['country']!r} is not a two-letter code.")
        candidates = extract_figures(
            text,
            document_date=document_date,
            language=options["lang"],
            country=country,
            regions=region_index(sorted({country, settings.MEDINFRA_COUNTRY})),
        )
        self.stdout.write(
            json.dumps([c.as_json() for c in candidates], ensure_ascii=False, indent=2)
        )

    def _text(self, name: str) -> str:
        try:
            if name == "-":
                data = sys.stdin.buffer.read(MAX_BYTES + 1)
            else:
                path = Path(name)
                if not path.is_file():
                    raise CommandError(f"FILE: no such file: {name}")
                with path.open("rb") as handle:
                    data = handle.read(MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"FILE: cannot read {name}: {error.strerror}") from None
        if len(data) > MAX_BYTES:
            raise CommandError(f"FILE: {name} is longer than {MAX_BYTES:,} bytes.")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CommandError(f"FILE: {name} is not UTF-8 text.") from None

    def _date(self, value: str | None) -> dt.date | None:
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise CommandError(f"--date: {value!r} is not a date: use YYYY-MM-DD.") from None
