"""An import killed at any moment (SIGKILL: no clean-up, no rollback by the process) leaves the
database sound: it passes its integrity check, holds all or none of the file's rows, its
import runs say what happened, and the audit chain verifies.

Each kill runs `medinfra import` in its own process against a real database file (SQLite) or
database (PostgreSQL, when DATABASE_URL names one), copied from one migrated template.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import pytest

pytestmark = pytest.mark.slow

ROWS = 2000
KILLS = 20
SEED = 20240229
SOURCE_ID = "kill-test-source"
REGIONS = ("UA-63", "UA-46", "UA-14", "UA-32", "UA-12", "UA-48", "UA-30", "UA-18")
ATTACK_TYPES = ("heavy_weapons", "individual_weapons", "psychological", "obstruction", "other")
RESOURCES = ("facility", "transport", "personnel", "patient", "supplies")
# What a kill can interrupt, told apart by what the database holds afterwards.
BEFORE_RUN = "before the run was recorded"
MID_IMPORT = "mid-import (rolled back)"
AFTER_COMMIT = "after the commit"


def medinfra_command() -> list[str]:
    script = Path(sys.executable).with_name("medinfra")
    return [str(script)] if script.exists() else [sys.executable, "-m", "medinfra.cli"]


def write_sources(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "publisher", "title", "url"])
        writer.writerow([SOURCE_ID, "Reliability tests", "Incidents for the kill test", ""])
    return path


def write_incidents(path: Path, rows: int, seed: int) -> Path:
    """A file of valid, distinct incidents (each with its own id)."""
    rnd = random.Random(seed)
    start = dt.date(2022, 2, 24)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "id",
                "occurred_on",
                "region",
                "settlement",
                "attack_types",
                "resources",
                "health_workers_killed",
                "patients_injured",
                "certainty",
                "public_summary",
                "sources",
            ]
        )
        for number in range(rows):
            writer.writerow(
                [
                    f"kill-{number:05d}",
                    (start + dt.timedelta(days=rnd.randrange(900))).isoformat(),
                    rnd.choice(REGIONS),
                    rnd.choice(["", "Kharkiv", "Lviv", "Kyiv"]),
                    ";".join(rnd.sample(ATTACK_TYPES, rnd.randint(1, 2))),
                    ";".join(rnd.sample(RESOURCES, rnd.randint(1, 2))),
                    rnd.randint(0, 3),
                    rnd.randint(0, 9),
                    rnd.choice(["confirmed", "probable", "possible"]),
                    f"Reliability test incident {number}",
                    SOURCE_ID,
                ]
            )
    return path


@dataclass
class Contents:
    """What one database holds after a kill."""

    integrity: str
    incident_ids: set[str]
    attack_type_rows: int
    resource_rows: int
    source_links: int
    runs: list[tuple[str, bool, int, int]]  # (status, dry_run, created, rows_done)


class Store(Protocol):
    """A database for one run, made from the template."""

    def environment(self, name: str) -> dict[str, str]: ...
    def copy(self, name: str) -> None: ...
    def settle(self, name: str) -> None: ...
    def contents(self, name: str) -> Contents: ...
    def indexes(self, name: str) -> set[tuple[str, str]]: ...
    def discard(self, name: str) -> None: ...


def base_environment(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DATABASE_URL"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "medinfra.settings",
            "MEDINFRA_VAR_DIR": str(var_dir),
            "MEDINFRA_LOG_LEVEL": "WARNING",
            "MEDINFRA_SECRET_KEY": "reliability-kill-test-" + "k" * 40,
        }
    )
    return env


_QUERIES = {
    "incident_ids": "SELECT external_id FROM incidents_incident",
    "attack_type_rows": "SELECT count(*) FROM incidents_incidentattacktype",
    "resource_rows": "SELECT count(*) FROM incidents_incidentresource",
    "source_links": "SELECT count(*) FROM incidents_incident_sources",
    "runs": (
        "SELECT status, dry_run, created, rows_done FROM exchange_importrun "
        "WHERE kind = 'incidents' ORDER BY id"
    ),
}
# The tables an incidents import writes, whose indexes a large import drops for its load.
WRITTEN_TABLES = (
    "incidents_incident",
    "incidents_incidentattacktype",
    "incidents_incidentresource",
    "incidents_incident_sources",
    "core_auditevent",
)


class SqliteStore:
    """A SQLite file per run, copied from the template's folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, name: str) -> Path:
        return self.root / name

    def environment(self, name: str) -> dict[str, str]:
        self.folder(name).mkdir(exist_ok=True)
        return base_environment(self.folder(name))

    def database(self, name: str) -> Path:
        return self.folder(name) / "medinfra.sqlite3"

    def copy(self, name: str) -> None:
        self.folder(name).mkdir(exist_ok=True)
        source = sqlite3.connect(self.database("template"))
        target = sqlite3.connect(self.database(name))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()

    def settle(self, name: str) -> None:
        """A killed SQLite process holds nothing: its journal is read by the next opener."""

    def contents(self, name: str) -> Contents:
        # Opening the file replays (or discards) what the killed process left in the WAL.
        connection = sqlite3.connect(self.database(name))
        try:
            integrity = ", ".join(r[0] for r in connection.execute("PRAGMA integrity_check"))
            broken_keys = connection.execute("PRAGMA foreign_key_check").fetchall()
            if broken_keys:
                integrity += f"; foreign keys broken: {broken_keys[:5]}"
            return Contents(
                integrity=integrity,
                incident_ids={r[0] for r in connection.execute(_QUERIES["incident_ids"])},
                attack_type_rows=connection.execute(_QUERIES["attack_type_rows"]).fetchone()[0],
                resource_rows=connection.execute(_QUERIES["resource_rows"]).fetchone()[0],
                source_links=connection.execute(_QUERIES["source_links"]).fetchone()[0],
                runs=[(s, bool(d), c, r) for s, d, c, r in connection.execute(_QUERIES["runs"])],
            )
        finally:
            connection.close()

    def indexes(self, name: str) -> set[tuple[str, str]]:
        connection = sqlite3.connect(self.database(name))
        try:
            return set(
                connection.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN "  # noqa: S608 - placeholders only
                    f"({', '.join('?' * len(WRITTEN_TABLES))})",
                    WRITTEN_TABLES,
                )
            )
        finally:
            connection.close()

    def discard(self, name: str) -> None:
        shutil.rmtree(self.folder(name), ignore_errors=True)


