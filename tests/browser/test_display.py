"""Display modes (seeds/004), the system's own preferences, and the language switch."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def html_class(page: Any) -> str:
    return page.locator("html").get_attribute("class") or ""


def test_display_buttons_switch_at_once_and_the_mode_is_kept_across_pages(
    new_context: Any,
) -> None:
    page = new_context("en").new_page()
    page.goto("/")
    page.evaluate("window.notReloaded = true")

    page.get_by_role("button", name="Black and white").click()
    page.get_by_role("button", name="Large text").click()

    assert page.evaluate("window.notReloaded") is True
    assert "scheme-bw" in html_class(page) and "text-large" in html_class(page)
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "22px"
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    assert page.get_by_role("button", name="Large text").get_attribute("aria-pressed") == "true"

    page.get_by_role("link", name="Regions", exact=True).click()
    assert "scheme-bw" in html_class(page) and "text-large" in html_class(page)

    page.get_by_role("button", name="Standard colours").click()
    page.get_by_role("button", name="Large text").click()
    page.reload()
    assert "scheme-standard" in html_class(page) and "text-normal" in html_class(page)


def test_blue_scheme_is_light_text_on_dark_blue(new_context: Any) -> None:
    page = new_context("en", "blue").new_page()
    page.goto("/about/")

    colours = page.evaluate(
        "[getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor]"
    )

    assert colours == ["rgb(255, 255, 255)", "rgb(0, 39, 90)"]


def test_a_system_asking_for_more_contrast_gets_black_and_white(new_context: Any) -> None:
    page = new_context("en", contrast="more").new_page()
    page.goto("/about/")

    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"


def test_a_system_asking_for_reduced_motion_gets_no_transitions(new_context: Any) -> None:
    still = new_context("en", reduced_motion="reduce").new_page()
    moving = new_context("en").new_page()
    for page in (still, moving):
        page.goto("/about/")

    def duration(page: Any) -> str:
        return page.evaluate(
            "getComputedStyle(document.querySelector('.controls button')).transitionDuration"
        )

    assert duration(still).split(",")[0].strip() == "0s"
    assert duration(moving).split(",")[0].strip() == "0.15s"
    assert still.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"


@pytest.mark.parametrize(("locale", "language"), [("uk-UA", "uk"), ("de-DE", "en")])
def test_ukrainian_browsers_get_ukrainian_and_others_english(
    browser: Any, server: str, locale: str, language: str
) -> None:
    context = browser.new_context(base_url=server, locale=locale)
    try:
        page = context.new_page()
        page.goto("/")
        assert page.locator("html").get_attribute("lang") == language
    finally:
        context.close()


def test_the_language_switch_keeps_the_reader_on_the_same_page(new_context: Any) -> None:
    page = new_context("uk").new_page()
    page.goto("/regions/UA-63/?as_of=2023-10-06")
    assert page.locator("h1").inner_text() == "Харківська область"

    page.get_by_role("button", name="English").click()

    page.wait_for_url("**/regions/UA-63/?as_of=2023-10-06")
    assert page.locator("h1").inner_text() == "Kharkiv Oblast"
    assert "Oct. 6, 2023" in page.locator("main").inner_text()


def test_the_kept_home_page_comes_compressed_and_its_forms_work(new_context: Any) -> None:
    """The home page is kept after its first visit: later visits get the kept answer, gzip
    encoded once, with this reader's own CSRF token put into its forms."""
    page = new_context("en").new_page()
    answers = [page.goto("/") for _ in range(4)]  # one connection: one server process
    assert all(a is not None and a.status == 200 for a in answers)
    encodings = {a.all_headers().get("content-encoding") for a in answers if a is not None}
    assert encodings == {"gzip"}
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").count() == 1

    page.get_by_role("button", name="Українська").click()

    page.wait_for_function("document.documentElement.lang === 'uk'")
