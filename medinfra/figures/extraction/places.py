"""Where a figure is about: regions by their names in both languages, and countries."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from medinfra.figures.extraction.text import Prepared
from medinfra.figures.extraction.vocabulary import WORD_END, WORD_START

GEOGRAPHY_DATA = resources.files("medinfra.geography") / "data"
FIGURES_DATA = resources.files("medinfra.figures") / "data"


@dataclass(frozen=True)
class RegionName:
    """A region as extraction needs it: code, country and names."""

    code: str
    country: str
    kind: str
    name_en: str
    name_uk: str


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    code: str


def _uk_forms(name_uk: str) -> list[str]:
    """'Харківська область' in every case: Харківської області, Харківській області …"""
    words = name_uk.split()
    if len(words) == 2 and words[1] == "область" and words[0].endswith("а"):
        stem = re.escape(words[0][:-1].lower())
        return [rf"{stem}(?:а|ої|ій|у|ою) област(?:ь|і|ю)"]
    return [re.escape(name_uk.lower())]


def _en_forms(region: RegionName, bare_names: set[str]) -> list[str]:
    name = region.name_en.lower()
    forms = [re.escape(name)]
    if name.endswith(" oblast"):
        base = re.escape(name[: -len(" oblast")])
        forms.append(rf"{base} (?:region|province|oblast)")
        # "Kharkiv" alone is the region's city or the region; "Kyiv" alone is the city.
        if name[: -len(" oblast")] not in bare_names:
            forms.append(base)
    return forms


def _whole_words(pattern: str) -> re.Pattern[str]:
    """The pattern as whole words. A name's first letter is matched before the look back at
    the character before it: a pattern that starts with a letter is searched for that letter
    in one fast scan, where one that starts with the look back is tried at every position
    (with some 150 names, most of the time a long text took)."""
    first = pattern[0]
    if first.isalnum():
        return re.compile(f"{first}(?<![\\w']{first}){pattern[1:]}{WORD_END}")
    return re.compile(WORD_START + pattern + WORD_END)


class RegionIndex:
    """Finds region names in a text; built from the Region table or the packaged data."""

    def __init__(self, regions: Iterable[RegionName], aliases: Iterable[tuple[str, str, str]]):
        self.regions = {r.code: r for r in regions}
        bare_names = {r.name_en.lower() for r in self.regions.values()}
        patterns: list[tuple[str, str]] = []
        for region in self.regions.values():
            patterns += [(region.code, f) for f in _en_forms(region, bare_names)]
            patterns += [(region.code, f) for f in _uk_forms(region.name_uk)]
        for code, alias, how in aliases:
            if code not in self.regions:
                continue
            escaped = re.escape(alias.lower())
            patterns.append((code, escaped + (r"\w{0,3}" if how == "stem" else "")))
        self._patterns = [(code, _whole_words(pattern)) for code, pattern in patterns]

    def country_of(self, code: str) -> str:
        return self.regions[code].country

    def mentions(self, prepared: Prepared) -> list[PlaceMention]:
        """Region names in the text; where two overlap, the longer one."""
        found = [
            PlaceMention(m.start(), m.end(), code)
            for code, pattern in self._patterns
            for m in pattern.finditer(prepared.folded)
        ]
        found.sort(key=lambda m: (-(m.end - m.start), m.start))
        kept: list[PlaceMention] = []
        # The characters a longer name took, marked: each name is checked in its own length,
        # not against every name kept before it (quadratic in a text of many names).
        taken = bytearray(len(prepared.folded))
        for mention in found:
            if taken.find(1, mention.start, mention.end) < 0:
                kept.append(mention)
                taken[mention.start : mention.end] = b"\x01" * (mention.end - mention.start)
        return sorted(kept, key=lambda m: m.start)

    @classmethod
    def packaged(cls, countries: Iterable[str]) -> RegionIndex:
        """The regions of the countries whose region lists ship with medinfra."""
        regions = []
        for country in countries:
            folder = GEOGRAPHY_DATA / country.upper()
            if not folder.is_dir():
                continue
            with (folder / "regions.csv").open(encoding="utf-8") as handle:
                regions += [
                    RegionName(
                        code=row["iso_code"],
                        country=country.upper(),
                        kind=row["kind"],
                        name_en=row["name_en"],
                        name_uk=row["name_uk"],
                    )
                    for row in csv.DictReader(handle)
                ]
        return cls(regions, packaged_aliases())


def packaged_aliases() -> list[tuple[str, str, str]]:
    """Other names of regions: the Ukrainian '-щина' names, city names in their cases."""
    with (FIGURES_DATA / "region_aliases.csv").open(encoding="utf-8") as handle:
        return [(row["code"], row["alias"], row["match"]) for row in csv.DictReader(handle)]


# -- countries -------------------------------------------------------------------------------

# Nouns that, after a country's adjective, say the place is in that country: "Russian
# hospitals", not "Russian shelling".
_PLACE_NOUNS_EN = (
    r"(?:civilians?|hospitals?|clinics?|medical|health|healthcare|regions?|towns?|villages?|"
    r"cities|population|patients?|doctors?|facilities|health-care)"
)
_PLACE_NOUNS_UK = r"(?:лікар|медичн|закла|громадян|цивільн|охорон|регіон|міст|сіл|населен|пацієнт)"


@dataclass(frozen=True)
class CountryMention:
    start: int
    end: int
    code: str


class CountryIndex:
    """Finds where a text places things in a country: 'in Russia', 'Ukraine's hospitals'."""

    def __init__(self) -> None:
        self._patterns: list[tuple[str, re.Pattern[str]]] = []
        with (FIGURES_DATA / "countries.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                names_en = "|".join(re.escape(n) for n in row["names_en"].split("|"))
                names_uk = "|".join(re.escape(n) for n in row["names_uk"].split("|"))
                bare_en = "|".join(
                    re.escape(n.removeprefix("the ")) for n in row["names_en"].split("|")
                )
                adjective_en = re.escape(row["adjective_en"])
                adjective_uk = re.escape(row["adjective_uk"])
                forms = [
                    rf"(?:in|across|throughout|within|inside|of) (?:{names_en})",
                    rf"(?:{bare_en})'s {_PLACE_NOUNS_EN}",
                    rf"{adjective_en} {_PLACE_NOUNS_EN}",
                    rf"(?:в|у|на|по|всій|всієї) (?:{names_uk})",
                    rf"{adjective_uk}\w* {_PLACE_NOUNS_UK}\w*",
                ]
                self._patterns.append(
                    (row["code"], re.compile(WORD_START + "(?:" + "|".join(forms) + ")"))
                )

    def mentions(self, prepared: Prepared) -> list[CountryMention]:
        return sorted(
            (
                CountryMention(m.start(), m.end(), code)
                for code, pattern in self._patterns
                for m in pattern.finditer(prepared.folded)
            ),
            key=lambda m: m.start,
        )


THE_COUNTRY = re.compile(
    WORD_START + r"(?:the country(?:'s)?|nationwide|в країні|по країні|країни)" + WORD_END
)
