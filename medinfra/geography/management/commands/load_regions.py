from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medinfra.core.errors import InvalidInput
from medinfra.core.services import system_actor
from medinfra.geography.services import load_country


class Command(BaseCommand):
    help = "Load a country and its first-level regions from the data shipped with medinfra."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("country", nargs="?", default="UA", help="ISO 3166-1 code (UA)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            country, created = load_country(options["country"], actor=system_actor())
        except InvalidInput as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"{country.name_en}: {country.regions.count()} regions ({created} new)")
