"""Builds the synthetic demo data set through the real services, so every count is derived."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from medinfra.core.models import DatasetInfo
from medinfra.core.services import audit_batch, mark_dataset
from medinfra.demo import plan
from medinfra.demo.ledger import enter_seed_ledger
from medinfra.demo.occupied import build_occupied_events
from medinfra.demo.recovery import build_recovery
from medinfra.facilities.models import Facility, FacilityKind
from medinfra.facilities.services import record_assessment, record_restoration, register_facility
from medinfra.geography.models import Region
from medinfra.geography.queries import region_by_code
from medinfra.geography.services import load_country, set_access_status
from medinfra.incidents.models import Incident
from medinfra.incidents.services import record_incident, set_verification
from medinfra.sources.models import Source
from medinfra.sources.services import register_source
from medinfra.vehicles.services import record_vehicle_event, register_vehicle

DESCRIPTION = "Synthetic demo data: made-up facilities and events in real regions."

KIND_WEIGHTS = {
    FacilityKind.HOSPITAL: 22,
    FacilityKind.PRIMARY_CARE_CENTRE: 18,
    FacilityKind.PARAMEDIC_STATION: 16,
    FacilityKind.OUTPATIENT_CLINIC: 12,
    FacilityKind.EMERGENCY_STATION: 6,
    FacilityKind.MATERNITY_HOSPITAL: 3,
    FacilityKind.CHILDRENS_HOSPITAL: 3,
    FacilityKind.DENTAL: 4,
    FacilityKind.PHARMACY: 6,
    FacilityKind.LABORATORY: 2,
    FacilityKind.BLOOD_SERVICE: 1,
    FacilityKind.REHABILITATION: 3,
    FacilityKind.MENTAL_HEALTH: 2,
    FacilityKind.SANATORIUM: 1,
    FacilityKind.OTHER: 1,
}
KIND_UK = {
    "hospital": "лікарня",
    "primary_care_centre": "центр ПМД",
    "paramedic_station": "ФАП",
    "outpatient_clinic": "поліклініка",
    "emergency_station": "станція ЕМД",
    "maternity_hospital": "пологовий будинок",
    "childrens_hospital": "дитяча лікарня",
    "dental": "стоматологія",
    "pharmacy": "аптека",
    "laboratory": "лабораторія",
    "blood_service": "центр крові",
    "rehabilitation": "реабілітаційний центр",
    "mental_health": "центр психічного здоров’я",
    "sanatorium": "санаторій",
    "other": "заклад",
}
OCCUPATION_ATTACKS = [
    (["removal_of_assets"], ["supplies", "facility"]),
    (["arrest_detention"], ["personnel"]),
    (["psychological"], ["personnel"]),
    (["obstruction"], ["personnel", "patient"]),
    (["military_use"], ["facility"]),
    (["abduction"], ["personnel"]),
]


@dataclass
class DemoSummary:
    facilities: int
    assessments: int
    restorations: int
    incidents: int
    vehicles: int
    projects: int
    agreements: int


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.reporter: User = User.objects.get_or_create(
            username="demo-reporter", defaults={"is_active": False}
        )[0]
        self.verifier: User = User.objects.get_or_create(
            username="demo-verifier", defaults={"is_active": False}
        )[0]
        self.counts = dict.fromkeys(
            (
                "facilities",
                "assessments",
                "restorations",
                "incidents",
                "vehicles",
                "projects",
                "agreements",
            ),
            0,
        )
        self.sources: list[Source] = []
        self.facility_no = 0

    # -- dates -------------------------------------------------------------------------
    def day_between(self, first: dt.date, last: dt.date, skew: float = 1.0) -> dt.date:
        span = (last - first).days
        return first + dt.timedelta(days=int(span * self.rng.random() ** skew))

    def early(self) -> dt.date:
        # More damage in the first months of the full-scale invasion.
        return self.day_between(plan.WAR_START, plan.SNAPSHOT - dt.timedelta(days=1), 1.8)

    def late(self, last: dt.date = plan.END) -> dt.date:
        return self.day_between(plan.SNAPSHOT + dt.timedelta(days=1), last)

    # -- records -----------------------------------------------------------------------
    def facility(self, region: Region) -> Facility:
        self.facility_no += 1
        kind = self.rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        number = self.facility_no
        self.counts["facilities"] += 1
        return register_facility(
            actor=self.reporter,
            name_uk=f"Демо-заклад №{number}: {KIND_UK[kind]} (синтетичний)",
            name_en=f"Demo facility No. {number}: {kind.label} (synthetic)",
            kind=kind,
            region=region,
            settlement=f"Demo settlement {self.rng.randint(1, 60)}",
            ownership=self.rng.choice(["municipal", "municipal", "state", "private"]),
            beds=self.rng.choice([None, 20, 40, 80, 120, 250, 400])
            if kind
            in (
                FacilityKind.HOSPITAL,
                FacilityKind.MATERNITY_HOSPITAL,
                FacilityKind.CHILDRENS_HOSPITAL,
            )
            else None,
            external_id=f"demo-facility-{number}",
            is_synthetic=True,
        )

    def assess(self, facility: Facility, on: dt.date, condition: str, functionality: str) -> None:
        cost = None
        if condition != "none":
            base = 2_000_000 if condition == "destroyed" else 250_000
            cost = Decimal(int(base * (0.3 + self.rng.random() * 2)))
        record_assessment(
            facility,
            actor=self.reporter,
            assessed_on=on,
            condition=condition,
            functionality=functionality,
            repair_cost=cost,
            repair_cost_currency="USD" if cost is not None else "",
            assessed_by="Demo regional health department (synthetic)",
            source=self.rng.choice(self.sources),
        )
        self.counts["assessments"] += 1

    def incident(
        self,
        *,
        on: dt.date,
        region: Region,
        attack_types: list[str],
        resources: list[str],
        facility: Facility | None = None,
        verified_share: float = 0.82,
    ) -> Incident:
        roll = self.rng.random()
        casualties: dict[str, Any] = {}
        if "personnel" in resources or self.rng.random() < 0.15:
            casualties["health_workers_injured"] = self.rng.choice([0, 1, 1, 2, 3])
            casualties["health_workers_killed"] = self.rng.choice([0, 0, 0, 1])
        if "patient" in resources:
            casualties["patients_injured"] = self.rng.choice([0, 1, 2, 4])
        if "arrest_detention" in attack_types or "abduction" in attack_types:
            casualties["health_workers_detained"] = self.rng.choice([1, 1, 2])
        incident = record_incident(
            actor=self.reporter,
            occurred_on=on,
            region=region,
            facility=facility,
            attack_types=attack_types,
            resources=resources,
            sources=[self.rng.choice(self.sources)],
            certainty=self.rng.choice(["confirmed", "confirmed", "probable"]),
            description="Synthetic demo record; no real event.",
            public_summary="Synthetic demo record: "
            + ", ".join(str(t).replace("_", " ") for t in attack_types)
            + ".",
            external_id=f"demo-incident-{self.counts['incidents'] + 1}",
            is_synthetic=True,
            **casualties,
        )
        self.counts["incidents"] += 1
        if roll < verified_share:
            set_verification(incident, actor=self.verifier, state="verified")
        elif roll < verified_share + 0.06:
            set_verification(incident, actor=self.verifier, state="under_review")
        elif roll < verified_share + 0.10:
            set_verification(
                incident,
                actor=self.verifier,
                state="rejected",
                certainty="possible",
                reason="Synthetic: the report could not be confirmed.",
            )
        return incident

    def damage(self, facility: Facility, on: dt.date, condition: str, functionality: str) -> None:
        self.assess(facility, on, condition, functionality)
        types = ["heavy_weapons"]
        if self.rng.random() < 0.1:
            types.append("setting_fire")
        resources = ["facility"] + (["personnel"] if self.rng.random() < 0.2 else [])
        self.incident(
            on=on,
            region=facility.region,
            facility=facility,
            attack_types=types,
            resources=resources,
        )

    # -- the data set ------------------------------------------------------------------
    def build(self) -> DemoSummary:
        load_country("UA", actor=self.reporter)
        for code, status in plan.ACCESS_STATUS.items():
            set_access_status(
                region_by_code(code), status=status, actor=self.reporter, reason="Demo data set"
            )
        for year in (2022, 2023, 2024, 2025):
            self.sources.append(
                register_source(
                    actor=self.reporter,
                    publisher="Demo regional health department (synthetic)",
                    title=f"Synthetic field reports, {year}",
                    published_on=dt.date(year, 12, 31) if year < 2025 else plan.END,
                    language="uk",
                    is_synthetic=True,
                )
            )
        damaged, destroyed = self.facilities()
        last_damage = self.damage_histories(damaged, destroyed)
        self.restorations(damaged, destroyed, last_damage)
        self.occupation_incidents()
        self.vehicles()
        self.recovery()
        build_occupied_events(
            seed=self.seed, reporter=self.reporter, verifier=self.verifier, sources=self.sources
        )
        enter_seed_ledger(actor=self.reporter)
        mark_dataset(synthetic=True, description=DESCRIPTION, seed=self.seed)
        return DemoSummary(**self.counts)

    def facilities(self) -> tuple[list[Facility], list[Facility]]:
        partial: list[Facility] = []
        destroyed: list[Facility] = []
        for code, (total, ruined) in plan.DAMAGE_BY_REGION.items():
            region = region_by_code(code)
            made = [self.facility(region) for _ in range(total + max(4, total // 2))]
            destroyed += made[:ruined]
            partial += made[ruined:total]
        for code, count in (("UA-09", 40), ("UA-43", 30), ("UA-40", 8)):
            region = region_by_code(code)
            for _ in range(count):
                self.facility(region)
        self.rng.shuffle(partial)
        self.rng.shuffle(destroyed)
        return partial, destroyed

    def damage_histories(
        self, partial: list[Facility], destroyed: list[Facility]
    ) -> dict[int, dt.date]:
        last: dict[int, dt.date] = {}
        early_partial = plan.PARTIAL_AT_SNAPSHOT - (
            len(destroyed) - plan.DESTROYED_AT_SNAPSHOT - 28
        )
        working = {f.pk for f in partial[-plan.WORKING_WITHOUT_RESTORATION :]}
        for i, facility in enumerate(partial):
            on = self.early() if i < early_partial else self.late(dt.date(2025, 5, 31))
            self.damage(facility, on, "partial", "partial" if facility.pk in working else "none")
            last[facility.pk] = on
        for i, facility in enumerate(destroyed):
            if i < plan.DESTROYED_AT_SNAPSHOT:
                first = self.early()
                if i < 40:  # partially damaged first, destroyed later, both before the snapshot
                    self.damage(facility, first, "partial", "none")
                    first = self.day_between(
                        first + dt.timedelta(days=1), plan.SNAPSHOT - dt.timedelta(days=1)
                    )
            elif i < len(destroyed) - 28:  # damaged before the snapshot, destroyed after it
                self.damage(facility, self.early(), "partial", "none")
                first = self.late(dt.date(2025, 5, 31))
            else:
                first = self.late(dt.date(2025, 5, 31))
            self.damage(facility, first, "destroyed", "none")
            last[facility.pk] = first
        return last

    def restorations(
        self, partial: list[Facility], destroyed: list[Facility], last_damage: dict[int, dt.date]
    ) -> None:
        cutoff = dt.date(2024, 12, 31)
        working = {f.pk for f in partial[-plan.WORKING_WITHOUT_RESTORATION :]}
        eligible_p = [f for f in partial if last_damage[f.pk] <= cutoff and f.pk not in working]
        eligible_d = [f for f in destroyed if last_damage[f.pk] <= cutoff]
        fully = eligible_p[: plan.FULLY_RESTORED - 20] + eligible_d[:20]
        partly = (
            eligible_p[
                plan.FULLY_RESTORED - 20 : plan.FULLY_RESTORED - 20 + plan.PARTIALLY_RESTORED - 20
            ]
            + eligible_d[20:40]
        )
        for i, facility in enumerate(fully):
            start = last_damage[facility.pk] + dt.timedelta(days=60)
            on = self.day_between(start, plan.END - dt.timedelta(days=10))
            if i % 5 == 0:  # partly restored first, fully later
                mid = self.day_between(
                    last_damage[facility.pk] + dt.timedelta(days=30), on - dt.timedelta(days=1)
                )
                self.restore(facility, mid, "partially_restored", "partial")
            self.restore(facility, on, "fully_restored", "full")
        for facility in partly:
            start = last_damage[facility.pk] + dt.timedelta(days=60)
            on = self.day_between(start, plan.END - dt.timedelta(days=10))
            self.restore(facility, on, "partially_restored", "partial")

    def restore(self, facility: Facility, on: dt.date, milestone: str, works: str) -> None:
        record_restoration(
            facility,
            actor=self.reporter,
            restored_on=on,
            milestone=milestone,
            source=self.rng.choice(self.sources),
        )
        self.counts["restorations"] += 1
        condition = "none" if milestone == "fully_restored" else "partial"
        self.assess(facility, on + dt.timedelta(days=self.rng.randint(0, 9)), condition, works)

    def occupation_incidents(self) -> None:
        """Threats, detention, looting in occupied territory (seeds/003); few are verified."""
        for code in ("UA-43", "UA-40", "UA-09", "UA-14", "UA-23", "UA-65"):
            region = region_by_code(code)
            facilities = list(Facility.objects.filter(region=region).order_by("pk")[:40])
            for _ in range(25):
                types, resources = self.rng.choice(OCCUPATION_ATTACKS)
                self.incident(
                    on=self.day_between(plan.WAR_START, plan.END),
                    region=region,
                    facility=self.rng.choice(facilities) if facilities else None,
                    attack_types=types,
                    resources=resources,
                    verified_share=0.5,
                )

    def vehicles(self) -> None:
        plan_rows: list[tuple[str, list[str]]] = []
        plan_rows += [("damaged", ["damaged"])] * plan.AMBULANCES["damaged"]
        plan_rows += [("destroyed", ["damaged", "destroyed"])] * 30
        plan_rows += [("destroyed", ["destroyed"])] * (plan.AMBULANCES["destroyed"] - 30)
        plan_rows += [("seized", ["damaged", "seized"])] * 10
        plan_rows += [("seized", ["seized"])] * (plan.AMBULANCES["seized"] - 10)
        regions = {
            code: region_by_code(code)
            for code in set(plan.VEHICLE_REGIONS) | set(plan.SEIZURE_REGIONS)
        }
        owners: dict[str, list[Facility]] = {
            code: list(Facility.objects.filter(region=r, kind="emergency_station")[:20])
            for code, r in regions.items()
        }
        for n, (worst, statuses) in enumerate(plan_rows):
            weights = plan.SEIZURE_REGIONS if worst == "seized" else plan.VEHICLE_REGIONS
            code = self.rng.choices(list(weights), weights=list(weights.values()))[0]
            vehicle = register_vehicle(
                actor=self.reporter,
                region=regions[code],
                owner_facility=self.rng.choice(owners[code]) if owners[code] else None,
                description=f"Demo ambulance No. {n + 1} (synthetic)",
                external_id=f"demo-vehicle-{n + 1}",
                is_synthetic=True,
            )
            self.counts["vehicles"] += 1
            on = self.day_between(plan.WAR_START, plan.END - dt.timedelta(days=40), 1.5)
            for status in statuses:
                record_vehicle_event(
                    vehicle,
                    actor=self.reporter,
                    occurred_on=on,
                    status=status,
                    source=self.rng.choice(self.sources),
                )
                if status != "seized" and self.rng.random() < 0.3:
                    self.incident(
                        on=on,
                        region=vehicle.region,
                        attack_types=["heavy_weapons"],
                        resources=["transport"],
                    )
                on += dt.timedelta(days=self.rng.randint(1, 30))
        for n in range(400):  # the fleet that was not hit
            code = self.rng.choice(sorted(plan.DAMAGE_BY_REGION))
            register_vehicle(
                actor=self.reporter,
                region=code,
                description=f"Demo ambulance No. {len(plan_rows) + n + 1} (synthetic)",
                external_id=f"demo-vehicle-{len(plan_rows) + n + 1}",
                is_synthetic=True,
            )
            self.counts["vehicles"] += 1

    def recovery(self) -> None:
        self.counts.update(build_recovery(rng=self.rng, actor=self.reporter))


def has_registry_data() -> bool:
    """Whether the database holds records that did not come from a demo build."""
    return Facility.all_objects.exists() and not DatasetInfo.current().is_synthetic


@transaction.atomic
def build_demo_dataset(*, seed: int = 2022) -> DemoSummary:
    """Create the synthetic demo data set in an empty registry, all through the services."""
    with audit_batch():
        return _Builder(seed).build()


def is_demo_loaded() -> bool:
    return DatasetInfo.current().is_synthetic and Facility.all_objects.exists()
