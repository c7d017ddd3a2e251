"""Token authentication for writes: Authorization: Bearer <token>, and the role it needs."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer

from medinfra.api.queries import active_token
from medinfra.api.services import note_token_use
from medinfra.core.roles import Role, has_role


class TokenAuth(HttpBearer):
    """A valid, unrevoked token of an active account that holds the role."""

    def __init__(self, role: Role) -> None:
        self.role = role
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = active_token(token) if token else None
        if found is None or not found.owner.is_active:
            return None
        # Checked before the body is read: someone without the role learns nothing from it.
        if not has_role(found.owner, self.role):
            raise PermissionDenied(f"This needs the {self.role.value} role.")
        note_token_use(found)
        return found.owner


reporter = TokenAuth(Role.REPORTER)
verifier = TokenAuth(Role.VERIFIER)


def account(request: HttpRequest) -> User:
    """The account whose token authenticated this request."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise PermissionDenied("This needs an API token.")
    return user
