"""What the scale benchmarks share: databases, the server, the load tool, the bare SQL.

Used by scale_figures.py and scale_mixed.py; not a benchmark itself. Everything runs on
loopback in a working folder under /tmp that the scripts remove at the end.
"""

# ruff: noqa: S608 - the SQL below is assembled from fixed text; values go in as parameters
from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COUNTRY = "UA"
# incidents: (facilities, vehicles); the largest is the data set the design names.
SIZES = {10_000: (1_000, 500), 100_000: (10_000, 5_000), 1_000_000: (100_000, 50_000)}
STATIC = "/static/medinfra/site.js"  # the small static file the cached reads are set beside


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def machine() -> str:
    """One line about this machine: processor, cores, memory, system."""
    model = "unknown processor"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory = next(
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memory = 0
    system = f"{os.uname().sysname} {os.uname().release}"
    return f"{model}, {os.cpu_count()} cores, {memory:,} MB memory, {system}"


def load() -> str:
    """The load averages over 1, 5 and 15 minutes (other work on a shared machine shows here)."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# -- databases -----------------------------------------------------------------------------------


@dataclass
class Database:
    """One database the benchmark made: an SQLite file or a PostgreSQL database."""

    vendor: str  # "sqlite" or "postgresql"
    url: str
    path: Path | None = None  # the SQLite file
    conninfo: str = ""  # PostgreSQL

    def connect(self) -> Any:
        if self.vendor == "sqlite":
            assert self.path is not None
            return sqlite3.connect(self.path)
        import psycopg

        return psycopg.connect(self.conninfo, autocommit=True)

    def env(self, var_dir: Path) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.url,
            "MEDINFRA_VAR_DIR": str(var_dir),
            "DJANGO_SETTINGS_MODULE": "medinfra.settings",
        }


def sqlite_database(folder: Path) -> Database:
    path = folder / "medinfra.sqlite3"
    return Database("sqlite", f"sqlite:///{path}", path=path)


class Postgres:
    """A PostgreSQL server of our own on loopback, in a folder of its own."""

    def __init__(self) -> None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name)
        if not found:
            raise SystemExit("PostgreSQL is not installed (scripts/install-system-packages)")
        self.bin = found[-1]
        # A folder of its own, which the server's account can enter.
        self.folder = Path(tempfile.mkdtemp(prefix="medinfra-bench-pg-", dir="/tmp"))
        self.port = free_port()
        # PostgreSQL refuses to run as root: the Debian package's postgres account owns it.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []

    def run(self, *args: str) -> None:
        subprocess.run([*self.as_owner, *args], check=True, capture_output=True)  # noqa: S603

    def start(self) -> None:
        if self.as_owner:
            shutil.chown(self.folder, "postgres", "postgres")
        data = self.folder / "data"
        self.run(
            str(self.bin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        # Durable (fsync on); commits do not wait for the disk, as SQLite's WAL mode with
        # synchronous=NORMAL does not; memory for a data set of a few GB.
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.folder} -c synchronous_commit=off "
            "-c shared_buffers=512MB -c work_mem=64MB -c effective_cache_size=4GB "
            "-c max_connections=200"
        )
        self.run(
            str(self.bin / "pg_ctl"), "-D", str(data), "-w", "-l", str(self.folder / "server.log"),
            "-o", options, "start",
        )  # fmt: skip

    def stop(self) -> None:
        subprocess.run(  # noqa: S603
            [*self.as_owner, str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m",
             "fast", "-w", "stop"],
            capture_output=True,
        )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)

    def database(self, name: str) -> Database:
        self.run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                 "postgres", name)  # fmt: skip
        return Database(
            "postgresql",
            f"postgres://postgres@127.0.0.1:{self.port}/{name}",
            conninfo=f"host=127.0.0.1 port={self.port} user=postgres dbname={name}",
        )

    def version(self) -> str:
        out = subprocess.run(  # noqa: S603
            [str(self.bin / "postgres"), "--version"], capture_output=True, text=True, check=True
        )
        return out.stdout.strip()


@contextmanager
def workspace(prefix: str, keep: bool = False) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    try:
        yield folder
    finally:
        if keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def generate(db: Database, var_dir: Path, incidents: int, *, seed: int = 1) -> tuple[float, str]:
    """`medinfra generate` into the database; its seconds (the generator's own) and summary."""
    facilities, vehicles = SIZES.get(incidents, (max(1, incidents // 10), max(1, incidents // 20)))
    out = subprocess.run(  # noqa: S603 - our own command
        [
            str(BIN / "medinfra"), "generate", f"--incidents={incidents}",
            f"--facilities={facilities}", f"--vehicles={vehicles}", f"--seed={seed}",
        ],
        env=db.env(var_dir), check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout  # fmt: skip
    summary = out.strip().splitlines()[-1]
    seconds = float(re.search(r"Generated in ([\d.]+) s", summary).group(1))  # type: ignore[union-attr]
    return seconds, summary


def django_snippet(db: Database, var_dir: Path, code: str) -> Any:
    """Run Python with Django set up on the database; what it prints last, read as JSON."""
    program = "import django, json\ndjango.setup()\n" + code
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", program],
        env=db.env(var_dir), check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


# -- serving -------------------------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    base: str

    def stop(self) -> None:
        # The server and its workers are in a process group of their own, started here.
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def wait_for(port: int, path: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, _, _ = get(port, path, timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"nothing answered on port {port} within {seconds:.0f} s")


@contextmanager
def serving(db: Database, var_dir: Path, *, threads: int | None = None) -> Iterator[Server]:
    """medinfra under gunicorn, as `medinfra serve` runs it (its default workers and threads)."""
    port = free_port()
    options = ["--threads", str(threads)] if threads else []
    process = subprocess.Popen(  # noqa: S603
        [str(BIN / "medinfra"), "serve", "--host", "127.0.0.1", "--port", str(port), *options],
        env=db.env(var_dir), cwd=ROOT, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=open(var_dir / "server.log", "ab"),  # noqa: SIM115
    )  # fmt: skip
    server = Server(process, port, f"http://127.0.0.1:{port}")
    try:
        wait_for(port, "/healthz")
        yield server
    finally:
        server.stop()


@contextmanager
def datasette(db: Database, var_dir: Path) -> Iterator[Server]:
    """Datasette serving the same SQLite file, set up to answer facets in full."""
    assert db.path is not None
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "datasette"), "serve", str(db.path), "-h", "127.0.0.1", "-p", str(port),
            # Facets are computed to the end, not cut off after 200 ms; no suggested facets.
            "--setting", "facet_time_limit_ms", "600000",
            "--setting", "sql_time_limit_ms", "600000",
            "--setting", "suggest_facets", "off",
        ],
        cwd=var_dir, start_new_session=True, stdout=subprocess.DEVNULL,
        stderr=open(var_dir / "datasette.log", "ab"),  # noqa: SIM115
    )  # fmt: skip
    server = Server(process, port, f"http://127.0.0.1:{port}")
    try:
        wait_for(port, "/-/versions.json")
        yield server
    finally:
        server.stop()


def get(
    port: int, path: str, *, headers: dict[str, str] | None = None, timeout: float = 600
) -> tuple[int, bytes, float]:
    """One request on a new connection: status, body and seconds until the body was read."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Accept-Language": "en", **(headers or {})})
        response = connection.getresponse()
        body = response.read()
        return response.status, body, time.perf_counter() - started
    finally:
        connection.close()


def csrf_cookie(port: int) -> str:
    """The CSRF cookie (name=value) the home page gives a new reader."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        connection.request("GET", "/", headers={"Accept-Language": "en"})
        response = connection.getresponse()
        response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("csrftoken="):
                return value.split(";", 1)[0]
    finally:
        connection.close()
    raise SystemExit("the home page set no CSRF cookie")


def warm(port: int, path: str, *, fast: float = 0.1, in_a_row: int = 12, most: int = 200) -> None:
    """Ask until every server process has the answer cached: many fast answers in a row."""
    streak = 0
    for _ in range(most):
        _, _, seconds = get(port, path)
        streak = streak + 1 if seconds < fast else 0
        if streak >= in_a_row:
            return


# -- the load tool -------------------------------------------------------------------------------


@dataclass
class Load:
    """What wrk measured."""

    requests: int
    seconds: float
    per_second: float
    latency_ms: dict[str, float]  # "avg", "50", "75", "90", "99"
    non_2xx: int
    socket_errors: int

    @property
    def errors(self) -> int:
        return self.non_2xx + self.socket_errors


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * UNITS[unit]


def wrk(
    url: str,
    *,
    connections: int,
    seconds: int,
    threads: int = 1,
    script: Path | None = None,
    headers: dict[str, str] | None = None,
) -> Load:
    """wrk's figures for a closed loop of this many connections over keep-alive."""
    tool = shutil.which("wrk")
    if tool is None:
        raise SystemExit("wrk is not installed (scripts/install-system-packages)")
    command = [
        tool, "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency",
        "--timeout", "120s",
    ]  # fmt: skip
    for name, value in {"Accept-Language": "en", **(headers or {})}.items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run(  # noqa: S603
        [*command, url], check=True, capture_output=True, text=True
    ).stdout
    latency = {"avg": _ms(re.search(r"Latency\s+(\S+)", out).group(1))}  # type: ignore[union-attr]
    for percent, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.MULTILINE):
        latency[percent] = _ms(value)
    done = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    assert done is not None, out
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    return Load(
        requests=int(done.group(1)),
        seconds=_ms(done.group(2) + done.group(3)) / 1000,
        per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        latency_ms=latency,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


def round_robin_script(folder: Path, paths: list[str]) -> Path:
    """A wrk script that asks for the paths in turn."""
    script = folder / "paths.lua"
    listed = ", ".join(json.dumps(p) for p in paths)
    script.write_text(
        f"local paths = {{{listed}}}\n"
        "local n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        "  return wrk.format('GET', paths[(n % #paths) + 1])\n"
        "end\n"
    )
    return script


# -- the bare SQL: the same numbers, straight from the tables ----------------------------------

IN_COUNTRY = (
    "JOIN geography_region r ON r.id = {t}.region_id "
    "JOIN geography_country c ON c.id = r.country_id AND c.code = :country"
)

# Table and column names only are put together here; the values are parameters.
SQL = {
    "regions": (
        "SELECT r.id, r.code, r.access_status FROM geography_region r "
        "JOIN geography_country c ON c.id = r.country_id WHERE c.code = :country ORDER BY r.code"
    ),
    # Facilities by worst condition ever, latest restoration milestone, latest functionality.
    "damage": """
WITH a AS (
  SELECT facility_id, assessed_on, id, condition, functionality FROM facilities_assessment
  WHERE retracted_at IS NULL AND assessed_on <= :d
), worst AS (
  SELECT facility_id, MAX(CASE WHEN condition = 'destroyed' THEN 1 ELSE 0 END) AS destroyed
  FROM a GROUP BY facility_id
  HAVING MAX(CASE WHEN condition IN ('partial', 'destroyed') THEN 1 ELSE 0 END) = 1
), functioning AS (
  SELECT facility_id, functionality FROM (
    SELECT facility_id, functionality,
      ROW_NUMBER() OVER (PARTITION BY facility_id ORDER BY assessed_on DESC, id DESC) AS n
    FROM a) AS ranked WHERE n = 1
), milestones AS (
  SELECT facility_id, milestone FROM (
    SELECT facility_id, milestone,
      ROW_NUMBER() OVER (PARTITION BY facility_id ORDER BY restored_on DESC, id DESC) AS n
    FROM facilities_restoration WHERE retracted_at IS NULL AND restored_on <= :d) AS ranked
  WHERE n = 1
)
SELECT f.region_id, COUNT(*), SUM(w.destroyed),
  SUM(CASE WHEN m.milestone = 'fully_restored' THEN 1 ELSE 0 END),
  SUM(CASE WHEN m.milestone = 'partially_restored' THEN 1 ELSE 0 END),
  SUM(CASE WHEN x.functionality IN ('full', 'partial') THEN 1 ELSE 0 END)
FROM worst w
JOIN facilities_facility f ON f.id = w.facility_id AND f.retracted_at IS NULL
"""
    + IN_COUNTRY.format(t="f")
    + """
JOIN functioning x ON x.facility_id = w.facility_id
LEFT JOIN milestones m ON m.facility_id = w.facility_id
GROUP BY f.region_id""",
    "verified": (
        "SELECT i.region_id, COUNT(*) FROM incidents_incident i "
        + IN_COUNTRY.format(t="i")
        + " WHERE i.retracted_at IS NULL AND i.verification = 'verified' AND i.occurred_on <= :d"
        " GROUP BY i.region_id"
    ),
    # Vehicles by the worst status they ever had (destroyed, then seized, then damaged).
    "vehicles": """
SELECT v.region_id,
  SUM(CASE WHEN w.worst = 1 THEN 1 ELSE 0 END),
  SUM(CASE WHEN w.worst = 3 THEN 1 ELSE 0 END),
  SUM(CASE WHEN w.worst = 2 THEN 1 ELSE 0 END)
FROM (
  SELECT vehicle_id,
    MAX(CASE status WHEN 'destroyed' THEN 3 WHEN 'seized' THEN 2 ELSE 1 END) AS worst
  FROM vehicles_vehicleevent WHERE retracted_at IS NULL AND occurred_on <= :d
  GROUP BY vehicle_id) AS w
JOIN vehicles_vehicle v ON v.id = w.vehicle_id AND v.retracted_at IS NULL
"""
    + IN_COUNTRY.format(t="v")
    + "\nGROUP BY v.region_id",
    "attacks_by_month": (
        "SELECT {month_i}, COUNT(*) FROM incidents_incident i "
        + IN_COUNTRY.format(t="i")
        + " WHERE i.retracted_at IS NULL AND i.verification = 'verified' AND i.occurred_on <= :d"
        " GROUP BY 1"
    ),
    "attack_types_by_month": (
        "SELECT {month_i}, t.attack_type, COUNT(*) FROM incidents_incidentattacktype t "
        "JOIN incidents_incident i ON i.id = t.incident_id "
        + IN_COUNTRY.format(t="i")
        + " WHERE i.retracted_at IS NULL AND i.verification = 'verified' AND i.occurred_on <= :d"
        " GROUP BY 1, 2"
    ),
    # Month-end counts: each facility adds +1 to the month a state begins to count and -1 to
    # the month it ends (a state counts from the later of its day and the first damage).
    "damage_by_month": """
WITH a AS (
  SELECT x.facility_id, x.assessed_on, x.id, x.condition, x.functionality
  FROM facilities_assessment x
  JOIN facilities_facility f ON f.id = x.facility_id AND f.retracted_at IS NULL
"""
    + IN_COUNTRY.format(t="f")
    + """
  WHERE x.retracted_at IS NULL AND x.assessed_on <= :d
), firsts AS (
  SELECT facility_id,
    MIN(CASE WHEN condition IN ('partial', 'destroyed') THEN assessed_on END) AS damaged_on,
    MIN(CASE WHEN condition = 'destroyed' THEN assessed_on END) AS destroyed_on
  FROM a GROUP BY facility_id
  HAVING MIN(CASE WHEN condition IN ('partial', 'destroyed') THEN assessed_on END) IS NOT NULL
), working AS (
  SELECT a.facility_id, a.assessed_on AS starts,
    LEAD(a.assessed_on) OVER (PARTITION BY a.facility_id ORDER BY a.assessed_on, a.id) AS ends,
    CASE WHEN a.functionality IN ('full', 'partial') THEN 1 ELSE 0 END AS yes
  FROM a JOIN firsts ON firsts.facility_id = a.facility_id
), restored AS (
  SELECT x.facility_id, x.restored_on AS starts,
    LEAD(x.restored_on) OVER (PARTITION BY x.facility_id ORDER BY x.restored_on, x.id) AS ends,
    x.milestone
  FROM facilities_restoration x JOIN firsts ON firsts.facility_id = x.facility_id
  WHERE x.retracted_at IS NULL AND x.restored_on <= :d
), spans AS (
  SELECT {greatest}(w.starts, f.damaged_on) AS starts, w.ends, 0 AS fully, 0 AS partly,
    1 AS working
  FROM working w JOIN firsts f ON f.facility_id = w.facility_id WHERE w.yes = 1
  UNION ALL
  SELECT {greatest}(x.starts, f.damaged_on), x.ends,
    CASE WHEN x.milestone = 'fully_restored' THEN 1 ELSE 0 END,
    CASE WHEN x.milestone = 'partially_restored' THEN 1 ELSE 0 END, 0
  FROM restored x JOIN firsts f ON f.facility_id = x.facility_id
), changes AS (
  SELECT {month_damaged} AS month, 1 AS damaged, 0 AS destroyed, 0 AS fully, 0 AS partly,
    0 AS working FROM firsts
  UNION ALL SELECT {month_destroyed}, 0, 1, 0, 0, 0 FROM firsts WHERE destroyed_on IS NOT NULL
  UNION ALL SELECT {month_starts}, 0, 0, fully, partly, working FROM spans
    WHERE ends IS NULL OR ends > starts
  UNION ALL SELECT {month_ends}, 0, 0, -fully, -partly, -working FROM spans
    WHERE ends IS NOT NULL AND ends > starts
)
SELECT month,
  SUM(SUM(damaged)) OVER (ORDER BY month), SUM(SUM(destroyed)) OVER (ORDER BY month),
  SUM(SUM(fully)) OVER (ORDER BY month), SUM(SUM(partly)) OVER (ORDER BY month),
  SUM(SUM(working)) OVER (ORDER BY month)
FROM changes GROUP BY month ORDER BY month""",
    # How many of the records behind the figures cite each source (the home page's list).
    "sources": """
WITH damaged AS (
  SELECT DISTINCT a.facility_id FROM facilities_assessment a
  JOIN facilities_facility f ON f.id = a.facility_id AND f.retracted_at IS NULL
"""
    + IN_COUNTRY.format(t="f")
    + """
  WHERE a.retracted_at IS NULL AND a.assessed_on <= :d AND a.condition IN ('partial', 'destroyed')
)
SELECT 'assessments', source_id, COUNT(*) FROM facilities_assessment
  WHERE retracted_at IS NULL AND assessed_on <= :d
  AND facility_id IN (SELECT facility_id FROM damaged) GROUP BY source_id
UNION ALL
SELECT 'restorations', source_id, COUNT(*) FROM facilities_restoration
  WHERE retracted_at IS NULL AND restored_on <= :d
  AND facility_id IN (SELECT facility_id FROM damaged) GROUP BY source_id
UNION ALL
SELECT 'incidents', s.source_id, COUNT(*) FROM incidents_incident_sources s
  JOIN incidents_incident i ON i.id = s.incident_id
"""
    + IN_COUNTRY.format(t="i")
    + """
  WHERE i.retracted_at IS NULL AND i.verification = 'verified' AND i.occurred_on <= :d
  GROUP BY s.source_id
UNION ALL
SELECT 'vehicle_events', e.source_id, COUNT(*) FROM vehicles_vehicleevent e
  JOIN vehicles_vehicle v ON v.id = e.vehicle_id AND v.retracted_at IS NULL
"""
    + IN_COUNTRY.format(t="v")
    + """
  WHERE e.retracted_at IS NULL AND e.occurred_on <= :d GROUP BY e.source_id""",
}

DIALECT = {
    "sqlite": {
        "month_i": "substr(i.occurred_on, 1, 7)",
        "greatest": "MAX",
        "month_damaged": "substr(damaged_on, 1, 7)",
        "month_destroyed": "substr(destroyed_on, 1, 7)",
        "month_starts": "substr(starts, 1, 7)",
        "month_ends": "substr(ends, 1, 7)",
    },
    "postgresql": {
        "month_i": "to_char(i.occurred_on, 'YYYY-MM')",
        "greatest": "GREATEST",
        "month_damaged": "to_char(damaged_on, 'YYYY-MM')",
        "month_destroyed": "to_char(destroyed_on, 'YYYY-MM')",
        "month_starts": "to_char(starts, 'YYYY-MM')",
        "month_ends": "to_char(ends, 'YYYY-MM')",
    },
}

# The queries behind each answer: what the bare SQL must compute to give the same numbers.
ANSWERS = {
    "headline": ("regions", "damage", "verified", "vehicles"),
    "by-region": ("regions", "damage", "verified", "vehicles"),
    "by-month": ("attacks_by_month", "attack_types_by_month", "damage_by_month"),
    "home": (
        "regions",
        "damage",
        "verified",
        "vehicles",
        "attacks_by_month",
        "attack_types_by_month",
        "damage_by_month",
        "sources",
    ),
}


def statement(vendor: str, name: str) -> str:
    text = SQL[name]
    for key, value in DIALECT[vendor].items():
        text = text.replace("{" + key + "}", value)
    if vendor == "postgresql":
        text = text.replace(":d", "%(d)s").replace(":country", "%(country)s")
    return text


def bare(
    db: Database, names: tuple[str, ...], as_of: dt.date
) -> tuple[float, dict[str, list[Any]]]:
    """Run the queries on a fresh connection: seconds they took (queries only) and their rows."""
    params: dict[str, Any] = {
        "d": as_of.isoformat() if db.vendor == "sqlite" else as_of,
        "country": COUNTRY,
    }
    connection = db.connect()
    try:
        if db.vendor == "postgresql":
            # PostgreSQL estimates the damaged facilities (a HAVING on an aggregate) at one row
            # and joins them by nested loops that sort the assessments again for each facility:
            # 17 s instead of 0.2 s at 100,000 incidents, a reference no one would keep. The
            # reference is the database's good plan for these queries, so not those loops.
            connection.cursor().execute("SET enable_nestloop = off")
            # As medinfra's own connections (settings.py): no compiling of queries first.
            connection.cursor().execute("SET jit = off")
        rows: dict[str, list[Any]] = {}
        started = time.perf_counter()
        for name in names:
            cursor = connection.cursor()
            cursor.execute(statement(db.vendor, name), params)
            rows[name] = cursor.fetchall()
        return time.perf_counter() - started, rows
    finally:
        connection.close()


def bare_median(
    db: Database, names: tuple[str, ...], as_of: dt.date, runs: int = 3
) -> tuple[float, dict[str, list[Any]]]:
    times: list[float] = []
    rows: dict[str, list[Any]] = {}
    for _ in range(runs):
        seconds, rows = bare(db, names, as_of)
        times.append(seconds)
    return statistics.median(times), rows


# -- the same numbers? ---------------------------------------------------------------------------

DAMAGE_KEYS = (
    "damaged_or_destroyed",
    "partially_damaged",
    "destroyed",
    "fully_restored",
    "partially_restored",
    "back_in_operation",
)


@dataclass
class Expected:
    """The figures the bare SQL gives, in the API's shape."""

    regions: dict[str, dict[str, Any]] = field(default_factory=dict)


def _damage_row(row: Any) -> dict[str, int]:
    total, destroyed, fully, partly, working = (int(v or 0) for v in row[1:6])
    return dict(
        zip(
            DAMAGE_KEYS,
            (total, total - destroyed, destroyed, fully, partly, working),
            strict=True,
        )
    )


def by_region_from(rows: dict[str, list[Any]]) -> list[dict[str, Any]]:
    damage = {r[0]: _damage_row(r) for r in rows["damage"]}
    verified = {r[0]: int(r[1]) for r in rows["verified"]}
    vehicles = {
        r[0]: {"damaged": int(r[1]), "destroyed": int(r[2]), "seized": int(r[3])}
        for r in rows["vehicles"]
    }
    out = []
    for pk, code, access in rows["regions"]:
        out.append(
            {
                "region": code,
                "damage": None
                if access == "inaccessible"
                else damage.get(pk, dict.fromkeys(DAMAGE_KEYS, 0)),
                "attacks_verified": verified.get(pk, 0),
                "vehicles": vehicles.get(pk, {"damaged": 0, "destroyed": 0, "seized": 0}),
                "_damage_counted": damage.get(pk, dict.fromkeys(DAMAGE_KEYS, 0)),
            }
        )
    return out


def differences(answer: str, body: dict[str, Any], rows: dict[str, list[Any]]) -> list[str]:
    """Where the API's answer and the bare SQL's numbers differ (empty: the same numbers)."""
    found: list[str] = []
    if answer == "by-region":
        expected = by_region_from(rows)
        got = {r["region"]: r for r in body["regions"]}
        for row in expected:
            mine = got.get(row["region"])
            for key in ("damage", "attacks_verified", "vehicles"):
                if mine is None or mine[key] != row[key]:
                    found.append(f"{row['region']} {key}")
    elif answer == "headline":
        expected = by_region_from(rows)
        totals = dict.fromkeys(DAMAGE_KEYS, 0)
        for row in expected:  # what is recorded in an inaccessible region still counts
            for key in DAMAGE_KEYS:
                totals[key] += row["_damage_counted"][key]
        if body["damage"] != totals:
            found.append("damage")
        if body["attacks_verified"] != sum(r["attacks_verified"] for r in expected):
            found.append("attacks_verified")
        for key in ("damaged", "destroyed", "seized"):
            if body["vehicles"][key] != sum(r["vehicles"][key] for r in expected):
                found.append(f"vehicles {key}")
    elif answer == "by-month":
        totals = {str(r[0])[:7]: int(r[1]) for r in rows["attacks_by_month"]}
        types: dict[str, dict[str, int]] = {}
        for month, kind, n in rows["attack_types_by_month"]:
            types.setdefault(str(month)[:7], {})[kind] = int(n)
        for point in body["attacks"]:
            month = point["month"][:7]
            if point["total"] != totals.get(month, 0) or point["by_type"] != types.get(month, {}):
                found.append(f"attacks {month}")
        if sum(p["total"] for p in body["attacks"]) != sum(totals.values()):
            found.append("attacks total")
        series = {str(r[0])[:7]: [int(v) for v in r[1:]] for r in rows["damage_by_month"]}
        last: list[int] = [0] * 5
        for point in body["damage"] or []:
            month = point["month"][:7]
            last = series.get(month, last)
            damaged, destroyed, fully, partly, working = last
            mine = [point[k] for k in DAMAGE_KEYS]
            if mine != [damaged, damaged - destroyed, destroyed, fully, partly, working]:
                found.append(f"damage {month}")
    return found


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
