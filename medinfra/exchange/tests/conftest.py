"""Fixtures of the exchange tests: files written on the fly, uploads kept in a temporary folder."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Uploaded files and progress files go to this test's own folder; runs are not threaded."""
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.MEDINFRA_IMPORT_IN_BACKGROUND = False


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are read in English here (Ukrainian is the default language)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """A CSV file from a header and rows, in any encoding and with any separator."""

    def write(
        header: list[str],
        rows: list[list[Any]],
        *,
        name: str = "file.csv",
        delimiter: str = ",",
        encoding: str = "utf-8",
    ) -> Path:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
        path = tmp_path / name
        path.write_bytes(buffer.getvalue().encode(encoding))
        return path

    return write


@pytest.fixture
def run_import(actor: Any) -> Callable[..., Any]:
    """Prepare and execute an import run of a file, as the command line does."""
    from medinfra.exchange.models import RunStatus
    from medinfra.exchange.services import execute_run, prepare_run

    def run(path: Path, kind: str, **options: Any) -> Any:
        options.setdefault("dry_run", False)
        prepared = prepare_run(
            path=path, file_name=path.name, kind=kind, user=options.pop("user", actor), **options
        )
        if prepared.status != RunStatus.PENDING:
            return prepared
        return execute_run(prepared, path=path, actor=actor)

    return run
