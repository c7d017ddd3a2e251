"""Reads of the recovery plan: funding, gaps, needs, partners, priorities, bulletin figures.

The parts: money.py (the rate table and conversions), funding.py (needs, commitments, gaps, who
does what where), priorities.py (the priority score). This module adds the pages' compositions.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldError
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from medinfra.geography.models import Region
from medinfra.recovery.models import (
    Partner,
    RecoveryProject,
    Stage,
    StageChange,
)
from medinfra.recovery.queries.funding import (
    FundingLine,
    FundingOverview,
    FundingTotals,
    MatrixCell,
    MatrixRow,
    ProjectFunding,
    RegionFunding,
    WhoDoesWhatWhere,
    funding_overview,
    project_funding,
    projects_as_of,
    stage_of,
    totals_of,
    who_does_what_where,
)
from medinfra.recovery.queries.money import (
    NOTHING,
    USD,
    MissingRate,
    Money,
    RateGap,
    RateTable,
    convert,
    currencies_in_table,
    local_currency,
    rate_history,
    rate_on,
    to_cents,
    to_reporting,
)
from medinfra.recovery.queries.priorities import (
    ACCESS_PART,
    DAMAGE_PART,
    OPERATION_PART,
    SERVICES_PART,
    FacilityScore,
    ScorePart,
    facility_score,
    population_part,
    priority_ranking,
)

__all__ = [
    "ACCESS_PART",
    "DAMAGE_PART",
    "NOTHING",
    "OPERATION_PART",
    "SERVICES_PART",
    "USD",
    "FacilityScore",
    "FundingLine",
    "FundingOverview",
    "FundingTotals",
    "MatrixCell",
    "MatrixRow",
    "MissingRate",
    "Money",
    "PartnerProfile",
    "PartnerSummary",
    "ProjectDetail",
    "PublishedFigure",
    "RateGap",
    "RateTable",
    "RecoveryFigures",
    "RegionFunding",
    "ScorePart",
    "WhoDoesWhatWhere",
    "convert",
    "currencies_in_table",
    "facility_score",
    "funding_overview",
    "local_currency",
    "partner_profile",
    "partner_summaries",
    "population_part",
    "priority_ranking",
    "project_detail",
    "project_funding",
    "projects_as_of",
    "published_needs",
    "rate_history",
    "rate_on",
    "recovery_figures",
    "stage_of",
    "to_cents",
    "to_reporting",
    "totals_of",
    "who_does_what_where",
]

logger = logging.getLogger(__name__)


def _whole(amount: Decimal) -> str:
    """An amount in whole units with the language's grouping, for sentences."""
    return formats.number_format(amount.quantize(Decimal(1)), decimal_pos=0, force_grouping=True)


# -- the bulletin ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RecoveryFigures:
    """The recovery plan's figures for the bulletin: projects by stage, funding and the gap."""

    as_of: dt.date
    region: Region | None
    projects_by_stage: dict[str, int]
    totals: FundingTotals
    local_currency: str

    @property
    def projects(self) -> int:
        return sum(self.projects_by_stage.values())

    def sentences(self) -> list[str]:
        """The figures in words, in the active language (one sentence a line)."""
        if not self.projects:
            return [_("No recovery projects are recorded.")]
        stages = ", ".join(
            f"{Stage(stage).label} {formats.number_format(count, force_grouping=True)}"
            for stage, count in self.projects_by_stage.items()
            if count
        )
        total = self.totals
        lines = [
            ngettext(
                "The recovery plan has %(count)s project (%(stages)s).",
                "The recovery plan has %(count)s projects (%(stages)s).",
                self.projects,
            )
            % {
                "count": formats.number_format(self.projects, force_grouping=True),
                "stages": stages,
            },
            _(
                "Partners have committed USD %(committed)s and disbursed USD %(disbursed)s; "
                "the funding gap is USD %(gap)s of USD %(needs)s in estimated costs."
            )
            % {
                "committed": _whole(total.committed.usd),
                "disbursed": _whole(total.disbursed.usd),
                "gap": _whole(total.gap.usd),
                "needs": _whole(total.needs.usd),
            },
        ]
        if total.without_estimate:
            lines.append(
                ngettext(
                    "%(count)s project has no cost estimate yet and is not in the gap.",
                    "%(count)s projects have no cost estimate yet and are not in the gap.",
                    total.without_estimate,
                )
                % {"count": total.without_estimate}
            )
        if total.missing_rates:
            lines.append(
                _("Some amounts are left out because the rate table lacks a rate: %(gaps)s.")
                % {"gaps": "; ".join(gap.message for gap in total.missing_rates)}
            )
        return lines


def recovery_figures(
    *, as_of: dt.date | None = None, country: str | None = None, region: Region | None = None
) -> RecoveryFigures:
    """Projects by stage, committed and disbursed funding and the gap, as of a day."""
    overview = funding_overview(as_of=as_of, country=country, region=region)
    return RecoveryFigures(
        as_of=overview.as_of,
        region=region,
        projects_by_stage=overview.projects_by_stage,
        totals=overview.overall,
        local_currency=overview.local_currency,
    )


# -- published needs ------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedFigure:
    """A need a source published (e.g. USD 6.4 billion), to show beside the registry's sum."""

    metric: str
    label: str
    value: Decimal
    qualifier: str
    as_of: dt.date
    publisher: str
    title: str
    url: str
    span: str


