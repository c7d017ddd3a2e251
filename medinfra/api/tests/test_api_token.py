"""The api_token command: create prints the token once, list never shows it, revoke stops it."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from medinfra.api.queries import active_token


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_a_working_token_once(other_actor: Any) -> None:
    out, err = run("create", "verifier", "--name", "sync")

    secret = out.strip()
    assert active_token(secret).owner == other_actor  # type: ignore[union-attr]
    assert "shown once" in err and secret not in err


def test_list_shows_tokens_without_their_secret(other_actor: Any) -> None:
    secret = run("create", "verifier", "--name", "sync")[0].strip()

    out, _ = run("list", "verifier")

    assert "sync" in out and secret[:9] in out
    assert secret not in out


def test_revoke_by_name_stops_the_token(other_actor: Any) -> None:
    secret = run("create", "verifier", "--name", "sync")[0].strip()

    out, _ = run("revoke", "verifier", "--name", "sync", "--reason", "rotated")

    assert "Revoked" in out
    assert active_token(secret) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "nobody", "--name", "x"), "no account named 'nobody'"),
        (("create", "verifier"), "--name"),
        (("revoke", "verifier"), "--name NAME or --id ID"),
        (("revoke", "verifier", "--id", "999"), "no active token with id 999"),
    ],
)
def test_mistakes_are_explained(other_actor: Any, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_second_active_token_of_the_same_name_is_refused(other_actor: Any) -> None:
    run("create", "verifier", "--name", "sync")

    with pytest.raises(CommandError, match="--name"):
        run("create", "verifier", "--name", "sync")
