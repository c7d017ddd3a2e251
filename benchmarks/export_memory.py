"""Peak memory of the streamed incident exports (CSV, GeoJSON) at 10,000, 100,000 and 1,000,000
verified incidents.

The incidents are written straight into a new SQLite database with bulk inserts (fast, and no
part of what is measured). Each export then runs in a fresh process that streams the whole file
to /dev/null and reports its peak resident memory; the figures are printed as a table with the
ratio of the largest to the smallest (goal: under 200 MB, and flat as the data grows). Run it as

    .venv/bin/python benchmarks/export_memory.py [--sizes 10000,100000,1000000]

It takes a few minutes and prints its figures; it is not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FORMATS = ("csv", "geojson")
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


def _setup(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["MEDINFRA_VAR_DIR"] = str(database.parent / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medinfra.settings")
    import django

    django.setup()


def prepare(database: Path) -> dict[str, int]:
    """Migrate a new database; load the regions, a source; occupy one region."""
    _setup(database)
    from django.core.management import call_command

    from medinfra.core.services import system_actor
    from medinfra.geography.models import Region
    from medinfra.geography.queries import region_by_code
    from medinfra.geography.services import load_country, set_access_status
    from medinfra.sources.services import register_source

    call_command("migrate", verbosity=0)
    actor = system_actor()
    load_country("UA", actor=actor)
    set_access_status(region_by_code("UA-43"), status="occupied", actor=actor)
    source = register_source(actor=actor, publisher="Benchmark", title="Generated")
    regions = dict(Region.objects.values_list("code", "pk"))
    return {"source": source.pk, **regions}


def add_incidents(database: Path, ids: dict[str, int], start: int, stop: int) -> None:
    """Insert verified incidents start..stop-1 with their link rows, in large batches."""
    rng = random.Random(start)
    regions = [pk for code, pk in ids.items() if code.startswith("UA-")]
    first_day = dt.date(2022, 2, 24)
    now = dt.datetime.now(dt.UTC).isoformat(sep=" ")
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA synchronous=OFF")
    batch = 50_000
    for low in range(start, stop, batch):
        high = min(stop, low + batch)
        incidents, types, resources, sources = [], [], [], []
        for n in range(low, high):
            pk = n + 1
            incidents.append(
                (
                    pk,
                    now,
                    now,
                    1,
                    None,
                    None,
                    "",
                    (first_day + dt.timedelta(days=n % 1200)).isoformat(),
                    "day",
                    rng.choice(regions),
                    None,
                    f"Населений пункт {n % 700}",
                    f"{rng.uniform(46, 51.5):.5f}",
                    f"{rng.uniform(23, 39.5):.5f}",
                    n % 2,
                    n % 3,
                    0,
                    n % 2,
                    n % 5,
                    0,
                    "Staff-only description that must never be exported.",
                    f"Shelling damaged a health facility ({n}).",
                    "confirmed",
                    "verified",
                    None,
                    None,
                    now,
                    None,
                    1,
                )
            )
            types.append((pk, ATTACK_TYPES[n % len(ATTACK_TYPES)]))
            resources.append((pk, RESOURCES[n % len(RESOURCES)]))
            sources.append((pk, ids["source"]))
        connection.executemany(
            "INSERT INTO incidents_incident (id, created_at, updated_at, version, retracted_at,"
            " retracted_by_id, retraction_reason, occurred_on, date_precision, region_id,"
            " facility_id, settlement, latitude, longitude, health_workers_killed,"
            " health_workers_injured, health_workers_detained, patients_killed,"
            " patients_injured, patients_detained, description, public_summary, certainty,"
            " verification, reported_by_id, verified_by_id, verified_at, external_id,"
            " is_synthetic) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            incidents,
        )
        connection.executemany(
            "INSERT INTO incidents_incidentattacktype (incident_id, attack_type) VALUES (?, ?)",
            types,
        )
        connection.executemany(
            "INSERT INTO incidents_incidentresource (incident_id, resource) VALUES (?, ?)",
            resources,
        )
        connection.executemany(
            "INSERT INTO incidents_incident_sources (incident_id, source_id) VALUES (?, ?)",
            sources,
        )
        connection.commit()
    # Fold the write-ahead log into the database, as a long-running server would have done.
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def peak_kb() -> int:
    """This process's peak resident memory in KiB."""
    # Linux keeps getrusage()'s ru_maxrss across exec, so a child would report its parent's
    # peak; VmHWM in /proc belongs to the running program alone.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(database: Path, fmt: str) -> None:
    """In a fresh process: stream one export to nothing; print its figures as JSON."""
    _setup(database)
    from medinfra.exchange.queries import export_pieces

    baseline = peak_kb()
    started = time.perf_counter()
    size = 0
    with open(os.devnull, "wb") as sink:
        for piece in export_pieces("incidents", fmt):
            size += len(piece)
            sink.write(piece)
    seconds = time.perf_counter() - started
    peak = peak_kb()
    print(json.dumps({"baseline_kb": baseline, "peak_kb": peak, "bytes": size, "seconds": seconds}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(Path(args.database), args.measure)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="medinfra-bench-export-"))
    database = workdir / "medinfra.sqlite3"
    results: dict[tuple[int, str], dict[str, float]] = {}
    try:
        ids = prepare(database)
        made = 0
        for size in sizes:
            print(f"inserting incidents up to {size:,} …", flush=True)
            add_incidents(database, ids, made, size)
            made = size
            for fmt in FORMATS:
                output = subprocess.run(  # noqa: S603 - this script, run again by itself
                    [sys.executable, __file__, "--measure", fmt, "--database", str(database)],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                results[(size, fmt)] = json.loads(output.strip().splitlines()[-1])
                figures = results[(size, fmt)]
                print(
                    f"  {fmt:<8} peak {figures['peak_kb'] / 1024:7.1f} MB, "
                    f"{figures['bytes'] / 1e6:8.1f} MB written in {figures['seconds']:6.1f} s",
                    flush=True,
                )
        print()
        print(
            f"{'format':<9}{'incidents':>11}{'peak RSS MB':>13}{'after setup MB':>16}"
            f"{'export MB':>11}{'seconds':>9}{'peak / smallest':>17}"
        )
        for fmt in FORMATS:
            smallest = results[(sizes[0], fmt)]["peak_kb"]
            for size in sizes:
                r = results[(size, fmt)]
                print(
                    f"{fmt:<9}{size:>11,}{r['peak_kb'] / 1024:>13.1f}"
                    f"{r['baseline_kb'] / 1024:>16.1f}{r['bytes'] / 1e6:>11.1f}"
                    f"{r['seconds']:>9.1f}{r['peak_kb'] / smallest:>17.2f}"
                )
        worst = max(r["peak_kb"] for r in results.values()) / 1024
        print(f"\nlargest peak: {worst:.1f} MB (goal: under 200 MB, flat as the data grows)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
