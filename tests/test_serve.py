"""`medinfra serve` runs the app under a real WSGI server on the embedded SQLite default."""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.var_templates import copy_var

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _medinfra(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "medinfra.cli", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def server(tmp_path: Path, migrated_var: Path) -> Iterator[tuple[str, Path]]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["MEDINFRA_VAR_DIR"] = str(tmp_path / "var")
    env.pop("MEDINFRA_STATICFILES_STORAGE", None)
    copy_var(migrated_var, tmp_path / "var")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "medinfra.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    raise AssertionError(proc.stdout.read() if proc.stdout else "") from None
                time.sleep(0.2)
        yield url, tmp_path / "var"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_answers_pages_under_gunicorn_with_sqlite_in_wal_mode(server):
    url, var = server
    with urllib.request.urlopen(url + "/") as response:
        page = response.read().decode()
        assert response.status == 200
    assert "medinfra" in page
    assert (var / "medinfra.sqlite3").exists()
    with sqlite3.connect(var / "medinfra.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_serve_gives_compressed_cache_busted_static_files(server):
    url, _ = server
    page = urllib.request.urlopen(url + "/").read().decode()
    css = re.search(r'href="(/static/medinfra/site\.[0-9a-f]{12}\.css)"', page)
    assert css, "the stylesheet's name carries its content hash"
    request = urllib.request.Request(url + css.group(1), headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert "immutable" in response.headers["Cache-Control"]


def test_serve_answers_the_bulletin_and_refuses_bad_input_without_a_server_error(server):
    url, _ = server
    text = urllib.request.urlopen(url + "/bulletin.txt?lang=en").read().decode()
    assert "ambulances" in text
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(url + "/bulletin.txt?as_of=yesterday")
    assert error.value.code == 400
    assert "as_of" in error.value.read().decode()
