"""Writes to API tokens: issuing, revoking, noting use. Every issue and revocation is audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from medinfra.api.models import ApiToken
from medinfra.core.errors import Conflict, InvalidInput
from medinfra.core.services import Actor, record_audit_event, validate

# Marks a string as a medinfra token, so secret scanners and people can recognise one.
TOKEN_PREFIX = "mi_"  # noqa: S105
# Noting every use would write on every request; to the minute is enough to spot idle tokens.
USE_RESOLUTION = dt.timedelta(minutes=1)


def hash_token(token: str) -> str:
    """The stored form of a token: its SHA-256 digest, hexadecimal."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def issue_token(owner: User, *, name: str, actor: Actor) -> tuple[ApiToken, str]:
    """Create a token for an account; return it with the secret, which is never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        owner=owner,
        name=name.strip(),
        token_hash=hash_token(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        created_at=timezone.now(),
    )
    if ApiToken.objects.filter(owner=owner, name=token.name, revoked_at__isnull=True).exists():
        raise InvalidInput(
            {"name": f"{owner.get_username()} already has an active token named {token.name!r}."}
        )
    validate(token)
    token.save(force_insert=True)
    record_audit_event(
        actor=actor,
        action="create",
        obj=token,
        # The hash stays out of the audit trail: it is a credential, not a fact.
        changes={"after": {"owner": owner.pk, "name": token.name, "prefix": token.prefix}},
    )
    return token, secret


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: Actor, reason: str = "") -> ApiToken:
    """Stop a token from working, for good; the row stays for the record."""
    stored = ApiToken.objects.select_for_update().get(pk=token.pk)
    if stored.revoked_at is not None:
        raise Conflict(
            f"Token {stored.name!r} was already revoked on {stored.revoked_at:%Y-%m-%d}."
        )
    stored.revoked_at = timezone.now()
    stored.save(update_fields=["revoked_at"])
    record_audit_event(
        actor=actor,
        action="update",
        obj=stored,
        changes={"before": {"revoked_at": None}, "after": {"revoked_at": stored.revoked_at}},
        reason=reason,
    )
    token.revoked_at = stored.revoked_at
    return token


def note_token_use(token: ApiToken) -> None:
    """Remember when a token was last used (bookkeeping, not audited)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < USE_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
