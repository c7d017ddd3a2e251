"""Import of a generated incidents CSV with full validation, against `sqlite-utils insert`.

Both load the same file into a new SQLite database in the same run; the figure that counts is
the ratio of their rows per second (goal: at least 0.5). Run it as

    .venv/bin/python benchmarks/import_incidents.py [--rows 1000000]

It takes a few minutes for a million rows and prints its figures; it is not a test.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGIONS = [
    "UA-05",
    "UA-12",
    "UA-14",
    "UA-18",
    "UA-21",
    "UA-23",
    "UA-32",
    "UA-48",
    "UA-51",
    "UA-53",
    "UA-59",
    "UA-61",
    "UA-63",
    "UA-65",
    "UA-68",
    "UA-71",
    "UA-74",
    "UA-77",
]
ATTACK_TYPES = [
    "heavy_weapons",
    "individual_weapons",
    "psychological",
    "obstruction",
    "removal_of_assets",
    "military_use",
    "setting_fire",
]
RESOURCES = ["facility", "transport", "personnel", "patient", "supplies", "warehouse"]
SOURCE_URL = "https://example.org/benchmark-source"
HEADER = [
    "id",
    "occurred_on",
    "date_precision",
    "region",
    "settlement",
    "latitude",
    "longitude",
    "attack_types",
    "resources",
    "health_workers_killed",
    "health_workers_injured",
    "health_workers_detained",
    "patients_killed",
    "patients_injured",
    "patients_detained",
    "certainty",
    "public_summary",
    "sources",
    "is_synthetic",
]


def generate(path: Path, rows: int, seed: int = 1) -> None:
    """A CSV of incidents as a ministry or cluster export might hold them."""
    rng = random.Random(seed)
    start = dt.date(2022, 2, 24)
    days = (dt.date(2025, 6, 30) - start).days
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            types = rng.sample(ATTACK_TYPES, rng.choice((1, 1, 2)))
            writer.writerow(
                [
                    f"bench-{n}",
                    (start + dt.timedelta(days=rng.randrange(days))).isoformat(),
                    "day",
                    rng.choice(REGIONS),
                    f"Населений пункт {rng.randrange(500)}",
                    f"{rng.uniform(46.0, 51.5):.5f}",
                    f"{rng.uniform(23.0, 39.5):.5f}",
                    ";".join(types),
                    rng.choice(RESOURCES),
                    rng.choice((0, 0, 0, 1)),
                    rng.choice((0, 0, 1, 2)),
                    0,
                    rng.choice((0, 0, 0, 1)),
                    rng.choice((0, 0, 1, 3)),
                    0,
                    rng.choice(("confirmed", "probable", "possible")),
                    f"Shelling damaged a health facility ({n}).",
                    SOURCE_URL,
                    "true",
                ]
            )


def time_sqlite_utils(csv_path: Path, workdir: Path) -> tuple[float, float]:
    """Seconds `sqlite-utils insert --csv` takes to load the file (no validation): elapsed, and
    processor time (user and system) of its process."""
    tool = Path(sys.executable).with_name("sqlite-utils")
    database = workdir / "reference.sqlite3"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own venv's tool on our own file
        [str(tool), "insert", str(database), "incidents", str(csv_path), "--csv"], check=True
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def time_medinfra(csv_path: Path, workdir: Path) -> tuple[float, float, int, int]:
    """Seconds medinfra takes to check and apply the file in one transaction (elapsed, and
    processor time of this process meanwhile), and its counts."""
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'medinfra.sqlite3'}"
    os.environ["MEDINFRA_VAR_DIR"] = str(workdir / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medinfra.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from medinfra.core.services import system_actor
    from medinfra.exchange.services import execute_run, prepare_run
    from medinfra.geography.services import load_country
    from medinfra.sources.services import register_source

    call_command("migrate", verbosity=0)
    actor = system_actor()
    load_country("UA", actor=actor)
    register_source(actor=actor, publisher="Benchmark", title="Generated", url=SOURCE_URL)
    started, cpu = time.perf_counter(), time.process_time()
    run = prepare_run(
        path=csv_path, file_name=csv_path.name, kind="incidents", user=actor, dry_run=False
    )
    run = execute_run(run, path=csv_path, actor=actor)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if run.status != "succeeded":
        raise SystemExit(f"the import did not succeed: {run.message}")
    return seconds, cpu, run.created, run.rows_invalid


def _load() -> str:
    """The machine's load averages (1, 5, 15 minutes): other work slows both loaders."""
    return ", ".join(f"{n:.2f}" for n in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    parser.add_argument(
        "--dir",
        help="make the working folder here (e.g. /dev/shm: neither loader then waits for the "
        "disk to sync)",
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="medinfra-bench-import-", dir=args.dir))
    try:
        csv_path = workdir / "incidents.csv"
        print(f"generating {args.rows:,} incidents in {csv_path} …", flush=True)
        generate(csv_path, args.rows)
        size = csv_path.stat().st_size
        print(f"file: {size / 1e6:,.1f} MB; load average {_load()}", flush=True)
        print("sqlite-utils insert …", flush=True)
        reference, reference_cpu = time_sqlite_utils(csv_path, workdir)
        print("medinfra import (parse, map, validate every row, apply, audit) …", flush=True)
        ours, ours_cpu, created, invalid = time_medinfra(csv_path, workdir)
        rows = args.rows
        print()
        print(
            f"{'loader':<44}{'rows':>12}{'seconds':>10}{'rows/s':>10}"
            f"{'CPU s':>10}{'rows/CPU s':>12}"
        )
        for label, elapsed, cpu in (
            ("sqlite-utils insert --csv (no validation)", reference, reference_cpu),
            ("medinfra import (full validation, audit)", ours, ours_cpu),
        ):
            print(
                f"{label:<44}{rows:>12,}{elapsed:>10.1f}{rows / elapsed:>10,.0f}"
                f"{cpu:>10.1f}{rows / cpu:>12,.0f}"
            )
        print(f"\nincidents created: {created:,}; rows with problems: {invalid:,}")
        print(f"load average at the end: {_load()}")
        print(
            f"ratio medinfra / sqlite-utils: {reference / ours:.2f} in elapsed time, "
            f"{reference_cpu / ours_cpu:.2f} in processor time (goal: at least 0.50)"
        )
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
