"""The figures the five seed texts published, entered into the demo's ledger by hand.

The sources are real publications, so they are not synthetic; their full text is not copied
here (the press prose is not ours), only each figure's short span. Publishers, titles and dates
are those the texts themselves give: a title in square brackets describes a text that has none,
and a text that names no publisher says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from medinfra.core.services import Actor
from medinfra.figures.models import DatePrecision
from medinfra.figures.services import record_figure
from medinfra.sources.services import register_source

NO_PUBLISHER = "Publisher not named in the text"
MINISTRY = "Ministry of Health of Ukraine"
WHO = "World Health Organization"
# Seeds 000 and 001 carry no date. Their figures are placed at the last day of the demo's
# events and marked 'not stated', so every page says the date is not the source's own.
UNDATED = dt.date(2025, 6, 30)


@dataclass(frozen=True)
class SeedFigure:
    metric: str
    value: Decimal | int
    span: str
    qualifier: str = "exact"
    as_of: dt.date = UNDATED
    as_of_precision: str = DatePrecision.NOT_STATED
    country: str = "UA"
    attributed_to: str = ""


@dataclass(frozen=True)
class SeedSource:
    seed: str
    title: str
    figures: list[SeedFigure]
    publisher: str = NO_PUBLISHER
    published_on: dt.date | None = None
    language: str = "en"
    attributed_to: str = ""


SEED_SOURCES: list[SeedSource] = [
    SeedSource(
        seed="000",
        title=(
            "During the acute phase of the war, Russia systematically destroys and damages "
            "Ukraine’s medical infrastructure, leaving thousands of Ukrainians without proper "
            "assistance"
        ),
        attributed_to=MINISTRY,
        figures=[
            SeedFigure(
                "facilities_damaged_or_destroyed",
                2300,
                "destroyed and damaged healthcare facilities has already exceeded 2,300",
                "at_least",
            ),
            SeedFigure(
                "facilities_damaged_or_destroyed",
                2500,
                "over two and a half thousand medical institutions that have fallen victim",
                "at_least",
            ),
            SeedFigure("facilities_damaged", 2020, "2,020 of these damaged facilities"),
            SeedFigure(
                "facilities_destroyed",
                305,
                "305 healthcare institutions have been completely destroyed",
            ),
            SeedFigure("ambulances_damaged", 116, "116 ambulances have been damaged"),
            SeedFigure("ambulances_destroyed", 274, "274 ambulances have been destroyed"),
            SeedFigure("ambulances_seized", 80, "80 have been seized"),
            SeedFigure(
                "facilities_fully_restored",
                700,
                "more than seven hundred medical facilities have been fully restored",
                "at_least",
            ),
            SeedFigure("facilities_partially_restored", 312, "312 partially repaired"),
            SeedFigure(
                "facilities_back_in_operation",
                1000,
                "over a thousand medical institutions in Ukraine are back in operation",
                "at_least",
            ),
            # "As early as August 2024, the World Health Organization confirmed …"
            SeedFigure(
                "attacks_recorded",
                1940,
                "1,940 attacks on healthcare objects have been recorded",
                as_of=dt.date(2024, 8, 31),
                as_of_precision=DatePrecision.MONTH,
                attributed_to=WHO,
            ),
        ],
    ),
    SeedSource(
        seed="001",
        title="[Healthcare sectoral working group at the Ministry of Health; recovery plan]",
        attributed_to=MINISTRY,
        figures=[
            SeedFigure(
                "recovery_needs_usd",
                6_400_000_000,
                "needs for rebuilding the medical infrastructure are already estimated at "
                "USD 6.4 billion",
            ),
            SeedFigure(
                "recovery_needs_usd",
                15_000_000_000,
                "More than USD 15 billion is needed",
                "at_least",
            ),
        ],
    ),
    SeedSource(
        seed="002",
        title="[UK Defence Intelligence: Russian civilians denied healthcare]",
        attributed_to="UK Defence Intelligence",
        figures=[
            SeedFigure(
                "hospitals_closed",
                160,
                "At least 160 of the country’s public hospitals - including maternity "
                "facilities and children’s clinics - reportedly closed",
                "at_least",
                as_of=dt.date(2024, 12, 31),
                as_of_precision=DatePrecision.YEAR,
                country="RU",
            ),
        ],
    ),
    SeedSource(
        seed="004",
        title="Ukraine plans to expand international medical partnership project",
        published_on=dt.date(2023, 10, 6),
        attributed_to=MINISTRY,
        figures=[
            SeedFigure(
                "facilities_destroyed",
                190,
                "destroyed 190 medical facilities",
                as_of=dt.date(2023, 10, 6),
                as_of_precision=DatePrecision.DAY,
            ),
            SeedFigure(
                "facilities_damaged",
                1500,
                "damaged almost 1,500",
                "almost",
                as_of=dt.date(2023, 10, 6),
                as_of_precision=DatePrecision.DAY,
            ),
            SeedFigure(
                "partnership_agreements_signed",
                25,
                "25 agreements on international medical partnerships were signed",
                as_of=dt.date(2023, 10, 6),
                as_of_precision=DatePrecision.DAY,
            ),
        ],
    ),
]


def enter_seed_ledger(*, actor: Actor) -> int:
    """Register the seed texts as sources and enter their figures; return how many."""
    entered = 0
    for seed in SEED_SOURCES:
        source = register_source(
            actor=actor,
            publisher=seed.publisher,
            title=seed.title,
            published_on=seed.published_on,
            language=seed.language,
            is_synthetic=False,
        )
        for figure in seed.figures:
            record_figure(
                actor=actor,
                metric=figure.metric,
                value=figure.value,
                qualifier=figure.qualifier,
                as_of=figure.as_of,
                as_of_precision=figure.as_of_precision,
                country=figure.country,
                source=source,
                attributed_to=figure.attributed_to or seed.attributed_to,
                span=figure.span,
            )
            entered += 1
    return entered
