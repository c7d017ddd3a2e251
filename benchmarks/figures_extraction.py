"""Precision and recall of figure extraction over its test set: the five seed texts (read from
the shared folder beside the repository, or MEDINFRA_SHARED_DIR) and our own texts in English
and Ukrainian (medinfra/figures/tests/cases.py).

A candidate is right when its metric, value and qualifier are those written down by hand for
its text; "with place and date" also asks for the right country and, where the test set gives
them, region and as-of date. Run: .venv/bin/python benchmarks/figures_extraction.py
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medinfra.settings")
# Extraction needs no database and no secret; keep the benchmark from creating ./var.
os.environ.setdefault("MEDINFRA_SECRET_KEY", "benchmark-only-not-secret")

import django  # noqa: E402

django.setup()

from medinfra.figures.extraction import Candidate, RegionIndex, extract_figures  # noqa: E402
from medinfra.figures.tests.cases import (  # noqa: E402
    HELD_OUT,
    Case,
    Expected,
    all_cases,
    shared_dir,
)

OUT = ROOT / "benchmarks" / "out"


def key(candidate: Candidate) -> tuple[str, Decimal, str]:
    return (candidate.metric, Decimal(candidate.value), candidate.qualifier)


def placed(candidate: Candidate, expected: Expected) -> bool:
    return (
        candidate.country == expected.country
        and (expected.region is None or candidate.region == expected.region)
        and (expected.as_of is None or candidate.as_of == expected.as_of)
    )


def score(case: Case, candidates: list[Candidate]) -> Counter[str]:
    counts: Counter[str] = Counter()
    expected = {e.key: e for e in case.expected}
    found = {key(c): c for c in candidates}
    counts["expected"] = len(expected)
    counts["found"] = len(candidates)
    for k, candidate in found.items():
        if k in expected:
            counts["right"] += 1
            counts["right_placed"] += placed(candidate, expected[k])
    return counts


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def evaluate(
    cases: list[Case], regions: RegionIndex
) -> tuple[dict[str, Counter[str]], list[str], float, int]:
    """Score every text; totals overall and by language, the differences, time, characters."""
    totals: dict[str, Counter[str]] = {"all": Counter(), "en": Counter(), "uk": Counter()}
    misses: list[str] = []
    started = time.perf_counter()
    characters = 0
    for case in cases:
        candidates = extract_figures(
            case.text, document_date=case.document_date, language=case.language, regions=regions
        )
        characters += len(case.text)
        counts = score(case, candidates)
        totals["all"] += counts
        totals[case.language] += counts
        wrong = {key(c) for c in candidates} ^ {e.key for e in case.expected}
        if wrong:
            misses.append(f"  {case.name}: {sorted(map(str, wrong))}")
    return totals, misses, time.perf_counter() - started, characters


def table(title: str, totals: dict[str, Counter[str]]) -> dict[str, dict[str, float | int]]:
    print(title)
    print(
        f"  {'texts':<6}{'expected':>9}{'found':>7}{'right':>7}{'precision':>11}{'recall':>8}"
        f"{'precision, place+date':>23}{'recall, place+date':>20}"
    )
    report: dict[str, dict[str, float | int]] = {}
    for name, t in totals.items():
        row = {
            "expected": t["expected"],
            "found": t["found"],
            "right": t["right"],
            "precision": ratio(t["right"], t["found"]),
            "recall": ratio(t["right"], t["expected"]),
            "precision_placed": ratio(t["right_placed"], t["found"]),
            "recall_placed": ratio(t["right_placed"], t["expected"]),
        }
        report[name] = row
        print(
            f"  {name:<6}{row['expected']:>9}{row['found']:>7}{row['right']:>7}"
            f"{row['precision']:>11.3f}{row['recall']:>8.3f}"
            f"{row['precision_placed']:>23.3f}{row['recall_placed']:>20.3f}"
        )
    return report


def main() -> None:
    regions = RegionIndex.packaged(["UA"])
    cases = all_cases()
    seeds = sum(1 for c in cases if c.name.startswith("seed"))
    print(f"figure extraction: {len(cases)} test texts ({seeds} seed texts from {shared_dir()})")
    if seeds < 5:
        print("  (some seed texts were not found; set MEDINFRA_SHARED_DIR)")
    totals, misses, elapsed, characters = evaluate(cases, regions)
    report = {"test_set": table("test set (the tests require every figure):", totals)}
    held, held_misses, held_elapsed, held_characters = evaluate(HELD_OUT, regions)
    report["held_out"] = table(
        f"held out ({len(HELD_OUT)} texts never used to tune extraction):", held
    )
    seconds = elapsed + held_elapsed
    print(f"read {characters + held_characters:,} characters in {seconds:.3f} s")
    if misses or held_misses:
        print("differences (read but not written down, or written down but not read):")
        print("\n".join(misses + held_misses))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "figures_extraction.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
