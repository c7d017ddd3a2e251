"""Needs, commitments, disbursements and funding gaps: by project, region, block and overall.

Every amount is converted with the rate valid on its own day (see money.py). A project's gap is
worked out in the project's own currency, so that a project funded in full in its currency has no
gap whatever the exchange rates did, and is then valued at the rate of the estimate's day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from medinfra.geography.models import Region
from medinfra.recovery.models import (
    STAGE_ORDER,
    Block,
    Funding,
    FundingKind,
    Partner,
    RecoveryProject,
    Stage,
    StageChange,
)
from medinfra.recovery.queries.money import (
    NOTHING,
    ZERO,
    MissingRate,
    Money,
    RateGap,
    RateTable,
    local_currency,
)


@dataclass(frozen=True)
class FundingLine:
    """One commitment or disbursement, with its value in US dollars and the local currency."""

    funding: Funding
    value: Money | None  # None when the rate table cannot convert it

    @property
    def is_commitment(self) -> bool:
        return self.funding.kind == FundingKind.COMMITMENT


@dataclass(frozen=True)
class ProjectFunding:
    """A project's estimate, what partners committed and disbursed, and what is still missing."""

    project: RecoveryProject
    stage: str
    estimate: Money | None
    committed: Money
    disbursed: Money
    gap: Money | None
    lines: tuple[FundingLine, ...] = ()
    missing_rates: tuple[RateGap, ...] = ()

    @property
    def is_cancelled(self) -> bool:
        return self.stage == Stage.CANCELLED

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label)

    @property
    def counts(self) -> bool:
        """Whether the project counts in needs, commitments and gaps (a cancelled one does not)."""
        return not self.is_cancelled

    @property
    def funded_share(self) -> Decimal | None:
        """Committed as a share of the estimate (0 to 1, or above when over-committed)."""
        if self.estimate is None or not self.estimate.usd or self.gap is None:
            return None
        return (self.estimate.usd - self.gap.usd) / self.estimate.usd


@dataclass(frozen=True)
class FundingTotals:
    """Needs, commitments, disbursements and gaps of a set of projects, in USD and local money."""

    projects: int = 0
    cancelled: int = 0
    without_estimate: int = 0
    needs: Money = NOTHING
    committed: Money = NOTHING
    disbursed: Money = NOTHING
    gap: Money = NOTHING
    missing_rates: tuple[RateGap, ...] = ()

    @property
    def is_complete(self) -> bool:
        """Every amount could be converted."""
        return not self.missing_rates


@dataclass
class _Sum:
    projects: int = 0
    cancelled: int = 0
    without_estimate: int = 0
    needs: Money = NOTHING
    committed: Money = NOTHING
    disbursed: Money = NOTHING
    gap: Money = NOTHING
    missing: set[RateGap] = field(default_factory=set)

    def add(self, row: ProjectFunding) -> None:
        self.missing.update(row.missing_rates)
        if not row.counts:
            # A cancelled project leaves the gap: neither its need nor its money counts.
            self.cancelled += 1
            return
        self.projects += 1
        self.committed += row.committed
        self.disbursed += row.disbursed
        if row.estimate is None:
            self.without_estimate += 1
        else:
            self.needs += row.estimate
        if row.gap is not None:
            self.gap += row.gap

    def frozen(self) -> FundingTotals:
        return FundingTotals(
            projects=self.projects,
            cancelled=self.cancelled,
            without_estimate=self.without_estimate,
            needs=self.needs,
            committed=self.committed,
            disbursed=self.disbursed,
            gap=self.gap,
            missing_rates=tuple(sorted(self.missing)),
        )


def totals_of(rows: Iterable[ProjectFunding]) -> FundingTotals:
    """The totals of some projects' funding."""
    total = _Sum()
    for row in rows:
        total.add(row)
    return total.frozen()


