"""Template context of every public page: the display mode and the site's sections."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

TEXT_COOKIE = "display_text"
SCHEME_COOKIE = "display_scheme"
TEXT_SIZES = ("normal", "large")
SCHEMES = ("standard", "blue", "bw")


@dataclass(frozen=True)
class Display:
    """The reader's display mode: text size and colour scheme (seeds/004)."""

    text: str = "normal"
    scheme: str = "standard"

    @property
    def css_classes(self) -> str:
        return f"text-{self.text} scheme-{self.scheme}"


def display_of(request: HttpRequest) -> Display:
    """The display mode kept in the reader's cookies; unknown values mean the default."""
    text = request.COOKIES.get(TEXT_COOKIE, "")
    scheme = request.COOKIES.get(SCHEME_COOKIE, "")
    return Display(
        text=text if text in TEXT_SIZES else "normal",
        scheme=scheme if scheme in SCHEMES else "standard",
    )


# Public sections that other apps serve; the navigation links each one once it is routed.
SECTIONS = {
    "figures": "figures:index",
    "recovery": "recovery:overview",
    "recovery_projects": "recovery:projects",
    "partnerships": "partnerships:agreements",
    "open_data": "exchange:downloads",
}


@lru_cache(maxsize=1)
def other_sections() -> dict[str, str]:
    """The URL of each section of SECTIONS that the site serves."""
    found = {}
    for key, name in SECTIONS.items():
        try:
            found[key] = reverse(name)
        except NoReverseMatch:
            continue
    return found


def display(request: HttpRequest) -> dict[str, Any]:
    """The display mode, and the links to the sections other apps serve."""
    return {"display": display_of(request), "sections": other_sections()}
