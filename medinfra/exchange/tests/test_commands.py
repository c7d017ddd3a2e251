"""`medinfra import` and `medinfra export` on the command line."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from medinfra.exchange.models import ImportRun
from medinfra.facilities.models import Facility

pytestmark = pytest.mark.django_db

HEADER = ["id", "name_uk", "kind", "region"]


def run_command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_shows_a_progress_bar_and_a_summary(write_csv: Callable[..., Path], ua: Any) -> None:
    path = write_csv(HEADER, [["f-1", "Лікарня", "hospital", "UA-63"]])

    out, err = run_command("import", str(path), "--kind", "facilities")

    assert "[##############################] 100% 1/1 rows" in err
    assert "Imported 1 rows: 1 added" in out
    assert Facility.objects.get().external_id == "f-1"
    assert ImportRun.objects.get().user.username == "medinfra-system"


def test_import_dry_run_changes_nothing_and_names_problems(
    write_csv: Callable[..., Path], ua: Any
) -> None:
    path = write_csv(HEADER, [["f-1", "Лікарня", "hospital", "UA-63"], ["f-2", "", "x", "UA-63"]])

    out, _ = run_command("import", str(path), "--kind", "facilities", "--dry-run", "--no-progress")

    assert "row 3, column name_uk (B): This cell is empty" in out
    assert "row 3, column kind (C): “x” is not one of the allowed values" in out
    assert "1 would be added" in out
    assert not Facility.objects.exists()


def test_strict_import_with_problems_fails_and_applies_nothing(
    write_csv: Callable[..., Path], ua: Any
) -> None:
    path = write_csv(
        HEADER, [["f-1", "Лікарня", "hospital", "UA-63"], ["f-2", "Б", "hospital", "XX"]]
    )

    with pytest.raises(CommandError, match="strict"):
        run_command("import", str(path), "--kind", "facilities", "--strict", "--no-progress")

    assert not Facility.objects.exists()


def test_import_takes_a_mapping_and_a_user(
    write_csv: Callable[..., Path], ua: Any, actor: Any
) -> None:
    path = write_csv(["Код", "Назва", "Тип", "Область"], [["f-1", "Лікарня", "hospital", "UA-63"]])

    run_command(
        "import",
        str(path),
        "--kind",
        "facilities",
        "--no-progress",
        "--user",
        actor.username,
        "--mapping",
        "Код=id,Назва=name_uk,Тип=kind,Область=region",
    )

    assert Facility.objects.get().name_uk == "Лікарня"
    assert ImportRun.objects.get().user == actor


def test_import_of_a_missing_file_or_unknown_user_is_a_clear_error(ua: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        run_command("import", str(tmp_path / "nope.csv"), "--kind", "facilities")
    (tmp_path / "f.csv").write_text("id\n1\n")
    with pytest.raises(CommandError, match="No user"):
        run_command("import", str(tmp_path / "f.csv"), "--kind", "facilities", "--user", "ghost")


def test_export_writes_a_file_and_the_dictionary(
    make_facility: Callable[..., Any], tmp_path: Path
) -> None:
    make_facility(name_uk="Лікарня")
    target = tmp_path / "facilities.csv"

    run_command("export", "--kind", "facilities", "--format", "csv", "-o", str(target))
    run_command(
        "export",
        "--kind",
        "facilities",
        "--format",
        "csv",
        "--dictionary",
        "-o",
        str(tmp_path / "dictionary.csv"),
    )

    assert target.read_text(encoding="utf-8").startswith("id,name_uk,name_en,kind,region")
    assert "Лікарня" in target.read_text(encoding="utf-8")
    assert "#org+code+edrpou" in (tmp_path / "dictionary.csv").read_text(encoding="utf-8")


def test_export_refuses_a_format_the_kind_does_not_have(ua: Any) -> None:
    with pytest.raises(CommandError, match="cannot be exported as fhir"):
        run_command("export", "--kind", "incidents", "--format", "fhir")
