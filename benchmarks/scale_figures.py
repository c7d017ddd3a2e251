"""The figures at 10,000, 100,000 and 1,000,000 incidents: against the bare SQL, a static file
and Datasette, all measured in the same run on the same database.

For each size it generates a synthetic data set (`medinfra generate`, timed; goal: a million
incidents in under two minutes), serves it with `medinfra serve` (gunicorn) and measures:

1. cold: the first request of each answer (the API's headline, by-region and by-month figures,
   the home page) for several as-of dates, beside the bare SQL that computes the same numbers
   on the same database, run from a fresh connection (median of three). Goal: at most 2x.
   The API's numbers are checked against the bare SQL's.
2. cached: the same answers asked again and again on one keep-alive connection, beside a small
   static file served the same way. Goal: median latency at most 1.5x the static file's, and
   flat as the data grows. The home page also as a returning reader (with their CSRF cookie)
   and, with the static file and the by-region figures, as browsers ask (gzip).
3. Datasette (SQLite only): verified incidents counted per region, our /api/v1/figures/by-region
   against Datasette's JSON facet request on the same file, under the same closed-loop load of
   wrk on loopback. Goal: at least 3x the requests per second.

Then one table of every size. Run it as

    .venv/bin/python benchmarks/scale_figures.py [--sizes 10000,100000,1000000] [--postgres]

It takes about half an hour for the three sizes and prints its figures; it is not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale_lib as lib

TODAY = dt.date.today()
ROUNDS = 3  # short runs of each cached answer, in turn
# A spread of as-of dates: today (everything), mid-way, early in the war.
DATES = (TODAY, dt.date(2024, 6, 30), dt.date(2023, 1, 31))
CONNECTIONS = 8  # the closed-loop load of the comparison with Datasette
PATHS = {
    "headline": "/api/v1/figures/headline",
    "by-region": "/api/v1/figures/by-region",
    "by-month": "/api/v1/figures/by-month",
    "home": "/",
}


def ratio(ours: float, theirs: float) -> float:
    return ours / theirs if theirs else float("inf")


def path_of(answer: str, as_of: dt.date) -> str:
    if as_of == TODAY:
        return PATHS[answer]
    return f"{PATHS[answer]}?{urlencode({'as_of': as_of.isoformat()})}"


@dataclass
class Cold:
    answer: str
    as_of: dt.date
    bare: float
    ours: float
    same: str

    @property
    def ratio(self) -> float:
        return self.ours / self.bare


@dataclass
class SizeResult:
    incidents: int
    summary: str
    generate_seconds: float
    cold: list[Cold] = field(default_factory=list)
    cached: dict[str, lib.Load] = field(default_factory=dict)
    datasette: tuple[lib.Load, lib.Load, bool] | None = None

    def cold_ratio(self, answer: str) -> float:
        return lib.median([c.ratio for c in self.cold if c.answer == answer])


def measure_cold(db: lib.Database, server: lib.Server, result: SizeResult) -> None:
    print(
        f"  {'answer':<10}{'as of':>12}{'bare SQL ms':>13}{'ours ms':>10}{'ratio':>8}  same numbers"
    )
    for as_of in DATES:
        for answer, names in lib.ANSWERS.items():
            bare_seconds, rows = lib.bare_median(db, names, as_of)
            status, body, seconds = lib.get(server.port, path_of(answer, as_of))
            if status != 200:
                raise SystemExit(f"{path_of(answer, as_of)} answered {status}: {body[:300]!r}")
            same = "(page)"
            if answer != "home":
                wrong = lib.differences(answer, json.loads(body), rows)
                same = "yes" if not wrong else "NO: " + ", ".join(wrong[:5])
            cold = Cold(answer, as_of, bare_seconds, seconds, same)
            result.cold.append(cold)
            print(
                f"  {answer:<10}{as_of.isoformat():>12}{bare_seconds * 1000:>13.1f}"
                f"{seconds * 1000:>10.1f}{cold.ratio:>8.2f}  {same}",
                flush=True,
            )


def measure_cached(server: lib.Server, result: SizeResult, seconds: int) -> None:
    # Every worker process keeps its own cache: ask until each has the answers (a dozen fast
    # answers in a row, each on a new connection).
    for answer in PATHS:
        lib.warm(server.port, path_of(answer, TODAY))
    # wrk sends no cookie, so a plain home page is a first visit: Django makes the reader a new
    # CSRF secret and cookie. A returning reader's browser sends the cookie it was given.
    # Browsers also ask for gzip: the static file's compressed copy is made ahead of time, the
    # kept answers' when they are kept.
    cookie = lib.csrf_cookie(server.port)
    gzip = {"Accept-Encoding": "gzip, deflate, br"}
    targets: dict[str, tuple[str, dict[str, str]]] = {
        "static file": (lib.STATIC, {}),
        "/healthz": ("/healthz", {}),
    }
    targets |= {a: (path_of(a, TODAY), {}) for a in PATHS}
    targets |= {
        "home, returning": (path_of("home", TODAY), {"Cookie": cookie}),
        "static, gzip": (lib.STATIC, gzip),
        "home, gzip": (path_of("home", TODAY), gzip),
        "home, browser": (path_of("home", TODAY), {"Cookie": cookie, **gzip}),
        "by-region, gz": (path_of("by-region", TODAY), gzip),
    }
    # The machine's speed drifts by a fifth and more within a minute: each answer is measured
    # in ROUNDS short runs, taken in turn with the static file's, and the run of the median
    # latency counts.
    runs: dict[str, list[lib.Load]] = {name: [] for name in targets}
    each_run = max(1, seconds // ROUNDS)
    for _ in range(ROUNDS):
        for name, (path, headers) in targets.items():
            load = lib.wrk(server.base + path, connections=1, seconds=each_run, headers=headers)
            runs[name].append(load)
    for name, loads in runs.items():
        result.cached[name] = sorted(loads, key=lambda load: load.latency_ms["50"])[ROUNDS // 2]
    static = result.cached["static file"].latency_ms["50"]
    print(
        f"\n  {'cached answer':<16}{'median ms':>10}{'p99 ms':>9}{'req/s':>9}{'/ static':>10}"
        f"   median ms of each run"
    )
    for name, load in result.cached.items():
        each = " ".join(f"{run.latency_ms['50']:.2f}" for run in runs[name])
        print(
            f"  {name:<16}{load.latency_ms['50']:>10.2f}{load.latency_ms['99']:>9.2f}"
            f"{load.per_second:>9.0f}{load.latency_ms['50'] / static:>10.2f}   {each}"
        )


def facet_path(as_of: dt.date) -> str:
    """Datasette's facet of verified incidents by region, as our figures count them."""
    query = {
        "_facet": "region_id",
        "_size": "0",
        "_nocount": "1",
        "verification__exact": "verified",
        "retracted_at__isnull": "1",
        "occurred_on__lte": as_of.isoformat(),
    }
    return f"/medinfra/incidents_incident.json?{urlencode(query)}"


