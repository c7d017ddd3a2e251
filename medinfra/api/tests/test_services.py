"""Issuing and revoking API tokens: only a hash is kept, and both are audited."""

from __future__ import annotations

from typing import Any

import pytest

from medinfra.api.models import ApiToken
from medinfra.api.queries import active_token, tokens_of
from medinfra.api.services import hash_token, issue_token, revoke_token
from medinfra.core.errors import Conflict, InvalidInput
from medinfra.core.models import AuditEvent


def test_issued_token_is_stored_only_as_its_hash(actor: Any, other_actor: Any) -> None:
    token, secret = issue_token(other_actor, name="sync", actor=actor)

    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret.startswith("mi_") and len(secret) > 40
    assert stored["token_hash"] == hash_token(secret) != secret
    assert not any(secret in str(value) for value in stored.values())
    assert secret.startswith(stored["prefix"])
    assert active_token(secret) == token


def test_issuing_and_revoking_are_audited_without_the_secret(actor: Any, other_actor: Any) -> None:
    token, secret = issue_token(other_actor, name="sync", actor=actor)
    revoke_token(token, actor=actor, reason="laptop lost")

    events = list(AuditEvent.objects.filter(model="api.apitoken", object_id=str(token.pk)))
    assert [e.action for e in events] == ["create", "update"]
    assert events[1].reason == "laptop lost"
    assert all(
        secret not in str(e.changes) and token.token_hash not in str(e.changes) for e in events
    )


def test_revoked_token_no_longer_authenticates(actor: Any, other_actor: Any) -> None:
    token, secret = issue_token(other_actor, name="sync", actor=actor)

    revoke_token(token, actor=actor)

    assert active_token(secret) is None
    assert token.revoked_at is not None


def test_token_cannot_be_revoked_twice(actor: Any, other_actor: Any) -> None:
    token, _ = issue_token(other_actor, name="sync", actor=actor)
    revoke_token(token, actor=actor)

    with pytest.raises(Conflict):
        revoke_token(token, actor=actor)


def test_active_token_names_are_unique_per_account(actor: Any, other_actor: Any) -> None:
    first, _ = issue_token(other_actor, name="sync", actor=actor)
    issue_token(actor, name="sync", actor=actor)  # another account may use the name

    with pytest.raises(InvalidInput) as refused:
        issue_token(other_actor, name=" sync ", actor=actor)
    revoke_token(first, actor=actor)
    issue_token(other_actor, name="sync", actor=actor)

    assert list(refused.value.message_dict) == ["name"]
    assert tokens_of(other_actor).count() == 2


def test_token_needs_a_name(actor: Any, other_actor: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        issue_token(other_actor, name="  ", actor=actor)

    assert list(refused.value.message_dict) == ["name"]
    assert not ApiToken.objects.exists()


def test_unknown_secret_finds_no_token(db: None) -> None:
    assert active_token("mi_nothing") is None
    assert active_token("") is None
