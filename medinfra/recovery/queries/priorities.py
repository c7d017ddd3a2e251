"""The priority score of damaged facilities: five documented parts, weighted by coordinators.

score = sum over the known parts of (weight x part) / (sum of the known parts' weights) x 100

Each part is a number from 0 to 1 read from the registry (tables below); a part that is not
known (population served, when nobody recorded it) is left out together with its weight, so a
facility is not pushed down for a gap in the data. A part's points are its share of the score;
the score and the points are each rounded to one decimal (halves up) for display, and the
ranking uses the unrounded score.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from medinfra.facilities.models import Assessment, Condition, Facility, FacilityKind, Functionality
from medinfra.facilities.queries import damaged_facilities
from medinfra.geography.models import AccessStatus, Region
from medinfra.recovery.models import PopulationServed, PriorityWeights

ONE = Decimal(1)
TENTH = Decimal("0.1")

DAMAGE_PART: dict[str, Decimal] = {
    Condition.DESTROYED: ONE,
    Condition.PARTIAL: Decimal("0.5"),
}

# What a kind of facility provides, as a share of what a hospital provides: the services that
# are lost while it is down (inpatient, surgical and emergency care rank highest).
SERVICES_PART: dict[str, Decimal] = {
    FacilityKind.HOSPITAL: ONE,
    FacilityKind.CHILDRENS_HOSPITAL: ONE,
    FacilityKind.MATERNITY_HOSPITAL: ONE,
    FacilityKind.EMERGENCY_STATION: Decimal("0.9"),
    FacilityKind.BLOOD_SERVICE: Decimal("0.8"),
    FacilityKind.PRIMARY_CARE_CENTRE: Decimal("0.7"),
    FacilityKind.REHABILITATION: Decimal("0.7"),
    FacilityKind.MENTAL_HEALTH: Decimal("0.7"),
    FacilityKind.OUTPATIENT_CLINIC: Decimal("0.6"),
    FacilityKind.PARAMEDIC_STATION: Decimal("0.6"),
    FacilityKind.LABORATORY: Decimal("0.5"),
    FacilityKind.PHARMACY: Decimal("0.4"),
    FacilityKind.DENTAL: Decimal("0.3"),
    FacilityKind.OTHER: Decimal("0.3"),
    FacilityKind.SANATORIUM: Decimal("0.2"),
}

# A facility that is not working at all is the more urgent.
OPERATION_PART: dict[str, Decimal] = {
    Functionality.NONE: ONE,
    Functionality.PARTIAL: Decimal("0.5"),
    Functionality.FULL: Decimal(0),
}

# Work can start where the government has access; in occupied or inaccessible regions it cannot.
ACCESS_PART: dict[str, Decimal] = {
    AccessStatus.CONTROLLED: ONE,
    AccessStatus.FRONTLINE: Decimal("0.5"),
    AccessStatus.OCCUPIED: Decimal(0),
    AccessStatus.INACCESSIBLE: Decimal(0),
}

# Population served: 0 for 100 people or fewer, 1 for 100,000 or more, by powers of ten between.
POPULATION_FLOOR = 100
POPULATION_FULL = 100_000

PART_LABELS = {
    "damage": _("damage"),
    "services": _("facility type and services"),
    "population": _("population served"),
    "operation": _("back in operation"),
    "access": _("region's access"),
}


def population_part(population: int | None) -> Decimal | None:
    """0 to 1 on a scale of powers of ten between 100 and 100,000 people; None when unknown."""
    if population is None:
        return None
    if population <= POPULATION_FLOOR:
        return Decimal(0)
    if population >= POPULATION_FULL:
        return ONE
    low, high = Decimal(POPULATION_FLOOR).log10(), Decimal(POPULATION_FULL).log10()
    share = (Decimal(population).log10() - low) / (high - low)
    return share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ScorePart:
    """One part of a score: what it was read from, its value 0-1, its weight and its points."""

    name: str
    basis: str
    value: Decimal | None
    weight: int
    points: Decimal | None

    @property
    def label(self) -> str:
        return str(PART_LABELS[self.name])

    @property
    def is_known(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class FacilityScore:
    """A damaged facility's priority score and the parts it is made of."""

    facility: Facility
    score: Decimal
    parts: tuple[ScorePart, ...]
    rank: int = 0

    def part(self, name: str) -> ScorePart:
        return next(p for p in self.parts if p.name == name)


@dataclass(frozen=True)
class _Inputs:
    destroyed: bool
    kind: str
    population: int | None
    functionality: str | None
    access: str


