"""Password guessing is slowed down: after five failures even the right password waits."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from medinfra.core.models import LoginFailure

URL = "/admin/login/?next=/admin/"


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("clerk", password="right-password-1", is_staff=True)


def _login(client, password: str) -> bool:
    client.post(URL, {"username": "clerk", "password": password})
    return "_auth_user_id" in client.session


def test_five_failures_lock_the_account_even_for_the_right_password(client, staff):
    for _ in range(5):
        assert not _login(client, "wrong")

    assert not _login(client, "right-password-1")
    assert LoginFailure.objects.filter(username="clerk").count() >= 5


def test_the_lock_expires(client, staff):
    for _ in range(5):
        _login(client, "wrong")
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=16))

    assert _login(client, "right-password-1")


def test_a_few_failures_do_not_lock(client, staff):
    for _ in range(3):
        _login(client, "wrong")

    assert _login(client, "right-password-1")


def test_the_lock_holds_for_the_account_from_another_address(client, staff):
    for _ in range(5):
        client.post(URL, {"username": "clerk", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")

    assert not _login(client, "right-password-1")
