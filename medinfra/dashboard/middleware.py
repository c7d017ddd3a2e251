"""Language choice for readers whose browser asks for none of the site's languages, and the
early answer of the figures from their kept answers."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from medinfra.dashboard import pagecache
from medinfra.dashboard.languages import FALLBACK_LANGUAGE, asks_for_no_site_language


class ForeignBrowserLanguageMiddleware:
    """Ukrainian is the default for Ukrainian browsers; other browsers get English."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if asks_for_no_site_language(request):
            translation.activate(FALLBACK_LANGUAGE)
            request.LANGUAGE_CODE = FALLBACK_LANGUAGE
        return self.get_response(request)


class FiguresCacheMiddleware:
    """Answer a repeated request for the figures from its kept answer (see pagecache).

    Early in the list, right after the static files and the compression: a kept answer skips
    the rest of the middleware. What those would have done is in the kept answer (their headers,
    kept with it) or done here for each reader (the host check, the language, the CSRF token and
    cookie); the security headers and the compression still come from the middleware before it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = pagecache.key_of(request)
        if key is None:
            return self.get_response(request)
        return pagecache.answer(request, key, self.get_response)