def published_needs(*, country: str, as_of: dt.date | None = None) -> list[PublishedFigure]:
    """Reported figures of recovery needs for the whole country, oldest first.

    Read through the app registry: the figures ledger is another app's, and its metric names
    may grow (every metric that starts with 'recovery_needs' is a need).
    """
    try:
        model: Any = apps.get_model("figures", "ReportedFigure")
    except LookupError:
        return []
    try:
        rows = model.objects.filter(
            metric__startswith="recovery_needs", country=country, region__isnull=True
        )
        if as_of is not None:
            rows = rows.filter(as_of__lte=as_of)
        found = list(rows.select_related("source").order_by("as_of", "id"))
    except FieldError:
        logger.warning("the figures ledger changed shape: published needs are not shown")
        return []
    return [
        PublishedFigure(
            metric=row.metric,
            label=str(row.get_metric_display()),
            value=row.value,
            qualifier=str(row.get_qualifier_display()),
            as_of=row.as_of,
            publisher=row.source.publisher,
            title=row.source.title,
            url=row.source.url,
            span=row.span,
        )
        for row in found
    ]


# -- projects -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectDetail:
    """A project's page: its funding line by line, its dated stages and its facility's score."""

    funding: ProjectFunding
    stages: list[StageChange]
    score: FacilityScore | None


def project_detail(project: RecoveryProject, *, as_of: dt.date | None = None) -> ProjectDetail:
    """What a project's page shows."""
    day = as_of or timezone.localdate()
    [funding] = project_funding([project], as_of=day)
    stages = list(StageChange.objects.filter(project=project).order_by("on", "id"))
    score = facility_score(project.facility, as_of=day) if project.facility else None
    return ProjectDetail(funding=funding, stages=stages, score=score)


# -- partners -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerSummary:
    """A partner's line on the partners page."""

    partner: Partner
    projects: int
    committed: Money
    disbursed: Money
    agreements: int


def partner_summaries(
    *, as_of: dt.date | None = None, country: str | None = None
) -> tuple[list[PartnerSummary], tuple[RateGap, ...]]:
    """Every current partner with the projects it funds (not cancelled) and its agreements."""
    day = as_of or timezone.localdate()
    projects = [
        p for p in projects_as_of(as_of=day, country=country) if stage_of(p) != Stage.CANCELLED
    ]
    lines: dict[int, list[FundingLine]] = defaultdict(list)
    rates = RateTable.load()
    for row in project_funding(projects, as_of=day, rates=rates):
        for line in row.lines:
            lines[line.funding.partner_id].append(line)
    missing: set[RateGap] = set()
    for row_lines in lines.values():
        for line in row_lines:
            if line.value is None:
                missing.add(RateGap(line.funding.currency, line.funding.on))
    partners = Partner.objects.annotate(
        agreement_count=Count(
            "partnership_agreements",
            filter=Q(partnership_agreements__retracted_at__isnull=True),
        )
    ).order_by("name_en", "id")
    summaries = []
    for partner in partners:
        mine = lines.get(partner.pk, [])
        project_ids = {line.funding.project_id for line in mine}
        committed, disbursed = _partner_money(mine)
        summaries.append(
            PartnerSummary(
                partner=partner,
                projects=len(project_ids),
                committed=committed,
                disbursed=disbursed,
                agreements=partner.agreement_count,
            )
        )
    summaries.sort(key=lambda s: (-s.committed.usd, -s.agreements, s.partner.name_en))
    return summaries, tuple(sorted(missing))


def _partner_money(lines: list[FundingLine]) -> tuple[Money, Money]:
    """One partner's committed and disbursed money, project by project (the larger side counts)."""
    by_project: dict[int, list[FundingLine]] = defaultdict(list)
    for line in lines:
        by_project[line.funding.project_id].append(line)
    committed = disbursed = NOTHING
    for project_lines in by_project.values():
        promised = sum(
            (line.value for line in project_lines if line.is_commitment and line.value),
            NOTHING,
        )
        paid = sum(
            (line.value for line in project_lines if not line.is_commitment and line.value),
            NOTHING,
        )
        disbursed += paid
        committed += promised if promised.usd >= paid.usd else paid
    return committed, disbursed


@dataclass(frozen=True)
class PartnerProfile:
    """A partner's page: what it funds, where, in which blocks, and its agreements."""

    partner: Partner
    as_of: dt.date
    projects: list[ProjectFunding]
    committed: Money
    disbursed: Money
    regions: list[tuple[Region, int]]
    blocks: list[tuple[int, int]]
    agreements: list[Any]
    missing_rates: tuple[RateGap, ...]


def partner_profile(partner: Partner, *, as_of: dt.date | None = None) -> PartnerProfile:
    """A partner's funding, project by project, and its partnership agreements."""
    day = as_of or timezone.localdate()
    projects = list(projects_as_of(as_of=day, partner=partner))
    rows = project_funding(projects, as_of=day, partner=partner)
    counting = [row for row in rows if row.counts]
    committed = sum((row.committed for row in counting), NOTHING)
    disbursed = sum((row.disbursed for row in counting), NOTHING)
    regions: dict[int, tuple[Region, int]] = {}
    blocks: dict[int, int] = defaultdict(int)
    for row in counting:
        region = row.project.region
        regions[region.pk] = (region, regions.get(region.pk, (region, 0))[1] + 1)
        blocks[row.project.block] += 1
    missing: set[RateGap] = set()
    for row in rows:
        missing.update(row.missing_rates)
    agreements = list(
        partner.partnership_agreements.select_related("facility__region").order_by(
            "-signed_on", "id"
        )
    )
    return PartnerProfile(
        partner=partner,
        as_of=day,
        projects=rows,
        committed=committed,
        disbursed=disbursed,
        regions=sorted(regions.values(), key=lambda pair: (-pair[1], pair[0].code)),
        blocks=sorted(blocks.items()),
        agreements=agreements,
        missing_rates=tuple(sorted(missing)),
    )
