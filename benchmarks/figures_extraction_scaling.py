"""How the figure extractor's time grows with the size of the text: seconds per size for
ordinary report text repeated, and for degenerate texts (long runs of digits, of punctuation
between digits, of repeated words, of numbers without a sentence end), and for each text the
ratio of the time per character at the largest size to that at the smallest. Linear reading
keeps the ratio close to 1; a quadratic part doubles it with each doubling of the size.

Run: .venv/bin/python benchmarks/figures_extraction_scaling.py [--sizes 10000,50000,...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medinfra.settings")
# Extraction needs no database and no secret; keep the benchmark from creating ./var.
os.environ.setdefault("MEDINFRA_SECRET_KEY", "benchmark-only-not-secret")

import django  # noqa: E402

django.setup()

from medinfra.figures.extraction import RegionIndex, extract_figures  # noqa: E402

SIZES = (10_000, 50_000, 100_000, 200_000)
TODAY = dt.date(2025, 6, 30)

REPORT = (
    "Kyiv, 6 October 2023. As of 6 October 2023, the Ministry of Health said that the number "
    "of destroyed and damaged healthcare facilities has already exceeded 2,300. Of these, "
    "2,020 facilities were damaged and 305 hospitals have been completely destroyed. In "
    "Kharkiv Oblast alone, 116 ambulances have been damaged, 274 destroyed and 80 seized. "
    "More than seven hundred medical facilities have been fully restored since February 2022. "
    "Станом на 1 січня 2024 року на Харківщині пошкоджено понад 1 500 медичних закладів, "
    "зруйновано 2,5 тис. об'єктів, а відновлено 400 лікарень. WHO recorded 1,574 attacks on "
    "health care in Ukraine; call +380 44 123 45 67 or see https://moz.gov.ua/1 for more.\n\n"
)


def repeated(unit: str) -> Callable[[int], str]:
    def make(size: int) -> str:
        return (unit * (size // len(unit) + 1))[:size]

    return make


def numbers_without_end(size: int) -> str:
    """Thousands of counted numbers in one sentence, each with its place and date."""
    parts = []
    for i in itertools.count():
        parts.append(f"{i % 997} hospitals in Kharkiv Oblast on 1 March 2023, ")
        if sum(map(len, parts)) >= size:
            break
    return "".join(parts)[:size]


TEXTS: dict[str, Callable[[int], str]] = {
    "report text repeated": repeated(REPORT),
    "one run of digits": repeated("1234567890"),
    "digits and dots": repeated("1.1.1."),
    "digits and commas": repeated("1,2,3,"),
    "digits and spaces": repeated("1 234 "),
    "punctuation": repeated("-.,;:()«»!?/ "),
    "repeated word": repeated("hospitals "),
    "repeated number and word": repeated("5 hospitals destroyed and "),
    "repeated phrase": repeated("понад тисячі лікарень пошкоджено, "),
    "dates without end": repeated("1 march 2023 "),
    "places without end": repeated("in kharkiv oblast "),
    "numbers without end": numbers_without_end,
}


def seconds(text: str, regions: RegionIndex) -> float:
    started = time.perf_counter()
    extract_figures(text, regions=regions, today=TODAY)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--only", default="", help="run only texts whose name holds this")
    arguments = parser.parse_args()
    sizes = [int(s) for s in arguments.sizes.split(",")]
    regions = RegionIndex.packaged(["UA"])
    extract_figures(REPORT, regions=regions, today=TODAY)  # compile the patterns once
    print("figure extraction: seconds per text size, and the time per character at the")
    print("largest size as a ratio to that at the smallest (goal: close to 1)")
    header = "".join(f"{size:>10,}" for size in sizes)
    print(f"  {'text':<26}{header}{'ratio':>8}")
    worst = 0.0
    for name, make in TEXTS.items():
        if arguments.only not in name:
            continue
        times = [seconds(make(size), regions) for size in sizes]
        ratio = (times[-1] / sizes[-1]) / max(times[0] / sizes[0], 1e-12)
        worst = max(worst, ratio)
        cells = "".join(f"{t:>10.3f}" for t in times)
        print(f"  {name:<26}{cells}{ratio:>8.2f}", flush=True)
    print(f"largest ratio: {worst:.2f}")


if __name__ == "__main__":
    main()