class PostgresStore:
    """A PostgreSQL database per run, created from the template database."""

    def __init__(self, root: Path, url: str) -> None:
        self.root = root
        self.url = url
        self.prefix = f"medinfra_kill_{os.getpid()}"
        self.made: list[str] = []

    def _url(self, database: str) -> str:
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(path="/" + database))

    def _connect(self, database: str) -> Any:
        import psycopg

        return psycopg.connect(self._url(database), autocommit=True)

    def _name(self, name: str) -> str:
        return f"{self.prefix}_{name}"

    def environment(self, name: str) -> dict[str, str]:
        (self.root / name).mkdir(exist_ok=True)
        env = base_environment(self.root / name)
        env["DATABASE_URL"] = self._url(self._name(name))
        return env

    def create_template(self) -> None:
        with self._connect("postgres") as admin:
            admin.execute(f'CREATE DATABASE "{self._name("template")}"')
        self.made.append(self._name("template"))

    def copy(self, name: str) -> None:
        with self._connect("postgres") as admin:
            admin.execute(
                f'CREATE DATABASE "{self._name(name)}" TEMPLATE "{self._name("template")}"'
            )
        self.made.append(self._name(name))

    def settle(self, name: str) -> None:
        """Wait until the server has ended the killed client's session (and rolled it back)."""
        deadline = time.monotonic() + 60
        with self._connect("postgres") as admin:
            while time.monotonic() < deadline:
                row = admin.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self._name(name)]
                ).fetchone()
                if row is not None and row[0] == 0:
                    return
                time.sleep(0.05)
        raise AssertionError(f"the server still serves the killed import of {name}")

    def contents(self, name: str) -> Contents:
        with self._connect(self._name(name)) as connection:
            # PostgreSQL's counterpart of SQLite's integrity check: amcheck verifies each
            # B-tree index of the tables an import writes against the table it indexes.
            connection.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
            indexes = connection.execute(
                "SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_class t ON t.oid = i.indrelid "
                "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE a.amname = 'btree' AND n.nspname = 'public' AND i.indisvalid "
                "AND (t.relname LIKE 'incidents%%' OR t.relname LIKE 'core_audit%%' "
                "OR t.relname LIKE 'exchange%%')"
            ).fetchall()
            assert len(indexes) >= 5, indexes
            for (oid,) in indexes:
                connection.execute("SELECT bt_index_check(%s::regclass, true)", [oid])
            return Contents(
                integrity="ok",
                incident_ids={r[0] for r in connection.execute(_QUERIES["incident_ids"])},
                attack_type_rows=connection.execute(_QUERIES["attack_type_rows"]).fetchone()[0],
                resource_rows=connection.execute(_QUERIES["resource_rows"]).fetchone()[0],
                source_links=connection.execute(_QUERIES["source_links"]).fetchone()[0],
                runs=[tuple(r) for r in connection.execute(_QUERIES["runs"])],
            )

    def indexes(self, name: str) -> set[tuple[str, str]]:
        with self._connect(self._name(name)) as connection:
            return {
                (str(n), str(d))
                for n, d in connection.execute(
                    "SELECT indexname, indexdef FROM pg_indexes "
                    "WHERE schemaname = 'public' AND tablename = ANY(%s)",
                    [list(WRITTEN_TABLES)],
                )
            }

    def discard(self, name: str) -> None:
        with self._connect("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self._name(name)}" WITH (FORCE)')
        if self._name(name) in self.made:
            self.made.remove(self._name(name))

    def discard_all(self) -> None:
        with self._connect("postgres") as admin:
            for database in list(self.made):
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        self.made.clear()


def run(store: Store, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [*medinfra_command(), *args],
        env=store.environment(name),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-2000:])
    return done


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The template: migrated, the country's regions loaded, the file's source imported."""
    root = tmp_path_factory.mktemp("kill")
    url = os.environ.get("DATABASE_URL", "")
    made: SqliteStore | PostgresStore
    if url.startswith(("postgres://", "postgresql://")):
        made = PostgresStore(root, url)
        made.create_template()
    else:
        made = SqliteStore(root)
    try:
        run(made, "template", "migrate", "-v0")
        run(made, "template", "load_regions")
        sources = write_sources(root / "sources.csv")
        run(made, "template", "import", str(sources), "--kind", "sources", "--no-progress")
        yield made
    finally:
        if isinstance(made, PostgresStore):
            made.discard_all()


def start_import(store: Store, name: str, path: Path, *, watch: bool) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*medinfra_command(), "import", str(path), "--kind", "incidents"],
        env=store.environment(name),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE if watch else subprocess.DEVNULL,
    )


def first_row_of(process: subprocess.Popen[bytes]) -> threading.Event:
    """Set when the import's progress bar first shows (its first row), or when it exits."""
    seen = threading.Event()

    def watch() -> None:
        assert process.stderr is not None
        while chunk := process.stderr.read1(4096):  # type: ignore[attr-defined]
            if b"%" in chunk:
                seen.set()
        seen.set()

    threading.Thread(target=watch, daemon=True).start()
    return seen


