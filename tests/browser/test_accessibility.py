"""axe-core finds no WCAG 2.1 AA violation on a public page, in any display mode or language."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import MODES

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/?as_of=2023-10-06&metric=attacks",
    "/?metric=funding_gap",
    "/occupied/",
    "/figures/",
    "/data/",
    "/regions/",
    "/regions/UA-63/",
    "/regions/UA-09/",
    "/facilities/?status=destroyed",
    "{facility}",
    "/attacks/",
    "/vehicles/",
    "/about/",
    "/?as_of=not-a-date",
    "/regions/UA-99/",
]
RULES = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    }
}


def a_damaged_facility(page: Any) -> str:
    page.goto("/facilities/?status=destroyed&region=UA-63")
    href = page.locator("table.list tbody th a").first.get_attribute("href")
    assert href and re.fullmatch(r"/facilities/\d+/", href)
    return href


def violations_on(page: Any, axe_source: str) -> list[str]:
    # Tables folded into <details> are checked too: open them all first.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.add_script_tag(content=axe_source)
    found = page.evaluate("async (options) => (await axe.run(document, options)).violations", RULES)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in found
    ]


def check_every_public_page(new_context: Any, axe_source: str, mode: str, language: str) -> None:
    """axe on every page of PAGES in one display mode and language (test_accessibility_uk.py
    runs the Ukrainian pages, so that the two languages run on two workers at once)."""
    # axe is injected as an inline script, which the site's policy refuses; the policy itself
    # is checked by test_csp.py.
    page = new_context(language, mode, bypass_csp=True).new_page()
    facility = a_damaged_facility(page)
    problems = {}
    for path in PAGES:
        url = path.format(facility=facility)
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == language, url
        found = violations_on(page, axe_source)
        if found:
            problems[url] = found

    assert not problems, "\n".join(f"{url}:\n  " + "\n  ".join(v) for url, v in problems.items())


@pytest.mark.parametrize("mode", list(MODES))
def test_every_public_page_in_english_has_no_accessibility_violation(
    new_context: Any, axe_source: str, mode: str
) -> None:
    check_every_public_page(new_context, axe_source, mode, "en")


def test_the_accessibility_check_catches_a_violation(new_context: Any, axe_source: str) -> None:
    page = new_context("en", bypass_csp=True).new_page()
    page.goto("/about/")
    page.evaluate(
        "() => { const p = document.createElement('p'); p.textContent = 'faint';"
        " p.style.color = '#ddd'; document.querySelector('main').append(p); }"
    )

    assert any(v.startswith("color-contrast") for v in violations_on(page, axe_source))