def measure_datasette(
    db: lib.Database, var_dir: Path, server: lib.Server, result: SizeResult, seconds: int
) -> None:
    with lib.datasette(db, var_dir) as other:
        status, body, single = lib.get(other.port, facet_path(TODAY))
        if status != 200:
            raise SystemExit(f"Datasette answered {status}: {body[:300]!r}")
        facet = json.loads(body)["facet_results"]
        # Datasette 0.65 keys facet results by column; later versions nest them.
        results = facet.get("results", facet).get("region_id", {}).get("results", [])
        theirs = {int(r["value"]): int(r["count"]) for r in results}
        _, ours_body, _ = lib.get(server.port, PATHS["by-region"])
        codes = {code: pk for pk, code, _ in lib.bare(db, ("regions",), TODAY)[1]["regions"]}
        ours = {
            codes[r["region"]]: r["attacks_verified"]
            for r in json.loads(ours_body)["regions"]
            if r["attacks_verified"]
        }
        same = ours == theirs
        # Long enough for every connection to finish a good number of Datasette's requests.
        seconds = min(180, max(seconds, int(single * CONNECTIONS * 3) + 1))
        ours_load = lib.wrk(
            server.base + PATHS["by-region"], connections=CONNECTIONS, seconds=seconds
        )
        their_load = lib.wrk(
            other.base + facet_path(TODAY), connections=CONNECTIONS, seconds=seconds
        )
    result.datasette = (ours_load, their_load, same)
    print(
        f"\n  verified incidents per region, {CONNECTIONS} connections for {seconds} s "
        f"(same counts: {'yes' if same else 'NO'}):"
    )
    print(f"  {'server':<46}{'req/s':>9}{'median ms':>11}{'p99 ms':>9}{'errors':>8}{'bytes':>8}")
    for name, load, size in (
        ("medinfra /api/v1/figures/by-region", ours_load, len(ours_body)),
        ("Datasette facet (region_id) JSON", their_load, len(body)),
    ):
        print(
            f"  {name:<46}{load.per_second:>9.2f}{load.latency_ms['50']:>11.2f}"
            f"{load.latency_ms['99']:>9.2f}{load.errors:>8}{size:>8}"
        )
    print(f"  ratio medinfra / Datasette: {ratio(ours_load.per_second, their_load.per_second):.1f}")


