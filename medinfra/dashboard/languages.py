"""The language a reader gets: what the browser or the reader's choice asks for, else English
for browsers that name only languages the site lacks, else the site's default."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

# Django's LocaleMiddleware falls back to LANGUAGE_CODE (Ukrainian) when the browser asks for a
# language the site does not have; a reader in Warsaw or Berlin reads English better.
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


def reader_language(request: HttpRequest) -> str:
    """The language the middleware chooses for this request, without activating it.

    The site's URLs carry no language prefix, so Django's LocaleMiddleware chooses from the
    language cookie and the browser's Accept-Language; ForeignBrowserLanguageMiddleware then
    applies the fallback above. A test checks this agrees with both for many requests.
    """
    if asks_for_no_site_language(request):
        return FALLBACK_LANGUAGE
    return translation.get_language_from_request(request)