def measure(store: Store, path: Path) -> tuple[float, float]:
    """Seconds from launch to the first row read (the progress bar's first line), and to exit."""
    store.copy("measure")
    started = time.monotonic()
    process = start_import(store, "measure", path, watch=True)
    first_row: list[float] = []

    def watch() -> None:
        assert process.stderr is not None
        while chunk := process.stderr.read1(4096):  # type: ignore[attr-defined]
            if not first_row and b"%" in chunk:
                first_row.append(time.monotonic() - started)

    reader = threading.Thread(target=watch)
    reader.start()
    assert process.wait(timeout=300) == 0
    total = time.monotonic() - started
    reader.join()
    contents = store.contents("measure")
    assert len(contents.incident_ids) == ROWS
    store.discard("measure")
    return (first_row[0] if first_row else total / 2), total


def outcome_of(contents: Contents, expected: set[str]) -> str:
    """What the kill interrupted; fails when the database holds a part of the file."""
    assert contents.integrity == "ok", contents.integrity
    if contents.incident_ids:
        assert contents.incident_ids == expected, (
            f"{len(contents.incident_ids)} of {len(expected)} rows"
        )
        assert contents.attack_type_rows >= len(expected)
        assert contents.resource_rows >= len(expected)
        assert contents.source_links == len(expected)
        assert [(s, d, c) for s, d, c, _r in contents.runs] == [("succeeded", False, ROWS)], (
            contents.runs
        )
        return AFTER_COMMIT
    assert contents.attack_type_rows == contents.resource_rows == contents.source_links == 0
    # The killed run's record says it never finished, and claims no rows.
    assert all(s in ("pending", "running") and c == 0 for s, _d, c, _r in contents.runs), (
        contents.runs
    )
    assert len(contents.runs) <= 1
    return MID_IMPORT if contents.runs else BEFORE_RUN


