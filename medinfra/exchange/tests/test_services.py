"""The import pipeline: encodings, separators, mapping, row-and-column messages, strict and
lenient modes, re-import, every kind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from medinfra.exchange.models import ImportRun, RunStatus
from medinfra.facilities.models import Facility
from medinfra.incidents.models import Incident

pytestmark = pytest.mark.django_db

INCIDENT_HEADER = [
    "id",
    "occurred_on",
    "region",
    "attack_types",
    "resources",
    "health_workers_killed",
    "certainty",
    "public_summary",
    "sources",
]


@pytest.fixture
def source(make_source: Callable[..., Any]) -> Any:
    return make_source(url="https://example.org/report-1")


def incident_row(n: int, **changes: Any) -> list[Any]:
    row = {
        "id": f"who-{n}",
        "occurred_on": "2023-05-04",
        "region": "UA-63",
        "attack_types": "heavy_weapons",
        "resources": "facility",
        "health_workers_killed": "0",
        "certainty": "confirmed",
        "public_summary": f"Shelling {n}",
        "sources": "https://example.org/report-1",
    }
    row.update(changes)
    return [row[h] for h in INCIDENT_HEADER]


def messages(run: ImportRun) -> list[tuple[int | None, str, str]]:
    return [(p["row"], p["column"], p["message"]) for p in run.problems]


def test_incidents_csv_is_imported_with_sources_types_and_audit(
    write_csv: Callable[..., Path], run_import: Callable[..., ImportRun], source: Any
) -> None:
    path = write_csv(
        INCIDENT_HEADER,
        [incident_row(1), incident_row(2, attack_types="heavy_weapons;setting_fire")],
    )

    run = run_import(path, "incidents")

    assert run.status == RunStatus.SUCCEEDED, run.message
    assert (run.created, run.unchanged, run.rows_invalid) == (2, 0, 0)
    second = Incident.objects.get(external_id="who-2")
    assert sorted(second.attack_types.values_list("attack_type", flat=True)) == [
        "heavy_weapons",
        "setting_fire",
    ]
    assert list(second.sources.all()) == [source]
    assert second.verification == "reported"
    from medinfra.core.queries import history_of, verify_audit_chain

    assert history_of(second).get().changes["after"]["attack_types"] == [
        "heavy_weapons",
        "setting_fire",
    ]
    assert verify_audit_chain().intact


def test_a_file_with_a_byte_order_mark_is_read_as_utf8(
    write_csv: Callable[..., Path], run_import: Callable[..., ImportRun], source: Any
) -> None:
    path = write_csv(
        INCIDENT_HEADER, [incident_row(1, public_summary="Обстріл")], encoding="utf-8-sig"
    )

    run = run_import(path, "incidents")

    assert run.status == RunStatus.SUCCEEDED, run.message
    assert run.encoding == "utf-8-sig"
    assert Incident.objects.get(external_id="who-1").public_summary == "Обстріл"


def test_a_windows_1251_file_is_read_and_the_reader_is_told_so(
    write_csv: Callable[..., Path], run_import: Callable[..., ImportRun], make_facility: Any
) -> None:
    header = ["id", "name_uk", "kind", "region", "settlement"]
    path = write_csv(
        header, [["f-1", "Лікарня №1", "hospital", "UA-63", "Харків"]], encoding="cp1251"
    )

    run = run_import(path, "facilities")

    assert run.status == RunStatus.SUCCEEDED, run.message
    assert run.encoding == "cp1251"
    assert any("not in UTF-8" in n and "Windows-1251" in n for n in run.notices)
    facility = Facility.objects.get(external_id="f-1")
    assert (facility.name_uk, facility.settlement) == ("Лікарня №1", "Харків")


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_the_separator_is_recognised(
    delimiter: str,
    write_csv: Callable[..., Path],
    run_import: Callable[..., ImportRun],
    source: Any,
) -> None:
    path = write_csv(INCIDENT_HEADER, [incident_row(1), incident_row(2)], delimiter=delimiter)

    run = run_import(path, "incidents")

    assert run.status == RunStatus.SUCCEEDED, run.message
    assert run.delimiter == delimiter
    assert run.created == 2


def test_a_file_with_another_separator_is_refused_naming_the_missing_columns(
    write_csv: Callable[..., Path], run_import: Callable[..., ImportRun], source: Any
) -> None:
    path = write_csv(INCIDENT_HEADER, [incident_row(1)], delimiter="|")

    run = run_import(path, "incidents")

    assert run.status == RunStatus.REFUSED
    assert "occurred_on" in run.message
    assert "separated by commas, semicolons or tabs" in run.message
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (bytes(range(256)) * 40, "binary data"),
        (b"\x00\x01\x02PK garbage \xff\xfe" * 100, "binary data"),
        (b"PK\x03\x04 not really a zip file at all", "not an Excel workbook"),
    ],
)
def test_junk_is_refused_with_a_message_and_nothing_changes(
    content: bytes,
    words: str,
    tmp_path: Path,
    run_import: Callable[..., ImportRun],
    make_facility: Any,
) -> None:
    make_facility()
    path = tmp_path / "junk.csv"
    path.write_bytes(content)
    before = Facility.objects.count()

    run = run_import(path, "facilities")

    assert run.status == RunStatus.REFUSED
    assert words in run.message
    assert Facility.objects.count() == before


def test_a_cell_too_large_to_be_real_refuses_the_file_naming_the_row(
    tmp_path: Path, run_import: Callable[..., ImportRun], ua: Any
) -> None:
    path = tmp_path / "huge.csv"
    path.write_text(
        'id,name_uk,kind,region\nf-1,Лікарня,hospital,UA-63\nf-2,"'
        + "x" * 200_000
        + '",hospital,UA-63\n',
        encoding="utf-8",
    )

    run = run_import(path, "facilities")

    assert run.status == RunStatus.REFUSED
    assert "row 3" in run.message
    assert not Facility.objects.exists()


def test_a_long_cell_is_a_problem_of_its_row_and_column(
    write_csv: Callable[..., Path], run_import: Callable[..., ImportRun], ua: Any
) -> None:
    path = write_csv(
        ["id", "name_uk", "kind", "region", "settlement"],
        [["f-1", "Лікарня", "hospital", "UA-63", "Х" * 5000]],
    )

    run = run_import(path, "facilities")

    [(row, column, message)] = messages(run)
    assert (row, column) == (2, "settlement (E)")
    assert "at most 200 characters" in message


def test_missing_required_columns_refuse_the_file_and_name_them(
    write_csv: Callable[..., Path], run_import: Callable[..., ImportRun], source: Any
) -> None:
    path = write_csv(["id", "region", "sources"], [["x", "UA-63", "https://example.org/report-1"]])

    run = run_import(path, "incidents")

    assert run.status == RunStatus.REFUSED
    for name in ("occurred_on", "attack_types", "resources"):
        assert f"no column for “{name}”" in run.message
    assert not Incident.objects.exists()


def test_bad_cells_are_named_by_row_and_column_in_plain_words(
    write_csv: Callable[..., Path], run_import: Callable[..., ImportRun], source: Any
) -> None:
    future = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    path = write_csv(
        INCIDENT_HEADER,
        [
            incident_row(1, region="UA-99"),
            incident_row(2, occurred_on=future),
            incident_row(3, occurred_on="31/12/2023"),
            incident_row(4, occurred_on="31.02.2023"),
            incident_row(5, attack_types="bombing"),
            incident_row(6, health_workers_killed="two"),
            incident_row(7, sources="https://example.org/unknown"),
            incident_row(8, occurred_on="15.03.2023"),
        ],
    )

    run = run_import(path, "incidents")

    found = {row: (column, message) for row, column, message in messages(run)}
    assert found[2][0] == "region (C)" and "UA-99" in found[2][1]
    assert found[3][0] == "occurred_on (B)" and "after today" in found[3][1]
    assert found[4][0] == "occurred_on (B)" and "YYYY-MM-DD" in found[4][1]
    assert "DD.MM.YYYY" in found[4][1]
    assert "no such day" in found[5][1]
    assert found[6][0] == "attack_types (D)" and "bombing" in found[6][1]
    assert found[7][0] == "health_workers_killed (F)" and "whole number" in found[7][1]
    assert found[8][0] == "sources (I)" and "example.org/unknown" in found[8][1]
    assert 9 not in found
    assert run.status == RunStatus.SUCCEEDED
    assert run.created == 1 and run.rows_invalid == 7
    assert Incident.objects.get().occurred_on == dt.date(2023, 3, 15)


def test_a_month_alone_gives_month_precision(
    write_csv: Callable[..., Path], run_import: Callable[..., ImportRun], source: Any
) -> None:
    path = write_csv(INCIDENT_HEADER, [incident_row(1, occurred_on="2023-05")])

    run_import(path, "incidents")

    incident = Incident.objects.get()
    assert (incident.occurred_on, incident.date_precision) == (dt.date(2023, 5, 1), "month")


def test_duplicate_rows_within_the_file_are_problems_naming_both_rows(
    write_csv: Callable[..., Path], run_import: Callable[..., ImportRun], source: Any
) -> None:
    path = write_csv(INCIDENT_HEADER, [incident_row(1), incident_row(2), incident_row(1)])

    run = run_import(path, "incidents")

    assert messages(run) == [(4, "id (A)", "This row repeats the id “who-1” of row 2.")]
    assert run.created == 2


def test_strict_mode_applies_nothing_and_lists_every_problem(
    write_csv: Callable[..., Path], run_import: Callable[..., ImportRun], source: Any
) -> None:
    path = write_csv(
        INCIDENT_HEADER,
        [incident_row(1), incident_row(2, region="UA-99"), incident_row(3, resources="")],
    )

    run = run_import(path, "incidents", strict=True)

    assert run.status == RunStatus.REFUSED
    assert "strict" in run.message
    assert [(r, c) for r, c, _ in messages(run)] == [(3, "region (C)"), (4, "resources (E)")]
    assert not Incident.objects.exists()


def test_a_dry_run_changes_nothing_and_says_what_would_happen(
    write_csv: Callable[..., Path], run_import: Callable[..., ImportRun], source: Any
) -> None:
    from medinfra.core.models import AuditEvent

    events = AuditEvent.objects.count()
    path = write_csv(INCIDENT_HEADER, [incident_row(1), incident_row(2, region="UA-99")])

    run = run_import(path, "incidents", dry_run=True)

    assert run.status == RunStatus.SUCCEEDED
    assert (run.created, run.rows_invalid) == (1, 1)
    assert "would be added" in run.message
    assert not Incident.objects.exists()
    assert AuditEvent.objects.count() == events


def test_reimporting_the_same_file_changes_nothing(
    write_csv: Callable[..., Path], run_import: Callable[..., ImportRun], source: Any
) -> None:
    from medinfra.core.models import AuditEvent

    path = write_csv(
        [*INCIDENT_HEADER, "facility"],
        [[*incident_row(1), ""], [*incident_row(2, occurred_on="2023-06"), ""]],
    )
    run_import(path, "incidents")
    events = AuditEvent.objects.count()
    rows = list(Incident.objects.values().order_by("pk"))

    again = run_import(path, "incidents")

    assert (again.created, again.unchanged, again.rows_invalid) == (0, 2, 0)
    assert AuditEvent.objects.count() == events
    assert list(Incident.objects.values().order_by("pk")) == rows


def test_reimporting_rows_without_ids_finds_them_by_their_values(
    write_csv: Callable[..., Path], run_import: Callable[..., ImportRun], source: Any
) -> None:
    header = [h for h in INCIDENT_HEADER if h != "id"]
    path = write_csv(header, [incident_row(1)[1:], incident_row(2)[1:]])
    run_import(path, "incidents")

    again = run_import(path, "incidents")

    assert (again.created, again.unchanged) == (0, 2)
    assert Incident.objects.count() == 2


def test_every_run_is_recorded_with_who_what_and_the_outcome(
    write_csv: Callable[..., Path],
    run_import: Callable[..., ImportRun],
    source: Any,
    actor: Any,
) -> None:
    import hashlib

    path = write_csv(INCIDENT_HEADER, [incident_row(1), incident_row(2, region="UA-99")])

    run_import(path, "incidents")

    run = ImportRun.objects.get()
    assert run.user == actor
    assert run.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (run.kind, run.file_name, run.format, run.dry_run) == (
        "incidents",
        "file.csv",
        "csv",
        False,
    )
    assert (run.rows_total, run.created, run.rows_invalid) == (2, 1, 1)
    assert run.started_at is not None and run.finished_at is not None
    assert run.mapping["fields"] == INCIDENT_HEADER


def test_columns_are_mapped_by_hxl_hashtags_whatever_their_headers(
    tmp_path: Path, run_import: Callable[..., ImportRun], ua: Any
) -> None:
    path = tmp_path / "hxl.csv"
    path.write_text(
        "Код,Назва закладу,Тип,Область,Зайве\n"
        "#org+id,#org +name +i_uk,#org+type,#adm1+code,#meta+whatever\n"
        "f-1,Лікарня,лікарня,UA-63,x\n",
        encoding="utf-8",
    )

    run = run_import(path, "facilities")

    assert run.status == RunStatus.SUCCEEDED, run.message
    assert run.format == "hxl"
    assert run.mapping["fields"] == ["id", "name_uk", "kind", "region", ""]
    facility = Facility.objects.get(external_id="f-1")
    assert facility.kind == "hospital"


def test_a_mapping_given_by_the_user_overrides_the_guess(
    write_csv: Callable[..., Path], run_import: Callable[..., ImportRun], ua: Any
) -> None:
    path = write_csv(
        ["Код", "Назва", "Тип закладу", "Область"], [["f-1", "Лікарня", "hospital", "UA-63"]]
    )

    run = run_import(
        path, "facilities", mapping_text="Код=id,Назва=name_uk,Тип закладу=kind,D=region"
    )

    assert run.status == RunStatus.SUCCEEDED, run.message
    assert Facility.objects.get(external_id="f-1").name_uk == "Лікарня"


def test_a_mapping_to_an_unknown_field_is_refused_with_the_fields_listed(
    write_csv: Callable[..., Path], run_import: Callable[..., ImportRun], ua: Any
) -> None:
    path = write_csv(["Код"], [["f-1"]])

    run = run_import(path, "facilities", mapping_text="Код=identifier")

    assert run.status == RunStatus.REFUSED
    assert "“identifier” is not a field" in run.message and "name_uk" in run.message


def test_xlsx_is_read_from_the_sheet_named_and_a_wrong_sheet_is_refused(
    tmp_path: Path, run_import: Callable[..., ImportRun], ua: Any
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "notes"
    book.active.append(["nothing here"])
    sheet = book.create_sheet("facilities")
    sheet.append(["id", "name_uk", "kind", "region", "beds"])
    sheet.append(["f-1", "Лікарня", "hospital", "UA-63", 120])
    sheet.append([None, None, None, None, None])
    path = tmp_path / "book.xlsx"
    book.save(path)

    wrong = run_import(path, "facilities", sheet="Аркуш1")
    run = run_import(path, "facilities")

    assert wrong.status == RunStatus.REFUSED
    assert "no sheet “Аркуш1”" in wrong.message and "“facilities”" in wrong.message
    assert run.status == RunStatus.SUCCEEDED, run.message
    assert (run.sheet, run.created) == ("facilities", 1)
    assert Facility.objects.get().beds == 120


def test_a_progress_report_follows_the_rows_as_they_are_read(
    write_csv: Callable[..., Path], source: Any, actor: Any
) -> None:
    from medinfra.exchange.services import execute_run, prepare_run

    path = write_csv(INCIDENT_HEADER, [incident_row(n) for n in range(2500)])
    seen: list[tuple[int, int]] = []
    run = prepare_run(path=path, file_name="f.csv", kind="incidents", user=actor, dry_run=True)

    execute_run(
        run, path=path, actor=actor, progress=lambda done, total: seen.append((done, total))
    )

    assert seen == [(0, 2500), (1000, 2500), (2000, 2500), (2500, 2500)]


@pytest.mark.slow
def test_ten_thousand_rows_with_one_bad_row_lenient_applies_the_rest_strict_applies_nothing(
    write_csv: Callable[..., Path], run_import: Callable[..., ImportRun], source: Any
) -> None:
    rows = [incident_row(n) for n in range(10_000)]
    rows[6543] = incident_row(6543, occurred_on="2023-13-01")
    path = write_csv(INCIDENT_HEADER, rows)

    strict = run_import(path, "incidents", strict=True)

    assert strict.status == RunStatus.REFUSED
    assert messages(strict) == [
        (6545, "occurred_on (B)", "“2023-13-01” is not a real date (there is no such day).")
    ]
    assert not Incident.objects.exists()

    lenient = run_import(path, "incidents")

    assert lenient.status == RunStatus.SUCCEEDED
    assert (lenient.created, lenient.rows_invalid) == (9_999, 1)
    assert messages(lenient) == messages(strict)
    assert Incident.objects.count() == 9_999
    assert not Incident.objects.filter(external_id="who-6543").exists()


def test_an_error_part_way_through_leaves_nothing_applied(
    write_csv: Callable[..., Path],
    run_import: Callable[..., ImportRun],
    source: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from medinfra.incidents.services import IncidentBatch

    real = IncidentBatch.write
    calls = []

    def failing_third_time(batch: IncidentBatch, rows: Any) -> Any:
        calls.append(len(rows))
        if len(calls) == 3:
            raise RuntimeError("the disk is full")
        return real(batch, rows)

    monkeypatch.setattr(IncidentBatch, "write", failing_third_time)
    path = write_csv(INCIDENT_HEADER, [incident_row(n) for n in range(2500)])

    run = run_import(path, "incidents")

    assert calls == [1000, 1000, 500]
    assert run.status == RunStatus.FAILED
    assert "nothing was changed" in run.message
    assert not Incident.objects.exists()


def test_reported_figures_are_imported_through_the_figures_service(
    write_csv: Callable[..., Path], run_import: Callable[..., ImportRun], source: Any
) -> None:
    from medinfra.figures.models import ReportedFigure

    path = write_csv(
        ["metric", "value", "qualifier", "as_of", "country", "region", "source"],
        [
            ["facilities_destroyed", "305", "exact", "06.10.2023", "ua", "", source.url],
            ["attacks_recorded", "1 500,5", "понад", "2023-10-06", "UA", "UA-63", source.url],
            ["facilities_destroyed", "305", "exact", "06.10.2023", "ua", "", source.url],
            ["hospitals_closed", "-3", "exact", "2023-10-06", "UA", "", ""],
        ],
    )

    run = run_import(path, "figures")

    assert run.created == 1
    found = {row: column for row, column, _ in messages(run)}
    assert found[3] == "qualifier (C)"
    assert found[4] == ""
    assert found[5] == "source (G)"
    figure = ReportedFigure.objects.get()
    assert (figure.metric, figure.value, figure.country, figure.source) == (
        "facilities_destroyed",
        305,
        "UA",
        source,
    )


def test_dates_of_a_workbook_are_read_as_dates(
    tmp_path: Path, run_import: Callable[..., ImportRun], source: Any
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(INCIDENT_HEADER)
    row = incident_row(1)
    row[1] = dt.datetime(2023, 5, 4)
    row[5] = 2
    sheet.append(row)
    path = tmp_path / "incidents.xlsx"
    book.save(path)

    run = run_import(path, "incidents")

    assert run.status == RunStatus.SUCCEEDED, run.problems
    incident = Incident.objects.get()
    assert (incident.occurred_on, incident.health_workers_killed) == (dt.date(2023, 5, 4), 2)


def test_a_problem_with_the_stored_id_is_named_by_the_files_id_column(
    write_csv: Callable[..., Path], run_import: Callable[..., ImportRun], source: Any
) -> None:
    row = incident_row(1)
    row[0] = "x" * 150
    path = write_csv(INCIDENT_HEADER, [row])

    run = run_import(path, "incidents")

    [(number, column, message)] = messages(run)
    assert (number, column) == (2, "id (A)")
    assert "at most 100 characters" in message


def test_a_file_of_separators_only_is_refused_as_having_no_column_names(
    tmp_path: Path, run_import: Callable[..., ImportRun], ua: Any
) -> None:
    path = tmp_path / "commas.csv"
    path.write_text(",,,\n,,\n\n", encoding="utf-8")

    run = run_import(path, "facilities")

    assert run.status == RunStatus.REFUSED
    assert "no row with the names of its columns" in run.message


def test_a_reader_failing_unexpectedly_refuses_the_file_in_words(
    write_csv: Callable[..., Path],
    run_import: Callable[..., ImportRun],
    ua: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from medinfra.exchange import services

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise KeyError("worksheet")

    monkeypatch.setattr(services, "read_sheet", broken)
    path = write_csv(["id"], [["1"]])

    run = run_import(path, "facilities")

    assert run.status == RunStatus.REFUSED
    assert run.message == "The file could not be read as facilities."
