from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from medinfra.core.errors import InvalidInput, field_errors
from medinfra.demo.generate import generate_dataset

OPTIONS = {
    "incidents": "--incidents",
    "facilities": "--facilities",
    "vehicles": "--vehicles",
    "seed": "--seed",
    "add": "--add",
}


class Command(BaseCommand):
    help = (
        "Generate a synthetic data set of any size (the same seed gives the same records), "
        "labelled synthetic, for benchmarks. Refuses a database with real registry data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--incidents", type=int, required=True, help="How many incidents.")
        parser.add_argument("--facilities", type=int, required=True, help="How many facilities.")
        parser.add_argument("--vehicles", type=int, required=True, help="How many vehicles.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed, the same data.")
        parser.add_argument(
            "--add",
            action="store_true",
            help="Add to the synthetic data already in the database (never to real data).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        try:
            summary = generate_dataset(
                incidents=options["incidents"],
                facilities=options["facilities"],
                vehicles=options["vehicles"],
                seed=options["seed"],
                add=options["add"],
                progress=self.say,
            )
        except InvalidInput as error:
            raise CommandError(
                "; ".join(
                    f"{OPTIONS.get(name, name)}: {message}"
                    for name, messages in field_errors(error).items()
                    for message in messages
                )
            ) from None
        self.stdout.write(
            f"Generated in {summary.seconds:.1f} s (synthetic): {summary.facilities:,} "
            f"facilities, {summary.assessments:,} assessments, {summary.restorations:,} "
            f"restorations, {summary.incidents:,} incidents, {summary.vehicles:,} vehicles, "
            f"{summary.vehicle_events:,} vehicle events, {summary.sources:,} sources; "
            f"{summary.audit_events:,} audit events."
        )

    def say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
