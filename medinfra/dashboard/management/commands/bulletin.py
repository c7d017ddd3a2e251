from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from medinfra.core.errors import InvalidInput
from medinfra.dashboard.queries import headline
from medinfra.dashboard.views import bulletin_text, parse_as_of
from medinfra.geography.queries import region_by_code


class Command(BaseCommand):
    help = "Print the headline figures in the ministry's form of words."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", help="YYYY-MM-DD; only events on or before it count (default: today)"
        )
        parser.add_argument(
            "--lang", choices=[code for code, _ in settings.LANGUAGES], default="uk"
        )
        parser.add_argument("--region", help="ISO 3166-2 code, e.g. UA-63")
        parser.add_argument("--country", default=settings.MEDINFRA_COUNTRY)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_of = parse_as_of(options["as_of"], field="--as-of")
            region = (
                region_by_code(options["region"], field="--region") if options["region"] else None
            )
        except InvalidInput as error:
            raise CommandError(
                "; ".join(
                    f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items()
                )
            ) from None
        figures = headline(country=options["country"].upper(), as_of=as_of, region=region)
        self.stdout.write(bulletin_text(figures, language=options["lang"]), ending="")
