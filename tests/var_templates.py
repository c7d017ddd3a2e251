"""Data folders that tests copy instead of building again: a migrated SQLite registry with the
country's regions, and the synthetic demo.

Tests that start `medinfra` in a child process (serve, backup, the browser) each need a folder
of their own (`MEDINFRA_VAR_DIR`: the SQLite file, the keys, the evidence folder). Migrating
takes seconds and building the demo tens of seconds, so each is built once per test run, in a
folder every xdist worker of the run shares, under a file lock: the first worker to need it
builds it, the others wait and then copy it. A copy is a plain copy of the folder, made after
the building process has exited (so the database is closed and checkpointed).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest


def child_environment(var_dir: Path) -> dict[str, str]:
    """The environment of a `medinfra` child process on its own SQLite folder."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.pop("MEDINFRA_STATICFILES_STORAGE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env["MEDINFRA_VAR_DIR"] = str(var_dir)
    return env


def run_medinfra(*args: str, var_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "medinfra.cli", *args],
        env=child_environment(var_dir),
        cwd=var_dir.parent,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"medinfra {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def _shared_root(factory: pytest.TempPathFactory) -> Path:
    """A folder shared by every worker of this run (each worker's base is a child of it)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """The var folder `name`, built by `build(var_dir)` by the first worker that asks."""
    root = _shared_root(factory) / f"template-{name}"
    root.mkdir(exist_ok=True)
    var_dir = root / "var"
    done = root / "built"
    with (root / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                shutil.rmtree(var_dir, ignore_errors=True)  # a build that failed half-way
                build(var_dir)
                done.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return var_dir


def copy_var(template: Path, destination: Path) -> Path:
    """A private copy of a template var folder at `destination`; returns it."""
    shutil.copytree(template, destination)
    return destination


def _migrated(var_dir: Path) -> None:
    run_medinfra("migrate", "--verbosity", "0", var_dir=var_dir)
    run_medinfra("load_regions", "UA", var_dir=var_dir)


def _demo(var_dir: Path) -> None:
    run_medinfra("demo", "--no-serve", var_dir=var_dir)


@pytest.fixture(scope="session")
def migrated_var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A template var folder: SQLite migrated, Ukraine's regions loaded. Copy it; never use it."""
    return built_once(tmp_path_factory, "migrated", _migrated)


@pytest.fixture(scope="session")
def demo_var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A template var folder holding the synthetic demo. Copy it; never use it."""
    return built_once(tmp_path_factory, "demo", _demo)
