from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from medinfra.core.crypto import generate_key, reencrypt_all


class Command(BaseCommand):
    help = (
        "`encryption generate-key`: print a new key for MEDINFRA_ENCRYPTION_KEY. "
        "`encryption rotate`: encrypt every stored name and contact again with the first key "
        "of MEDINFRA_ENCRYPTION_KEY (run it with MEDINFRA_ENCRYPTION_KEY=new,old)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["generate-key", "rotate"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "generate-key":
            self.stdout.write(generate_key())
            return
        count = reencrypt_all()
        self.stdout.write(
            f"{count} encrypted values now use the first key; the old key can be removed "
            "from MEDINFRA_ENCRYPTION_KEY."
        )
