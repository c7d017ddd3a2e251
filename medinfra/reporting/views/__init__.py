"""Reporters' forms with drafts, and the verifiers' queue."""

from medinfra.reporting.views.reports import (
    amend,
    autosave,
    discard,
    draft,
    facilities,
    mine,
    new,
    reopen,
)
from medinfra.reporting.views.review import queue, review

__all__ = [
    "amend",
    "autosave",
    "discard",
    "draft",
    "facilities",
    "mine",
    "new",
    "queue",
    "reopen",
    "review",
]
