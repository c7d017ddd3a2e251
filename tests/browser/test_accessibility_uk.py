"""axe-core finds no WCAG 2.1 AA violation on a public page in Ukrainian, in any display mode."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import MODES
from tests.browser.test_accessibility import check_every_public_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("mode", list(MODES))
def test_every_public_page_in_ukrainian_has_no_accessibility_violation(
    new_context: Any, axe_source: str, mode: str
) -> None:
    check_every_public_page(new_context, axe_source, mode, "uk")