def test_an_import_killed_at_any_moment_leaves_all_or_none_and_a_sound_database(
    store: Store, tmp_path: Path
) -> None:
    path = write_incidents(tmp_path / "incidents.csv", ROWS, SEED)
    expected = {f"kill-{n:05d}" for n in range(ROWS)}
    first_row, total = measure(store, path)
    rnd = random.Random(SEED)
    # From just before the first row is read to a little after the import ends on its own, as
    # shares of the time the rows took: each kill is timed from its own run's first row, since
    # the start-up before it varies more on a busy machine than the import itself takes.
    shares = [rnd.uniform(-0.15, 1.1) for _ in range(KILLS)]
    span = max(total - first_row, 0.05)

    outcomes: Counter[str] = Counter()
    killed = 0

    def kill_at(number: int, share: float) -> None:
        nonlocal killed
        name = f"kill-{number}"
        store.copy(name)
        process = start_import(store, name, path, watch=True)
        reading = first_row_of(process)
        if share < 0:
            delay = max(first_row * (1 + share), 0.0)  # before the first row, as measured
        else:
            reading.wait(timeout=300)
            delay = share * span
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            killed += process.wait() == -signal.SIGKILL
        store.settle(name)
        outcomes[outcome_of(store.contents(name), expected)] += 1
        verified = subprocess.run(
            [*medinfra_command(), "audit", "verify"],
            env=store.environment(name),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert verified.returncode == 0, (name, delay, verified.stderr[-2000:])
        store.discard(name)

    for number, share in enumerate(shares):
        kill_at(number, share)
    # The kills must hit the import itself, not only its start-up and its end. A run can be
    # faster than the one measured (a quieter machine), which moves the kills towards the
    # end: more kills, early in the rows, until a quarter of them were mid-import.
    extra = 0
    while outcomes[MID_IMPORT] < KILLS // 4 and extra < KILLS:
        kill_at(KILLS + extra, rnd.uniform(0.0, 0.5))
        extra += 1

    print(
        f"\nimport of {ROWS:,} incidents: {first_row:.1f} s to the first row, {total:.1f} s in "
        f"all; {KILLS + extra} kills ({killed} of them while the process ran): "
        + ", ".join(f"{outcomes[k]} {k}" for k in (BEFORE_RUN, MID_IMPORT, AFTER_COMMIT))
    )
    assert sum(outcomes.values()) == KILLS + extra
    assert outcomes[MID_IMPORT] >= KILLS // 4


# `medinfra import`, killed the moment its rows are committed, before anything else is written.
KILL_AFTER_COMMIT = """
import contextlib, os, signal, sys
import django
django.setup()
from django.db import transaction
from medinfra.exchange import services
from medinfra.cli import main

batch = services.audit_batch

@contextlib.contextmanager
def killed_on_commit():
    with batch():
        transaction.on_commit(lambda: os.kill(os.getpid(), signal.SIGKILL))
        yield

services.audit_batch = killed_on_commit
main(sys.argv[1:])
"""


def test_a_kill_just_after_the_commit_leaves_a_run_that_says_it_succeeded(
    store: Store, tmp_path: Path
) -> None:
    rows = 50
    path = write_incidents(tmp_path / "incidents.csv", rows, SEED + 1)
    store.copy("after-commit")
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AFTER_COMMIT, "import", str(path), "--kind", "incidents"],
        env=store.environment("after-commit"),
        capture_output=True,
        timeout=300,
        check=False,
    )
    store.settle("after-commit")

    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    contents = store.contents("after-commit")
    assert contents.integrity == "ok"
    assert contents.incident_ids == {f"kill-{n:05d}" for n in range(rows)}
    assert [(s, d, c, r) for s, d, c, r in contents.runs] == [("succeeded", False, rows, rows)]
    store.discard("after-commit")


