"""Fixtures of the reliability tests, and the tally of fuzzed inputs in the summary."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.budget import INPUTS


@pytest.fixture
def private_files(settings: Any, tmp_path: Path) -> Path:
    """Uploaded and progress files go to this test's own folder; runs are not threaded."""
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.MEDINFRA_IMPORT_IN_BACKGROUND = False
    return tmp_path


@pytest.fixture
def english() -> Iterator[None]:
    """Messages are read in English here (Ukrainian is the default language)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not INPUTS:
        return
    terminalreporter.section("fuzzed inputs")
    for name, count in sorted(INPUTS.items()):
        terminalreporter.write_line(f"{count:>8,}  {name}")
    terminalreporter.write_line(f"{sum(INPUTS.values()):>8,}  in all")