def projects_as_of(
    *,
    as_of: dt.date | None = None,
    country: str | None = None,
    region: Region | None = None,
    block: int | None = None,
    stage: str | None = None,
    scope: str | None = None,
    partner: Partner | None = None,
) -> QuerySet[RecoveryProject]:
    """Current projects that existed on the day, each annotated with its stage on that day.

    A project exists from its first stage change; its stage on a day is that of its latest stage
    change on or before the day. Projects recorded before stage changes were kept have none:
    they count with their present stage.
    """
    day = as_of or timezone.localdate()
    changes = StageChange.objects.filter(project=OuterRef("pk"))
    stage_then = Subquery(changes.filter(on__lte=day).order_by("-on", "-id").values("to_stage")[:1])
    projects = (
        RecoveryProject.objects.select_related("region", "facility")
        .annotate(stage_then=stage_then, has_history=Exists(changes))
        .filter(Q(stage_then__isnull=False) | Q(has_history=False))
    )
    if country is not None:
        projects = projects.filter(region__country__code=country)
    if region is not None:
        projects = projects.filter(region=region)
    if block is not None:
        projects = projects.filter(block=block)
    if scope:
        projects = projects.filter(scope=scope)
    if partner is not None:
        projects = projects.filter(
            Exists(Funding.objects.filter(project=OuterRef("pk"), partner=partner, on__lte=day))
        )
    if stage:
        projects = projects.filter(Q(stage_then=stage) | Q(has_history=False, stage=stage))
    return projects.order_by("priority", "title_en", "id")


def stage_of(project: RecoveryProject) -> str:
    """The stage annotated by projects_as_of(), or the present one."""
    return str(getattr(project, "stage_then", None) or project.stage)


def project_funding(
    projects: Sequence[RecoveryProject],
    *,
    as_of: dt.date | None = None,
    rates: RateTable | None = None,
    partner: Partner | None = None,
) -> list[ProjectFunding]:
    """The funding of each project as of a day (two queries, whatever the number of projects).

    With a partner, commitments and disbursements are that partner's alone, and the gap is the
    project's whole gap.
    """
    day = as_of or timezone.localdate()
    rates = rates if rates is not None else RateTable.load()
    by_project: dict[int, list[Funding]] = defaultdict(list)
    funding = (
        Funding.objects.filter(project__in=[p.pk for p in projects], on__lte=day)
        .select_related("partner")
        .order_by("on", "id")
    )
    for row in funding:
        by_project[row.project_id].append(row)
    return [
        _funding_of(project, by_project.get(project.pk, []), day=day, rates=rates, only=partner)
        for project in projects
    ]


def _funding_of(
    project: RecoveryProject,
    rows: list[Funding],
    *,
    day: dt.date,
    rates: RateTable,
    only: Partner | None,
) -> ProjectFunding:
    missing: set[RateGap] = set()
    lines: list[FundingLine] = []
    for row in rows:
        try:
            value: Money | None = rates.money(row.amount, row.currency, row.on)
        except MissingRate as error:
            missing.add(RateGap(error.currency, error.on))
            value = None
        lines.append(FundingLine(funding=row, value=value))

    estimate: Money | None = None
    has_estimate = (
        project.cost_estimate is not None
        and project.estimated_on is not None
        and project.estimated_on <= day
    )
    if has_estimate:
        assert project.cost_estimate is not None and project.estimated_on is not None
        try:
            estimate = rates.money(project.cost_estimate, project.currency, project.estimated_on)
        except MissingRate as error:
            missing.add(RateGap(error.currency, error.on))

    committed, disbursed, committed_own, gap_missing = _committed(
        project, lines, rates=rates, with_own=has_estimate
    )
    missing.update(gap_missing)
    stage = stage_of(project)
    gap: Money | None = None
    if stage == Stage.CANCELLED:
        gap = NOTHING
    elif estimate is not None and committed_own is not None:
        assert project.cost_estimate is not None and project.estimated_on is not None
        # The missing part, in the project's own currency, valued as the estimate is.
        short = max(project.cost_estimate - committed_own, ZERO)
        try:
            gap = rates.money(short, project.currency, project.estimated_on)
        except MissingRate as error:
            missing.add(RateGap(error.currency, error.on))

    if only is not None:
        mine = [line for line in lines if line.funding.partner_id == only.pk]
        committed, disbursed, _own, _gaps = _committed(project, mine, rates=rates, with_own=False)
        lines = mine
    return ProjectFunding(
        project=project,
        stage=stage,
        estimate=estimate,
        committed=committed,
        disbursed=disbursed,
        gap=gap,
        lines=tuple(lines),
        missing_rates=tuple(sorted(missing)),
    )


