"""The demo's recovery plan: every stage dated, funding in several currencies, the summit's 25."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from medinfra.demo import plan
from medinfra.demo.recovery import SUMMIT_AGREEMENTS, SUMMIT_ON, build_recovery
from medinfra.partnerships.models import PartnershipAgreement
from medinfra.partnerships.queries import INTERNATIONAL_MEDICAL_PARTNERSHIP, agreement_counts
from medinfra.recovery.models import (
    NEXT_STAGES,
    CurrencyRate,
    Funding,
    PopulationServed,
    RecoveryProject,
    Stage,
    StageChange,
)
from medinfra.recovery.queries import funding_overview, project_funding, projects_as_of

D = dt.date


@pytest.fixture
def built(
    make_facility: Callable[..., Any], assess: Callable[..., Any], actor: Any
) -> dict[str, int]:
    """A few damaged facilities and hospitals, then the demo's recovery step on them."""
    kinds = ["hospital", "primary_care_centre", "rehabilitation", "paramedic_station"]
    for n in range(24):
        facility = make_facility(
            region=("UA-63", "UA-14", "UA-32", "UA-46")[n % 4], kind=kinds[n % 4]
        )
        assess(facility, D(2022, 4, 1), "destroyed" if n % 3 == 0 else "partial", "none")
    for _ in range(6):
        make_facility(region="UA-46", kind="childrens_hospital")
    return build_recovery(rng=random.Random(2022), actor=actor)


def test_the_demo_makes_projects_in_every_stage_and_block(built: dict[str, int]) -> None:
    projects = RecoveryProject.objects.all()

    assert built["projects"] == projects.count() > 60
    assert set(projects.values_list("stage", flat=True)) == set(Stage.values)
    assert set(projects.values_list("block", flat=True)) == {1, 2, 3}
    assert projects.filter(is_synthetic=True).count() == projects.count()


def test_every_demo_project_went_through_its_stages_in_order_and_dated(
    built: dict[str, int],
) -> None:
    for project in RecoveryProject.objects.all():
        changes = list(StageChange.objects.filter(project=project).order_by("on", "id"))
        assert changes[0].from_stage == "" and changes[0].to_stage == "idea"
        for before, after in itertools.pairwise(changes):
            assert after.from_stage == before.to_stage
            assert after.to_stage in NEXT_STAGES[before.to_stage]
            assert before.on <= after.on <= plan.END
        assert changes[-1].to_stage == project.stage
        assert changes[-1].on == project.stage_since


def test_the_demo_funds_in_several_currencies_with_partial_disbursements(
    built: dict[str, int],
) -> None:
    assert set(CurrencyRate.objects.values_list("currency", flat=True)) == {
        "EUR",
        "GBP",
        "PLN",
        "UAH",
    }
    assert not CurrencyRate.objects.filter(is_synthetic=False).exists()
    assert len(set(Funding.objects.values_list("currency", flat=True))) >= 4
    rows = project_funding(list(projects_as_of(as_of=plan.END)), as_of=plan.END)
    partly_paid = [r for r in rows if 0 < r.disbursed.usd < r.committed.usd]
    assert len(partly_paid) >= 10
    assert any(r.is_cancelled and r.committed.usd > 0 for r in rows)  # cancelled after funding
    assert any(r.estimate is None for r in rows)  # ideas not costed yet


def test_every_demo_amount_converts_and_the_plan_has_a_gap(built: dict[str, int]) -> None:
    overview = funding_overview(as_of=plan.END, country="UA")

    assert overview.missing_rates == ()
    assert 0 < overview.overall.committed.usd < overview.overall.needs.usd
    assert 0 < overview.overall.gap.usd < overview.overall.needs.usd
    assert overview.overall.cancelled > 0


def test_the_summit_signs_25_agreements_of_the_medical_partnership(built: dict[str, int]) -> None:
    at_summit = PartnershipAgreement.objects.filter(
        signed_on=SUMMIT_ON, programme=INTERNATIONAL_MEDICAL_PARTNERSHIP
    )
    counts = agreement_counts(as_of=plan.END, country="UA")

    assert at_summit.count() == SUMMIT_AGREEMENTS == 25
    assert built["agreements"] == counts.total
    assert counts.in_programme(INTERNATIONAL_MEDICAL_PARTNERSHIP) > SUMMIT_AGREEMENTS
    assert len(counts.by_partner_country) >= 10
    assert all(a.areas for a in PartnershipAgreement.objects.all())
    statuses = Counter(PartnershipAgreement.objects.values_list("status", flat=True))
    assert statuses["active"] > 25 and statuses["completed"] > 0


def test_the_demo_records_the_population_of_some_damaged_facilities(
    built: dict[str, int],
) -> None:
    assert PopulationServed.objects.exists()