def _basis(inputs: _Inputs) -> dict[str, tuple[str, Decimal | None]]:
    condition = Condition.DESTROYED if inputs.destroyed else Condition.PARTIAL
    functionality = inputs.functionality or Functionality.NONE
    population = (
        ngettext("%(count)s person", "%(count)s people", inputs.population)
        % {"count": formats.number_format(inputs.population, force_grouping=True)}
        if inputs.population is not None
        else str(_("not known"))
    )
    return {
        "damage": (str(Condition(condition).label), DAMAGE_PART[condition]),
        "services": (
            str(FacilityKind(inputs.kind).label),
            SERVICES_PART.get(inputs.kind, SERVICES_PART[FacilityKind.OTHER]),
        ),
        "population": (population, population_part(inputs.population)),
        "operation": (str(Functionality(functionality).label), OPERATION_PART[functionality]),
        "access": (str(AccessStatus(inputs.access).label), ACCESS_PART[inputs.access]),
    }


def _tenths(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def score_parts(inputs: _Inputs, weights: PriorityWeights) -> tuple[Decimal, tuple[ScorePart, ...]]:
    """The unrounded score and its parts for one facility's inputs and the weights."""
    basis = _basis(inputs)
    known_weight = sum(
        int(getattr(weights, name)) for name, (_text, value) in basis.items() if value is not None
    )
    parts: list[ScorePart] = []
    score = Decimal(0)
    for name in PriorityWeights.PARTS:
        text, value = basis[name]
        weight = int(getattr(weights, name))
        points: Decimal | None = None
        if value is not None:
            exact = Decimal(weight) * value * 100 / known_weight if known_weight else Decimal(0)
            score += exact
            points = _tenths(exact)
        parts.append(ScorePart(name=name, basis=text, value=value, weight=weight, points=points))
    return score, tuple(parts)


def _scored_facilities(
    *,
    as_of: dt.date,
    country: str | None,
    region: Region | None,
    kind: str | None,
    facility_id: int | None = None,
) -> list[tuple[Facility, _Inputs]]:
    destroyed = Assessment.objects.filter(
        facility=OuterRef("pk"), condition=Condition.DESTROYED, assessed_on__lte=as_of
    )
    functionality = Subquery(
        Assessment.objects.filter(facility=OuterRef("pk"), assessed_on__lte=as_of)
        .order_by("-assessed_on", "-id")
        .values("functionality")[:1]
    )
    population = Subquery(
        PopulationServed.objects.filter(facility=OuterRef("pk"))
        .order_by("-id")
        .values("population")[:1]
    )
    facilities = (
        damaged_facilities(as_of=as_of, region=region, country=country)
        .select_related("region")
        .annotate(
            is_destroyed=Exists(destroyed),
            latest_functionality=functionality,
            people=population,
        )
        .order_by("id")
    )
    if kind:
        facilities = facilities.filter(kind=kind)
    if facility_id is not None:
        facilities = facilities.filter(pk=facility_id)
    return [
        (
            facility,
            _Inputs(
                destroyed=bool(facility.is_destroyed),
                kind=facility.kind,
                population=facility.people,
                functionality=facility.latest_functionality,
                access=facility.region.access_status,
            ),
        )
        for facility in facilities
    ]


def priority_ranking(
    *,
    as_of: dt.date | None = None,
    country: str | None = None,
    region: Region | None = None,
    kind: str | None = None,
    weights: PriorityWeights | None = None,
) -> list[FacilityScore]:
    """Damaged facilities by priority score, highest first (ties: the older record first)."""
    day = as_of or timezone.localdate()
    weights = weights or PriorityWeights.current()
    scored = []
    for facility, inputs in _scored_facilities(
        as_of=day, country=country, region=region, kind=kind
    ):
        score, parts = score_parts(inputs, weights)
        scored.append((score, facility, parts))
    scored.sort(key=lambda item: (-item[0], item[1].pk))
    return [
        FacilityScore(facility=facility, score=_tenths(score), parts=parts, rank=n)
        for n, (score, facility, parts) in enumerate(scored, start=1)
    ]


def facility_score(
    facility: Facility,
    *,
    as_of: dt.date | None = None,
    weights: PriorityWeights | None = None,
) -> FacilityScore | None:
    """One facility's score and parts; None when it has no damage recorded (it is not ranked)."""
    day = as_of or timezone.localdate()
    weights = weights or PriorityWeights.current()
    found = _scored_facilities(
        as_of=day, country=None, region=None, kind=None, facility_id=facility.pk
    )
    if not found:
        return None
    target, inputs = found[0]
    score, parts = score_parts(inputs, weights)
    return FacilityScore(facility=target, score=_tenths(score), parts=parts)
