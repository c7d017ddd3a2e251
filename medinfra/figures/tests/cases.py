"""The extraction test set: the figures of the five seed texts, written down by hand, and
texts of our own in English and Ukrainian with the figures they hold and the numbers they
hold that are not figures. The benchmark reads the same set."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

D = dt.date
# The five seed texts live beside the repository; press prose is not copied into it.
REPOSITORY = Path(__file__).resolve().parents[3]


def shared_dir() -> Path:
    """The shared folder beside the repository, or MEDINFRA_SHARED_DIR."""
    return Path(os.environ.get("MEDINFRA_SHARED_DIR") or REPOSITORY.parent / "shared")


@dataclass(frozen=True)
class Expected:
    """A figure a text holds. as_of and region are checked only where given."""

    metric: str
    value: Decimal | int
    qualifier: str = "exact"
    country: str = "UA"
    region: str | None = None
    as_of: dt.date | None = None
    span: str = ""

    @property
    def key(self) -> tuple[str, Decimal, str]:
        return (self.metric, Decimal(self.value), self.qualifier)


@dataclass(frozen=True)
class Case:
    name: str
    language: str
    text: str
    expected: list[Expected]
    document_date: dt.date | None = None
    # Numbers the text holds that are not figures, for the reader of the test.
    not_figures: list[str] = field(default_factory=list)


# -- the seed texts --------------------------------------------------------------------------

SEEDS: dict[str, list[Expected]] = {
    "000": [
        Expected(
            "facilities_damaged_or_destroyed",
            2300,
            "at_least",
            span="destroyed and damaged healthcare facilities has already exceeded 2,300",
        ),
        Expected(
            "facilities_damaged_or_destroyed",
            2500,
            "at_least",
            span="over two and a half thousand medical institutions that have fallen victim",
        ),
        Expected("facilities_damaged", 2020, span="2,020 of these damaged facilities"),
        Expected(
            "facilities_destroyed",
            305,
            span="305 healthcare institutions have been completely destroyed",
        ),
        Expected("ambulances_damaged", 116, span="116 ambulances have been damaged"),
        Expected("ambulances_destroyed", 274, span="274 ambulances have been destroyed"),
        Expected("ambulances_seized", 80, span="80 have been seized"),
        Expected(
            "facilities_fully_restored",
            700,
            "at_least",
            span="more than seven hundred medical facilities have been fully restored",
        ),
        Expected("facilities_partially_restored", 312, span="312 partially repaired"),
        Expected(
            "facilities_back_in_operation",
            1000,
            "at_least",
            span="over a thousand medical institutions in Ukraine are back in operation",
        ),
        Expected(
            "attacks_recorded",
            1940,
            as_of=D(2024, 8, 31),
            span="1,940 attacks on healthcare objects have been recorded",
        ),
    ],
    "001": [
        Expected(
            "recovery_needs_usd",
            6_400_000_000,
            span="needs for rebuilding the medical infrastructure are already estimated at "
            "USD 6.4 billion",
        ),
        Expected(
            "recovery_needs_usd",
            15_000_000_000,
            "at_least",
            span="More than USD 15 billion is needed",
        ),
    ],
    "002": [
        Expected(
            "hospitals_closed",
            160,
            "at_least",
            country="RU",
            as_of=D(2024, 12, 31),
            span="At least 160 of the country’s public hospitals - including maternity facilities "
            "and children’s clinics - reportedly closed",
        ),
    ],
    "003": [],
    "004": [
        Expected(
            "facilities_destroyed",
            190,
            as_of=D(2023, 10, 6),
            span="destroyed 190 medical facilities",
        ),
        Expected(
            "facilities_damaged",
            1500,
            "almost",
            as_of=D(2023, 10, 6),
            span="damaged almost 1,500",
        ),
        Expected(
            "partnership_agreements_signed",
            25,
            as_of=D(2023, 10, 6),
            span="25 agreements on international medical partnerships were signed",
        ),
    ],
}
# What the seed texts hold that must not become figures.
SEED_NOT_FIGURES: dict[str, list[str]] = {
    "001": ["5 regions", "3 blocks"],
    "002": ["500,000 casualties", "2022", "2025", "14 March 2025", "30-day truce", "t.co link"],
    "003": [],
    "004": ["6 October 2023", "73rd session", "October 20-29", "19 months", "2025", "14 ministers"],
}


def seed_path(prefix: str) -> Path | None:
    """The seed text whose name starts with the prefix, if the shared folder holds it."""
    folder = shared_dir() / "seeds"
    found = sorted(folder.glob(f"{prefix}_*.txt")) if folder.is_dir() else []
    return found[0] if found else None


def seed_cases() -> list[Case]:
    """The seed texts that can be read here, with their figures."""
    cases = []
    for prefix, expected in SEEDS.items():
        path = seed_path(prefix)
        if path is not None:
            cases.append(
                Case(
                    name=f"seed {prefix}",
                    language="en",
                    text=path.read_text(encoding="utf-8"),
                    expected=expected,
                    not_figures=SEED_NOT_FIGURES.get(prefix, []),
                )
            )
    return cases


# -- texts of our own ------------------------------------------------------------------------

OWN: list[Case] = [
    Case(
        name="en: damage as of a date, by region, restoration; a phone number and a link",
        language="en",
        document_date=D(2024, 3, 5),
        text=(
            "As of 1 March 2024, 1,523 medical facilities had been damaged and another 195 "
            "destroyed, the Ministry of Health said. In Kharkiv Oblast alone, 249 facilities "
            "were damaged or destroyed. So far, 502 facilities have been fully restored and "
            "another 362 partially rebuilt. Call the hotline on 0 800 60 20 19 or read "
            "https://example.org/report-2024 for details."
        ),
        expected=[
            Expected("facilities_damaged", 1523, as_of=D(2024, 3, 1)),
            Expected("facilities_destroyed", 195, as_of=D(2024, 3, 1)),
            Expected("facilities_damaged_or_destroyed", 249, region="UA-63"),
            Expected("facilities_fully_restored", 502, as_of=D(2024, 3, 5)),
            Expected("facilities_partially_restored", 362),
        ],
        not_figures=["0 800 60 20 19", "2024 in the link"],
    ),
    Case(
        name="en: attacks, ambulances listed after their verbs, health workers",
        language="en",
        document_date=D(2024, 6, 1),
        text=(
            "Since February 2022, WHO has verified nearly 2,000 attacks on health care in "
            "Ukraine. The enemy damaged 196 emergency medical vehicles, destroyed 266, and "
            "captured 125 ambulance vehicles. About 120 health workers have been killed and "
            "at least 300 injured."
        ),
        expected=[
            Expected("attacks_recorded", 2000, "almost", as_of=D(2024, 6, 1)),
            Expected("ambulances_damaged", 196),
            Expected("ambulances_destroyed", 266),
            Expected("ambulances_seized", 125),
            Expected("health_workers_killed", 120, "approximately"),
            Expected("health_workers_injured", 300, "at_least"),
        ],
        not_figures=["February 2022"],
    ),
    Case(
        name="en: ordinals, ranges, durations, ages, shares, phones, years, beds, people",
        language="en",
        document_date=D(2023, 10, 6),
        text=(
            "The 73rd session of the Regional Committee will take place on 20-29 October in "
            "Astana. For more than 19 months, the 45-year-old surgeon has worked 12-hour "
            "shifts; 85% of the hospital's staff stayed. Call +380 44 123 45 67. The hospital, "
            "founded in 1954, has 350 beds and serves 120,000 people in 5 districts. Its "
            "COVID-19 ward opened on 3 May."
        ),
        expected=[],
        not_figures=[
            "73rd",
            "20-29 October",
            "19 months",
            "45-year-old",
            "12-hour",
            "85%",
            "+380 44 123 45 67",
            "1954",
            "350 beds",
            "120,000 people",
            "5 districts",
            "COVID-19",
            "3 May",
        ],
    ),
    Case(
        name="en: money in dollars, up to, some; other currencies are not needs in USD",
        language="en",
        document_date=D(2024, 2, 15),
        text=(
            "Restoring the damaged hospitals will cost up to USD 1.2 billion, the World Bank "
            "estimates; rebuilding the whole health system needs some $17 billion. Donors "
            "have pledged EUR 300 million."
        ),
        expected=[
            Expected("recovery_needs_usd", 1_200_000_000, "at_most"),
            Expected("recovery_needs_usd", 17_000_000_000, "approximately"),
        ],
        not_figures=["EUR 300 million"],
    ),
    Case(
        name="en: numbers in words, a city, a dozen not yet signed, half a million patients",
        language="en",
        document_date=D(2023, 6, 1),
        text=(
            "Twenty-five agreements on medical partnership were signed in Kyiv on 12 May "
            "2023, and a dozen more memorandums are being prepared. Half a million patients "
            "were treated."
        ),
        expected=[
            Expected("partnership_agreements_signed", 25, region="UA-30", as_of=D(2023, 5, 12)),
        ],
        not_figures=["a dozen more memorandums", "half a million patients"],
    ),
    Case(
        name="en: hospital closures in another country and in a region, by year",
        language="en",
        document_date=D(2024, 4, 1),
        text=(
            "In Russia, more than 150 rural hospitals have closed since 2020, according to "
            "independent researchers. In the Kherson region, 12 hospitals closed in 2023."
        ),
        expected=[
            Expected("hospitals_closed", 150, "at_least", country="RU", as_of=D(2024, 4, 1)),
            Expected("hospitals_closed", 12, region="UA-65", as_of=D(2023, 12, 31)),
        ],
        not_figures=["2020"],
    ),
    Case(
        name="en: a number that repeats the one before, a list of events, either restoration",
        language="en",
        document_date=D(2022, 11, 6),
        text=(
            "In Mykolaiv Oblast, 148 medical establishments were affected, and in Kyiv Oblast, "
            "121. Russia damaged, destroyed or seized a total of 624 emergency medical "
            "vehicles. 963 medical facilities have already been fully or partially restored."
        ),
        expected=[
            Expected("facilities_damaged_or_destroyed", 148, region="UA-48"),
            Expected("facilities_damaged_or_destroyed", 121, region="UA-32"),
            Expected("ambulances_lost", 624),
            Expected("facilities_restored", 963),
        ],
    ),
    Case(
        name="en: health workers in occupied territory, a year for one clause only",
        language="en",
        document_date=D(2024, 1, 15),
        text=(
            "In occupied Zaporizhzhia region, at least 30 medical workers have been detained "
            "and some 12 abducted since 2022; two doctors were killed in 2023. The report was "
            "published on 15 January 2024."
        ),
        expected=[
            Expected(
                "health_workers_detained",
                30,
                "at_least",
                region="UA-23",
                as_of=D(2024, 1, 15),
            ),
            Expected("health_workers_detained", 12, "approximately", region="UA-23"),
            Expected("health_workers_killed", 2, region="UA-23", as_of=D(2023, 12, 31)),
        ],
        not_figures=["2022", "15 January 2024"],
    ),
    Case(
        name="en: 'thousands of', 'one … in three', a year alone",
        language="en",
        document_date=D(2024, 2, 1),
        text=(
            "Over the past year, thousands of Ukrainians have lost access to care; one hospital "
            "in three reports shortages. In 2023 alone, 14 hospitals in Sumy Oblast were "
            "destroyed by shelling."
        ),
        expected=[
            Expected("facilities_destroyed", 14, region="UA-59", as_of=D(2023, 12, 31)),
        ],
        not_figures=["thousands of Ukrainians", "one hospital in three"],
    ),
    Case(
        name="uk: damage as of a date, a '-щина' region, restoration said once for two",
        language="uk",
        document_date=D(2024, 3, 5),
        text=(
            "Станом на 1 березня 2024 року внаслідок обстрілів пошкоджено 1 523 медичні "
            "заклади, ще 195 зруйновано повністю. На Харківщині постраждали 249 закладів "
            "охорони здоров’я. Повністю відновлено понад п’ятсот закладів, частково — ще 362."
        ),
        expected=[
            Expected("facilities_damaged", 1523, as_of=D(2024, 3, 1)),
            Expected("facilities_destroyed", 195, as_of=D(2024, 3, 1)),
            Expected("facilities_damaged_or_destroyed", 249, region="UA-63"),
            Expected("facilities_fully_restored", 500, "at_least", as_of=D(2024, 3, 5)),
            Expected("facilities_partially_restored", 362),
        ],
    ),
    Case(
        name="uk: ambulances listed after their verbs, attacks counted by WHO",
        language="uk",
        document_date=D(2025, 1, 8),
        text=(
            "Російська армія пошкодила 233 автомобілі швидкої допомоги, знищила 273 та "
            "захопила 80. Від початку повномасштабного вторгнення ВООЗ зафіксувала понад "
            "1 900 атак на заклади охорони здоров’я."
        ),
        expected=[
            Expected("ambulances_damaged", 233),
            Expected("ambulances_destroyed", 273),
            Expected("ambulances_seized", 80),
            Expected("attacks_recorded", 1900, "at_least"),
        ],
    ),
    Case(
        name="uk: ordinals, ranges, durations, ages, shares, phones, links, years, beds",
        language="uk",
        document_date=D(2023, 10, 6),
        text=(
            "73-тя сесія Європейського регіонального комітету ВООЗ відбудеться 20–29 жовтня. "
            "Уже понад 19 місяців триває війна; 45-річний лікар працює цілодобово, а 85 % "
            "персоналу лишилися на місцях. Телефон гарячої лінії: 0 800 60 20 19, сайт "
            "moz.gov.ua. Лікарня, збудована у 1972 році, має 250 ліжок і обслуговує 40 тисяч "
            "мешканців 3 громад."
        ),
        expected=[],
        not_figures=[
            "73-тя",
            "20–29 жовтня",
            "19 місяців",
            "45-річний",
            "85 %",
            "0 800 60 20 19",
            "1972",
            "250 ліжок",
            "40 тисяч мешканців",
            "3 громад",
        ],
    ),
    Case(
        name="uk: needs in dollars in words and digits, closures in another country",
        language="uk",
        document_date=D(2024, 5, 20),
        text=(
            "Загальні потреби на відновлення медичної інфраструктури оцінюються у 6,4 млрд "
            "доларів. Для відновлення системи охорони здоров’я загалом потрібно понад "
            "15 мільярдів доларів США. У Росії закрили щонайменше 160 державних лікарень."
        ),
        expected=[
            Expected("recovery_needs_usd", 6_400_000_000),
            Expected("recovery_needs_usd", 15_000_000_000, "at_least"),
            Expected("hospitals_closed", 160, "at_least", country="RU"),
        ],
    ),
    Case(
        name="uk: numbers in words and their case forms",
        language="uk",
        document_date=D(2024, 8, 1),
        text=(
            "Від початку війни загинули близько двохсот медичних працівників, ще понад тисячу "
            "поранено. Українські лікарні підписали двадцять п’ять угод про партнерство з "
            "іноземними клініками. Майже півтори тисячі закладів знову працюють, тисячі "
            "пацієнтів чекають на відновлення інших."
        ),
        expected=[
            Expected("health_workers_killed", 200, "approximately"),
            Expected("health_workers_injured", 1000, "at_least"),
            Expected("partnership_agreements_signed", 25),
            Expected("facilities_back_in_operation", 1500, "almost"),
        ],
        not_figures=["тисячі пацієнтів"],
    ),
    Case(
        name="uk: a dateline, more than in the genitive, a region in the locative",
        language="uk",
        text=(
            "МОЗ: статистика руйнувань\n\n6 жовтня 2023 року\n\n"
            "Російські окупанти зруйнували 190 медичних закладів і пошкодили майже півтори "
            "тисячі. У Херсонській області знищено більше сорока лікарень та амбулаторій."
        ),
        expected=[
            Expected("facilities_destroyed", 190, as_of=D(2023, 10, 6)),
            Expected("facilities_damaged", 1500, "almost", as_of=D(2023, 10, 6)),
            Expected("facilities_destroyed", 40, "at_least", region="UA-65"),
        ],
        not_figures=["6 жовтня 2023 року"],
    ),
]


def all_cases() -> list[Case]:
    """The whole test set: the seed texts found here and our own."""
    return seed_cases() + OWN


# -- held out --------------------------------------------------------------------------------

# Written after extraction was built and never used to tune it: the benchmark reports these
# apart, as the honest measure of texts extraction has not seen. The tests do not require them.
HELD_OUT: list[Case] = [
    Case(
        name="held out en: a ministry round-up",
        language="en",
        document_date=D(2024, 11, 20),
        text=(
            "Since February 2022 Russian strikes have damaged 1,878 hospitals and clinics and "
            "destroyed a further 289, the health ministry reported on Wednesday. Some 565 "
            "facilities are fully operational again after repairs. Kherson region alone lost "
            "37 ambulances, while across the country 624 emergency vehicles were damaged, "
            "destroyed or captured."
        ),
        expected=[
            Expected("facilities_damaged", 1878),
            Expected("facilities_destroyed", 289),
            Expected("facilities_back_in_operation", 565, "approximately"),
            Expected("ambulances_lost", 624),
        ],
        not_figures=["37 ambulances lost (no event the ledger counts)"],
    ),
    Case(
        name="held out en: WHO surveillance",
        language="en",
        document_date=D(2025, 2, 24),
        text=(
            "Three years into the war, WHO's Surveillance System for Attacks on Health Care "
            "has verified more than 2,250 attacks in Ukraine, killing 210 people, among them "
            "health workers. In the 12 months to January 2025 alone, the system logged 590 "
            "attacks."
        ),
        expected=[
            Expected("attacks_recorded", 2250, "at_least"),
            Expected("attacks_recorded", 590),
        ],
        not_figures=["Three years", "210 people", "12 months"],
    ),
    Case(
        name="held out en: partnership programme",
        language="en",
        document_date=D(2024, 5, 17),
        text=(
            "Under the programme, 31 Ukrainian hospitals have signed twinning agreements with "
            "clinics in 12 countries, and a further eight memoranda were signed on 16 May. "
            "The next round opens on 1 September."
        ),
        expected=[
            Expected("partnership_agreements_signed", 8, as_of=D(2024, 5, 16)),
        ],
        not_figures=["31 Ukrainian hospitals (counts hospitals that signed)", "12 countries"],
    ),
    Case(
        name="held out en: occupied territory",
        language="en",
        document_date=D(2023, 12, 1),
        text=(
            "In the occupied part of Kherson Oblast, at least 14 doctors were detained by "
            "Russian forces in 2023, and two paramedics were killed. Hotline: +380 67 000 00 00."
        ),
        expected=[
            Expected("health_workers_detained", 14, "at_least", region="UA-65"),
            Expected("health_workers_killed", 2, region="UA-65"),
        ],
    ),
    Case(
        name="held out uk: звіт МОЗ",
        language="uk",
        document_date=D(2024, 12, 9),
        text=(
            "З початку повномасштабного вторгнення ворог пошкодив 1878 медичних закладів та "
            "повністю зруйнував 289. Загалом відновлено 935 закладів: 565 — повністю, ще 370 "
            "— частково. Втрати галузі перевищують 17 млрд доларів."
        ),
        expected=[
            Expected("facilities_damaged", 1878),
            Expected("facilities_destroyed", 289),
            Expected("facilities_restored", 935),
            Expected("facilities_fully_restored", 565),
            Expected("facilities_partially_restored", 370),
        ],
        not_figures=["17 млрд доларів втрат (losses, not needs)"],
    ),
    Case(
        name="held out uk: швидка допомога",
        language="uk",
        document_date=D(2024, 8, 13),
        text=(
            "Окупанти пошкодили 196 машин екстреної медичної допомоги, знищили 266 і захопили "
            "125 карет швидкої. На Донеччині за тиждень поранено шістьох медиків."
        ),
        expected=[
            Expected("ambulances_damaged", 196),
            Expected("ambulances_destroyed", 266),
            Expected("ambulances_seized", 125),
            Expected("health_workers_injured", 6, region="UA-14"),
        ],
    ),
    Case(
        name="held out uk: потреби відновлення",
        language="uk",
        document_date=D(2023, 3, 10),
        text=(
            "За оцінками Світового банку, на відновлення системи охорони здоров'я знадобиться "
            "близько 16,4 млрд доларів США упродовж 10 років. Станом на 1 березня 2023 року в "
            "Харківській області пошкоджено понад 300 закладів."
        ),
        expected=[
            Expected("recovery_needs_usd", 16_400_000_000, "approximately"),
            Expected("facilities_damaged", 300, "at_least", region="UA-63", as_of=D(2023, 3, 1)),
        ],
        not_figures=["10 років"],
    ),
    Case(
        name="held out uk: закриття лікарень у Росії",
        language="uk",
        document_date=D(2025, 3, 15),
        text=(
            "За даними британської розвідки, у 2024 році в Росії закрилися щонайменше 160 "
            "державних лікарень. Ще в 2019 році їх було понад 5 тисяч."
        ),
        expected=[
            Expected("hospitals_closed", 160, "at_least", country="RU", as_of=D(2024, 12, 31)),
        ],
        not_figures=["понад 5 тисяч (hospitals that existed)"],
    ),
]