def growth_table(results: list[SizeResult], vendor: str) -> None:
    print(f"\n== growth ({vendor}) ==")
    print(
        f"{'incidents':>10}{'generate s':>12}"
        + "".join(f"{'cold ' + a:>15}" for a in PATHS)
        + "   (median ratio to the bare SQL over the as-of dates; goal at most 2)"
    )
    for r in results:
        print(
            f"{r.incidents:>10,}{r.generate_seconds:>12.1f}"
            + "".join(f"{r.cold_ratio(a):>15.2f}" for a in PATHS)
        )
    print(
        f"\n{'incidents':>10}{'static ms':>11}"
        + "".join(f"{a + ' ms':>14}" for a in PATHS)
        + f"{'worst / static':>16}"
        + "   (cached, median latency; goal at most 1.5)"
    )
    for r in results:
        static = r.cached["static file"].latency_ms["50"]
        worst = max(r.cached[a].latency_ms["50"] for a in PATHS)
        print(
            f"{r.incidents:>10,}{static:>11.2f}"
            + "".join(f"{r.cached[a].latency_ms['50']:>14.2f}" for a in PATHS)
            + f"{worst / static:>16.2f}"
        )
    first = results[0]
    print(
        "\ncached latency against the smallest size: "
        + ", ".join(
            f"{r.incidents:,}: "
            + "/".join(
                f"{r.cached[a].latency_ms['50'] / first.cached[a].latency_ms['50']:.2f}"
                for a in PATHS
            )
            for r in results
        )
        + f" ({'/'.join(PATHS)})"
    )
    if all(r.datasette for r in results):
        print(f"\n{'incidents':>10}{'ours req/s':>12}{'Datasette req/s':>17}{'ratio':>8}")
        for r in results:
            assert r.datasette is not None
            ours, theirs, _ = r.datasette
            print(
                f"{r.incidents:>10,}{ours.per_second:>12.1f}{theirs.per_second:>17.2f}"
                f"{ratio(ours.per_second, theirs.per_second):>8.1f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument(
        "--seconds", type=int, default=9,
        help="each load measurement's length (a cached answer's: in 3 runs)",
    )  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"machine: {lib.machine()}; load average at start: {lib.load()}")
    results: list[SizeResult] = []
    with lib.workspace("medinfra-bench-scale-", keep=args.keep) as folder:
        postgres = None
        if args.postgres:
            postgres = lib.Postgres()
            postgres.start()
            print(f"database: {postgres.version()} on 127.0.0.1:{postgres.port}")
        else:
            print(f"database: SQLite {sqlite3.sqlite_version} (WAL)")
        try:
            for size in sizes:
                var_dir = folder / f"var-{size}"
                var_dir.mkdir()
                if postgres is not None:
                    db = postgres.database(f"medinfra_{size}")
                else:
                    db = lib.sqlite_database(var_dir)
                print(f"\n== {size:,} incidents ==", flush=True)
                seconds, summary = lib.generate(db, var_dir, size)
                print(f"  {summary}", flush=True)
                result = SizeResult(size, summary, seconds)
                with lib.serving(db, var_dir) as server:
                    measure_cold(db, server, result)
                    measure_cached(server, result, args.seconds)
                    if db.vendor == "sqlite":
                        measure_datasette(db, var_dir, server, result, args.seconds)
                results.append(result)
                print(f"  load average: {lib.load()}", flush=True)
        finally:
            if postgres is not None:
                postgres.stop()
    growth_table(results, "PostgreSQL" if args.postgres else "SQLite")


if __name__ == "__main__":
    main()
