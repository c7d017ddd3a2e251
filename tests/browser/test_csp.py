"""The Content-Security-Policy holds on real pages: nothing is blocked, and the pages still work."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/?metric=funding_gap",
    "/regions/UA-63/",
    "/facilities/?status=destroyed",
    "/attacks/",
    "/figures/",
    "/recovery/",
    "/data/",
    "/occupied/",
    "/api/v1/docs",
    "/admin/login/",
]


def test_no_page_breaks_the_policy_and_every_page_carries_it(new_context: Any) -> None:
    context = new_context("en")
    page = context.new_page()
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: blocked.append(f"{page.url}: {error}"))
    for path in PAGES:
        response = page.goto(path)
        assert response is not None and response.status < 500, path
        page.wait_for_load_state("networkidle")
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
    assert blocked == []


def test_the_api_docs_page_still_renders_its_operations(new_context: Any) -> None:
    page = new_context("en").new_page()
    page.goto("/api/v1/docs")

    page.locator(".opblock").first.wait_for(timeout=20_000)
    assert page.locator(".opblock").count() > 20


def test_the_map_tooltip_still_works_under_the_policy(new_context: Any) -> None:
    page = new_context("en").new_page()
    page.goto("/")
    page.locator("[data-map] a").first.hover()

    tip = page.locator("[data-map-tip]")
    tip.wait_for(state="visible", timeout=5_000)
    assert tip.inner_text().strip()