def _committed(
    project: RecoveryProject, lines: list[FundingLine], *, rates: RateTable, with_own: bool
) -> tuple[Money, Money, Decimal | None, set[RateGap]]:
    """Committed and disbursed in USD and local money, and committed in the project's currency.

    Per partner, the committed amount is its commitments, or its disbursements when these are
    larger: money paid out was money promised, even when the promise was never recorded.
    """
    missing: set[RateGap] = set()
    by_partner: dict[int, tuple[list[FundingLine], list[FundingLine]]] = defaultdict(
        lambda: ([], [])
    )
    for line in lines:
        commitments, disbursements = by_partner[line.funding.partner_id]
        (commitments if line.is_commitment else disbursements).append(line)
    committed = disbursed = NOTHING
    own: Decimal | None = ZERO if with_own else None
    for commitments, disbursements in by_partner.values():
        promised = _sum(commitments)
        paid = _sum(disbursements)
        disbursed += paid
        side = commitments if promised.usd >= paid.usd else disbursements
        committed += promised if side is commitments else paid
        if own is not None:
            for line in side:
                row = line.funding
                try:
                    own += rates.convert(row.amount, row.currency, row.on, to=project.currency)
                except MissingRate as error:
                    missing.add(RateGap(error.currency, error.on))
                    own = None
                    break
    return committed, disbursed, own, missing


def _sum(lines: Iterable[FundingLine]) -> Money:
    total = NOTHING
    for line in lines:
        if line.value is not None:
            total += line.value
    return total


# -- groups ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionFunding:
    """One region's totals, overall and by block."""

    region: Region
    totals: FundingTotals
    by_block: dict[int, FundingTotals]

    def block_list(self) -> list[tuple[int, FundingTotals]]:
        return [(block, self.by_block.get(block, FundingTotals())) for block in Block.values]


@dataclass(frozen=True)
class FundingOverview:
    """Every project's funding as of a day, and its totals by region, block and overall."""

    as_of: dt.date
    rows: list[ProjectFunding]
    overall: FundingTotals
    by_block: dict[int, FundingTotals]
    regions: list[RegionFunding]
    projects_by_stage: dict[str, int]
    local_currency: str

    @property
    def missing_rates(self) -> tuple[RateGap, ...]:
        return self.overall.missing_rates

    def block_list(self) -> list[tuple[int, str, FundingTotals]]:
        return [
            (value, str(label), self.by_block.get(value, FundingTotals()))
            for value, label in Block.choices
        ]


def funding_overview(
    *, as_of: dt.date | None = None, country: str | None = None, region: Region | None = None
) -> FundingOverview:
    """Needs, commitments, disbursements and gaps of every project, grouped three ways."""
    day = as_of or timezone.localdate()
    projects = list(projects_as_of(as_of=day, country=country, region=region))
    rows = project_funding(projects, as_of=day)
    overall = _Sum()
    blocks: dict[int, _Sum] = defaultdict(_Sum)
    regions: dict[int, _Sum] = defaultdict(_Sum)
    region_blocks: dict[tuple[int, int], _Sum] = defaultdict(_Sum)
    region_of: dict[int, Region] = {}
    stages = dict.fromkeys(STAGE_ORDER, 0)
    for row in rows:
        project = row.project
        stages[row.stage] = stages.get(row.stage, 0) + 1
        region_of[project.region_id] = project.region
        for total in (
            overall,
            blocks[project.block],
            regions[project.region_id],
            region_blocks[(project.region_id, project.block)],
        ):
            total.add(row)
    region_rows = [
        RegionFunding(
            region=region_of[region_id],
            totals=total.frozen(),
            by_block={
                block: region_blocks[(region_id, block)].frozen()
                for block in Block.values
                if (region_id, block) in region_blocks
            },
        )
        for region_id, total in regions.items()
    ]
    region_rows.sort(key=lambda r: (-r.totals.needs.usd, r.region.code))
    return FundingOverview(
        as_of=day,
        rows=rows,
        overall=overall.frozen(),
        by_block={block: total.frozen() for block, total in blocks.items()},
        regions=region_rows,
        projects_by_stage=stages,
        local_currency=local_currency(),
    )


