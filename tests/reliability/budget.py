"""How much the reliability tests try: the Hypothesis settings they share, and a tally of the
inputs each property test was given (printed at the end of the run).

The suite runs twice in CI (SQLite, then PostgreSQL), so each test's number of examples is
small and fixed, and the examples are derived from the test's name (derandomize): every run
on a database tries the same inputs. ``MEDINFRA_FUZZ_SCALE=10`` multiplies the examples for
a longer hunt.
"""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import HealthCheck, settings

SCALE = float(os.environ.get("MEDINFRA_FUZZ_SCALE", "1"))
# An example that makes many queries costs two to three times as much on PostgreSQL (a server
# round trip each): the second pass of CI tries a share of those (see fuzz()).
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

# Inputs tried, by test; conftest.py prints them in the terminal summary.
INPUTS: Counter[str] = Counter()


def fuzz(examples: int, *, postgres_share: float = 0.75) -> settings:
    """Settings of one property test: this many examples (on PostgreSQL this share of them),
    the same ones on every run."""
    share = postgres_share if ON_POSTGRES else 1.0
    return settings(
        max_examples=max(1, round(examples * SCALE * share)),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            # The database and the upload folder are set up once per test, not per example.
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
        ],
    )


def tally(name: str, count: int = 1) -> None:
    """Count inputs given to the code under test (one example may try several)."""
    INPUTS[name] += count
