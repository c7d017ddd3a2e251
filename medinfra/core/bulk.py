"""Large loads: a table's plain indexes dropped for the load and made again after it, in one
pass each, instead of every row being inserted into every index as it is written."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from django.db.backends.base.base import BaseDatabaseWrapper

ProgressFn = Callable[[str], None]


class DroppedIndexes:
    """The plain indexes a load dropped, until they are made again."""

    def __init__(self, connection: BaseDatabaseWrapper, indexes: list[tuple[str, str]]) -> None:
        self.connection = connection
        self.indexes = indexes  # (name, the statement that makes it)

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.indexes]

    def make_again(self, names: Sequence[str] = ()) -> int:
        """Make these dropped indexes again now (all of them when no names are given), e.g.
        before a query the load needs them for; returns how many were made."""
        wanted = [(n, s) for n, s in self.indexes if not names or n in names]
        if not wanted:
            return 0
        with self.connection.cursor() as cursor:
            deferred = self.connection.vendor == "postgresql" and self.connection.in_atomic_block
            if deferred:
                # Inside a transaction the deferred foreign-key checks are still pending, and
                # PostgreSQL makes no index on a table with pending checks.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for _, sql in wanted:
                cursor.execute(sql)
            if deferred:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django declares them
        self.indexes = [item for item in self.indexes if item not in wanted]
        return len(wanted)


def plain_indexes(connection: BaseDatabaseWrapper, tables: Sequence[str]) -> list[tuple[str, str]]:
    """The plain (not unique, not a constraint's) indexes of these tables: (name, statement)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608 - placeholders only
                f"AND tbl_name IN ({', '.join(['%s'] * len(tables))}) ORDER BY name",
                list(tables),
            )
        elif connection.vendor == "postgresql":  # indexes of constraints (primary keys, ...) stay
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) "
                "ORDER BY i.indexname",
                [list(tables)],
            )
        else:
            return []
        return [
            (name, sql)
            for name, sql in cursor.fetchall()
            if not sql.lstrip().upper().startswith("CREATE UNIQUE")
        ]


@contextmanager
def plain_indexes_dropped(
    connection: BaseDatabaseWrapper,
    tables: Sequence[str],
    *,
    made_again_on_error: bool = True,
    progress: ProgressFn | None = None,
) -> Iterator[DroppedIndexes]:
    """These tables' plain indexes dropped for a load and made again after it.

    Unique indexes stay, so every row is still checked as it is written. On SQLite and
    PostgreSQL (the only databases this does anything on) the drop is part of the caller's
    transaction when there is one: a load that fails or is killed in it leaves every index as
    it was. `made_again_on_error=False` is for a caller whose error always ends in that
    transaction's rollback: the indexes are then left to the rollback (on PostgreSQL nothing
    more can run in a failed transaction). Outside a transaction, a process killed during the
    load leaves the plain indexes missing: the queries are then slow, not wrong.
    """
    if connection.vendor not in ("sqlite", "postgresql"):
        yield DroppedIndexes(connection, [])
        return
    indexes = plain_indexes(connection, tables)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    dropped = DroppedIndexes(connection, indexes)

    def make_again() -> None:
        started = time.monotonic()
        count = dropped.make_again()
        if progress is not None:
            progress(f"  {count} indexes made again in {time.monotonic() - started:.1f} s")

    if made_again_on_error:
        try:
            yield dropped
        finally:
            make_again()
    else:
        yield dropped
        make_again()