# -- who does what where --------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixCell:
    """A partner's projects in one region and block, and what it committed to them."""

    block: int
    projects: int
    committed: Money


@dataclass(frozen=True)
class MatrixRow:
    """One partner across the regions: a list of cells (one per block) for each region."""

    partner: Partner
    cells: list[list[MatrixCell]]
    projects: int
    committed: Money


@dataclass(frozen=True)
class WhoDoesWhatWhere:
    """Partners by region and block of the recovery plan, for the sectoral working group."""

    as_of: dt.date
    regions: list[Region]
    rows: list[MatrixRow]
    missing_rates: tuple[RateGap, ...]


def who_does_what_where(
    *, as_of: dt.date | None = None, country: str | None = None, block: int | None = None
) -> WhoDoesWhatWhere:
    """Which partner funds projects in which region and block (cancelled projects left out)."""
    day = as_of or timezone.localdate()
    projects = {
        p.pk: p
        for p in projects_as_of(as_of=day, country=country, block=block)
        if stage_of(p) != Stage.CANCELLED
    }
    rates = RateTable.load()
    cells: dict[tuple[int, int, int], tuple[set[int], list[FundingLine]]] = {}
    partners: dict[int, Partner] = {}
    missing: set[RateGap] = set()
    funding = (
        Funding.objects.filter(project__in=list(projects), on__lte=day)
        .select_related("partner")
        .order_by("on", "id")
    )
    for row in funding:
        project = projects[row.project_id]
        partners[row.partner_id] = row.partner
        try:
            value: Money | None = rates.money(row.amount, row.currency, row.on)
        except MissingRate as error:
            missing.add(RateGap(error.currency, error.on))
            value = None
        key = (row.partner_id, project.region_id, project.block)
        ids, lines = cells.setdefault(key, (set(), []))
        ids.add(project.pk)
        lines.append(FundingLine(funding=row, value=value))
    regions = sorted(
        {project.region_id: project.region for project in projects.values()}.values(),
        key=lambda r: r.code,
    )
    # Only the regions where some partner funds something make columns.
    funded_regions = {region_id for _partner, region_id, _block in cells}
    regions = [r for r in regions if r.pk in funded_regions]
    rows: list[MatrixRow] = []
    for partner_id, partner in partners.items():
        row_cells: list[list[MatrixCell]] = []
        all_projects: set[int] = set()
        committed = NOTHING
        for region in regions:
            in_region: list[MatrixCell] = []
            for block_value in Block.values:
                entry = cells.get((partner_id, region.pk, block_value))
                if entry is None:
                    continue
                ids, lines = entry
                promised = _committed_by_partner(lines)
                in_region.append(
                    MatrixCell(block=block_value, projects=len(ids), committed=promised)
                )
                all_projects |= ids
                committed += promised
            row_cells.append(in_region)
        rows.append(
            MatrixRow(
                partner=partner, cells=row_cells, projects=len(all_projects), committed=committed
            )
        )
    rows.sort(key=lambda r: (-r.committed.usd, r.partner.name_en, r.partner.pk))
    return WhoDoesWhatWhere(
        as_of=day, regions=regions, rows=rows, missing_rates=tuple(sorted(missing))
    )


def _committed_by_partner(lines: list[FundingLine]) -> Money:
    """One partner's committed amount over some projects, project by project (see _committed)."""
    by_project: dict[int, list[FundingLine]] = defaultdict(list)
    for line in lines:
        by_project[line.funding.project_id].append(line)
    total = NOTHING
    for project_lines in by_project.values():
        promised = _sum(line for line in project_lines if line.is_commitment)
        paid = _sum(line for line in project_lines if not line.is_commitment)
        total += promised if promised.usd >= paid.usd else paid
    return total
