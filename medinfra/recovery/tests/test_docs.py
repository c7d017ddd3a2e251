"""docs/recovery.md says what the code does: its worked examples hold, its tables match."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from medinfra.recovery.models import PriorityWeights
from medinfra.recovery.queries import (
    ACCESS_PART,
    DAMAGE_PART,
    OPERATION_PART,
    facility_score,
    project_funding,
)

pytestmark = pytest.mark.django_db
DOC = Path(__file__).resolve().parents[3] / "docs" / "recovery.md"
D = dt.date


def _section(title: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    return text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def _rows(text: str, first_header: str) -> list[list[str]]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return rows


def _number(cell: str) -> Decimal:
    return Decimal(cell.replace(",", ""))


def test_the_worked_funding_example_holds(
    make_rate: Callable, make_project: Callable, make_partner: Callable, fund: Callable
) -> None:
    make_rate("EUR", D(2023, 1, 1), "0.93")
    make_rate("EUR", D(2023, 3, 1), "0.92")
    make_rate("UAH", D(2022, 1, 1), "29.25")
    project = make_project(
        cost_estimate=Decimal("1000000"), currency="EUR", estimated_on=D(2023, 1, 10)
    )
    fund(project, make_partner(), "500000", "USD", D(2023, 6, 1))
    fund(project, make_partner(), "300000", "EUR", D(2023, 7, 1))

    [row] = project_funding([project], as_of=D(2024, 1, 1))

    table = {r[0]: _number(r[2]) for r in _rows(_section("Funding arithmetic"), "figure")}
    assert table == {
        "estimated cost": row.estimate.usd,
        "committed": row.committed.usd,
        "gap": row.gap.usd,
    }


def test_the_documented_default_weights_are_the_models() -> None:
    text = _section("Priority score of damaged facilities")
    defaults = dict(re.findall(r"(damage|services|population|operation|access) (\d+)", text))

    assert {k: int(v) for k, v in defaults.items()} == PriorityWeights().as_dict()


def test_the_documented_part_values_are_the_codes() -> None:
    rows = {r[0]: r[2] for r in _rows(_section("Priority score of damaged facilities"), "part")}

    assert "destroyed 1, partially damaged 0.5" in rows["damage"]
    assert {"destroyed": 1, "partial": Decimal("0.5")} == DAMAGE_PART
    assert rows["back in operation"].startswith("not functioning 1, partially functioning 0.5")
    assert {"none": 1, "partial": Decimal("0.5"), "full": 0} == OPERATION_PART
    assert "frontline 0.5" in rows["region's access"]
    assert ACCESS_PART["frontline"] == Decimal("0.5") and ACCESS_PART["occupied"] == 0


def test_the_score_example_holds(make_facility: Callable, assess: Callable, actor: Any) -> None:
    from medinfra.geography.queries import region_by_code
    from medinfra.geography.services import set_access_status
    from medinfra.recovery.services import record_population_served

    hospital = make_facility(region="UA-46", kind="hospital")
    assess(hospital, D(2022, 5, 1), "destroyed", "none")
    set_access_status(region_by_code("UA-63"), status="frontline", actor=actor)
    centre = make_facility(region="UA-63", kind="primary_care_centre")
    assess(centre, D(2022, 5, 1), "partial", "partial")
    record_population_served(centre, actor=actor, population=10_000, as_of=D(2023, 1, 1))
    clinic = make_facility(region="UA-46", kind="outpatient_clinic")
    assess(clinic, D(2022, 5, 1), "destroyed", "none")

    rows = _rows(_section("Priority score of damaged facilities"), "facility")
    for facility, row in zip((hospital, centre, clinic), rows, strict=True):
        score = facility_score(facility, as_of=D(2024, 1, 1))
        assert score is not None
        assert str(score.score) == row[-1], row[0]
        for part, cell in zip(score.parts, row[1:6], strict=True):
            assert (str(part.value) if part.is_known else "not known") == cell, (row[0], part)
