"""Large loads: indexes and foreign keys set aside for the load and back after it, as they were."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection

from medinfra.core.bulk import foreign_keys, foreign_keys_checked_after, plain_indexes_dropped
from medinfra.facilities.models import Assessment

pytestmark = pytest.mark.django_db

TABLE = Assessment._meta.db_table


def constraints() -> dict[str, dict[str, object]]:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, TABLE)


def test_plain_indexes_come_back_as_they_were() -> None:
    before = constraints()
    with plain_indexes_dropped(connection, [TABLE]) as dropped:
        assert dropped.names
        assert not set(dropped.names) & set(constraints())
    assert constraints() == before


def test_foreign_keys_come_back_as_they_were_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("foreign keys are set aside on PostgreSQL only")
    before, keys = constraints(), foreign_keys(connection, [TABLE])
    assert keys and all("DEFERRABLE INITIALLY DEFERRED" in sql for _, _, sql in keys)
    with foreign_keys_checked_after(connection, [TABLE]):
        assert foreign_keys(connection, [TABLE]) == []
    assert foreign_keys(connection, [TABLE]) == keys
    assert constraints() == before


def test_a_load_that_breaks_a_foreign_key_fails_naming_it(make_facility, assess) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("foreign keys are set aside on PostgreSQL only")
    stray = assess(make_facility(), dt.date(2024, 1, 1), "partial")
    (facility_key,) = [
        name for _, name, sql in foreign_keys(connection, [TABLE]) if "(facility_id)" in sql
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the fixtures' own checks, done now
    with (
        pytest.raises(IntegrityError, match=facility_key),
        foreign_keys_checked_after(connection, [TABLE]),
    ):
        # An assessment of a facility that does not exist, written as a bulk load writes.
        stray.pk, stray.facility_id = None, 987654321
        Assessment.all_objects.bulk_create([stray])
