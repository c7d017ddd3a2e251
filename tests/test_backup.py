"""Backups are consistent while writes go on, and a restore checks counts and the chain."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.var_templates import copy_var

pytestmark = pytest.mark.slow


def _medinfra(
    *args: str, env: dict[str, str], check: bool = True, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "medinfra.cli", *args],
        env=env,
        check=check,
        capture_output=True,
        text=True,
        timeout=600,
        input=stdin,
    )


@pytest.fixture
def sqlite_env(tmp_path: Path, migrated_var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["MEDINFRA_VAR_DIR"] = str(tmp_path / "var")
    copy_var(migrated_var, tmp_path / "var")
    return env


def _add_facilities(env: dict[str, str], count: int) -> None:
    code = (
        "import django; django.setup()\n"
        "from medinfra.core.services import system_actor\n"
        "from medinfra.facilities.services import register_facility\n"
        f"for n in range({count}):\n"
        "    register_facility(actor=system_actor(), name_uk=f'Заклад {n}', kind='hospital',"
        " region='UA-63')\n"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "medinfra.settings"},
        check=True,
        timeout=600,
        capture_output=True,
    )


def test_sqlite_backup_while_writing_then_restore_checks_counts_and_chain(
    sqlite_env: dict[str, str], tmp_path: Path
) -> None:
    _add_facilities(sqlite_env, 20)
    writer = threading.Thread(target=_add_facilities, args=(sqlite_env, 60))
    writer.start()
    dest = tmp_path / "backups" / "medinfra.sqlite3"
    out = _medinfra("backup", str(dest), env=sqlite_env).stdout
    writer.join()
    assert "backup of the sqlite3 database" in out
    assert Path(str(dest) + ".manifest.json").exists()

    # The live database moved on; the restore brings back the consistent snapshot.
    restored = _medinfra("restore", str(dest), "--yes", env=sqlite_env).stdout
    assert "counts match the backup; audit chain intact" in restored
    verify = _medinfra("audit", "verify", env=sqlite_env)
    assert verify.returncode == 0, verify.stderr


def test_backup_refuses_to_overwrite_and_restore_refuses_a_missing_file(
    sqlite_env: dict[str, str], tmp_path: Path
) -> None:
    dest = tmp_path / "b.sqlite3"
    _medinfra("backup", str(dest), env=sqlite_env)

    again = _medinfra("backup", str(dest), env=sqlite_env, check=False)
    missing = _medinfra("restore", str(tmp_path / "nope"), "--yes", env=sqlite_env, check=False)
    declined = _medinfra("restore", str(dest), env=sqlite_env, check=False, stdin="no\n")

    assert again.returncode == 1 and "exists already" in again.stderr
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    assert declined.returncode == 1 and "Nothing restored" in declined.stderr
    assert "Traceback" not in again.stderr + missing.stderr + declined.stderr


def test_restore_of_a_tampered_backup_is_refused_naming_the_table(
    sqlite_env: dict[str, str], tmp_path: Path
) -> None:
    import sqlite3

    _add_facilities(sqlite_env, 5)
    dest = tmp_path / "b.sqlite3"
    _medinfra("backup", str(dest), env=sqlite_env)
    with sqlite3.connect(dest) as db:
        db.execute(
            "DELETE FROM facilities_facility WHERE id = (SELECT max(id) FROM facilities_facility)"
        )

    result = _medinfra("restore", str(dest), "--yes", env=sqlite_env, check=False)

    assert result.returncode == 1
    assert "facilities.facility: backup had 5, restored 4" in result.stderr


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs in the PostgreSQL pass of the suite",
)
def test_postgresql_backup_and_restore_round_trip(tmp_path: Path) -> None:
    import psycopg

    url = os.environ["DATABASE_URL"]
    base, _, _ = url.rpartition("/")
    name = "medinfra_backup_test"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    env = {**os.environ, "DATABASE_URL": f"{base}/{name}"}
    try:
        _medinfra("migrate", "--verbosity", "0", env=env)
        _medinfra("load_regions", "UA", env=env)
        _add_facilities(env, 10)
        dest = tmp_path / "pg.dump"
        assert "postgresql" in _medinfra("backup", str(dest), env=env).stdout
        _add_facilities(env, 3)
        restored = _medinfra("restore", str(dest), "--yes", env=env).stdout
        assert "counts match the backup; audit chain intact" in restored
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
