"""Writes to recovery projects, their stages, partners, funding, exchange rates and priorities."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medinfra.core.errors import Conflict, InvalidInput
from medinfra.core.models import AuditEvent
from medinfra.core.services import (
    Actor,
    create_record,
    record_audit_event,
    snapshot,
    update_record,
    validate,
)
from medinfra.facilities.models import Facility
from medinfra.geography.models import Region
from medinfra.geography.queries import region_by_code
from medinfra.recovery.models import (
    NEXT_STAGES,
    CurrencyRate,
    Funding,
    Partner,
    PopulationServed,
    PriorityWeights,
    RecoveryProject,
    Stage,
    StageChange,
)
from medinfra.sources.models import Source

# Fields of a project that change only with a dated stage change, never by editing.
STAGE_FIELDS = ("stage", "stage_since")


def _as_date(value: Any, *, field: str) -> dt.date | None:
    """A date from a date or a YYYY-MM-DD string; InvalidInput naming the field otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput(
            {field: _("%(value)r is not a date: use YYYY-MM-DD.") % {"value": value}}
        ) from None


def register_partner(
    *,
    actor: Actor,
    name_en: str,
    kind: str,
    name_uk: str = "",
    country: str = "",
    is_synthetic: bool = False,
) -> Partner:
    """Add a partner organisation."""
    return create_record(
        Partner(
            name_en=(name_en or "").strip(),
            name_uk=(name_uk or "").strip(),
            kind=kind,
            country=(country or "").strip().upper(),
            is_synthetic=is_synthetic,
        ),
        actor=actor,
    )


def register_project(
    *,
    actor: Actor,
    title_en: str,
    block: int,
    region: Region | str | None = None,
    facility: Facility | None = None,
    title_uk: str = "",
    scope: str = "",
    stage: str = Stage.IDEA,
    stage_since: dt.date | str | None = None,
    cost_estimate: Decimal | None = None,
    currency: str = "",
    estimated_on: dt.date | str | None = None,
    priority: int = 3,
    is_synthetic: bool = False,
) -> RecoveryProject:
    """Add a recovery project at its first stage, dated; the stage is its first stage change.

    Its stage and its estimate are dated today unless days are given; a project entered as
    completed needs the day of its completion.
    """
    if isinstance(region, str):
        region = region_by_code(region)
    if region is None:
        if facility is None:
            raise InvalidInput(
                {"region": _("Give the region, or the facility the project is for.")}
            )
        region = facility.region
    stage = stage or Stage.IDEA
    if stage not in Stage.values:
        raise InvalidInput(
            {
                "stage": _("Unknown stage %(stage)r: use one of %(stages)s.")
                % {"stage": stage, "stages": ", ".join(Stage.values)}
            }
        )
    since = _as_date(stage_since, field="stage_since")
    if stage == Stage.CANCELLED:
        raise InvalidInput({"stage": _("A new project cannot start cancelled.")})
    if since is None:
        if stage == Stage.COMPLETED:
            raise InvalidInput(
                {"stage_since": _("A project is completed on a day: give the date of completion.")}
            )
        # A project entered without its day is at its stage from the day it is entered.
        since = timezone.localdate()
    estimated = _as_date(estimated_on, field="estimated_on")
    if cost_estimate is not None and estimated is None:
        # An estimate entered without its day is valued at the rates of the day it is entered.
        estimated = timezone.localdate()
    project = RecoveryProject(
        title_en=(title_en or "").strip(),
        title_uk=(title_uk or "").strip(),
        facility=facility,
        region=region,
        block=block,
        scope=scope or "",
        stage=stage,
        stage_since=since,
        cost_estimate=cost_estimate,
        currency=(currency or "").strip().upper(),
        estimated_on=estimated,
        priority=priority,
        is_synthetic=is_synthetic,
    )
    with transaction.atomic():
        create_record(project, actor=actor)
        create_record(
            StageChange(project=project, from_stage="", to_stage=project.stage, on=since),
            actor=actor,
        )
    return project


def update_project(
    project: RecoveryProject,
    *,
    actor: Actor,
    changes: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "",
) -> RecoveryProject:
    """Change a project's description; its stage changes only through change_stage()."""
    named = [name for name in STAGE_FIELDS if name in changes]
    if named:
        raise InvalidInput(
            dict.fromkeys(
                named,
                _("Change the stage as a dated stage change, not by editing the project."),
            )
        )
    return update_record(
        project, actor=actor, changes=changes, expected_version=expected_version, reason=reason
    )


