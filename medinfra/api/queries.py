"""Reads of API tokens."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet

from medinfra.api.models import ApiToken
from medinfra.api.services import hash_token


def active_token(secret: str) -> ApiToken | None:
    """The active token with this secret, with its owner, or None."""
    return (
        ApiToken.objects.select_related("owner")
        .filter(token_hash=hash_token(secret), revoked_at__isnull=True)
        .first()
    )


def tokens_of(owner: User) -> QuerySet[ApiToken]:
    """Every token of an account, revoked ones too, oldest first."""
    return ApiToken.objects.filter(owner=owner).order_by("id")
