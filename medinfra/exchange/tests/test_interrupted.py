"""A run whose process stopped (killed, the server restarted) is found and recorded as
interrupted, with when and why; a run that is alive is left running; nothing is deleted."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from medinfra.core.roles import Role, grant
from medinfra.exchange.models import ImportRun, RunStatus
from medinfra.exchange.services import (
    execute_run,
    mark_interrupted,
    prepare_run,
    progress_path,
    this_host,
)

pytestmark = pytest.mark.django_db


def dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def running_run(actor: Any, **fields: Any) -> ImportRun:
    values: dict[str, Any] = {
        "user": actor,
        "kind": "incidents",
        "file_name": "incidents.csv",
        "sha256": "0" * 64,
        "dry_run": False,
        "status": RunStatus.RUNNING,
        "started_at": timezone.now(),
        "heartbeat_at": timezone.now(),
        "host": this_host(),
        "pid": os.getpid(),
        "rows_done": 0,
    }
    values.update(fields)
    return ImportRun.objects.create(**values)


def test_a_run_whose_process_no_longer_exists_is_recorded_as_interrupted(actor: Any) -> None:
    run = running_run(actor, pid=dead_pid())

    found = mark_interrupted()

    assert [r.pk for r in found] == [run.pk]
    run.refresh_from_db()
    assert run.status == RunStatus.INTERRUPTED and run.is_finished
    assert run.interrupted_at is not None
    assert run.finished_at is None  # it never finished: the record says so, and keeps the rest
    assert f"its process ({run.pid} on {run.host}) ended" in run.message
    assert ImportRun.objects.filter(pk=run.pk).exists()


def test_a_run_silent_for_longer_than_the_limit_is_interrupted(actor: Any, settings: Any) -> None:
    settings.MEDINFRA_IMPORT_STALE_AFTER = 600
    long_ago = timezone.now() - dt.timedelta(minutes=30)
    # On another machine: its process cannot be looked for, only its heartbeat.
    run = running_run(actor, host="another-host", started_at=long_ago, heartbeat_at=long_ago)

    mark_interrupted()

    run.refresh_from_db()
    assert run.status == RunStatus.INTERRUPTED
    assert "gave no sign of life since" in run.message and "more than 10 minutes" in run.message


def test_a_live_run_stays_running(actor: Any, settings: Any) -> None:
    settings.MEDINFRA_IMPORT_STALE_AFTER = 600
    here = running_run(actor)
    elsewhere = running_run(actor, host="another-host", pid=dead_pid())
    # The row's heartbeat is old, but the progress file (written during the transaction) is new.
    long_ago = timezone.now() - dt.timedelta(hours=1)
    writing = running_run(actor, host="another-host", started_at=long_ago, heartbeat_at=long_ago)
    progress_path(writing.pk).write_text(
        json.dumps(
            {
                "done": 5000,
                "total": 9000,
                "status": "running",
                "heartbeat": timezone.now().isoformat(),
            }
        )
    )

    assert mark_interrupted() == []

    statuses = ImportRun.objects.filter(pk__in=[here.pk, elsewhere.pk, writing.pk])
    assert set(statuses.values_list("status", flat=True)) == {RunStatus.RUNNING}


def test_finished_runs_are_left_as_they_are(actor: Any) -> None:
    run = running_run(actor, pid=dead_pid(), status=RunStatus.SUCCEEDED, message="Imported.")

    assert mark_interrupted() == []

    run.refresh_from_db()
    assert (run.status, run.message, run.interrupted_at) == (RunStatus.SUCCEEDED, "Imported.", None)


def test_a_new_run_records_the_interrupted_ones_first(
    actor: Any, write_csv: Callable[..., Path]
) -> None:
    stopped = running_run(actor, pid=dead_pid())
    path = write_csv(["publisher", "title"], [["A ministry", "A report"]])

    prepare_run(path=path, file_name=path.name, kind="sources", user=actor)

    stopped.refresh_from_db()
    assert stopped.status == RunStatus.INTERRUPTED


def test_a_run_records_its_process_and_heartbeat(
    actor: Any, ua: Any, write_csv: Callable[..., Path], make_source: Callable[..., Any]
) -> None:
    source = make_source(url="https://example.org/report-1")
    path = write_csv(
        ["occurred_on", "region", "attack_types", "resources", "sources"],
        [["2023-05-04", "UA-63", "heavy_weapons", "facility", source.url]],
    )
    run = prepare_run(path=path, file_name=path.name, kind="incidents", user=actor, dry_run=False)

    run = execute_run(run, path=path, actor=actor)

    assert run.status == RunStatus.SUCCEEDED
    assert (run.host, run.pid) == (this_host(), os.getpid())
    assert run.heartbeat_at is not None and run.heartbeat_at >= run.started_at
    assert "heartbeat" in json.loads(progress_path(run.pk).read_text())
    assert mark_interrupted() == []


def test_the_import_page_shows_an_interrupted_run_as_such(actor: Any) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="staff", is_staff=True)
    grant(user, Role.REPORTER)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    run = running_run(user, pid=dead_pid())

    listing = client.get("/imports/")
    page = client.get(f"/imports/{run.pk}/")
    progress = client.get(f"/imports/{run.pk}/progress.json").json()

    assert "interrupted: nothing was changed" in listing.content.decode()
    assert "its process" in page.content.decode() and "ended before the run" in (
        page.content.decode()
    )
    assert progress["finished"] is True and progress["status"] == RunStatus.INTERRUPTED
    run.refresh_from_db()
    assert run.status == RunStatus.INTERRUPTED


def test_the_command_reports_interrupted_runs_before_it_starts(
    actor: Any, write_csv: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from django.core.management import call_command

    stopped = running_run(actor, pid=dead_pid())
    path = write_csv(["publisher", "title"], [["A ministry", "A report"]])

    call_command("import", str(path), "--kind", "sources", "--no-progress")

    assert f"import run {stopped.pk} (incidents.csv): The run was interrupted" in (
        capsys.readouterr().err
    )
