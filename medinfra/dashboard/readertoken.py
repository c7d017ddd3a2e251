"""Each reader's CSRF token for a kept page: what Django's get_token() gives, made faster.

A kept page is served without the view, so the token of its forms is made here, for every
reader, on every request. Django's get_token() draws each of the mask's 32 characters (and a
new reader's secret's 32 more) with its own call for random bytes, which costs more than the
rest of a kept answer. This makes the same token from one draw:

- the secret is the reader's, read from their cookie by Django's CSRF middleware (a cookie
  of the wrong form gets a new secret there); a reader without one gets a new secret;
- the mask is 32 characters drawn uniformly from Django's alphabet of 62: each random byte
  below 248 (4 x 62) gives the character at its value modulo 62, and bytes from 248 up are
  skipped, so that every character is equally likely;
- the token is the mask followed by the secret with each character moved along the
  alphabet by the mask's character at its place, as Django masks it, so that Django's CSRF
  middleware reads the secret back from it when the form is sent.
"""

from __future__ import annotations

import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, CsrfViewMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

_BASE = len(CSRF_ALLOWED_CHARS)
_USABLE = 256 - 256 % _BASE  # bytes from here up would make some characters likelier
# A random byte to its character: bytes.translate does it for a whole draw at once.
_TO_CHAR = bytes(ord(CSRF_ALLOWED_CHARS[b % _BASE]) for b in range(256))
_SKIPPED = bytes(range(_USABLE, 256))
# A secret's character and the mask's character at its place, to the token's character.
_SHIFTED = {
    s + m: CSRF_ALLOWED_CHARS[(i + j) % _BASE]
    for i, s in enumerate(CSRF_ALLOWED_CHARS)
    for j, m in enumerate(CSRF_ALLOWED_CHARS)
}
# Django's CSRF middleware: it reads the reader's cookie and sets it on the answer.
_csrf = CsrfViewMiddleware(lambda request: HttpResponse())


def random_chars(count: int) -> str:
    """`count` characters of Django's CSRF alphabet, each drawn uniformly and independently."""
    drawn = b""
    while len(drawn) < count:
        # A few more bytes than needed, since about one in 32 is skipped.
        drawn += secrets.token_bytes(count + count // 8 + 4).translate(_TO_CHAR, _SKIPPED)
    return drawn[:count].decode("ascii")


def mask(secret: str) -> str:
    """The secret masked with a new random mask: a token Django's middleware accepts."""
    drawn = random_chars(CSRF_SECRET_LENGTH)
    return drawn + "".join(map(_SHIFTED.__getitem__, map(str.__add__, secret, drawn)))


def reader_token(request: HttpRequest) -> str:
    """The reader's token, as get_token() gives it; the answer then carries their cookie.

    Call cookie(request, response) on the answer, as the CSRF middleware would.
    """
    _csrf.process_request(request)  # the reader's secret, from their cookie if it is valid
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:  # a new reader
        secret = request.META["CSRF_COOKIE"] = random_chars(CSRF_SECRET_LENGTH)
    # The cookie goes out with every page that has a form, which renews its expiry.
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return mask(secret)


def cookie(request: HttpRequest, response: HttpResponse) -> None:
    """Set the reader's CSRF cookie on the answer, as the CSRF middleware does.

    With the same attributes, set the same way; only the expiry date is written once a second
    rather than for every answer.
    """
    age = settings.CSRF_COOKIE_AGE
    if settings.CSRF_USE_SESSIONS or not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        _csrf.process_response(request, response)  # nothing to set here, or not as a cookie
        return
    if isinstance(age, timedelta):
        age = age.total_seconds()
    response.set_cookie(
        settings.CSRF_COOKIE_NAME,
        request.META["CSRF_COOKIE"],
        max_age=age,
        expires=None if age is None else _expiry(int(age)),
        domain=settings.CSRF_COOKIE_DOMAIN,
        path=settings.CSRF_COOKIE_PATH,
        secure=settings.CSRF_COOKIE_SECURE,
        httponly=settings.CSRF_COOKIE_HTTPONLY,
        samesite=settings.CSRF_COOKIE_SAMESITE,  # type: ignore[arg-type]  # a setting: a str
    )
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
    if "cookie" not in response.get("Vary", "").lower():
        patch_vary_headers(response, ("Cookie",))


# The expiry date written last: (the second it is for, as written).
_expires: tuple[int, str] = (0, "")


def _expiry(age: int) -> str:
    """The date `age` seconds from now, as Django writes a cookie's expiry (to the second)."""
    global _expires
    when = int(time.time()) + age
    if _expires[0] != when:
        _expires = (when, http_date(when))
    return _expires[1]
