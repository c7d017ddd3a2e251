"""A press text prepared for reading: folded copies, sentences, clauses, and the numbers that
are not counts (dates aside): links, phone numbers, times, percentages, ordinals, ages."""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

from medinfra.figures.extraction.vocabulary import WORD_END, WORD_START, words

# Every replacement is one character for one, so offsets in the copies are offsets in the text.
_SAME_LENGTH = str.maketrans(
    {
        "\u2019": "'",
        "\u02bc": "'",
        "\u2018": "'",
        "`": "'",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\t": " ",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2011": "-",
        "\u2212": "-",
    }
)


@dataclass(frozen=True)
class Prepared:
    """The text as given, as written with uniform punctuation, and folded to lower case."""

    text: str
    plain: str
    folded: str


def prepare(text: str) -> Prepared:
    """Copies of the text, character for character, for reading."""
    plain = text.translate(_SAME_LENGTH)
    folded = "".join(c.lower() if len(c.lower()) == 1 else c for c in plain)
    return Prepared(text=text, plain=plain, folded=folded)


def is_ukrainian(text: str) -> bool:
    """Whether most letters are Cyrillic."""
    cyrillic = sum(1 for c in text if "\u0400" <= c <= "\u04ff")
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    return cyrillic > latin


# -- sentences and clauses -------------------------------------------------------------------

_ABBREVIATIONS = {
    "no",
    "nos",
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "vs",
    "e.g",
    "i.e",
    "approx",
    "тис",
    "млн",
    "млрд",
    "р",
    "рр",
    "грн",
    "дол",
    "ст",
    "м",
    "вул",
    "обл",
    "проф",
    "д",
    "див",
    "т.зв",
}
_SENTENCE_END = re.compile(r"[.!?\u2026][\"')\]]*\s+(?=[\"'(\[]*[A-ZА-ЯІЇЄҐ0-9])")
_BLANK_LINE = re.compile(r"\n\s*\n")
_HEADING_LENGTH = 80


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int


def sentences(prepared: Prepared) -> list[Sentence]:
    """The sentences of the text, as offsets; headings and datelines stand alone."""
    plain = prepared.plain
    cuts = {0, len(plain)}
    for match in _SENTENCE_END.finditer(plain):
        tail = plain[max(0, match.start() - 12) : match.start() + 1]
        before = re.search(r"([\w.]+)[.!?\u2026]$", tail)
        if before and before.group(1).lower() in _ABBREVIATIONS:
            continue
        cuts.add(match.end())
    for match in _BLANK_LINE.finditer(plain):
        cuts.add(match.end())
    line_start = 0
    for match in re.finditer(r"\n", plain):
        line = plain[line_start : match.start()].strip()
        following = plain[match.end() : match.end() + 1]
        # A short line without a full stop is a heading or a dateline; a long one was wrapped.
        if line and (line[-1] in ".!?:;\"'" or len(line) < _HEADING_LENGTH) and following:
            cuts.add(match.end())
        line_start = match.end()
    ordered = sorted(cuts)
    found = []
    for start, end in itertools.pairwise(ordered):
        while start < end and plain[start].isspace():
            start += 1
        while end > start and plain[end - 1].isspace():
            end -= 1
        if end > start:
            found.append(Sentence(start, end))
    return found


_CLAUSE_BREAK = re.compile(r"[;:]\s|,\s")


def clause_breaks(
    prepared: Prepared, sentence: Sentence, is_event_word: re.Pattern[str]
) -> list[int]:
    """Offsets where the sentence's clauses meet; a list of events ('damaged, destroyed or
    seized') is one clause."""
    folded = prepared.folded
    breaks = [sentence.start]
    for match in _CLAUSE_BREAK.finditer(folded, sentence.start, sentence.end):
        if match.group().startswith(","):
            before = folded[max(sentence.start, match.start() - 30) : match.start()]
            after = folded[match.end() : min(sentence.end, match.end() + 30)]
            if is_event_word.search(before.rsplit(" ", 1)[-1]) and is_event_word.match(after):
                continue
        breaks.append(match.end())
    breaks.append(sentence.end)
    return breaks


# -- numbers that are not counts -------------------------------------------------------------

