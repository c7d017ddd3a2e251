"""Reads and writes together: 50 clients read the dashboard while reporters record incidents.

On a generated data set (a million incidents by default), served by `medinfra serve`: wrk keeps
50 connections asking for the home page and the API's figures in turn, and reporters post new
incidents through the API with their tokens, each as fast as it is answered, for 60 seconds.
Every write changes the data version, so the figures are computed again and again while the
reads go on; meanwhile readers get the figures of the version before, at most
MEDINFRA_FIGURES_STALE_SECONDS old (`--stale-seconds`; the server's default otherwise). It
prints the readers' latency percentiles and errors, the writes, and whether every acknowledged
write is in the database (goal: zero errors, no lost write). Run it as

    .venv/bin/python benchmarks/scale_mixed.py [--incidents 1000000] [--postgres]

It prints its figures; it is not a test.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale_lib as lib

READ_PATHS = [
    "/",
    "/api/v1/figures/headline",
    "/api/v1/figures/by-region",
    "/api/v1/figures/by-month",
]

SETUP = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from medinfra.api.services import issue_token
from medinfra.core.roles import ensure_role_groups
from medinfra.core.services import system_actor
from medinfra.incidents.models import Incident
from medinfra.geography.models import Region
from medinfra.sources.models import Source

ensure_role_groups()
tokens = []
for n in range({reporters}):
    user = get_user_model().objects.create_user(username=f"bench-reporter-{{n}}")
    user.groups.add(Group.objects.get(name="reporter"))
    tokens.append(issue_token(user, name="benchmark", actor=system_actor())[1])
print(json.dumps({{
    "tokens": tokens,
    "source": Source.objects.order_by("pk").values_list("pk", flat=True).first(),
    "regions": list(Region.objects.values_list("code", flat=True)),
    "incidents": Incident.all_objects.count(),
}}))
"""

COUNT = """
from medinfra.incidents.models import Incident
ids = {ids}
print(json.dumps({{
    "incidents": Incident.all_objects.count(),
    "found": Incident.all_objects.filter(pk__in=ids).count(),
}}))
"""


@dataclass
class Reporter:
    """One reporter: posts incidents one after the other until the time is up."""

    port: int
    token: str
    source: int
    regions: list[str]
    deadline: float
    seed: int
    ids: list[int] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def run(self) -> None:
        rng = random.Random(self.seed)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        while time.monotonic() < self.deadline:
            body = json.dumps(
                {
                    "occurred_on": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    "region": rng.choice(self.regions),
                    "attack_types": ["heavy_weapons"],
                    "resources": ["facility"],
                    "sources": [self.source],
                    "certainty": "probable",
                    "description": "Benchmark report (synthetic).",
                }
            )
            started = time.perf_counter()
            try:
                connection.request(
                    "POST",
                    "/api/v1/incidents",
                    body=body,
                    headers={
                        "Authorization": f"Bearer {self.token}",
                        "Content-Type": "application/json",
                    },
                )
                response = connection.getresponse()
                answer = response.read()
            except (OSError, http.client.HTTPException) as error:
                self.errors.append(repr(error))
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                continue
            self.latencies.append(time.perf_counter() - started)
            if response.status == 201:
                self.ids.append(int(json.loads(answer)["id"]))
            else:
                self.errors.append(f"{response.status}: {answer[:200]!r}")
        connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--reporters", type=int, default=4)
    parser.add_argument(
        "--threads", type=int, default=None, help="threads per server process (serve's default)"
    )
    parser.add_argument(
        "--stale-seconds",
        type=int,
        default=None,
        help="MEDINFRA_FIGURES_STALE_SECONDS of the server (its default otherwise)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    args = parser.parse_args()
    if args.stale_seconds is not None:  # the server started below inherits it
        os.environ["MEDINFRA_FIGURES_STALE_SECONDS"] = str(args.stale_seconds)
    stale = os.environ.get("MEDINFRA_FIGURES_STALE_SECONDS")
    stale = f"{stale} s" if stale else "the server's default time"
    print(f"machine: {lib.machine()}; load average at start: {lib.load()}")
    with lib.workspace("medinfra-bench-mixed-", keep=args.keep) as folder:
        postgres = None
        var_dir = folder / "var"
        var_dir.mkdir()
        if args.postgres:
            postgres = lib.Postgres()
            postgres.start()
            db = postgres.database("medinfra")
            print(f"database: {postgres.version()}")
        else:
            db = lib.sqlite_database(var_dir)
            print(f"database: SQLite {sqlite3.sqlite_version} (WAL)")
        try:
            _, summary = lib.generate(db, var_dir, args.incidents)
            print(summary, flush=True)
            setup = lib.django_snippet(db, var_dir, SETUP.format(reporters=args.reporters))
            with lib.serving(db, var_dir, threads=args.threads) as server:
                for path in READ_PATHS:  # the first answers are computed before the clock runs
                    lib.warm(server.port, path)
                script = lib.round_robin_script(folder, READ_PATHS)
                deadline = time.monotonic() + args.seconds
                reporters = [
                    Reporter(
                        server.port, token, setup["source"], setup["regions"], deadline, seed=n
                    )
                    for n, token in enumerate(setup["tokens"])
                ]
                threads = [threading.Thread(target=r.run) for r in reporters]
                for thread in threads:
                    thread.start()
                reads = lib.wrk(
                    server.base + "/",
                    connections=args.readers,
                    seconds=args.seconds,
                    threads=2,
                    script=script,
                )
                for thread in threads:
                    thread.join()
            ids = [pk for r in reporters for pk in r.ids]
            after = lib.django_snippet(db, var_dir, COUNT.format(ids=ids))
        finally:
            if postgres is not None:
                postgres.stop()
    latencies = [s for r in reporters for s in r.latencies]
    errors = [e for r in reporters for e in r.errors]
    lost = len(ids) - after["found"]
    extra = after["incidents"] - setup["incidents"] - len(ids)
    threads = f"{args.threads} threads" if args.threads else "serve's default threads"
    print(
        f"\n{args.readers} readers ({', '.join(READ_PATHS)} in turn) and {args.reporters} "
        f"reporters for {args.seconds} s ({threads} per server process; older figures served "
        f"for at most {stale} while newer ones are computed):"
    )
    print(
        f"{'who':<10}{'requests':>10}{'per s':>8}{'p50 ms':>9}{'p75 ms':>9}{'p90 ms':>9}"
        f"{'p99 ms':>9}{'errors':>8}"
    )
    r = reads.latency_ms
    print(
        f"{'readers':<10}{reads.requests:>10,}{reads.per_second:>8.0f}{r['50']:>9.1f}"
        f"{r['75']:>9.1f}{r['90']:>9.1f}{r['99']:>9.1f}{reads.errors:>8}"
    )
    w = [percentile(latencies, q) * 1000 for q in (0.5, 0.75, 0.9, 0.99)]
    print(
        f"{'reporters':<10}{len(latencies):>10,}{len(latencies) / args.seconds:>8.1f}"
        + "".join(f"{v:>9.1f}" for v in w)
        + f"{len(errors):>8}"
    )
    print(
        f"\nwrites acknowledged: {len(ids):,}; found in the database: {after['found']:,}; "
        f"lost: {lost}; rows beyond the acknowledged ones: {extra}"
    )
    for error in errors[:5]:
        print(f"  write error: {error}")
    print(f"load average at the end: {lib.load()}")
    print(
        "goal: zero errors, no lost write — "
        + ("met" if reads.errors == 0 and not errors and lost == 0 and extra == 0 else "NOT met")
    )


if __name__ == "__main__":
    main()
