from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medinfra.core.backups import backup_database
from medinfra.core.errors import InvalidInput


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the database to DEST (SQLite: online backup; "
        "PostgreSQL: pg_dump), with a manifest of row counts beside it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_database(options["dest"])
        except InvalidInput as error:
            raise CommandError("; ".join(error.messages)) from None
        total = sum(report.counts.values())
        self.stdout.write(
            f"backup of the {report.engine} database written to {report.path} "
            f"({total} rows in {len(report.counts)} tables)"
        )
