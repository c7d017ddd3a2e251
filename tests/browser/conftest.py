"""One real server on the synthetic demo data and one Chromium for all browser tests.

The server is `medinfra serve` (gunicorn, WhiteNoise, compressed static files) on a fresh SQLite
database that `medinfra demo --no-serve` fills, so the pages are measured as users get them.
The browser is Debian's chromium driven by Playwright; Playwright's own browsers are never used.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.var_templates import copy_var

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from such a
# thread unless told that this is intended.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
MODES = {
    "default": {"display_text": "normal", "display_scheme": "standard"},
    "large": {"display_text": "large", "display_scheme": "standard"},
    "blue": {"display_text": "normal", "display_scheme": "blue"},
    "bw": {"display_text": "normal", "display_scheme": "bw"},
}
LOCALES = {"uk": "uk-UA", "en": "en-GB"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, demo_var: Path) -> Iterator[str]:
    """The base URL of `medinfra serve` on a copy of the demo database (built once per run)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: scripts/install-system-packages installs it")
    home = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["MEDINFRA_VAR_DIR"] = str(home / "var")
    env.pop("MEDINFRA_STATICFILES_STORAGE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    copy_var(demo_var, home / "var")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "medinfra.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=home,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/about/", timeout=2)
                break
            except OSError:
                if process.poll() is not None:
                    output = process.stdout.read() if process.stdout else ""
                    raise AssertionError(f"medinfra serve stopped:\n{output}") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def browser(server: str, playwright_chromium: Any) -> Any:
    return playwright_chromium


@pytest.fixture
def new_context(browser: Any, server: str) -> Iterator[Callable[..., Any]]:
    """Opens a browser context in a language and display mode; closes it after the test."""
    opened: list[Any] = []

    def open_context(language: str = "en", mode: str = "default", **options: Any) -> Any:
        context = browser.new_context(
            base_url=server,
            locale=LOCALES[language],
            viewport={"width": 1280, "height": 900},
            **options,
        )
        context.add_cookies(
            [{"name": k, "value": v, "url": server} for k, v in MODES[mode].items()]
        )
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")
