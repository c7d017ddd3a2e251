"""The demo's recovery plan: partners, projects at every stage with dated stage changes, funding
in several currencies with a rate table, population served, and partnership agreements.

Everything is synthetic and written through the recovery and partnerships services, so every
figure on the recovery pages is derived by the same rules as for real data. The rates follow the
rough course of the real ones but are made up; they are labelled synthetic.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass
from decimal import Decimal

from medinfra.core.services import Actor
from medinfra.demo import plan
from medinfra.facilities.models import Assessment, Condition, Facility, FacilityKind
from medinfra.facilities.queries import damaged_facilities
from medinfra.geography.models import AccessStatus
from medinfra.geography.queries import region_by_code
from medinfra.partnerships.queries import INTERNATIONAL_MEDICAL_PARTNERSHIP
from medinfra.partnerships.services import record_agreement, set_agreement_status
from medinfra.recovery.models import Partner, RecoveryProject, Stage
from medinfra.recovery.queries import RateTable
from medinfra.recovery.services import (
    change_stage,
    record_funding,
    record_population_served,
    record_rate,
    register_partner,
    register_project,
)

# seeds/004: 25 agreements were signed within the framework of the summit. The text gives no
# day; the demo signs them all on one day in September 2023, before the 6 October announcement.
SUMMIT_ON = dt.date(2023, 9, 11)
SUMMIT_AGREEMENTS = 25
# "Earlier, as part of the medical partnership, hospitals ... signed memorandums of cooperation."
EARLIER_MEMORANDA = 12
OTHER_AGREEMENTS = 5

PROJECTS = 96
RATES_FROM = dt.date(2022, 1, 1)

# Units per US dollar at a few dates; the monthly demo rates lie on straight lines between them.
RATE_COURSE: dict[str, list[tuple[dt.date, str]]] = {
    "UAH": [
        (dt.date(2022, 1, 1), "27.30"),
        (dt.date(2022, 3, 1), "29.25"),
        (dt.date(2022, 7, 1), "36.57"),
        (dt.date(2023, 10, 1), "36.57"),
        (dt.date(2024, 1, 1), "38.00"),
        (dt.date(2024, 7, 1), "40.50"),
        (dt.date(2025, 1, 1), "42.00"),
        (dt.date(2025, 6, 1), "41.60"),
    ],
    "EUR": [
        (dt.date(2022, 1, 1), "0.88"),
        (dt.date(2022, 10, 1), "1.02"),
        (dt.date(2023, 1, 1), "0.93"),
        (dt.date(2023, 7, 1), "0.90"),
        (dt.date(2024, 1, 1), "0.91"),
        (dt.date(2025, 1, 1), "0.96"),
        (dt.date(2025, 6, 1), "0.87"),
    ],
    "GBP": [
        (dt.date(2022, 1, 1), "0.74"),
        (dt.date(2022, 10, 1), "0.89"),
        (dt.date(2023, 1, 1), "0.82"),
        (dt.date(2024, 1, 1), "0.79"),
        (dt.date(2025, 1, 1), "0.80"),
        (dt.date(2025, 6, 1), "0.74"),
    ],
    "PLN": [
        (dt.date(2022, 1, 1), "4.00"),
        (dt.date(2022, 10, 1), "4.90"),
        (dt.date(2023, 1, 1), "4.38"),
        (dt.date(2024, 1, 1), "3.95"),
        (dt.date(2025, 1, 1), "4.10"),
        (dt.date(2025, 6, 1), "3.72"),
    ],
}

# (English name, Ukrainian name, kind, country, the currency it pays in)
FUNDERS = [
    ("Demo Health Recovery Fund", "Демо-фонд відновлення охорони здоров’я", "donor", "NO", "USD"),
    (
        "Demo International Health Agency",
        "Демо-міжнародна агенція здоров’я",
        "international_organisation",
        "",
        "USD",
    ),
    ("Demo Medical Relief NGO", "Демо-ГО медичної допомоги", "ngo", "UA", "UAH"),
    ("Demo Development Cooperation Office", "Демо-офіс співпраці", "government", "DE", "EUR"),
    (
        "Demo Reconstruction Bank",
        "Демо-банк відбудови",
        "international_organisation",
        "",
        "EUR",
    ),
    ("Demo Recovery Project Office", "Демо-проєктний офіс відновлення", "ministry", "UA", "UAH"),
    (
        "Demo Humanitarian Aid Department",
        "Демо-департамент гуманітарної допомоги",
        "government",
        "GB",
        "GBP",
    ),
    (
        "Demo Solidarity Aid Programme",
        "Демо-програма солідарної допомоги",
        "government",
        "PL",
        "PLN",
    ),
]
# seeds/004: ministers of health from 14 countries joined the partnership this year.
HOSPITAL_COUNTRIES = (
    "PL", "DE", "US", "GB", "FR", "LT", "CZ", "IT", "CA", "JP", "IL", "EE", "SE", "AT",
)  # fmt: skip
AREAS = (
    "rehabilitation",
    "surgery",
    "training",
    "mental health",
    "paediatrics",
    "emergency care",
    "oncology",
    "burns",
    "prosthetics",
)
# Regions of block 1: care in de-occupied territories and damage monitoring (seeds/001).
DEOCCUPIED = ("UA-32", "UA-74", "UA-59", "UA-65", "UA-63", "UA-48")
FINAL_STAGES = {
    Stage.IDEA: 11,
    Stage.ASSESSED: 12,
    Stage.DESIGNED: 12,
    Stage.FUNDED: 14,
    Stage.IN_PROGRESS: 20,
    Stage.COMPLETED: 17,
    Stage.CANCELLED: 10,
}
ORDER = [Stage.IDEA, Stage.ASSESSED, Stage.DESIGNED, Stage.FUNDED, Stage.IN_PROGRESS]
SERVICE_KINDS: dict[str, str] = {
    FacilityKind.REHABILITATION: "rehabilitation_service",
    FacilityKind.MENTAL_HEALTH: "mental_health_service",
}
PEOPLE_SERVED: dict[str, tuple[int, int]] = {
    FacilityKind.HOSPITAL: (20_000, 180_000),
    FacilityKind.CHILDRENS_HOSPITAL: (15_000, 120_000),
    FacilityKind.MATERNITY_HOSPITAL: (10_000, 80_000),
    FacilityKind.PRIMARY_CARE_CENTRE: (3_000, 40_000),
    FacilityKind.OUTPATIENT_CLINIC: (5_000, 60_000),
    FacilityKind.PARAMEDIC_STATION: (300, 3_000),
    FacilityKind.EMERGENCY_STATION: (10_000, 100_000),
}


@dataclass
class _Funder:
    partner: Partner
    currency: str


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    days, day = [], first
    while day <= last:
        days.append(day)
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return days


def _course(points: list[tuple[dt.date, str]], day: dt.date) -> Decimal:
    """The demo rate on a day: on the straight line between the two points around it."""
    for (d0, r0), (d1, r1) in itertools.pairwise(points):
        if d0 <= day <= d1:
            share = Decimal((day - d0).days) / Decimal((d1 - d0).days)
            return (Decimal(r0) + (Decimal(r1) - Decimal(r0)) * share).quantize(Decimal("0.0001"))
    return Decimal(points[-1][1])


class _RecoveryBuilder:
    def __init__(self, rng: random.Random, actor: Actor) -> None:
        self.rng = rng
        self.actor = actor
        self.projects = 0
        self.agreements = 0
        self.rates = RateTable([])

    def day_between(self, first: dt.date, last: dt.date) -> dt.date:
        if last <= first:
            return first
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    # -- the rate table ---------------------------------------------------------------------
    def rate_table(self) -> None:
        rows = []
        for currency, points in RATE_COURSE.items():
            for day in _months(RATES_FROM, plan.END):
                rate = record_rate(
                    actor=self.actor,
                    currency=currency,
                    valid_from=day,
                    per_usd=_course(points, day),
                    is_synthetic=True,
                )
                rows.append((rate.currency, rate.valid_from, rate.per_usd))
        self.rates = RateTable(rows)

    def in_currency(self, usd: Decimal, currency: str, on: dt.date) -> Decimal:
        """A dollar amount in another currency at the demo rate of the day, in whole thousands."""
        amount = self.rates.convert(usd, "USD", on, to=currency)
        return max(Decimal(1000), (amount / 1000).quantize(Decimal(1)) * 1000)

    # -- partners ---------------------------------------------------------------------------
    def funders(self) -> list[_Funder]:
        return [
            _Funder(
                register_partner(
                    actor=self.actor,
                    name_en=f"{name} (synthetic)",
                    name_uk=f"{name_uk} (синтетичний)",
                    kind=kind,
                    country=country,
                    is_synthetic=True,
                ),
                currency,
            )
            for name, name_uk, kind, country, currency in FUNDERS
        ]

    def foreign_institutions(self) -> list[Partner]:
        hospitals = [
            register_partner(
                actor=self.actor,
                name_en=f"Demo Partner Hospital {country} (synthetic)",
                name_uk=f"Демо-лікарня-партнер {country} (синтетична)",
                kind="foreign_hospital",
                country=country,
                is_synthetic=True,
            )
            for country in HOSPITAL_COUNTRIES
        ]
        network = register_partner(
            actor=self.actor,
            name_en="Demo International Hospital Network (synthetic)",
            name_uk="Демо-міжнародна мережа лікарень (синтетична)",
            kind="international_organisation",
            is_synthetic=True,
        )
        return [*hospitals, network]

    # -- projects ---------------------------------------------------------------------------
    def project_targets(self) -> list[tuple[str, int]]:
        """Each project's final stage and block; every stage and block occurs."""
        stages = [stage for stage, n in FINAL_STAGES.items() for _ in range(n)]
        stages += self.rng.choices(
            list(FINAL_STAGES), weights=list(FINAL_STAGES.values()), k=PROJECTS - len(stages)
        )
        self.rng.shuffle(stages)
        blocks = [1] * 16 + [3] * 20
        blocks += [2] * (PROJECTS - len(blocks))
        self.rng.shuffle(blocks)
        return list(zip(stages, blocks, strict=True))

    def build_projects(self, funders: list[_Funder]) -> None:
        ended = plan.END
        damaged = list(
            damaged_facilities(as_of=ended, country="UA")
            .exclude(region__access_status__in=(AccessStatus.OCCUPIED, AccessStatus.INACCESSIBLE))
            .select_related("region")
            .order_by("pk")
        )
        destroyed = set(
            Assessment.objects.filter(condition=Condition.DESTROYED).values_list(
                "facility_id", flat=True
            )
        )
        modern = list(
            Facility.objects.filter(
                kind__in=(FacilityKind.HOSPITAL, FacilityKind.CHILDRENS_HOSPITAL),
                region__access_status__in=(AccessStatus.CONTROLLED, AccessStatus.FRONTLINE),
            )
            .select_related("region")
            .order_by("pk")[:300]
        )
        chosen: set[int] = set()
        for n, (final, block) in enumerate(self.project_targets(), start=1):
            facility: Facility | None = None
            pool = damaged if block == 2 else modern
            if block != 1 and not pool:
                block = 1  # a registry without such facilities gets a regional project instead
            if block == 1:
                region = region_by_code(self.rng.choice(DEOCCUPIED))
                scope = self.rng.choice(["equipment", "mental_health_service", "repair"])
                title = f"Demo project {n}: mobile care and damage monitoring in {region.name_en}"
                title_uk = f"Демо-проєкт {n}: мобільна допомога й моніторинг — {region.name_uk}"
                usd = Decimal(self.rng.randrange(150_000, 2_500_000, 10_000))
            else:
                facility = self.rng.choice([f for f in pool if f.pk not in chosen] or pool)
                chosen.add(facility.pk)
                region = facility.region
                if block == 2:
                    scope = SERVICE_KINDS.get(
                        facility.kind, "rebuild" if facility.pk in destroyed else "repair"
                    )
                    top = 14_000_000 if scope == "rebuild" else 3_000_000
                    verb, verb_uk = "restore", "відновлення"
                else:
                    scope = self.rng.choice(["modernisation", "modernisation", "equipment"])
                    top = 9_000_000
                    verb, verb_uk = "modernise", "модернізація"
                title = f"Demo project {n}: {verb} demo facility No. {facility.pk}"
                title_uk = f"Демо-проєкт {n}: {verb_uk} демо-закладу №{facility.pk}"
                usd = Decimal(self.rng.randrange(200_000, top, 10_000))
            self.project(
                final=final,
                block=block,
                region_code=region.code,
                facility=facility,
                scope=scope,
                title=(title, title_uk),
                usd=usd,
                funders=funders,
            )

    def project(
        self,
        *,
        final: str,
        block: int,
        region_code: str,
        facility: Facility | None,
        scope: str,
        title: tuple[str, str],
        usd: Decimal,
        funders: list[_Funder],
    ) -> None:
        # Projects that got far started early; the last step must fall before the demo's end.
        late_start = dt.date(2024, 9, 30) if final in (Stage.IDEA, Stage.ASSESSED) else None
        started = self.day_between(dt.date(2022, 5, 1), late_start or dt.date(2023, 6, 30))
        steps = self.timeline(final, started)
        estimated_on = steps.get(Stage.ASSESSED, started)
        currency = self.rng.choice(["USD", "USD", "USD", "EUR", "EUR", "UAH", "UAH"])
        # Some ideas are not costed yet.
        costed = final != Stage.IDEA or self.rng.random() < 0.5
        project = register_project(
            actor=self.actor,
            title_en=title[0] + " (synthetic)",
            title_uk=title[1] + " (синтетичний)",
            region=region_code,
            facility=facility,
            block=block,
            scope=scope,
            stage_since=started,
            cost_estimate=self.in_currency(usd, currency, estimated_on) if costed else None,
            currency=currency if costed else "",
            estimated_on=estimated_on if costed else None,
            priority=self.rng.randint(1, 5),
            is_synthetic=True,
        )
        self.projects += 1
        commitments: list[tuple[_Funder, Decimal, dt.date]] = []
        for stage, on in steps.items():
            if stage == Stage.IDEA:
                continue
            if stage == Stage.FUNDED:
                commitments = self.commit(project, usd, funders, steps)
            if stage in (Stage.IN_PROGRESS, Stage.COMPLETED):
                self.disburse(project, commitments, stage, on)
            change_stage(project, actor=self.actor, stage=stage, on=on)
        if final == Stage.DESIGNED and self.rng.random() < 0.5:
            # A partner has promised part of a designed project that is not funded yet.
            self.commit(project, usd * Decimal("0.3"), funders[:1], steps)

    def timeline(self, final: str, started: dt.date) -> dict[str, dt.date]:
        """The day of each stage up to the final one (a cancellation comes after any stage)."""
        if final == Stage.CANCELLED:
            path = [*ORDER[: self.rng.randint(1, len(ORDER))], Stage.CANCELLED]
        elif final == Stage.COMPLETED:
            path = [*ORDER, Stage.COMPLETED]
        else:
            path = ORDER[: ORDER.index(Stage(final)) + 1]
        steps: dict[str, dt.date] = {}
        on = started
        room = (plan.END - started).days
        gap = max(1, room // (len(path) + 1))
        for stage in path:
            if steps:
                on = min(on + dt.timedelta(days=self.rng.randint(gap // 2, gap)), plan.END)
            steps[stage] = on
        return steps

    def commit(
        self,
        project: RecoveryProject,
        usd: Decimal,
        funders: list[_Funder],
        steps: dict[str, dt.date],
    ) -> list[tuple[_Funder, Decimal, dt.date]]:
        """One to three partners promise 60 to 110% of the cost, in their own currencies."""
        first = steps.get(Stage.DESIGNED, steps[Stage.IDEA])
        last = steps.get(Stage.FUNDED, plan.END)
        share_total = Decimal(self.rng.choice(["0.6", "0.75", "0.9", "1", "1", "1.1"]))
        givers = self.rng.sample(funders, self.rng.randint(1, min(3, len(funders))))
        made = []
        for funder in givers:
            on = self.day_between(first, last)
            amount = self.in_currency(usd * share_total / len(givers), funder.currency, on)
            record_funding(
                project,
                actor=self.actor,
                partner=funder.partner,
                kind="commitment",
                amount=amount,
                currency=funder.currency,
                on=on,
            )
            made.append((funder, amount, on))
        return made

    def disburse(
        self,
        project: RecoveryProject,
        commitments: list[tuple[_Funder, Decimal, dt.date]],
        stage: str,
        on: dt.date,
    ) -> None:
        """Partial payments as work starts; most of the rest by completion."""
        share = Decimal(self.rng.choice(["0.2", "0.3", "0.5"]))
        if stage == Stage.COMPLETED:
            share = Decimal(self.rng.choice(["0.4", "0.5", "0.6"]))
        for funder, amount, promised_on in commitments:
            paid_on = max(promised_on, on - dt.timedelta(days=self.rng.randint(0, 20)))
            record_funding(
                project,
                actor=self.actor,
                partner=funder.partner,
                kind="disbursement",
                amount=(amount * share).quantize(Decimal("0.01")),
                currency=funder.currency,
                on=paid_on,
            )

    # -- population served ------------------------------------------------------------------
    def population(self) -> None:
        """People served by some damaged facilities: the score uses it where it is known."""
        damaged = damaged_facilities(as_of=plan.END, country="UA").order_by("pk")
        for facility in damaged:
            span = PEOPLE_SERVED.get(facility.kind)
            if span is None or self.rng.random() < 0.4:
                continue
            record_population_served(
                facility,
                actor=self.actor,
                population=self.rng.randint(*span),
                as_of=self.day_between(dt.date(2023, 1, 1), plan.END),
            )

    # -- agreements -------------------------------------------------------------------------
    def agreements_signed(self, institutions: list[Partner]) -> None:
        hospitals = list(
            Facility.objects.filter(
                kind__in=(
                    FacilityKind.HOSPITAL,
                    FacilityKind.CHILDRENS_HOSPITAL,
                    FacilityKind.MATERNITY_HOSPITAL,
                    FacilityKind.REHABILITATION,
                ),
                region__access_status__in=(AccessStatus.CONTROLLED, AccessStatus.FRONTLINE),
            ).order_by("pk")[:300]
        )
        if not hospitals or not institutions:
            return
        plan_rows: list[tuple[dt.date, str, str]] = []
        plan_rows += [(SUMMIT_ON, INTERNATIONAL_MEDICAL_PARTNERSHIP, "memorandum")] * (
            SUMMIT_AGREEMENTS
        )
        for _ in range(EARLIER_MEMORANDA):
            on = self.day_between(dt.date(2022, 9, 1), SUMMIT_ON - dt.timedelta(days=30))
            plan_rows.append((on, INTERNATIONAL_MEDICAL_PARTNERSHIP, "memorandum"))
        for _ in range(OTHER_AGREEMENTS):
            on = self.day_between(dt.date(2023, 11, 1), plan.END)
            plan_rows.append((on, "", self.rng.choice(["twinning", "other"])))
        for on, programme, kind in plan_rows:
            agreement = record_agreement(
                actor=self.actor,
                facility=self.rng.choice(hospitals),
                partner=self.rng.choice(institutions),
                kind=kind if programme == "" else self.rng.choice([kind, kind, "twinning"]),
                signed_on=on,
                programme=programme,
                areas=self.rng.sample(AREAS, self.rng.randint(1, 3)),
                is_synthetic=True,
            )
            self.agreements += 1
            if on < dt.date(2023, 1, 1) and self.rng.random() < 0.5:
                set_agreement_status(
                    agreement, actor=self.actor, status="completed", reason="Synthetic: done"
                )
            elif self.rng.random() < 0.06:
                status = self.rng.choice(["suspended", "terminated"])
                set_agreement_status(
                    agreement, actor=self.actor, status=status, reason="Synthetic: demo status"
                )


def build_recovery(*, rng: random.Random, actor: Actor) -> dict[str, int]:
    """The demo's recovery plan and partnerships; how many projects and agreements it made."""
    builder = _RecoveryBuilder(rng, actor)
    builder.rate_table()
    funders = builder.funders()
    institutions = builder.foreign_institutions()
    builder.build_projects(funders)
    builder.population()
    builder.agreements_signed(institutions)
    return {"projects": builder.projects, "agreements": builder.agreements}
