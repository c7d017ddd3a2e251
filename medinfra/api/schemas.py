"""The API's own shapes: the one error format, pages of results, the paging parameters."""

from __future__ import annotations

from typing import Generic, TypeVar

from ninja import Schema
from pydantic import Field

T = TypeVar("T")

MAX_LIMIT = 200


class ErrorOut(Schema):
    """Every error answer: messages keyed by the field they are about ('__all__' for none)."""

    errors: dict[str, list[str]] = Field(examples=[{"region": ["Unknown region code 'UA-99'."]}])


class Page(Schema, Generic[T]):
    """One page of a list; ask for the next with ?cursor=<next_cursor> and the same filters."""

    items: list[T]
    next_cursor: str | None = Field(
        description="Opaque; pass it back as ?cursor= for the next page. Null on the last page."
    )


class PageParams(Schema):
    """Where a page starts and how long it is."""

    cursor: str | None = Field(
        None, max_length=2000, description="The next_cursor of the page before; omit for the first"
    )
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"Items per page, 1 to {MAX_LIMIT}")


# The largest id the databases store (a signed 64-bit integer): bigger numbers are refused as
# input rather than passed on to a query that would overflow.
MAX_ID = 2**63 - 1
# Counts are stored as 32-bit integers on PostgreSQL.
MAX_COUNT = 2**31 - 1
