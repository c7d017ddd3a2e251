"""A large incidents import writes with the plain indexes of its tables dropped and makes them
again before its commit; a run that is refused, only checked or fails leaves them as they were,
and rows without ids are still found again by their values."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from medinfra.core.bulk import plain_indexes
from medinfra.core.queries import verify_audit_chain
from medinfra.exchange.models import ImportRun, RunStatus
from medinfra.exchange.services import execute_run, kinds, prepare_run
from medinfra.exchange.services.kinds import IncidentImporter, incident_load_tables
from medinfra.incidents.models import Incident, IncidentResource

pytestmark = pytest.mark.django_db

HEADER = ["id", "occurred_on", "region", "attack_types", "resources", "public_summary", "sources"]
URL = "https://example.org/indexes"
TABLES = incident_load_tables()


@pytest.fixture(autouse=True)
def _small_threshold(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file of a few rows counts as large here; runs are not threaded."""
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.MEDINFRA_IMPORT_IN_BACKGROUND = False
    monkeypatch.setattr(kinds, "INDEXES_AFTER_ROWS", 5)


@pytest.fixture
def seen_while_writing(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Seen]:
    """The plain indexes of the written tables as each chunk of rows is applied (and, in
    `seen_while_writing.after`, just after it)."""
    seen = _Seen()
    real = IncidentImporter.apply

    def apply(importer: IncidentImporter, rows: Any) -> None:
        seen.append(names())
        real(importer, rows)
        seen.after.append(names())

    monkeypatch.setattr(IncidentImporter, "apply", apply)
    yield seen


class _Seen(list[set[str]]):
    after: list[set[str]]

    def __init__(self) -> None:
        super().__init__()
        self.after = []

    def clear(self) -> None:
        super().clear()
        self.after.clear()


def names() -> set[str]:
    return {name for name, _ in plain_indexes(connection, TABLES)}


def write(path: Path, rows: int, *, ids: bool = True, bad_row: int | None = None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER if ids else HEADER[1:])
        for n in range(rows):
            row = [
                f"ix-{n}",
                "2023-13-01" if n == bad_row else f"2023-05-{n % 28 + 1:02d}",
                ("UA-63", "UA-14", "UA-32")[n % 3],
                "heavy_weapons",
                "facility;personnel" if n % 2 else "facility",
                f"Shelling {n}",
                URL,
            ]
            writer.writerow(row if ids else row[1:])
    return path


def run_import(path: Path, actor: Any, **options: Any) -> ImportRun:
    options.setdefault("dry_run", False)
    run = prepare_run(path=path, file_name=path.name, kind="incidents", user=actor, **options)
    return execute_run(run, path=path, actor=actor)


@pytest.fixture
def before(make_source: Callable[..., Any]) -> set[str]:
    make_source(url=URL)
    found = names()
    assert found, "the written tables have plain indexes"
    return found


@pytest.mark.skipif(connection.vendor != "sqlite", reason="indexes are dropped on SQLite only")
def test_a_large_import_writes_without_the_plain_indexes_and_makes_them_again(
    before: set[str], actor: Any, tmp_path: Path, seen_while_writing: _Seen
) -> None:
    structure = plain_indexes(connection, TABLES)

    run = run_import(write(tmp_path / "large.csv", 12), actor)

    assert run.status == RunStatus.SUCCEEDED and run.created == 12
    assert seen_while_writing == [set()]
    assert plain_indexes(connection, TABLES) == structure  # same names, same definitions
    assert Incident.objects.count() == 12
    assert IncidentResource.objects.count() == 18
    assert verify_audit_chain().intact


@pytest.mark.parametrize(
    "options",
    [{"dry_run": True}, {"strict": True}],
    ids=["dry run", "strict refusal"],
)
def test_a_large_run_that_applies_nothing_leaves_every_index(
    before: set[str],
    actor: Any,
    tmp_path: Path,
    seen_while_writing: _Seen,
    options: dict[str, Any],
) -> None:
    run = run_import(write(tmp_path / "large.csv", 12, bad_row=7), actor, **options)

    assert run.rows_invalid == 1
    assert not Incident.objects.exists()
    assert names() == before
    if connection.vendor == "sqlite":
        assert seen_while_writing == [set()]


def test_a_large_import_failing_part_way_leaves_every_index(
    before: set[str], actor: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from medinfra.incidents.services import IncidentBatch

    def failing(batch: IncidentBatch, rows: Any) -> Any:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(IncidentBatch, "write", failing)

    run = run_import(write(tmp_path / "large.csv", 12), actor)

    assert run.status == RunStatus.FAILED
    assert not Incident.objects.exists()
    assert names() == before


def test_rows_without_ids_are_found_again_in_a_large_import(
    before: set[str], actor: Any, tmp_path: Path, seen_while_writing: _Seen
) -> None:
    path = write(tmp_path / "no-ids.csv", 12, ids=False)
    first = run_import(path, actor)
    seen_while_writing.clear()

    again = run_import(path, actor)

    assert (first.created, again.created, again.unchanged) == (12, 0, 12)
    assert Incident.objects.count() == 12
    assert names() == before
    if connection.vendor == "sqlite":
        # The lookup by region and date had its index made again for it, and only that one.
        lookup = {
            str(i.name) for i in Incident._meta.indexes if i.fields == ["region", "occurred_on"]
        }
        assert len(lookup) == 1
        assert seen_while_writing == [set()]
        assert seen_while_writing.after == [lookup]


def test_a_small_import_into_a_larger_table_keeps_the_indexes(
    before: set[str], actor: Any, tmp_path: Path, seen_while_writing: _Seen
) -> None:
    run_import(write(tmp_path / "large.csv", 12), actor)
    seen_while_writing.clear()

    run = run_import(write(tmp_path / "small.csv", 6), actor)

    assert run.unchanged == 6
    assert seen_while_writing == [before]