_TOP_LEVEL = r"\.(?:com|org|net|ua|gov|int|info|io|co|uk|ru)"
_DOMAIN_REACH = 253
_DOMAIN = rf"\b[\w.-]{{1,{_DOMAIN_REACH}}}{_TOP_LEVEL}(?:/\S*)?"
_NOT_COUNTS = [
    # Links, addresses, handles and tags: digits in them are names.
    r"(?:https?://|www\.)\S+",
    # (Bounded as names are, 253 and 64 characters: unbounded, a long run of "1.1.1." took
    # each start a scan to its end, minutes in all.)
    _DOMAIN,
    r"[\w.+-]{1,64}@[\w-]+\.[\w.]+",
    r"[@#][\w]+",
    # Telephone numbers: an international or trunk prefix, or digits grouped like a phone's.
    r"(?:\+|\b00)\d[\d\s()-]{6,}\d",
    r"\(\d{2,5}\)\s?\d[\d\s-]{4,}\d",
    r"\b0\d{2,4}[\s-]\d{2,3}[\s-]\d{2}[\s-]?\d{2}\b",
    r"\b0\s?800(?:[\s-]?\d{2,3}){2,3}\b",
    r"\b\d{3}-\d{2}-\d{2}\b",
    r"(?:tel\.?|phone|hotline|call|тел\.?|телефон\w*|гаряч\w+ лін\w+)[:\s]+[\d\s()+-]{5,}\d",
    # Times of day.
    r"\b\d{1,2}:\d{2}(?::\d{2})?\b",
    # Letters and digits in one word are a name: COVID-19, Su-30s, MH17.
    r"(?<![\w'])[^\W\d_]+-?\d+[\w-]*",
    r"(?<![\w'.,])\d+(?!(?:bn|mln|млн|млрд|тис)\b)[^\W\d_]+[\w-]*",
    # Ranges: neither end is the figure.
    r"\b\d+(?:[.,]\d+)?\s?-\s?\d+(?:[.,]\d+)?\b(?!\s?(?:тис|млн|млрд|thousand|million|billion))",
    # Numbers of documents and items.
    r"(?:№|#|\bno\.|\bnos\.|\bnumber|\bart\.|\barticle|\bsection|\bresolution|\bdecree|"
    r"\bстатт\w*|\bпункт\w*|\bпостанов\w*|\bнаказ\w*|\bрішенн\w*|\bзакон\w*)\s?\d[\d\s/.,-]*",
]
NOT_COUNTS = re.compile("|".join(f"(?:{p})" for p in _NOT_COUNTS), re.IGNORECASE)
# The same without the domain names, which can start only within reach of a top-level domain.
_NOT_COUNTS_BUT_DOMAINS = re.compile(
    "|".join(f"(?:{p})" for p in _NOT_COUNTS if p != _DOMAIN), re.IGNORECASE
)
_TOP_LEVEL_AT = re.compile(f"(?={_TOP_LEVEL})", re.IGNORECASE)

# Ordinals written with digits: 73rd, and the Ukrainian endings after a hyphen.
ORDINAL_SUFFIX = re.compile(
    r"^(?:st|nd|rd|th|-?(?:й|ий|ій|го|му|ми|х|та|те|тя|ї|ої|я|є|а))" + WORD_END
)
# Words that make the number before them a duration, an age or a share, not a count.
NOT_COUNT_AFTER = words(
    [
        r"%",
        r"per cent",
        r"percent",
        r"percentage points?",
        r"відсот\w*",
        r"процент\w*",
        r"seconds?",
        r"minutes?",
        r"hours?",
        r"days?",
        r"nights?",
        r"weeks?",
        r"months?",
        r"years?",
        r"decades?",
        r"centur(?:y|ies)",
        r"-(?:day|week|month|year|hour)s?(?:-old)?",
        r"секунд\w*",
        r"хвилин\w*",
        r"годин\w*",
        r"доб[аиу]?",
        r"діб",
        r"днів",
        r"дні",
        r"день",
        r"тиж\w*",
        r"місяц\w*",
        r"років",
        r"роки",
        r"рік",
        r"-річн\w*",
        r"times",
        r"разів",
        r"рази",
        r"°\w?",
        r"km",
        r"км",
        r"kilomet\w*",
        r"кілометр\w*",
        r"metres?",
        r"meters?",
        r"метр\w*",
    ]
)
_NOT_COUNT_AFTER_SYMBOL = re.compile(r"^\s?(?:%|‰|°|-(?:day|week|month|year|hour|річн))")
NOT_COUNT_BEFORE = re.compile(WORD_START + r"(?:aged|age of|ages of|age|віком|у віці|в віці)\s+$")


def not_counts(prepared: Prepared) -> list[tuple[int, int]]:
    """Spans whose digits never count anything: the matches of NOT_COUNTS, as its finditer()
    finds them.

    A domain name is looked for only where one can start, up to _DOMAIN_REACH characters
    before a top-level domain: tried everywhere, its bounded scan made each of the thousands
    of starts in a run like "1.1.1.1." cost hundreds of steps. Elsewhere the other patterns
    alone find the same matches, for no domain can start there."""
    plain = prepared.plain
    top_levels = [m.start() for m in _TOP_LEVEL_AT.finditer(plain)]
    found: list[tuple[int, int]] = []
    position = 0
    # The next match of the other patterns from a position is the next from every later
    # position up to its start: it is searched for again only once passed.
    other = _NOT_COUNTS_BUT_DOMAINS.search(plain)
    while True:
        if other is not None and other.start() < position:
            other = _NOT_COUNTS_BUT_DOMAINS.search(plain, position)
        following = bisect.bisect_right(top_levels, position)
        if following == len(top_levels):
            found += [
                (m.start(), m.end()) for m in _NOT_COUNTS_BUT_DOMAINS.finditer(plain, position)
            ]
            break
        top_level = top_levels[following]
        if other is not None and other.start() < top_level - _DOMAIN_REACH:
            found.append((other.start(), other.end()))
            position = other.end()
            continue
        for start in range(max(position, top_level - _DOMAIN_REACH), top_level):
            match = NOT_COUNTS.match(plain, start)
            if match:
                found.append((match.start(), match.end()))
                position = match.end()
                break
        else:
            position = top_level
    return found


def is_not_a_count(prepared: Prepared, start: int, end: int) -> bool:
    """Whether the words right around a number make it a duration, age, share or ordinal."""
    folded = prepared.folded
    after = folded[end : end + 30]
    if ORDINAL_SUFFIX.match(after) or _NOT_COUNT_AFTER_SYMBOL.match(after):
        return True
    stripped = after.lstrip()
    if stripped and NOT_COUNT_AFTER.match(stripped) and len(after) - len(stripped) <= 1:
        return True
    return bool(NOT_COUNT_BEFORE.search(folded[max(0, start - 20) : start]))


def overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)
