"""The words extraction reads: qualifiers, counted things, what happened to them, who says so.

Every pattern here runs on folded text (lower case, one kind of apostrophe, dash and space;
see medinfra.figures.extraction.text), in English and Ukrainian side by side. Alternatives are
written as regular expressions joined by "|".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from medinfra.figures.models import Metric, Qualifier

# Ukrainian words end in letters that \b treats like any other; an apostrophe is part of a word.
WORD_START = r"(?<![\w'])"
WORD_END = r"(?![\w'])"


def words(patterns: Iterable[str]) -> re.Pattern[str]:
    """One pattern matching any of the given ones as whole words."""
    return re.compile(WORD_START + "(?:" + "|".join(patterns) + ")" + WORD_END)


# -- qualifiers ------------------------------------------------------------------------------

# Read right before the number (and before a currency written before it). Where two overlap,
# the longer starts first and wins: "не більше ніж" (at most) before "більше ніж" (at least).
QUALIFIERS_BEFORE: dict[str, str] = {
    Qualifier.AT_LEAST: (
        r"more than|over|above|at least|no fewer than|no less than|not less than|upwards of|"
        r"in excess of|exceeded|exceeds|exceeding|exceed|surpassed|surpasses|passed|"
        r"понад|більше ніж|більш ніж|більше як|більш як|більше за|більше|щонайменше|принаймні|"
        r"не менше ніж|не менш ніж|не менше як|не менш як|не менше|перевищ\w*"
    ),
    Qualifier.ALMOST: (
        r"almost|nearly|just under|close to|not quite|майже|без малого|мало не|ледь не"
    ),
    Qualifier.APPROXIMATELY: (
        r"about|around|approximately|approx\.|roughly|some|an estimated|circa|~|"
        r"близько|приблизно|орієнтовно|біля|порядку"
    ),
    Qualifier.AT_MOST: (
        r"up to|no more than|not more than|less than|fewer than|under|at most|"
        r"не більше ніж|не більш ніж|не більше як|не більш як|не більше|менше ніж|менш ніж|менше"
    ),
}
# Words that may stand between a qualifier and its number: "has already exceeded 2,300".
QUALIFIER_FILLERS = r"(?:(?:already|a total of|in total|the|вже|уже|загалом)\s+)*"
QUALIFIER_BEFORE = re.compile(
    WORD_START
    + "(?P<q>"
    + "|".join(f"(?P<{name!s}>{forms})" for name, forms in QUALIFIERS_BEFORE.items())
    + r")\s+"
    + QUALIFIER_FILLERS
    + r"$"
)
# Read right after the number: "2,300+", "2,300 or more".
QUALIFIER_AFTER: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"^(?:\+|\s+(?:or more|and more|and over|і більше|та більше|або більше))"),
        Qualifier.AT_LEAST,
    ),
    (re.compile(r"^\s+(?:or so|з гаком|чи близько того)"), Qualifier.APPROXIMATELY),
]

# -- counted things --------------------------------------------------------------------------

FACILITY = "facility"
AMBULANCE = "ambulance"
ATTACK = "attack"
AGREEMENT = "agreement"
WORKER = "worker"
MONEY = "money"

OBJECT_WORDS: dict[str, list[str]] = {
    FACILITY: [
        r"(?:health(?:care|-care| care)?|medical|hospital) "
        r"(?:facilit(?:y|ies)|institutions?|establishments?|objects?|sites?)",
        r"facilit(?:y|ies)|institutions?|establishments?|hospitals?|polyclinics?|clinics?",
        r"maternity (?:hospitals?|wards?|homes?)",
        r"(?:primary (?:health )?care|health) cent(?:re|er)s?",
        r"paramedic(?:al)? (?:and midwife(?:ry)? )?(?:stations?|posts?)|ambulatories",
        r"заклад\w*|медзаклад\w*|лікар(?:н\w*|ень)|установ\w*",
        r"поліклінік\w*|амбулатор\w*|клінік\w*",
        r"фап\w*|об'єкт\w*|пологов\w* будин\w*|центр\w* (?:первинн\w*|пмд|екстрен\w*)",
    ],
    AMBULANCE: [
        r"ambulances?(?: (?:vehicles?|cars?))?|(?:emergency )?(?:medical )?vehicles?|ems vehicles?",
        r"(?:автомобіл|машин|карет)\w* (?:швидкої|екстреної)(?: медичної)?(?: допомоги)?",
        r"автомобіл\w*|реанімобіл\w*|санітарн\w* (?:автомобіл|транспорт|машин)\w*|швидких",
    ],
    ATTACK: [r"attacks?|assaults?|атак\w*|напад\w*"],
    AGREEMENT: [
        r"(?:partnership |cooperation |twinning )?agreements?|memorand(?:um|ums|a)",
        r"угод\w*|меморандум\w*|договор\w*",
    ],
    WORKER: [
        r"(?:health|healthcare|health-care|medical) "
        r"(?:workers?|staff|personnel|professionals?|employees?)",
        r"medics|doctors?|nurses?|paramedics",
        r"медпрацівник\w*|медичн\w* (?:працівник|персонал)\w*",
        r"працівник\w* (?:охорони здоров'я|медичн\w*)",
        r"медик\w*|лікар(?:і|ів|ям|ями|ях)?|медсест\w*|фельдшер\w*",
    ],
}
OBJECTS: list[tuple[str, re.Pattern[str]]] = [
    (kind, words(forms)) for kind, forms in OBJECT_WORDS.items()
]

USD_BEFORE = re.compile(r"(?:usd|us\$|\$|us dollars?)\s?$")
USD_AFTER = re.compile(
    r"^\s?(?:usd|us dollars?|dollars?|доларів|долари|долар|дол\.?(?: сша)?|\$)" + WORD_END
)
OTHER_MONEY_BEFORE = re.compile(r"(?:eur|€|£|uah|₴|грн\.?)\s?$")
OTHER_MONEY_AFTER = re.compile(
    r"^\s?(?:eur|euros?|€|£|pounds?|uah|hryvnias?|hryvnia|гривень|гривні|грн\.?|євро)" + WORD_END
)

# -- what happened to them -------------------------------------------------------------------

DAMAGED = "damaged"
DESTROYED = "destroyed"
AFFECTED = "affected"
RESTORED_EITHER = "restored_either"
FULLY_RESTORED = "fully_restored"
PARTIALLY_RESTORED = "partially_restored"
RESTORED = "restored"
OPERATING = "operating"
CLOSED = "closed"
SEIZED = "seized"
RECORDED = "recorded"
KILLED = "killed"
INJURED = "injured"
DETAINED = "detained"
SIGNED = "signed"
NEEDED = "needed"

_RESTORE_EN = (
    r"(?:restored|rebuilt|repaired|renovated|reconstructed|restoring|rebuilding|restore|rebuild|"
    r"repair|renovate|reconstruct)"
)
_RESTORE_UK = r"(?:віднов(?:лен|ил|лю)\w*|відбудова?н\w*|відбудувал\w*|відремонтова?н\w*)"
STATE_WORDS: dict[str, list[str]] = {
    # "resumed work" is being back in operation, not a restoration.
    OPERATING: [
        r"back in (?:operation|service)|in operation again|(?:are|is) operating again",
        r"resumed (?:operations?|work(?:ing)?|services?)|operational again|re-?opened",
        r"back to work|once again able to (?:accept|receive|treat) patients",
        r"віднов\w* (?:свою )?(?:роботу|надання|діяльність)|знову (?:працю|прийма)\w*",
        r"повернул\w* до роботи|поновил\w* роботу|запрацювал\w*",
    ],
    RESTORED_EITHER: [
        rf"(?:fully|completely) (?:and|or|and/or) (?:partially|partly) {_RESTORE_EN}",
        rf"повністю (?:або|чи|та|і|й) частково {_RESTORE_UK}",
    ],
    FULLY_RESTORED: [
        rf"(?:fully|completely|totally) {_RESTORE_EN}|{_RESTORE_EN} (?:fully|completely)",
        rf"повністю {_RESTORE_UK}|{_RESTORE_UK} повністю",
    ],
    PARTIALLY_RESTORED: [
        rf"(?:partially|partly) {_RESTORE_EN}|частково {_RESTORE_UK}|{_RESTORE_UK} частково",
    ],
    RESTORED: [_RESTORE_EN, _RESTORE_UK, r"restoration|відновлення"],
    CLOSED: [r"closed|closures?|shut(?: down)?|закрит\w*|закрил\w*|закриття|припинил\w* роботу"],
    AFFECTED: [
        r"affected|impacted|(?:been|were|was) hit|fallen victim|fell victim|attacked|struck",
        r"постраждал\w*|зазнал\w* (?:руйнувань|ушкоджень|ударів|атак|обстрілів)|атакован\w*",
    ],
    DESTROYED: [r"destroy\w*|beyond repair|razed|зруйн\w*|знищ\w*"],
    DAMAGED: [r"damag\w*|пошкод\w*|ушкод\w*"],
    SEIZED: [
        r"seized|captured|stolen|confiscated|taken away|hijacked|commandeered",
        r"захопл\w*|захопил\w*|викрал\w*|викраден\w*|вкраден\w*|відібрал\w*|вивезл\w*",
    ],
    RECORDED: [
        r"recorded|documented|registered|confirmed|verified|reported|logged",
        r"зафіксова?н\w*|зафіксувал\w*|задокументова?н\w*|зареєстрова?н\w*|підтвердил\w*",
    ],
    KILLED: [
        r"killed|died|dead|lost their lives|slain",
        r"загину\w*|загибл\w*|вбит\w*|вбил\w*|убит\w*",
    ],
    INJURED: [r"injured|wounded|hurt|поранен\w*|травмова?н\w*|зазнал\w* поранень"],
    DETAINED: [
        r"detained|abducted|held captive|taken captive|kidnapped|imprisoned|taken hostage",
        r"затриман\w*|затримал\w*|в полоні|полонен\w*|утриму\w*",
    ],
    SIGNED: [r"signed|concluded|entered into|підписа\w*|уклал\w*|укладен\w*"],
    NEEDED: [
        r"needs?|needed|required|requires|necessary|will cost",
        r"cost of (?:restoring|rebuilding|reconstruction|recovery|restoration)",
        r"потреб\w*|потрібн\w*|необхідн\w*|знадоб\w*|оцінюю\w*|вартість відновлення",
    ],
}
STATES: list[tuple[str, re.Pattern[str]]] = [
    (kind, words(forms)) for kind, forms in STATE_WORDS.items()
]
ANY_STATE = words(form for forms in STATE_WORDS.values() for form in forms)
RESTORATION_STATES = {RESTORED_EITHER, FULLY_RESTORED, PARTIALLY_RESTORED, RESTORED}
# An event said once for two numbers: "fully restored 500 facilities, partially 362".
ADVERB_STATES: list[tuple[re.Pattern[str], str]] = [
    (words([r"partially|partly|частково"]), PARTIALLY_RESTORED),
    (words([r"fully|completely|повністю"]), FULLY_RESTORED),
]

# -- the words around a number ---------------------------------------------------------------

# Between a number and the noun it counts: "2,020 of these damaged facilities".
MODIFIERS = words(
    [
        r"of|the|these|those|such|other|more|additional|further|new|medical|healthcare|health",
        r"health-care|public|state|state-owned|private|municipal|ukrainian|russian|emergency",
        r"primary|secondary|maternity|children's|regional|district|rural|city|local|key|major",
        r"small|large|civilian|front-?line|vital|different|various|\w+'s",
        r"\w+(?:al|ic|ian|ive|ary|ous|ed)",
        r"з|із|них|цих|таких|інших|ще|\w+(?:их|іх|ий|ій|ого|ому|ої|ою|ими|іми|ні|ські|цькі|зькі|ові)",
    ]
)
# After a number, these say the noun was left out ("another 80 have been seized").
CONTINUATIONS = words(
    [
        r"have|has|had|were|was|are|is|been|be|will|would|could|of them|of those|of which",
        r"in|at|across|by|since|during|so far|already|now|still|also|remain\w*|completely|fully",
        r"partially|partly|totally|in total|suffered|sustained|received|lost|reportedly",
        r"and|while|but|з них|було|були|був|була|є|ще|вже|уже|також|наразі|у|в|на|по",
        r"повністю|частково|одиниць|од\.|зазнал\w*|отримал\w*|залиша\w*|і|й|та|а",
    ]
)
# Where the words before one number end and those of the next begin.
CONJUNCTIONS = words([r"and|while|whereas|but|plus|as well as|і|й|та|а|але|тоді як|а також"])
# With nothing but these around it, a number repeats the previous one's noun and event:
# "In Mykolaiv Oblast, 148 facilities were affected, and in Kyiv Oblast, 121".
ELLIPSIS_WORDS = words(
    [r"and|another|more|further|also|in|of them|of those|і|й|та|а|ще|також|у|в|з них"]
)
# A plan is not a count: "40 hospitals will be restored". Needs are always for the future.
FUTURE = words(
    [
        r"will|shall|is to be|are to be|plans? to|planned|is expected to|are expected to",
        r"буде|будуть|планують\w*|планується|плануємо|мають бути|має бути",
    ]
)
# The sentence takes its date, source and counted thing from the one before it.
ANAPHORA = words(
    [
        r"these (?:data|figures|statistics|numbers)|this includes|these include|of these|of them",
        r"за цими даними|ці дані|серед них|з них|із них",
    ]
)

# -- who says so -----------------------------------------------------------------------------

# (pattern on the text as written, whether case matters, the organisation's name)
ORGANISATIONS: list[tuple[str, bool, str]] = [
    (r"World Health Organi[sz]ation", False, "World Health Organization"),
    (r"\bWHO\b|ВООЗ", True, "World Health Organization"),
    (r"Всесвітн\w+ організаці\w+ охорони здоров'я", False, "World Health Organization"),
    (
        r"(?:Ukrainian )?Ministry of Health(?: of Ukraine)?|\bMoH\b|МОЗ(?: України)?"
        r"|Міністерств\w+ охорони здоров'я(?: України)?",
        False,
        "Ministry of Health",
    ),
    (
        r"National Health Service of Ukraine|\bNHSU\b|НСЗУ|Національн\w+ служб\w+ здоров'я",
        False,
        "National Health Service of Ukraine",
    ),
    (r"Defence Intelligence|UK intelligence|Ministry of Defence|\bMoD\b", False, "UK Defence"),
    (r"(?:Health|health) Cluster", False, "Health Cluster"),
    (r"\bOCHA\b", True, "UN OCHA"),
    (r"\bUNICEF\b|ЮНІСЕФ", True, "UNICEF"),
    (r"World Bank|Світов\w+ банк\w*", False, "World Bank"),
]

# -- metrics ---------------------------------------------------------------------------------

SIMPLE_METRICS: dict[tuple[str, str], str] = {
    (AMBULANCE, DAMAGED): Metric.AMBULANCES_DAMAGED,
    (AMBULANCE, DESTROYED): Metric.AMBULANCES_DESTROYED,
    (AMBULANCE, SEIZED): Metric.AMBULANCES_SEIZED,
    (WORKER, KILLED): Metric.HEALTH_WORKERS_KILLED,
    (WORKER, INJURED): Metric.HEALTH_WORKERS_INJURED,
    (WORKER, DETAINED): Metric.HEALTH_WORKERS_DETAINED,
    (AGREEMENT, SIGNED): Metric.PARTNERSHIP_AGREEMENTS_SIGNED,
    (MONEY, NEEDED): Metric.RECOVERY_NEEDS_USD,
}
# The events that a metric's span must show, besides the number and the counted thing.
EVIDENCE: dict[str, set[str]] = {
    Metric.FACILITIES_DAMAGED: {DAMAGED},
    Metric.FACILITIES_DESTROYED: {DESTROYED},
    Metric.FACILITIES_DAMAGED_OR_DESTROYED: {DAMAGED, DESTROYED, AFFECTED},
    Metric.FACILITIES_RESTORED: RESTORATION_STATES,
    Metric.FACILITIES_FULLY_RESTORED: {FULLY_RESTORED},
    Metric.FACILITIES_PARTIALLY_RESTORED: {PARTIALLY_RESTORED},
    Metric.FACILITIES_BACK_IN_OPERATION: {OPERATING},
    Metric.ATTACKS_RECORDED: {RECORDED},
    Metric.AMBULANCES_DAMAGED: {DAMAGED},
    Metric.AMBULANCES_DESTROYED: {DESTROYED},
    Metric.AMBULANCES_SEIZED: {SEIZED},
    Metric.AMBULANCES_LOST: {DAMAGED, DESTROYED, SEIZED},
    Metric.RECOVERY_NEEDS_USD: {NEEDED},
    Metric.HOSPITALS_CLOSED: {CLOSED},
    Metric.HEALTH_WORKERS_KILLED: {KILLED},
    Metric.HEALTH_WORKERS_INJURED: {INJURED},
    Metric.HEALTH_WORKERS_DETAINED: {DETAINED, SEIZED},
    Metric.PARTNERSHIP_AGREEMENTS_SIGNED: {SIGNED},
}


# Metrics of amounts, which may be fractions; every other metric counts things (facilities,
# vehicles, attacks, people, agreements), and a count is a whole number.
FRACTIONAL_METRICS = frozenset({Metric.RECOVERY_NEEDS_USD})


def metric_of(thing: str, states: set[str]) -> str | None:
    """The metric that a counted thing and the events said of it name, if exactly one."""
    if thing == FACILITY:
        return _facility_metric(states)
    if thing == ATTACK:
        return Metric.ATTACKS_RECORDED
    if thing == AMBULANCE:
        states = states & {DAMAGED, DESTROYED, SEIZED}
        if states == {DAMAGED, DESTROYED, SEIZED}:
            return Metric.AMBULANCES_LOST
    elif thing == WORKER:
        states = states & {KILLED, INJURED, DETAINED, SEIZED}
        # Health workers are "captured" and "abducted", ambulances "seized": one event each.
        if states == {SEIZED, DETAINED}:
            states = {DETAINED}
    elif thing == MONEY:
        states = states & {NEEDED}
    elif thing == AGREEMENT:
        states = states & {SIGNED}
    if len(states) != 1:
        return None
    return SIMPLE_METRICS.get((thing, next(iter(states))))


def _facility_metric(states: set[str]) -> str | None:
    if OPERATING in states:
        return Metric.FACILITIES_BACK_IN_OPERATION
    if RESTORED_EITHER in states or {FULLY_RESTORED, PARTIALLY_RESTORED} <= states:
        return Metric.FACILITIES_RESTORED
    if FULLY_RESTORED in states:
        return Metric.FACILITIES_FULLY_RESTORED
    if PARTIALLY_RESTORED in states:
        return Metric.FACILITIES_PARTIALLY_RESTORED
    if RESTORED in states:
        return Metric.FACILITIES_RESTORED
    if CLOSED in states:
        return Metric.HOSPITALS_CLOSED
    if AFFECTED in states or {DAMAGED, DESTROYED} <= states:
        return Metric.FACILITIES_DAMAGED_OR_DESTROYED
    if DESTROYED in states:
        return Metric.FACILITIES_DESTROYED
    if DAMAGED in states:
        return Metric.FACILITIES_DAMAGED
    return None