def change_stage(
    project: RecoveryProject,
    *,
    actor: Actor,
    stage: str,
    on: dt.date | str | None,
    note: str = "",
    expected_version: int | None = None,
) -> StageChange:
    """Move a project to its next stage (or cancel it) on a date, recording both writes."""
    errors: dict[str, str | list[str]] = {}
    if stage not in Stage.values:
        errors["stage"] = _("Unknown stage %(stage)r: use one of %(stages)s.") % {
            "stage": stage,
            "stages": ", ".join(Stage.values),
        }
    try:
        day = _as_date(on, field="on")
    except InvalidInput as error:
        errors.update(error.message_dict)
        day = None
    else:
        if day is None:
            errors["on"] = (
                _("A project is completed on a day: give the date of completion.")
                if stage == Stage.COMPLETED
                else _("Give the date of the stage change.")
            )
        elif day > timezone.localdate():
            errors["on"] = _("The date %(date)s is in the future.") % {"date": day.isoformat()}
    if errors:
        raise InvalidInput(errors)
    assert day is not None
    with transaction.atomic():
        stored = RecoveryProject.all_objects.select_for_update().get(pk=project.pk)
        if stored.is_retracted:
            raise Conflict(
                _("Project %(id)s is retracted and cannot change stage.") % {"id": stored.pk}
            )
        if expected_version is not None and stored.version != expected_version:
            raise Conflict(
                _(
                    "Project %(id)s was changed by someone else (version %(stored)s, you "
                    "edited version %(expected)s); reload it and apply your change again."
                )
                % {"id": stored.pk, "stored": stored.version, "expected": expected_version}
            )
        allowed = NEXT_STAGES.get(stored.stage, ())
        if stage not in allowed:
            if not allowed:
                message = _("The project is %(stage)s: it cannot change stage any more.") % {
                    "stage": Stage(stored.stage).label
                }
            else:
                message = _(
                    "A project at stage %(current)s can move only to %(allowed)s, not to %(stage)s."
                ) % {
                    "current": Stage(stored.stage).label,
                    "allowed": _(" or ").join(str(Stage(s).label) for s in allowed),
                    "stage": Stage(stage).label,
                }
            raise InvalidInput({"stage": message})
        previous = _last_stage_day(stored)
        if previous is not None and day < previous:
            raise InvalidInput(
                {
                    "on": _(
                        "The project reached its current stage on %(previous)s: a later "
                        "stage cannot be dated %(date)s, before that."
                    )
                    % {"previous": previous.isoformat(), "date": day.isoformat()}
                }
            )
        change = create_record(
            StageChange(
                project=stored, from_stage=stored.stage, to_stage=stage, on=day, note=note.strip()
            ),
            actor=actor,
        )
        update_record(
            stored,
            actor=actor,
            changes={"stage": stage, "stage_since": day},
            reason=f"stage {stored.stage} -> {stage} on {day.isoformat()}",
        )
    project.stage, project.stage_since, project.version = stage, day, stored.version
    return change


def _last_stage_day(project: RecoveryProject) -> dt.date | None:
    """The day of the project's latest stage change (its stage_since, or its history's last)."""
    latest = (
        StageChange.objects.filter(project=project)
        .order_by("-on", "-id")
        .values_list("on", flat=True)
        .first()
    )
    days = [d for d in (project.stage_since, latest) if d is not None]
    return max(days) if days else None


def record_funding(
    project: RecoveryProject,
    *,
    actor: Actor,
    partner: Partner,
    kind: str,
    amount: Decimal,
    currency: str,
    on: dt.date,
) -> Funding:
    """Record a partner's commitment or disbursement to a project."""
    errors: dict[str, str | list[str]] = {}
    if project.is_retracted:
        errors["project"] = _("This project is retracted: it takes no funding.")
    elif (
        project.stage == Stage.CANCELLED
        and isinstance(on, dt.date)
        and (project.stage_since is None or on >= project.stage_since)
    ):
        # Money promised before the cancellation may still be recorded; none after it.
        errors["project"] = _(
            "This project was cancelled on %(date)s: it takes no funding dated on or after that."
        ) % {"date": project.stage_since.isoformat() if project.stage_since else "?"}
    if partner is not None and partner.is_retracted:
        errors["partner"] = _("This partner is retracted.")
    if errors:
        raise InvalidInput(errors)
    return create_record(
        Funding(
            project=project,
            partner=partner,
            kind=kind,
            amount=amount,
            currency=(currency or "").strip().upper(),
            on=on,
        ),
        actor=actor,
    )


def record_rate(
    *,
    actor: Actor,
    currency: str,
    valid_from: dt.date,
    per_usd: Decimal,
    source: Source | None = None,
    is_synthetic: bool = False,
) -> CurrencyRate:
    """Add to the rate table how many units of a currency one US dollar bought from a day on."""
    return create_record(
        CurrencyRate(
            currency=(currency or "").strip().upper(),
            valid_from=valid_from,
            per_usd=per_usd,
            source=source,
            is_synthetic=is_synthetic,
        ),
        actor=actor,
    )


def set_priority_weights(
    *,
    actor: Actor,
    damage: int | None = None,
    services: int | None = None,
    population: int | None = None,
    operation: int | None = None,
    access: int | None = None,
    expected_version: int | None = None,
    reason: str = "",
) -> PriorityWeights:
    """Change the weights of the priority score; the ranking follows at once."""
    given = {
        "damage": damage,
        "services": services,
        "population": population,
        "operation": operation,
        "access": access,
    }
    with transaction.atomic():
        stored, created = PriorityWeights.objects.select_for_update().get_or_create(pk=1)
        if created:
            record_audit_event(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=stored,
                changes={"after": snapshot(stored)},
            )
        if expected_version is not None and stored.version != expected_version:
            raise Conflict(
                _(
                    "The weights were changed by someone else (version %(stored)s, you edited "
                    "version %(expected)s); reload the page and apply your change again."
                )
                % {"stored": stored.version, "expected": expected_version}
            )
        before = snapshot(stored)
        for name, value in given.items():
            if value is not None:
                setattr(stored, name, value)
        validate(stored)
        after = snapshot(stored)
        diff_before = {k: v for k, v in before.items() if after.get(k) != v}
        if diff_before:
            stored.version += 1
            stored.save()
            record_audit_event(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                obj=stored,
                changes={"before": diff_before, "after": {k: after[k] for k in diff_before}},
                reason=reason,
            )
    return stored


def record_population_served(
    facility: Facility,
    *,
    actor: Actor,
    population: int,
    as_of: dt.date,
    source: Source | None = None,
) -> PopulationServed:
    """Say how many people a facility serves; a newer figure replaces the old, audited."""
    current = PopulationServed.objects.filter(facility=facility).first()
    if current is not None:
        return update_record(
            current,
            actor=actor,
            changes={"population": population, "as_of": as_of, "source": source},
        )
    return create_record(
        PopulationServed(facility=facility, population=population, as_of=as_of, source=source),
        actor=actor,
    )
