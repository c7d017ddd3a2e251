"""Helpers shared by the occupied-territory and evidence tests."""

from __future__ import annotations

from typing import Any


def person_with_role(username: str, role: str, *, staff: bool = False) -> Any:
    """A signed-in-able account holding one role (a group)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from medinfra.core.roles import ensure_role_groups

    ensure_role_groups()
    user = get_user_model().objects.create_user(
        username=username, password="x-unused-x-9", is_staff=staff
    )
    user.groups.add(Group.objects.get(name=role))
    return user
