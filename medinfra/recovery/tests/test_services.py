"""Writes to the recovery plan: dated stages, funding, the rate table, weights, population."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from medinfra.core.errors import Conflict, InvalidInput
from medinfra.core.models import AuditEvent
from medinfra.core.queries import history_of
from medinfra.core.services import retract_record
from medinfra.recovery.models import (
    CurrencyRate,
    Funding,
    PopulationServed,
    PriorityWeights,
    RecoveryProject,
    StageChange,
)
from medinfra.recovery.services import (
    change_stage,
    record_funding,
    record_population_served,
    record_rate,
    register_project,
    set_priority_weights,
    update_project,
)

pytestmark = pytest.mark.django_db
D = dt.date


def _errors(error: InvalidInput) -> dict[str, list[str]]:
    return error.message_dict


# -- stages ---------------------------------------------------------------------------------


def test_new_project_starts_with_a_dated_first_stage_change(make_project: Callable) -> None:
    project = make_project(stage_since=D(2023, 2, 1))

    [first] = StageChange.objects.filter(project=project)
    assert (first.from_stage, first.to_stage, first.on) == ("", "idea", D(2023, 2, 1))
    assert (project.stage, project.stage_since) == ("idea", D(2023, 2, 1))


def test_new_idea_without_a_date_is_dated_today(make_project: Callable) -> None:
    project = make_project(stage_since=None)

    assert project.stage_since == timezone.localdate()


def test_new_project_entered_as_completed_needs_the_date_of_completion(ua: Any, actor: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        register_project(actor=actor, title_en="X", block=2, region="UA-63", stage="completed")

    assert "date of completion" in " ".join(_errors(caught.value)["stage_since"])
    assert not RecoveryProject.all_objects.exists()


def test_new_project_at_a_later_stage_without_its_day_is_at_it_from_today(
    ua: Any, actor: Any
) -> None:
    project = register_project(actor=actor, title_en="X", block=2, region="UA-63", stage="designed")

    assert (project.stage, project.stage_since) == ("designed", timezone.localdate())
    assert project.stage_changes.get().to_stage == "designed"


@pytest.mark.parametrize("stage", ["cancelled", "finished"])
def test_new_project_cannot_start_cancelled_or_at_an_unknown_stage(
    ua: Any, actor: Any, stage: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        register_project(
            actor=actor,
            title_en="X",
            block=2,
            region="UA-63",
            stage=stage,
            stage_since=D(2023, 1, 1),
        )

    assert "stage" in _errors(caught.value)
    assert not RecoveryProject.all_objects.exists()


def test_project_walks_every_stage_in_order_each_dated_and_audited(
    make_project: Callable, move: Callable
) -> None:
    project = make_project(stage_since=D(2023, 1, 1))
    steps = [
        ("assessed", D(2023, 2, 1)),
        ("designed", D(2023, 3, 1)),
        ("funded", D(2023, 3, 1)),  # the same day as the step before is allowed
        ("in_progress", D(2023, 6, 1)),
        ("completed", D(2024, 1, 15)),
    ]

    move(project, *steps)

    project.refresh_from_db()
    assert (project.stage, project.stage_since) == ("completed", D(2024, 1, 15))
    history = list(StageChange.objects.filter(project=project).order_by("on", "id"))
    assert [(c.from_stage, c.to_stage, c.on) for c in history[1:]] == [
        ("idea", "assessed", D(2023, 2, 1)),
        ("assessed", "designed", D(2023, 3, 1)),
        ("designed", "funded", D(2023, 3, 1)),
        ("funded", "in_progress", D(2023, 6, 1)),
        ("in_progress", "completed", D(2024, 1, 15)),
    ]
    updates = [e for e in history_of(project) if e.action == "update"]
    assert len(updates) == 5
    assert updates[-1].changes["after"] == {"stage": "completed", "stage_since": "2024-01-15"}
    assert "in_progress -> completed on 2024-01-15" in updates[-1].reason
    assert AuditEvent.objects.filter(model="recovery.stagechange", action="create").count() == 6


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ((), "designed"),  # skipping a stage
        ((), "completed"),
        (("assessed",), "idea"),  # going back
        (("assessed", "designed", "funded"), "completed"),
    ],
)
def test_a_stage_cannot_be_skipped_or_gone_back_to(
    make_project: Callable, move: Callable, actor: Any, path: tuple[str, ...], target: str
) -> None:
    project = make_project(stage_since=D(2023, 1, 1))
    move(project, *[(stage, D(2023, 2, 1)) for stage in path])
    events = AuditEvent.objects.count()

    with pytest.raises(InvalidInput) as caught:
        change_stage(project, actor=actor, stage=target, on=D(2023, 5, 1))

    assert "stage" in _errors(caught.value)
    assert AuditEvent.objects.count() == events
    project.refresh_from_db()
    assert project.stage == (path[-1] if path else "idea")


@pytest.mark.parametrize("path", [(), ("assessed",), ("assessed", "designed", "funded")])
def test_a_project_can_be_cancelled_from_any_open_stage(
    make_project: Callable, move: Callable, path: tuple[str, ...]
) -> None:
    project = make_project(stage_since=D(2023, 1, 1))
    move(project, *[(stage, D(2023, 2, 1)) for stage in path], ("cancelled", D(2023, 4, 1)))

    project.refresh_from_db()
    assert (project.stage, project.stage_since) == ("cancelled", D(2023, 4, 1))


@pytest.mark.parametrize("final", ["completed", "cancelled"])
def test_a_completed_or_cancelled_project_changes_stage_no_more(
    make_project: Callable, move: Callable, actor: Any, final: str
) -> None:
    project = make_project(stage_since=D(2023, 1, 1))
    if final == "completed":
        steps = ["assessed", "designed", "funded", "in_progress", "completed"]
        move(project, *[(s, D(2023, 2, 1)) for s in steps])
    else:
        move(project, ("cancelled", D(2023, 2, 1)))

    with pytest.raises(InvalidInput) as caught:
        change_stage(project, actor=actor, stage="cancelled", on=D(2023, 3, 1))

    assert "cannot change stage any more" in " ".join(_errors(caught.value)["stage"])


def test_completion_needs_a_date(make_project: Callable, move: Callable, actor: Any) -> None:
    project = make_project(stage_since=D(2023, 1, 1))
    move(project, *[(s, D(2023, 2, 1)) for s in ("assessed", "designed", "funded", "in_progress")])

    with pytest.raises(InvalidInput) as caught:
        change_stage(project, actor=actor, stage="completed", on=None)

    assert "date of completion" in " ".join(_errors(caught.value)["on"])
    project.refresh_from_db()
    assert project.stage == "in_progress"


@pytest.mark.parametrize("on", [None, "", "2023-13-01", "next week"])
def test_every_stage_change_needs_a_real_date(make_project: Callable, actor: Any, on: Any) -> None:
    project = make_project(stage_since=D(2023, 1, 1))

    with pytest.raises(InvalidInput) as caught:
        change_stage(project, actor=actor, stage="assessed", on=on)

    assert "on" in _errors(caught.value)
    assert StageChange.objects.filter(project=project).count() == 1


def test_a_stage_change_cannot_be_in_the_future(make_project: Callable, actor: Any) -> None:
    project = make_project(stage_since=D(2023, 1, 1))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    with pytest.raises(InvalidInput) as caught:
        change_stage(project, actor=actor, stage="assessed", on=tomorrow)

    assert "future" in " ".join(_errors(caught.value)["on"])


def test_a_stage_change_cannot_be_dated_before_the_previous_one(
    make_project: Callable, move: Callable, actor: Any
) -> None:
    project = make_project(stage_since=D(2023, 1, 1))
    move(project, ("assessed", D(2023, 5, 1)))

    with pytest.raises(InvalidInput) as caught:
        change_stage(project, actor=actor, stage="designed", on=D(2023, 4, 30))

    assert "2023-05-01" in " ".join(_errors(caught.value)["on"])
    project.refresh_from_db()
    assert project.stage == "assessed"


def test_stage_change_refuses_a_stale_version(make_project: Callable, actor: Any) -> None:
    project = make_project(stage_since=D(2023, 1, 1))
    version = project.version
    update_project(project, actor=actor, changes={"priority": 1})

    with pytest.raises(Conflict):
        change_stage(
            project, actor=actor, stage="assessed", on=D(2023, 2, 1), expected_version=version
        )


def test_stage_change_of_a_retracted_project_is_a_conflict(
    make_project: Callable, actor: Any
) -> None:
    project = make_project(stage_since=D(2023, 1, 1))
    retract_record(project, actor=actor, reason="duplicate")

    with pytest.raises(Conflict):
        change_stage(project, actor=actor, stage="assessed", on=D(2023, 2, 1))


def test_editing_a_project_cannot_change_its_stage(make_project: Callable, actor: Any) -> None:
    project = make_project(stage_since=D(2023, 1, 1))

    with pytest.raises(InvalidInput) as caught:
        update_project(project, actor=actor, changes={"stage": "completed", "title_en": "Y"})

    assert set(_errors(caught.value)) == {"stage"}
    project.refresh_from_db()
    assert (project.stage, project.title_en) == ("idea", project.title_en)


# -- the project's own fields -----------------------------------------------------------------


def test_a_cost_estimate_needs_its_currency(ua: Any, actor: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        register_project(
            actor=actor, title_en="X", block=2, region="UA-63", cost_estimate=Decimal("100")
        )

    assert set(_errors(caught.value)) == {"currency"}
    assert not RecoveryProject.all_objects.exists()


def test_a_cost_estimate_without_its_day_is_dated_the_day_it_is_entered(
    ua: Any, actor: Any
) -> None:
    project = register_project(
        actor=actor,
        title_en="X",
        block=2,
        region="UA-63",
        cost_estimate=Decimal("100"),
        currency="EUR",
    )

    assert project.estimated_on == timezone.localdate()


def test_a_cost_estimate_cannot_be_dated_in_the_future(ua: Any, actor: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        register_project(
            actor=actor,
            title_en="X",
            block=2,
            region="UA-63",
            cost_estimate=Decimal("100"),
            currency="EUR",
            estimated_on=timezone.localdate() + dt.timedelta(days=1),
        )

    assert "estimated_on" in _errors(caught.value)


def test_project_scope_must_be_one_of_the_scopes(ua: Any, actor: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        register_project(actor=actor, title_en="X", block=2, region="UA-63", scope="painting")

    assert "scope" in _errors(caught.value)


def test_project_block_must_be_one_two_or_three(ua: Any, actor: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        register_project(actor=actor, title_en="X", block=4, region="UA-63")

    assert "block" in _errors(caught.value)


# -- funding --------------------------------------------------------------------------------


def test_a_cancelled_project_takes_no_funding_dated_after_its_cancellation(
    make_project: Callable, make_partner: Callable, move: Callable, actor: Any
) -> None:
    project = move(make_project(), ("cancelled", D(2023, 3, 1)))
    values = {"partner": make_partner(), "kind": "commitment", "amount": Decimal("10")}

    with pytest.raises(InvalidInput) as caught:
        record_funding(project, actor=actor, currency="USD", on=D(2023, 3, 1), **values)
    earlier = record_funding(project, actor=actor, currency="USD", on=D(2023, 2, 1), **values)

    assert "2023-03-01" in " ".join(_errors(caught.value)["project"])
    assert list(Funding.objects.all()) == [earlier]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", Decimal("0")),
        ("amount", Decimal("-5")),
        ("currency", "dollars"),
        ("kind", "gift"),
    ],
)
def test_funding_with_bad_values_names_the_field(
    make_project: Callable, make_partner: Callable, actor: Any, field: str, value: Any
) -> None:
    values: dict[str, Any] = {
        "kind": "commitment",
        "amount": Decimal("10"),
        "currency": "USD",
        "on": D(2023, 4, 1),
        field: value,
    }

    with pytest.raises(InvalidInput) as caught:
        record_funding(make_project(), actor=actor, partner=make_partner(), **values)

    assert field in _errors(caught.value)
    assert not Funding.all_objects.exists()


def test_funding_by_a_retracted_partner_is_refused(
    make_project: Callable, make_partner: Callable, actor: Any
) -> None:
    partner = retract_record(make_partner(), actor=actor, reason="duplicate")

    with pytest.raises(InvalidInput) as caught:
        record_funding(
            make_project(),
            actor=actor,
            partner=partner,
            kind="commitment",
            amount=Decimal("10"),
            currency="USD",
            on=D(2023, 4, 1),
        )

    assert "partner" in _errors(caught.value)


# -- the rate table -------------------------------------------------------------------------


def test_rates_are_recorded_and_audited(make_rate: Callable) -> None:
    rate = make_rate("eur", D(2023, 1, 1), "0.93")

    assert (rate.currency, rate.per_usd) == ("EUR", Decimal("0.93"))
    assert history_of(rate).get().action == "create"


@pytest.mark.parametrize(
    ("currency", "per_usd", "field"),
    [
        ("USD", "1", "currency"),
        ("EURO", "0.9", "currency"),
        ("EUR", "0", "per_usd"),
        ("EUR", "-1", "per_usd"),
    ],
)
def test_bad_rates_are_refused_naming_the_field(
    actor: Any, currency: str, per_usd: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        record_rate(
            actor=actor, currency=currency, valid_from=D(2023, 1, 1), per_usd=Decimal(per_usd)
        )

    assert field in _errors(caught.value)
    assert not CurrencyRate.all_objects.exists()


def test_one_rate_per_currency_and_day(make_rate: Callable) -> None:
    make_rate("EUR", D(2023, 1, 1), "0.93")

    with pytest.raises(InvalidInput) as caught:
        make_rate("EUR", D(2023, 1, 1), "0.94")

    assert "already has a rate" in str(_errors(caught.value))


def test_a_retracted_rate_frees_its_day_for_the_corrected_one(
    make_rate: Callable, actor: Any
) -> None:
    wrong = make_rate("EUR", D(2023, 1, 1), "9.3")
    retract_record(wrong, actor=actor, reason="typing error")

    right = make_rate("EUR", D(2023, 1, 1), "0.93")

    assert CurrencyRate.objects.get() == right


def test_a_rate_cannot_start_in_the_future(actor: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        record_rate(
            actor=actor,
            currency="EUR",
            valid_from=timezone.localdate() + dt.timedelta(days=1),
            per_usd=Decimal("0.9"),
        )

    assert "valid_from" in _errors(caught.value)


# -- priority weights -----------------------------------------------------------------------


def test_priority_weights_start_at_the_documented_defaults(db: None) -> None:
    assert PriorityWeights.current().as_dict() == {
        "damage": 30,
        "services": 25,
        "population": 20,
        "operation": 15,
        "access": 10,
    }


def test_changing_the_weights_is_audited_with_before_and_after(actor: Any) -> None:
    weights = set_priority_weights(actor=actor, damage=50, access=0, reason="working group")

    assert weights.as_dict()["damage"] == 50 and weights.version == 2
    event = history_of(weights).filter(action="update").get()
    assert event.changes == {
        "before": {"damage": 30, "access": 10},
        "after": {"damage": 50, "access": 0},
    }
    assert event.reason == "working group"
    assert event.actor_label == actor.username


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"damage": -1}, "damage"),
        ({"services": 101}, "services"),
        ({"population": "many"}, "population"),
        ({"damage": 0, "services": 0, "population": 0, "operation": 0, "access": 0}, "damage"),
    ],
)
def test_bad_weights_are_refused_and_nothing_changes(
    actor: Any, values: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        set_priority_weights(actor=actor, **values)

    assert field in _errors(caught.value)
    assert PriorityWeights.current().as_dict()["damage"] == 30
    assert not AuditEvent.objects.filter(model="recovery.priorityweights", action="update").exists()


def test_weights_refuse_a_stale_version(actor: Any) -> None:
    set_priority_weights(actor=actor, damage=40)

    with pytest.raises(Conflict):
        set_priority_weights(actor=actor, damage=45, expected_version=1)


# -- population served ----------------------------------------------------------------------


def test_population_served_is_recorded_then_replaced_with_an_audited_update(
    make_facility: Callable, actor: Any
) -> None:
    facility = make_facility()
    record_population_served(facility, actor=actor, population=12000, as_of=D(2023, 1, 1))

    record_population_served(facility, actor=actor, population=15000, as_of=D(2024, 1, 1))

    current = PopulationServed.objects.get(facility=facility)
    assert (current.population, current.as_of) == (15000, D(2024, 1, 1))
    assert [e.action for e in history_of(current)] == ["create", "update"]


@pytest.mark.parametrize("population", [0, -3, "lots"])
def test_bad_population_is_refused(make_facility: Callable, actor: Any, population: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        record_population_served(
            make_facility(), actor=actor, population=population, as_of=D(2023, 1, 1)
        )

    assert "population" in _errors(caught.value)
    assert not PopulationServed.all_objects.exists()
