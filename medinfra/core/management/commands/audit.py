from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from medinfra.core.queries import verify_audit_chain, verify_audited_records


class Command(BaseCommand):
    help = (
        "`audit verify`: check that the audit trail is intact and that every audited "
        "record is as its trail says; exits 1 naming what was changed behind the "
        "application's back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        chain = verify_audit_chain()
        if not chain.intact:
            self.stderr.write(f"audit trail broken: {chain.problem}")
            raise SystemExit(1)
        problems = verify_audited_records()
        if problems:
            for problem in problems[:200]:
                self.stderr.write(str(problem))
            if len(problems) > 200:
                self.stderr.write(f"... and {len(problems) - 200} more")
            raise SystemExit(1)
        self.stdout.write(
            f"audit trail intact: {chain.events} events; every audited record matches its trail"
        )
