from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medinfra.core.backups import restore_database
from medinfra.core.errors import InvalidInput
from medinfra.core.queries import verify_audit_chain


class Command(BaseCommand):
    help = (
        "Replace the database with a backup made by `medinfra backup`, then check its row "
        "counts against the backup's manifest and verify the audit chain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("src", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="do not ask before replacing the database"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            answer = input(
                "This replaces every record in the database with the backup. "
                "Type 'restore' to go on: "
            )
            if answer.strip() != "restore":
                raise CommandError("Nothing restored.")
        try:
            counts = restore_database(options["src"])
        except InvalidInput as error:
            raise CommandError("; ".join(error.messages)) from None
        chain = verify_audit_chain()
        if not chain.intact:
            raise CommandError(f"restored, but the audit chain is broken: {chain.problem}")
        self.stdout.write(
            f"restored {sum(counts.values())} rows; counts match the backup; "
            f"audit chain intact ({chain.events} events)"
        )
