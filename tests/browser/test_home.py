"""The home page in a real browser: light, complete without JavaScript, usable by keyboard."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

BUDGET = 250 * 1024


def test_home_page_transfers_at_most_250_kb_compressed_on_a_first_visit(new_context: Any) -> None:
    page = new_context("uk").new_page()
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))

    page.goto("/", wait_until="networkidle")

    total = 0
    for response in responses:
        sizes = response.request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    print(f"home page, first visit: {len(responses)} responses, {total} bytes")
    assert total <= BUDGET
    encodings = {r.url.rsplit("/", 1)[-1]: r.header_value("content-encoding") for r in responses}
    assert all(e in ("gzip", "br") for e in encodings.values()), encodings


def test_home_page_shows_its_figures_tables_and_map_without_javascript(
    new_context: Any,
) -> None:
    page = new_context("en", java_script_enabled=False).new_page()
    page.goto("/")

    figures = page.locator("table.figures")
    assert "2,325" in figures.inner_text()
    assert page.locator("table.regions tbody tr").count() == 27
    luhansk = page.locator("table.regions tbody tr", has_text="Luhansk Oblast")
    assert "not assessable" in luhansk.inner_text()
    assert page.locator(".map-svg a").count() == 26
    # attacks, damage and restoration, and the figures the sources published
    assert page.locator("figure.chart table").count() == 3
    assert page.locator("text=Synthetic demo data.").is_visible()


def test_without_javascript_the_display_form_sets_the_mode_on_the_server(
    new_context: Any,
) -> None:
    page = new_context("en", java_script_enabled=False).new_page()
    page.goto("/regions/")

    page.get_by_role("button", name="Blue").click()

    page.wait_for_url("**/regions/")
    assert "scheme-blue" in (page.locator("html").get_attribute("class") or "")
    page.goto("/about/")
    assert "scheme-blue" in (page.locator("html").get_attribute("class") or "")


def test_map_regions_take_keyboard_focus_and_show_their_figures(new_context: Any) -> None:
    page = new_context("en").new_page()
    page.goto("/")
    page.locator(".metrics a").last.focus()

    page.keyboard.press("Tab")  # the link that skips the map
    page.keyboard.press("Tab")

    focused = page.evaluate(
        "() => [document.activeElement.closest('svg.map-svg') !== null,"
        " document.activeElement.getAttribute('aria-label')]"
    )
    assert focused[0], "the first region of the map has the focus"
    assert ": Facilities damaged or destroyed: " in focused[1]
    tip = page.locator("[data-map-tip]")
    assert tip.is_visible() and tip.inner_text() == focused[1]
    stroke = page.evaluate(
        "() => getComputedStyle(document.activeElement.querySelector('path')).strokeWidth"
    )
    assert stroke == "4px"

    page.keyboard.press("Escape")
    assert not tip.is_visible()


def test_the_hatched_region_is_labelled_not_assessable(new_context: Any) -> None:
    page = new_context("en").new_page()
    page.goto("/")

    luhansk = page.locator('.map-svg a[href="/regions/UA-09/"]')

    assert "not assessable" in (luhansk.get_attribute("aria-label") or "")
    assert luhansk.locator("path.hatched").count() == 1
