"""Numbers in a text, written in digits ("2,020", "2 020", "1.5 thousand", "6,4 млрд") or in
words ("two and a half thousand", "over a thousand", "півтори тисячі", "семисот")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from medinfra.figures.extraction.text import Prepared
from medinfra.figures.extraction.vocabulary import WORD_END


@dataclass(frozen=True)
class NumberMention:
    """A number and where it is written."""

    start: int
    end: int
    value: Decimal
    # Four digits from 1900 to 2100 without separators: a year unless a noun it counts follows.
    is_year_like: bool = False
    # Ukrainian "тисячі" alone is "a thousand" after "близько", "понад"…, otherwise "thousands".
    needs_qualifier: bool = False


_DIGITS = re.compile(
    r"(?<![\w.,'-])"
    r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # 2,020 and 6,400,000.5
    r"|\d{1,3}(?: \d{3})+(?:,\d+)?"  # 2 020 and 1 500,5
    r"|\d+(?:[.,]\d+)?)"  # 2020, 6.4, 6,4
    r"(?!\d)"
)
_SCALES = {
    "thousand": 1_000,
    "thousands": 1_000,
    "million": 1_000_000,
    "millions": 1_000_000,
    "billion": 1_000_000_000,
    "billions": 1_000_000_000,
    "bn": 1_000_000_000,
    "mln": 1_000_000,
    "тис": 1_000,
    "тис.": 1_000,
    "млн": 1_000_000,
    "млн.": 1_000_000,
    "млрд": 1_000_000_000,
    "млрд.": 1_000_000_000,
}
_SCALE_AFTER_DIGITS = re.compile(
    r"^ ?(?P<scale>thousands?|millions?|billions?|bn|mln|тис\.?|млн\.?|млрд\.?"
    r"|тисяч\w*|мільйон\w*|мільярд\w*)" + WORD_END
)


def _digits_value(raw: str) -> Decimal | None:
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
        raw = raw.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(?: \d{3})+(?:,\d+)?", raw):
        raw = raw.replace(" ", "").replace(",", ".")
    else:
        raw = raw.replace(",", ".")
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def _scale_of(word: str) -> int:
    if word in _SCALES:
        return _SCALES[word]
    if word.startswith("тисяч"):
        return 1_000
    if word.startswith("мільйон"):
        return 1_000_000
    return 1_000_000_000


def digit_numbers(prepared: Prepared) -> list[NumberMention]:
    """Numbers written in digits, with a scale word after them."""
    folded = prepared.folded
    found = []
    for match in _DIGITS.finditer(folded):
        raw = match.group()
        value = _digits_value(raw)
        if value is None:
            continue
        end = match.end()
        scale = _SCALE_AFTER_DIGITS.match(folded[end : end + 20])
        if scale:
            value *= _scale_of(scale.group("scale"))
            end += scale.end()
        year_like = bool(re.fullmatch(r"(?:19|20)\d\d|2100", raw)) and not scale
        found.append(NumberMention(match.start(), end, value, is_year_like=year_like))
    return found


# -- English words ---------------------------------------------------------------------------

_EN_UNITS = {
    w: i
    for i, w in enumerate(
        re.split(
            " ",
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen",
        )
    )
}
_EN_TENS = {
    w: 10 * i
    for i, w in enumerate(re.split(" ", "twenty thirty forty fifty sixty seventy eighty ninety"), 2)
}
_EN_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

# -- Ukrainian words, in their case forms ----------------------------------------------------


def _forms(value: int, *forms: str) -> dict[str, int]:
    return dict.fromkeys(forms, value)


def _teen_forms(stem: str, value: int) -> dict[str, int]:
    # одинадцять, одинадцяти, одинадцятьох, одинадцятьом, одинадцятьма
    base = stem[: -len("ять")]
    return _forms(value, stem, base + "яти", base + "ятьох", base + "ятьом", base + "ятьма")


_UK_UNITS: dict[str, int] = {
    **_forms(
        1,
        "один",
        "одна",
        "одне",
        "одного",
        "одної",
        "однієї",
        "одній",
        "одному",
        "одну",
        "одним",
        "одною",
        "однім",
    ),
    **_forms(2, "два", "дві", "двох", "двом", "двома"),
    **_forms(3, "три", "трьох", "трьом", "трьома"),
    **_forms(4, "чотири", "чотирьох", "чотирьом", "чотирма"),
    **_teen_forms("п'ять", 5),
    **_forms(6, "шість", "шести", "шістьох", "шістьом", "шістьма"),
    **_forms(7, "сім", "семи", "сімох", "сімом", "сьома", "сімома"),
    **_forms(8, "вісім", "восьми", "вісьмох", "вісьмом", "вісьма", "вісьмома"),
    **_teen_forms("дев'ять", 9),
    **_teen_forms("десять", 10),
}
for _stem, _value in (
    ("одинадцять", 11),
    ("дванадцять", 12),
    ("тринадцять", 13),
    ("чотирнадцять", 14),
    ("п'ятнадцять", 15),
    ("шістнадцять", 16),
    ("сімнадцять", 17),
    ("вісімнадцять", 18),
    ("дев'ятнадцять", 19),
    ("двадцять", 20),
    ("тридцять", 30),
    ("п'ятдесят", 50),
    ("шістдесят", 60),
    ("сімдесят", 70),
    ("вісімдесят", 80),
):
    _UK_UNITS.update(_teen_forms(_stem, _value) if _stem.endswith("ять") else {})
_UK_UNITS.update(
    {
        **_forms(50, "п'ятдесят", "п'ятдесяти", "п'ятдесятьох", "п'ятдесятьма"),
        **_forms(60, "шістдесят", "шістдесяти", "шістдесятьох", "шістдесятьма"),
        **_forms(70, "сімдесят", "сімдесяти", "сімдесятьох", "сімдесятьма"),
        **_forms(80, "вісімдесят", "вісімдесяти", "вісімдесятьох", "вісімдесятьма"),
        **_forms(40, "сорок", "сорока"),
        **_forms(90, "дев'яносто", "дев'яноста"),
        **_forms(100, "сто", "ста"),
        **_forms(200, "двісті", "двохсот", "двомстам", "двомастами", "двохстах"),
        **_forms(300, "триста", "трьохсот", "трьомстам", "трьомастами", "трьохстах"),
        **_forms(400, "чотириста", "чотирьохсот", "чотирьомстам", "чотирмастами"),
        **_forms(500, "п'ятсот", "п'ятисот", "п'ятистам", "п'ятьмастами", "п'ятистах"),
        **_forms(600, "шістсот", "шестисот", "шестистам", "шістьмастами", "шестистах"),
        **_forms(700, "сімсот", "семисот", "семистам", "сьомастами", "семистах"),
        **_forms(800, "вісімсот", "восьмисот", "восьмистам", "вісьмастами", "восьмистах"),
        **_forms(900, "дев'ятсот", "дев'ятисот", "дев'ятистам", "дев'ятьмастами"),
    }
)
_UK_SCALES: dict[str, int] = {
    **_forms(
        1_000,
        "тисяча",
        "тисячі",
        "тисяч",
        "тисячу",
        "тисячею",
        "тисячам",
        "тисячами",
        "тисячах",
    ),
    **_forms(
        1_000_000,
        "мільйон",
        "мільйона",
        "мільйони",
        "мільйонів",
        "мільйоном",
        "мільйонам",
        "мільйонами",
    ),
    **_forms(
        1_000_000_000,
        "мільярд",
        "мільярда",
        "мільярди",
        "мільярдів",
        "мільярдом",
        "мільярдам",
        "мільярдами",
    ),
}
# A scale word with no number before it: these forms mean "a thousand", those "thousands".
_UK_ONE = {"тисяча", "тисячу", "тисячею", "мільйон", "мільйоном", "мільярд", "мільярдом"}
_UK_ONE_AFTER_QUALIFIER = {"тисячі", "мільйона", "мільярда"}
_UK_HALF_PREFIX = {"півтори": Decimal("1.5"), "півтора": Decimal("1.5")}

_WORD = re.compile(r"[\w']+")


@dataclass
class _Reading:
    total: Decimal = Decimal(0)
    current: Decimal = Decimal(0)
    numbers: int = 0  # number words read, "a" and "and" aside
    end: int = 0
    needs_qualifier: bool = False


def _english(tokens: list[re.Match[str]], i: int) -> tuple[_Reading, int] | None:
    reading = _Reading()
    pending_one = False  # "a" or "an", waiting for "hundred" or "thousand"
    j = i
    while j < len(tokens):
        word = tokens[j].group()
        following = tokens[j + 1].group() if j + 1 < len(tokens) else ""
        parts = word.split("-") if "-" in word else [word]
        if all(p in _EN_UNITS or p in _EN_TENS for p in parts):
            for part in parts:
                reading.current += _EN_UNITS.get(part, 0) + _EN_TENS.get(part, 0)
            reading.numbers += 1
        elif word == "hundred" and (reading.current or pending_one):
            reading.current = (reading.current or Decimal(1)) * 100
            reading.numbers += 1
        elif word in _EN_SCALES and (reading.current or pending_one):
            reading.total += (reading.current or Decimal(1)) * _EN_SCALES[word]
            reading.current = Decimal(0)
            reading.numbers += 1
        elif word == "dozen" and (reading.current or pending_one):
            reading.current = (reading.current or Decimal(1)) * 12
            reading.numbers += 1
        elif word in ("a", "an") and following in ("hundred", "dozen", *_EN_SCALES):
            pending_one = True
            reading.end = tokens[j].end()
            j += 1
            continue
        elif word == "half" and following in ("a", "an") and reading.numbers == 0:
            third = tokens[j + 2].group() if j + 2 < len(tokens) else ""
            if third not in _EN_SCALES:
                break
            reading.total += Decimal("0.5") * _EN_SCALES[third]
            reading.numbers += 2
            reading.end = tokens[j + 2].end()
            j += 3
            continue
        elif word == "and" and reading.numbers:
            rest = [t.group() for t in tokens[j + 1 : j + 3]]
            if rest == ["a", "half"]:
                reading.current += Decimal("0.5")
                reading.end = tokens[j + 2].end()
                j += 3
                continue
            if rest and (rest[0] in _EN_UNITS or rest[0] in _EN_TENS or "-" in rest[0]):
                j += 1
                continue
            break
        else:
            break
        pending_one = False
        reading.end = tokens[j].end()
        j += 1
    if reading.numbers == 0:
        return None
    # "one" alone is an article more often than a count.
    if j - i == 1 and tokens[i].group() in ("one", "zero"):
        return None
    return reading, j


def _ukrainian(tokens: list[re.Match[str]], i: int) -> tuple[_Reading, int] | None:
    reading = _Reading()
    j = i
    while j < len(tokens):
        word = tokens[j].group()
        if word in _UK_UNITS:
            reading.current += _UK_UNITS[word]
        elif word in _UK_HALF_PREFIX and reading.numbers == 0:
            reading.current = _UK_HALF_PREFIX[word]
        elif word.startswith("пів") and word[3:] in _UK_SCALES and reading.numbers == 0:
            reading.total += Decimal("0.5") * _UK_SCALES[word[3:]]
        elif word == "пів" and j + 1 < len(tokens) and tokens[j + 1].group() in _UK_SCALES:
            reading.current = Decimal("0.5")
        elif word in _UK_SCALES:
            if not reading.current and reading.numbers == 0:
                if word in _UK_ONE_AFTER_QUALIFIER:
                    reading.needs_qualifier = True
                elif word not in _UK_ONE:
                    break
            reading.total += (reading.current or Decimal(1)) * _UK_SCALES[word]
            reading.current = Decimal(0)
        elif (
            word == "з"
            and reading.numbers
            and j + 1 < len(tokens)
            and tokens[j + 1].group() == "половиною"
        ):
            reading.current += Decimal("0.5")
            reading.end = tokens[j + 1].end()
            j += 2
            continue
        else:
            break
        reading.numbers += 1
        reading.end = tokens[j].end()
        j += 1
    if reading.numbers == 0:
        return None
    if reading.numbers == 1 and _UK_UNITS.get(tokens[i].group()) == 1:
        return None
    return reading, j


def word_numbers(prepared: Prepared) -> list[NumberMention]:
    """Numbers written in words, English or Ukrainian."""
    tokens = list(_WORD.finditer(prepared.folded))
    found = []
    i = 0
    while i < len(tokens):
        result = _english(tokens, i) or _ukrainian(tokens, i)
        if result is None:
            i += 1
            continue
        reading, j = result
        found.append(
            NumberMention(
                tokens[i].start(),
                reading.end,
                reading.total + reading.current,
                needs_qualifier=reading.needs_qualifier,
            )
        )
        i = j
    return found


def numbers(prepared: Prepared) -> list[NumberMention]:
    """Every number in the text, in order of position."""
    found = digit_numbers(prepared)
    taken = [(n.start, n.end) for n in found]
    for mention in word_numbers(prepared):
        if not any(s < mention.end and mention.start < e for s, e in taken):
            found.append(mention)
    return sorted(found, key=lambda n: n.start)
