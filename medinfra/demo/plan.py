"""The shape of the synthetic demo data set: what its counts must come to, region by region.

The totals are those the Ministry of Health published (seeds/000): 2,020 facilities partially
damaged and 305 destroyed; 116 ambulances damaged, 274 destroyed, 80 seized; over 700 fully
and 312 partially restored; over a thousand back in operation. On 6 October 2023 (seeds/004)
190 were destroyed and almost 1,500 damaged. The facilities, their names and every event are
made up: only the regions are real.
"""

from __future__ import annotations

import datetime as dt

WAR_START = dt.date(2022, 2, 24)
SNAPSHOT = dt.date(2023, 10, 6)  # seeds/004: 190 destroyed, almost 1,500 damaged
END = dt.date(2025, 6, 30)  # the last day any demo event happens

PARTIAL_AT_SNAPSHOT = 1_487
DESTROYED_AT_SNAPSHOT = 190
FULLY_RESTORED = 734
PARTIALLY_RESTORED = 312
WORKING_WITHOUT_RESTORATION = 60
AMBULANCES = {"damaged": 116, "destroyed": 274, "seized": 80}

# region: (damaged or destroyed in the end, of which destroyed). Ranked as seeds/000 ranks them.
DAMAGE_BY_REGION: dict[str, tuple[int, int]] = {
    "UA-63": (420, 62),  # Kharkiv
    "UA-14": (380, 75),  # Donetsk
    "UA-48": (260, 25),  # Mykolaiv
    "UA-32": (230, 30),  # Kyiv Oblast
    "UA-74": (200, 22),  # Chernihiv
    "UA-12": (170, 12),  # Dnipropetrovsk
    "UA-65": (150, 28),  # Kherson
    "UA-23": (130, 20),  # Zaporizhzhia
    "UA-59": (110, 12),  # Sumy
    "UA-30": (70, 4),  # Kyiv
    "UA-51": (60, 5),  # Odesa
    "UA-18": (35, 4),  # Zhytomyr
    "UA-53": (25, 2),  # Poltava
    "UA-46": (20, 1),  # Lviv
    "UA-05": (18, 1),  # Vinnytsia
    "UA-35": (12, 1),  # Kirovohrad
    "UA-71": (10, 1),  # Cherkasy
    "UA-68": (8, 0),  # Khmelnytskyi
    "UA-56": (6, 0),  # Rivne
    "UA-07": (4, 0),  # Volyn
    "UA-26": (3, 0),  # Ivano-Frankivsk
    "UA-61": (2, 0),  # Ternopil
    "UA-21": (1, 0),  # Zakarpattia
    "UA-77": (1, 0),  # Chernivtsi
}

ACCESS_STATUS: dict[str, str] = {
    "UA-09": "inaccessible",  # Luhansk: damage cannot be assessed (seeds/001)
    "UA-43": "occupied",
    "UA-40": "occupied",
    "UA-14": "frontline",
    "UA-23": "frontline",
    "UA-65": "frontline",
    "UA-63": "frontline",
    "UA-59": "frontline",
}

# Regions where ambulances are lost, with weights; seizures happen only where there is occupation.
VEHICLE_REGIONS = {
    "UA-63": 5,
    "UA-14": 6,
    "UA-48": 2,
    "UA-32": 2,
    "UA-74": 2,
    "UA-12": 2,
    "UA-65": 3,
    "UA-23": 3,
    "UA-59": 2,
    "UA-51": 1,
}
SEIZURE_REGIONS = {"UA-14": 3, "UA-23": 2, "UA-65": 2, "UA-63": 1, "UA-43": 1, "UA-09": 1}

DESTROYED = sum(d for _, d in DAMAGE_BY_REGION.values())
DAMAGED_OR_DESTROYED = sum(t for t, _ in DAMAGE_BY_REGION.values())
PARTIAL = DAMAGED_OR_DESTROYED - DESTROYED
