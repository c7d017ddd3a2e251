"""Sign-in that slows down password guessing, across every server process."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from medinfra.core.models import LoginFailure

# Failures are counted in the database, not in a per-process cache: with several gunicorn
# workers a per-process count would multiply the attempts an attacker gets.


def _limits() -> tuple[int, dt.timedelta]:
    return (
        getattr(settings, "MEDINFRA_LOGIN_MAX_FAILURES", 5),
        dt.timedelta(minutes=getattr(settings, "MEDINFRA_LOGIN_LOCK_MINUTES", 15)),
    )


def _address(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def is_locked_out(username: str, address: str | None) -> bool:
    """Too many recent failures for this account, or from this address."""
    limit, window = _limits()
    since = timezone.now() - window
    recent = LoginFailure.objects.filter(at__gte=since)
    if recent.filter(username=username.lower()).count() >= limit:
        return True
    return address is not None and recent.filter(address=address).count() >= limit * 4


class RateLimitedBackend(ModelBackend):
    """Django's model backend, refusing while an account or address is locked out."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is not None and is_locked_out(username, _address(request)):
            # Even the right password is refused until the lock expires.
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed)
def _record_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    LoginFailure.objects.create(
        username=str(credentials.get("username", ""))[:150].lower(),
        address=_address(request),
        at=timezone.now(),
    )
    _, window = _limits()
    # Old failures say nothing any more: keep the table small.
    LoginFailure.objects.filter(at__lt=timezone.now() - window * 4).delete()