def test_a_killed_run_is_recorded_as_interrupted_when_the_next_run_starts(
    store: Store, tmp_path: Path
) -> None:
    path = write_incidents(tmp_path / "incidents.csv", ROWS * 5, SEED + 2)
    store.copy("interrupted")
    process = start_import(store, "interrupted", path, watch=False)
    deadline = time.monotonic() + 120
    # Killed once its run says it is running: the record that would say so for ever.
    while not [r for r in store.contents("interrupted").runs if r[0] == "running"]:
        assert process.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() < deadline, "the run was never recorded as running"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    store.settle("interrupted")
    assert [r[0] for r in store.contents("interrupted").runs] == ["running"]

    checked = run(store, "interrupted", "import", str(path), "--kind", "incidents", "--dry-run")

    # The command names the interrupted run (in the language of the installation).
    assert re.search(r"import run \d+ \(incidents\.csv\): ", checked.stderr), checked.stderr
    runs = store.contents("interrupted").runs
    assert [(s, d) for s, d, _c, _r in runs] == [("interrupted", False), ("succeeded", True)]
    assert not store.contents("interrupted").incident_ids
    store.discard("interrupted")


# `medinfra import` of a large file, killed while it writes its third chunk of rows; it first
# says how many plain indexes of the written tables its own transaction sees then.
KILL_DURING_LARGE_LOAD = """
import os, signal, sys
import django
django.setup()
from django.db import connection
from medinfra.cli import main
from medinfra.core.bulk import plain_indexes
from medinfra.exchange.services.kinds import IncidentImporter

apply = IncidentImporter.apply
calls = []

def killed_in_third_chunk(importer, rows):
    calls.append(len(rows))
    if len(calls) == 3:
        left = plain_indexes(connection, sys.argv[1].split(","))
        sys.stderr.write(f"plain indexes during the load: {len(left)}\\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    apply(importer, rows)

IncidentImporter.apply = killed_in_third_chunk
main(sys.argv[2:])
"""


def test_a_large_import_killed_during_its_load_leaves_every_index(
    store: Store, tmp_path: Path
) -> None:
    from medinfra.exchange.services.kinds import INDEXES_AFTER_ROWS

    path = write_incidents(tmp_path / "incidents.csv", INDEXES_AFTER_ROWS + 500, SEED + 3)
    store.copy("large")
    before = store.indexes("large")
    assert any(not sql.upper().startswith("CREATE UNIQUE") for _, sql in before if sql)

    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            KILL_DURING_LARGE_LOAD,
            ",".join(WRITTEN_TABLES),
            "import",
            str(path),
            "--kind",
            "incidents",
        ],
        env=store.environment("large"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    store.settle("large")

    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    during = re.search(r"plain indexes during the load: (\d+)", killed.stderr)
    assert during is not None, killed.stderr[-2000:]
    if isinstance(store, SqliteStore):
        assert during[1] == "0"  # the load ran without them
    contents = store.contents("large")
    assert contents.integrity == "ok"
    assert not contents.incident_ids
    assert [s for s, _d, _c, _r in contents.runs] == ["running"]
    assert store.indexes("large") == before  # the drop went with the rollback
    store.discard("large")
