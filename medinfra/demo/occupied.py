"""The demo's events in occupied territory: threats, detention, looting, decrees and bans in the
regions under occupation, over the months of the war, most verified by a second person.

Every event is made up and says so: its persons are "Synthetic person N", its texts call it a
synthetic demo record, and it is placed in a region only (or at one of the demo's own made-up
facilities), never at a real facility or settlement. It is written through the occupied
app's services, so it is encrypted and audited as a real report is.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.contrib.auth.models import User

from medinfra.demo import plan
from medinfra.facilities.models import Facility
from medinfra.geography.queries import region_by_code
from medinfra.occupied.models import EventKind, Verification
from medinfra.occupied.services import record_event, set_event_verification
from medinfra.sources.models import Source

# Regions under occupation, wholly or in part, with how many events each gets.
REGIONS = {"UA-43": 8, "UA-40": 4, "UA-09": 10, "UA-14": 10, "UA-23": 7, "UA-65": 7}
KIND_WEIGHTS = {
    EventKind.THREAT: 9,
    EventKind.PRESSURE_ON_RELATIVES: 4,
    EventKind.DETENTION: 7,
    EventKind.LOOTING: 8,
    EventKind.ILLEGAL_DECREE: 4,
    EventKind.CARE_BAN: 4,
    EventKind.OTHER: 2,
}
VERIFIED_SHARE = 0.75
REJECTED_SHARE = 0.08
# Kinds that involve named persons; the others (looting, decrees) name none.
WITH_PERSONS = {
    EventKind.THREAT,
    EventKind.PRESSURE_ON_RELATIVES,
    EventKind.DETENTION,
    EventKind.CARE_BAN,
}


def build_occupied_events(
    *, seed: int, reporter: User, verifier: User, sources: Sequence[Source]
) -> int:
    """Record the demo's occupied-territory events; the number recorded.

    The events draw on a random stream of their own, so that adding them leaves every other
    part of the demo as it was for the same seed."""
    rng = random.Random(seed * 7919 + 43)
    kinds = list(KIND_WEIGHTS)
    weights = list(KIND_WEIGHTS.values())
    span = (plan.END - plan.WAR_START).days
    number = 0
    for code, count in REGIONS.items():
        region = region_by_code(code)
        facilities = list(
            Facility.objects.filter(region=region, is_synthetic=True).order_by("pk")[:20]
        )
        for _ in range(count):
            number += 1
            kind = rng.choices(kinds, weights=weights)[0]
            on = plan.WAR_START + dt.timedelta(days=rng.randrange(span + 1))
            precision = "day"
            if rng.random() < 0.2:  # known to the month only (February 2022 too)
                on, precision = on.replace(day=1), "month"
            persons = ""
            if kind in WITH_PERSONS:
                persons = "\n".join(
                    f"Synthetic person {number}-{n}" for n in range(1, rng.randint(1, 3) + 1)
                )
            label = EventKind(kind).label
            event = record_event(
                actor=reporter,
                kind=kind,
                occurred_on=on,
                date_precision=precision,
                region=region,
                facility=rng.choice(facilities) if facilities and rng.random() < 0.4 else None,
                persons=persons,
                description=f"Synthetic demo record No. {number}; no real event ({label}).",
                public_summary=f"Synthetic demo record: {label}.",
                sources=[rng.choice(sources)],
                is_synthetic=True,
            )
            roll = rng.random()
            if roll < VERIFIED_SHARE:
                set_event_verification(event, actor=verifier, state=Verification.VERIFIED)
            elif roll < VERIFIED_SHARE + REJECTED_SHARE:
                set_event_verification(
                    event,
                    actor=verifier,
                    state=Verification.REJECTED,
                    reason="Synthetic: the report could not be confirmed.",
                )
    return number
