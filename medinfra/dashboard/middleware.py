"""Language choice for readers whose browser asks for none of the site's languages."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from medinfra.dashboard import pagecache

FALLBACK_LANGUAGE = "en"


def asks_for_no_site_language(request: HttpRequest) -> bool:
    """The browser names languages, none of them the site's, and no choice was made here."""
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        return False
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    if not header.strip():
        return False
    site = {code for code, _ in settings.LANGUAGES}
    for language, _ in parse_accept_lang_header(header):
        if language == "*" or language.split("-")[0].lower() in site:
            return False
    return True


class ForeignBrowserLanguageMiddleware:
    """Ukrainian is the default for Ukrainian browsers; other browsers get English."""

    # Django's LocaleMiddleware falls back to LANGUAGE_CODE (Ukrainian) when the browser asks
    # for a language the site does not have; a reader in Warsaw or Berlin reads English better.

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if asks_for_no_site_language(request):
            translation.activate(FALLBACK_LANGUAGE)
            request.LANGUAGE_CODE = FALLBACK_LANGUAGE
        return self.get_response(request)


class FiguresCacheMiddleware:
    """Answer a repeated request for the figures from its kept answer (see pagecache).

    Last in the list, so every other middleware still sees the request and the answer: the
    language is chosen, the CSRF cookie and the security headers are set as for any page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = pagecache.key_of(request)
        if key is None:
            return self.get_response(request)
        return pagecache.answer(request, key, self.get_response)
