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


def foreign_keys(
    connection: BaseDatabaseWrapper, tables: Sequence[str]
) -> list[tuple[str, str, str]]:
    """PostgreSQL: the foreign keys these tables hold, as (table, name, definition)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace "
            "WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname = ANY(%s) "
            "ORDER BY 1, 2",
            [list(tables)],
        )
        return [(str(table), str(name), str(sql)) for table, name, sql in cursor.fetchall()]


@contextmanager
def foreign_keys_checked_after(
    connection: BaseDatabaseWrapper,
    tables: Sequence[str],
    *,
    progress: ProgressFn | None = None,
) -> Iterator[None]:
    """PostgreSQL: these tables' foreign keys dropped for a load and added again after it.

    Each row inserted under a foreign key queues a check that looks the referenced row up at
    the commit; adding the key again checks every row in one pass (a join), which is several
    times faster for a large load. The keys come back even if the load fails; a load whose
    rows break a key then fails when it is added, naming it. Outside a transaction, a process
    killed during the load leaves the keys missing, as it leaves the plain indexes.
    """
    keys = foreign_keys(connection, tables)
    if not keys:
        yield
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            # PostgreSQL alters no table with checks still pending in this transaction: they
            # are made now, and the keys are deferred again (as Django declares them) after.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        if connection.in_atomic_block:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    try:
        yield
    finally:
        started = time.monotonic()
        with connection.cursor() as cursor:
            for table, name, definition in keys:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        if progress is not None:
            progress(f"  {len(keys)} foreign keys checked in {time.monotonic() - started:.1f} s")
