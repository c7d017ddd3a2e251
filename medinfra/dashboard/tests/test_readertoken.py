"""Each reader's CSRF token for a kept page: the token Django's middleware accepts."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    CsrfViewMiddleware,
    _unmask_cipher_token,
)
from django.test import RequestFactory

from medinfra.dashboard import readertoken

SECRET = "abcdefghijklmnopqrstuvwxyzABCDEF"
DJANGO = CsrfViewMiddleware(lambda request: HttpResponse())


def request_with(cookie: str | None = None):
    factory = RequestFactory()
    if cookie is None:
        return factory.get("/")
    return factory.get("/", HTTP_COOKIE=f"{settings.CSRF_COOKIE_NAME}={cookie}")


def test_a_returning_readers_token_carries_their_own_secret():
    request = request_with(SECRET)
    tokens = {readertoken.reader_token(request) for _ in range(50)}
    assert len(tokens) == 50  # a new mask each time
    for token in tokens:
        assert len(token) == 2 * CSRF_SECRET_LENGTH
        assert set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == SECRET
    response = HttpResponse("page")
    readertoken.cookie(request, response)
    assert response.cookies[settings.CSRF_COOKIE_NAME].value == SECRET  # renewed, unchanged
    assert "Cookie" in response["Vary"]


def test_a_new_reader_gets_a_new_secret_and_its_cookie():
    secrets_given = set()
    for _ in range(20):
        request = request_with()
        token = readertoken.reader_token(request)
        response = HttpResponse("page")
        readertoken.cookie(request, response)
        secret = response.cookies[settings.CSRF_COOKIE_NAME].value
        assert len(secret) == CSRF_SECRET_LENGTH and set(secret) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == secret
        secrets_given.add(secret)
    assert len(secrets_given) == 20


def test_a_cookie_of_the_wrong_form_is_replaced():
    request = request_with("not-a-secret!")
    token = readertoken.reader_token(request)
    response = HttpResponse("page")
    readertoken.cookie(request, response)
    secret = response.cookies[settings.CSRF_COOKIE_NAME].value
    assert secret != "not-a-secret!" and _unmask_cipher_token(token) == secret


def test_masks_draw_every_character_equally_often():
    """Chi-squared over 320,000 characters: 61 degrees of freedom.

    A fair draw exceeds the bound 130 by chance in fewer than one run in a million (the
    tail of the chi-squared distribution there is 6.6e-7). A draw that favoured some
    characters, as byte % 62 over all 256 bytes would (8 of them by 25%), gives about 2,000.
    """
    counts = Counter("".join(readertoken.random_chars(32) for _ in range(10_000)))
    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    expected = 320_000 / len(CSRF_ALLOWED_CHARS)
    chi_squared = sum((counts[c] - expected) ** 2 / expected for c in CSRF_ALLOWED_CHARS)
    assert chi_squared < 130, chi_squared


@pytest.mark.parametrize(
    "changed",
    [
        {},
        {"CSRF_COOKIE_SECURE": True, "CSRF_COOKIE_HTTPONLY": True},
        {"CSRF_COOKIE_SAMESITE": "Strict"},
        {"CSRF_COOKIE_DOMAIN": "example.org", "CSRF_COOKIE_PATH": "/figures/"},
        {"CSRF_COOKIE_AGE": timedelta(days=3)},
        {"CSRF_COOKIE_AGE": None},
    ],
)
def test_the_cookie_is_the_one_djangos_middleware_sets(settings, changed):
    for name, value in changed.items():
        setattr(settings, name, value)
    for _ in range(3):  # the expiry is to the second: both made within one
        ours, djangos = HttpResponse("page"), HttpResponse("page")
        for response, set_it in ((ours, readertoken.cookie), (djangos, DJANGO.process_response)):
            request = request_with(SECRET)
            readertoken.reader_token(request)
            set_it(request, response)
        if ours.cookies.output() == djangos.cookies.output():
            break
    assert ours.cookies.output() == djangos.cookies.output()
    assert ours["Vary"] == djangos["Vary"] == "Cookie"
