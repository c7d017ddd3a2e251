"""The demo's ledger holds the figures the seed texts published, each with its source."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from medinfra.demo.ledger import SEED_SOURCES, enter_seed_ledger
from medinfra.figures.extraction import RegionIndex, extract_figures
from medinfra.figures.models import ReportedFigure
from medinfra.figures.queries import metric_timeline
from medinfra.figures.tests.cases import SEEDS, seed_path
from medinfra.sources.models import Source

D = dt.date


@pytest.fixture
def ledger(ua: Any, actor: Any) -> int:
    return enter_seed_ledger(actor=actor)


def test_the_destroyed_timeline_shows_190_in_october_2023_and_305_later(ledger: int) -> None:
    entries = metric_timeline("facilities_destroyed")
    assert [(e.value, e.as_of) for e in entries] == [(190, D(2023, 10, 6)), (305, D(2025, 6, 30))]
    assert [e.as_of_precision for e in entries] == ["day", "not_stated"]


def test_who_s_attack_count_stands_beside_the_ministry_s_figures(ledger: int) -> None:
    [attacks] = metric_timeline("attacks_recorded")
    assert (attacks.value, attacks.as_of, attacks.reported_by) == (
        1940,
        D(2024, 8, 31),
        "World Health Organization",
    )
    same_source = ReportedFigure.objects.filter(source__title=attacks.source_title)
    assert {f.reported_by for f in same_source} == {
        "World Health Organization",
        "Ministry of Health of Ukraine",
    }


def test_seed_sources_are_real_publications_without_invented_addresses_or_copied_text(
    ledger: int,
) -> None:
    assert ledger == sum(len(s.figures) for s in SEED_SOURCES)
    sources = Source.objects.all()
    assert sources.count() == len(SEED_SOURCES)
    assert not sources.filter(is_synthetic=True).exists()
    assert set(sources.values_list("url", flat=True)) == {""}
    assert set(sources.values_list("full_text", flat=True)) == {""}
    assert ReportedFigure.objects.get(metric="hospitals_closed").country == "RU"


@pytest.mark.parametrize("seed", SEED_SOURCES, ids=lambda s: s.seed)
def test_every_ledger_figure_is_what_extraction_reads_in_its_seed_text(seed: Any) -> None:
    path = seed_path(seed.seed)
    if path is None:
        pytest.skip(f"seed text {seed.seed} not found; set MEDINFRA_SHARED_DIR")
    text = path.read_text(encoding="utf-8")
    read = {
        (c.metric, Decimal(c.value), c.qualifier): c
        for c in extract_figures(text, regions=RegionIndex.packaged(["UA"]))
    }
    assert len(seed.figures) == len(SEEDS[seed.seed])
    for figure in seed.figures:
        assert figure.span in text
        candidate = read[(figure.metric, Decimal(figure.value), figure.qualifier)]
        assert (candidate.span, candidate.country) == (figure.span, figure.country)
