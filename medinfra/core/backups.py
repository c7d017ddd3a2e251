"""Consistent backups of the database and their checked restore (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, connections

from medinfra.core.errors import InvalidInput

MANIFEST_SUFFIX = ".manifest.json"


def row_counts() -> dict[str, int]:
    """Rows of every table the project's models own, by model label."""
    return {
        model._meta.label_lower: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


@dataclass(frozen=True)
class BackupReport:
    path: Path
    engine: str
    counts: dict[str, int]


def _pg_tool(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if found:
        return str(found[-1])
    tool = shutil.which(name)
    if tool is None:
        raise InvalidInput(
            {"DATABASE_URL": f"{name} is not installed (Debian package postgresql-client)."}
        )
    return tool


def _pg_env(db: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = [
        "-h",
        str(db.get("HOST") or "127.0.0.1"),
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        str(db.get("USER") or "postgres"),
    ]
    env = {"PATH": "/usr/bin:/bin"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def backup_database(dest: Path) -> BackupReport:
    """Write a consistent copy of the live database to DEST, with a manifest of row counts."""
    db = settings.DATABASES["default"]
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    if dest.exists():
        raise InvalidInput({"DEST": f"{dest} exists already: choose a new file name."})
    dest.parent.mkdir(parents=True, exist_ok=True)
    counts = row_counts()
    if engine == "sqlite3":
        # The online backup API copies a consistent snapshot while the server goes on writing.
        source = sqlite3.connect(str(db["NAME"]))
        target = sqlite3.connect(str(dest))
        try:
            with target:
                source.backup(target)
            counts = _sqlite_counts(target)
        finally:
            target.close()
            source.close()
    elif engine == "postgresql":
        args, env = _pg_env(db)
        subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [_pg_tool("pg_dump"), *args, "-Fc", "--no-owner", "-f", str(dest), str(db["NAME"])],
            env=env,
            check=True,
            capture_output=True,
            timeout=3600,
        )
    else:
        raise InvalidInput({"DATABASE_URL": f"Backups of {engine} databases are not supported."})
    manifest = {"engine": engine, "created": dt.datetime.now(dt.UTC).isoformat(), "counts": counts}
    Path(str(dest) + MANIFEST_SUFFIX).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return BackupReport(dest, engine, counts)


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    counts = {}
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            table = model._meta.db_table
            row = db.execute(f'SELECT count(*) FROM "{table}"').fetchone()  # noqa: S608
            counts[model._meta.label_lower] = int(row[0])
    return counts


def restore_database(source: Path) -> dict[str, int]:
    """Replace the database with a backup; return the row counts, checked against its manifest."""
    if not source.exists():
        raise InvalidInput({"SRC": f"{source} does not exist."})
    manifest_path = Path(str(source) + MANIFEST_SUFFIX)
    if not manifest_path.exists():
        raise InvalidInput(
            {"SRC": f"{manifest_path} is missing: a backup comes with its manifest of row counts."}
        )
    manifest = json.loads(manifest_path.read_text())
    db = settings.DATABASES["default"]
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    if manifest.get("engine") != engine:
        raise InvalidInput(
            {"SRC": f"This is a {manifest.get('engine')} backup; the database is {engine}."}
        )
    connections.close_all()
    if engine == "sqlite3":
        with sqlite3.connect(str(source)) as backup, sqlite3.connect(str(db["NAME"])) as live:
            backup.backup(live)
    else:
        args, env = _pg_env(db)
        subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [
                _pg_tool("pg_restore"),
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "-d",
                str(db["NAME"]),
                str(source),
            ],
            env=env,
            check=True,
            capture_output=True,
            timeout=3600,
        )
    connection.ensure_connection()
    counts = row_counts()
    expected = manifest["counts"]
    wrong = {
        label: (expected.get(label), counts.get(label))
        for label in set(expected) | set(counts)
        if expected.get(label) != counts.get(label)
    }
    if wrong:
        raise InvalidInput(
            {
                "SRC": [
                    f"{label}: backup had {want}, restored {got}"
                    for label, (want, got) in sorted(wrong.items())
                ]
            }
        )
    return counts
