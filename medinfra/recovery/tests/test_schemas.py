"""The public allow-list of the recovery models: public fields only, resolved from records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from medinfra.recovery.models import PriorityWeights, StageChange
from medinfra.recovery.schemas import (
    CurrencyRatePublic,
    FundingPublic,
    PartnerPublic,
    PopulationServedPublic,
    PriorityWeightsPublic,
    ProjectPublic,
    StageChangePublic,
)
from medinfra.recovery.services import change_stage, record_population_served

pytestmark = pytest.mark.django_db
PRIVATE = {"note", "retracted_by", "retraction_reason", "created_at", "updated_at"}
SCHEMAS = [
    PartnerPublic,
    ProjectPublic,
    FundingPublic,
    StageChangePublic,
    CurrencyRatePublic,
    PriorityWeightsPublic,
    PopulationServedPublic,
]


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.__name__)
def test_no_recovery_schema_carries_a_private_field(schema: Any) -> None:
    assert not PRIVATE & set(schema.model_fields)


def test_public_project_and_stage_carry_the_dates_but_never_the_note(
    make_project: Callable, actor: Any
) -> None:
    project = make_project(
        scope="repair",
        cost_estimate=Decimal("10"),
        currency="EUR",
        estimated_on=dt.date(2023, 1, 1),
    )
    change_stage(project, actor=actor, stage="assessed", on=dt.date(2023, 2, 1), note="MARKER")

    public = ProjectPublic.from_orm(project).model_dump()
    stages = [StageChangePublic.from_orm(c).model_dump() for c in StageChange.objects.all()]

    assert (public["scope"], public["stage"], public["stage_since"]) == (
        "repair",
        "assessed",
        dt.date(2023, 2, 1),
    )
    assert public["estimated_on"] == dt.date(2023, 1, 1)
    assert "MARKER" not in str(stages)
    assert stages[-1]["from_stage"] == "idea" and stages[-1]["project"] == project.pk


def test_rates_weights_and_population_resolve(
    make_rate: Callable, make_facility: Callable, actor: Any
) -> None:
    rate = make_rate("EUR", dt.date(2023, 1, 1), "0.93")
    facility = make_facility()
    served = record_population_served(
        facility, actor=actor, population=1200, as_of=dt.date(2023, 1, 1)
    )

    assert CurrencyRatePublic.from_orm(rate).per_usd == Decimal("0.93")
    assert PriorityWeightsPublic.from_orm(PriorityWeights.current()).damage == 30
    assert PopulationServedPublic.from_orm(served).facility == facility.pk
