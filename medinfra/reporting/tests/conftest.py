"""Fixtures of the reporting tests: people with roles, signed in on their own test clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are read in English here (Ukrainian is the default language)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def person(db: None) -> Callable[..., Any]:
    """A signed-in person holding the given roles, with their own client (``.client``)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from medinfra.core.roles import ensure_role_groups

    def make(username: str, *roles: str) -> Any:
        ensure_role_groups()
        user = get_user_model().objects.create_user(username=username, password="x-unused-x-9")
        for role in roles:
            user.groups.add(Group.objects.get(name=role))
        user.client = Client(HTTP_ACCEPT_LANGUAGE="en")
        user.client.force_login(user)
        return user

    return make


@pytest.fixture
def reporter(ua: Any, person: Callable[..., Any]) -> Any:
    return person("reporter-1", "reporter")


@pytest.fixture
def verifier(ua: Any, person: Callable[..., Any]) -> Any:
    return person("verifier-1", "verifier")


@pytest.fixture
def second_verifier(ua: Any, person: Callable[..., Any]) -> Any:
    return person("verifier-2", "verifier")
