"""In Chromium: the incident form autosaves to the server and a reload finds the text; the
form and the verification queue have no accessibility violation (axe-core)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import AXE, CHROMIUM, LOCALES
from tests.browser.test_accessibility import violations_on
from tests.var_templates import copy_var

pytestmark = pytest.mark.browser

# Run inside the server's own database: a country, a reporter and two verifiers, one report
# of each of them waiting in the queue, and a signed-in session for each person.
SETUP = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from medinfra.core.roles import ensure_role_groups
from medinfra.core.services import system_actor
from medinfra.facilities.services import register_facility
from medinfra.geography.services import load_country
from medinfra.incidents.services import record_incident
from medinfra.sources.services import register_source
import datetime as dt

actor = system_actor()
load_country("UA", actor=actor)
ensure_role_groups()
people = {}
for name, role in (("reporter", "reporter"), ("verifier", "verifier"), ("other", "verifier")):
    user = get_user_model().objects.create_user(username=name, password=None)
    user.groups.add(Group.objects.get(name=role))
    people[name] = user
source = register_source(actor=actor, publisher="Regional health department", title="Daily report")
facility = register_facility(actor=actor, name_uk="Лікарня №1", kind="hospital", region="UA-63")
incidents = [
    record_incident(
        actor=people[name], occurred_on=dt.date(2024, 3, day), facility=facility,
        attack_types=["heavy_weapons"], resources=["facility"], sources=[source],
        description="Private details",
    )
    for name, day in (("other", 10), ("verifier", 11))
]
sessions = {}
for name, user in people.items():
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "medinfra.core.auth.RateLimitedBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    sessions[name] = session.session_key
print(json.dumps({"sessions": sessions, "incident": incidents[0].pk}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _medinfra(*args: str, env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "medinfra.cli", *args],
        env=env,
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return done.stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, migrated_var: Path) -> Iterator[dict[str, Any]]:
    """`medinfra serve` on a fresh database with the people above; its URL and sessions."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: scripts/install-system-packages installs it")
    home = tmp_path_factory.mktemp("reporting")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["MEDINFRA_VAR_DIR"] = str(home / "var")
    env.pop("MEDINFRA_STATICFILES_STORAGE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    copy_var(migrated_var, home / "var")
    world = json.loads(_medinfra("shell", "-c", SETUP, env=env, cwd=home).strip().splitlines()[-1])
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "medinfra.cli", "serve", "--port", str(port), "--workers", "1"],
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
        yield {"url": url, **world}
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def chromium(site: dict[str, Any], playwright_chromium: Any) -> Any:
    return playwright_chromium


@pytest.fixture
def signed_in(chromium: Any, site: dict[str, Any]) -> Iterator[Any]:
    """Opens a page signed in as one of the people, in a language."""
    contexts: list[Any] = []

    def open_page(name: str, language: str = "en", **options: Any) -> Any:
        context = chromium.new_context(
            base_url=site["url"],
            locale=LOCALES[language],
            viewport={"width": 1280, "height": 900},
            **options,
        )
        context.add_cookies(
            [{"name": "sessionid", "value": site["sessions"][name], "url": site["url"]}]
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def test_the_incident_form_autosaves_and_a_reload_finds_the_text(signed_in: Any) -> None:
    from playwright.sync_api import expect

    page = signed_in("reporter")
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: blocked.append(message.text) if "Content" in message.text else None,
    )
    page.on("pageerror", lambda error: blocked.append(str(error)))
    page.goto("/reports/new/incident/")
    page.get_by_label("violence with heavy weapons").check()
    page.get_by_label("Settlement").fill("Ізюм")
    page.get_by_label("Description (staff only)").fill("Shelling of the surgical wing at dawn.")

    status = page.locator("[data-autosave-status]")
    expect(status).to_contain_text("Draft saved at", timeout=20_000)
    assert status.inner_text().split("at ")[-1].count(":") == 1
    # The first save made the form a draft: the address is now the draft's.
    assert "/reports/drafts/" in page.url

    page.reload()

    assert page.get_by_label("Settlement").input_value() == "Ізюм"
    assert (
        page.get_by_label("Description (staff only)").input_value()
        == "Shelling of the surgical wing at dawn."
    )
    assert page.get_by_label("violence with heavy weapons").is_checked()
    expect(page.locator("[data-autosave-status]")).to_contain_text("Draft saved at")
    # The script runs under the site's Content-Security-Policy without breaking it.
    assert blocked == []


def test_a_failed_autosave_keeps_the_text_and_says_so(signed_in: Any) -> None:
    from playwright.sync_api import expect

    page = signed_in("reporter")
    page.goto("/reports/new/restoration/")
    page.route("**/autosave/", lambda route: route.abort())
    page.get_by_label("Note").fill("Written while offline.")

    expect(page.locator("[data-autosave-status]")).to_contain_text("Not saved", timeout=20_000)
    assert page.get_by_label("Note").input_value() == "Written while offline."


@pytest.mark.parametrize("language", list(LOCALES))
def test_the_form_and_the_queue_have_no_accessibility_violation(
    signed_in: Any, axe_source: str, site: dict[str, Any], language: str
) -> None:
    problems = {}
    # axe is injected inline, which the site's Content-Security-Policy forbids (rightly).
    reporter = signed_in("reporter", language, bypass_csp=True)
    reporter.goto("/reports/new/incident/")
    reporter.locator("button[value=submit]").click()  # an empty submit: every error shown
    reporter.wait_for_load_state()
    assert reporter.locator("#errors").count() == 1
    for path in ("", "/reports/new/incident/", "/reports/"):
        if path:
            reporter.goto(path)
        found = violations_on(reporter, axe_source)
        if found:
            problems[path or "incident form with errors"] = found
    verifier = signed_in("verifier", language, bypass_csp=True)
    for path in ("/reports/review/", f"/reports/review/{site['incident']}/"):
        verifier.goto(path)
        assert verifier.locator("html").get_attribute("lang") == language
        found = violations_on(verifier, axe_source)
        if found:
            problems[path] = found

    assert not problems, "\n".join(f"{url}:\n  " + "\n  ".join(v) for url, v in problems.items())
