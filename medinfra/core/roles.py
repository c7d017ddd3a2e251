"""The roles people have in medinfra, kept as Django groups."""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group


class Role(StrEnum):
    REPORTER = "reporter"  # reports incidents, assessments, restorations, vehicle losses
    VERIFIER = "verifier"  # reviews and verifies or rejects others' reports
    COORDINATOR = "coordinator"  # recovery projects, partners, funding, agreements
    ADMINISTRATOR = "administrator"  # accounts, regions, retractions


def ensure_role_groups() -> None:
    """Create a group for every role (run after migrations)."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def has_role(user: AbstractBaseUser | AnonymousUser | None, role: Role) -> bool:
    """Whether a signed-in user holds a role; superusers hold every role."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return bool(user.groups.filter(name=role.value).exists())  # type: ignore[attr-defined]


def grant(user: AbstractBaseUser, *roles: Role) -> AbstractBaseUser:
    """Give a user roles (creating the role groups if needed); returns the user."""
    ensure_role_groups()
    for role in roles:
        user.groups.add(Group.objects.get(name=role.value))  # type: ignore[attr-defined]
    return user
