"""Whole public answers of the figures, kept per data version: a repeated request is a lookup.

The home page and the API's headline, by-region and by-month figures are kept rendered, per
URL (with its query), language, display mode, dataset label and day. A request asks the
database one question (the data version, with the dataset label) and, when the kept answer is
of that version, gets the kept body without the view or the template running.

The middleware that serves them comes early (right after the static files and the
compression), so a kept answer skips the rest of the middleware: what that would do is done
here instead. The host is checked against ALLOWED_HOSTS; the language is chosen as the locale
middleware chooses it (languages.reader_language); the headers the inner middleware set (the
frame options, Vary) are kept with the answer; a page with a form gets the reader's own CSRF
token (readertoken) and cookie, set by Django's CSRF middleware.

Rules (docs/performance.md, "How the figures stay fast"):

- Nothing user-specific is kept or served: a request with an Authorization header or any
  cookie besides the language, the display mode and the CSRF cookie (a session, messages)
  goes to the view. A kept page is kept cut where its CSRF tokens were, and each reader's own
  token is put there.
- The answer of the current data version is served. The answer of an older version may be
  served only if that version is an ancestor of the current one (its newest audit event is
  still in the chain: after a rollback or a restore it is gone, so figures of another history
  are never served) and its computation began less than MEDINFRA_FIGURES_STALE_SECONDS ago.
  Younger than half that, it is served as it is; older, the current answer is computed
  behind the requests, in a thread of its own (one such computation at a time per server
  process), while every request, the one that started it included, gets the older answer.
- An answer of the current version older than the cache's timeout (MEDINFRA_CACHE_SECONDS) is
  computed again as a due one is, behind the requests, while it is served: the cache holds
  kept answers that long and more (a day), so that no reader waits for it to be computed.
- Otherwise one request computes the answer (per key and server process). The others asking
  for it meanwhile get the older answer if there is one of the same history (an ancestor),
  however old: waiting readers would hold the server's threads, and writes would queue behind
  them for as long as the computation takes. Only where there is none, or with a bound of 0,
  do they wait for that computation.
- Asking for the version is the one database question of a kept answer, and on PostgreSQL
  the costliest part of it (a round trip). Where older answers may be served at all, a server
  process asks at most every MEDINFRA_FIGURES_RECHECK_SECONDS (a quarter of a second; never
  more than the bound), and takes the version it saw last for the current one in between: the
  figures served are of a version that was current that long ago at most.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIRequest
from django.db import connection, connections
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

from medinfra.core.models import AuditChainHead, AuditEvent, DatasetInfo
from medinfra.dashboard import readertoken
from medinfra.dashboard.context_processors import SCHEME_COOKIE, TEXT_COOKIE, display_of
from medinfra.dashboard.gzipped import SHORTEST, Gzipped
from medinfra.dashboard.languages import reader_language
from medinfra.dashboard.queries import DataVersion

# The answers kept: the home page and the API's figures (by URL name, resolved once).
PAGES = (
    "dashboard:home",
    "api-v1:get_headline",
    "api-v1:get_figures_by_region",
    "api-v1:get_figures_by_month",
)
# What Django's {% csrf_token %} writes; page text is escaped, so it cannot write this.
CSRF_INPUT = re.compile(rb'(<input type="hidden" name="csrfmiddlewaretoken" value=")[^"]*(">)')
TOKEN_INPUT = b'<input type="hidden" name="csrfmiddlewaretoken" value="%s">'
# The form of the kept answers (Kept), in their keys: a shared cache may hold answers kept by
# an older medinfra, which a newer one must not read as its own.
KEPT_FORMAT = 2
# Whom the compression middleware gives gzip (django.middleware.gzip).
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# Headers that belong to one answer, never to a kept one (the language is the reader's: the
# API's answers are kept once for every language).
PER_ANSWER_HEADERS = {
    "set-cookie", "last-modified", "content-length", "content-language", "content-type", "date",
}  # fmt: skip
# How long the cache holds a kept answer no one asks for (the day is in its key).
KEEP_DAY = 24 * 3600
# Requests that compute at once are few; a fixed set of locks keeps the count bounded.
_locks = [threading.Lock() for _ in range(64)]
# Computations of answers whose older answer may be served meanwhile: one at a time.
_computing = threading.Lock()
# The thread computing behind the requests, if any (tests wait for it).
_behind: threading.Thread | None = None
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class State:
    """What a kept answer depends on besides its URL: the data version and the demo label."""

    version: DataVersion
    synthetic: bool


@dataclass(frozen=True)
class Kept:
    """A rendered answer, the data version it was computed at and when that began."""

    version: DataVersion
    computed_at: float
    content_type: str
    headers: tuple[tuple[str, str], ...]
    # The body, cut where each reader's own CSRF token goes (one piece if it has no form).
    pieces: tuple[bytes, ...]
    # The same, compressed for readers who ask for gzip (None: too short to be worth it).
    gzipped: Gzipped | None = None
    last_modified: str = ""  # computed_at, as the Last-Modified header writes it

    @property
    def with_token(self) -> bool:
        return len(self.pieces) > 1

    def response(self, request: HttpRequest) -> HttpResponse:
        token_input = b""
        if self.with_token:
            token_input = TOKEN_INPUT % readertoken.reader_token(request).encode("ascii")
        gzipped = self.gzipped
        if gzipped is not None and not ACCEPTS_GZIP.search(
            request.META.get("HTTP_ACCEPT_ENCODING", "")
        ):
            gzipped = None
        body = token_input.join(self.pieces) if gzipped is None else gzipped.encode(token_input)
        response = HttpResponse(body, content_type=self.content_type)
        for name, value in self.headers:
            response[name] = value
        if gzipped is not None:  # the compression middleware then leaves it as it is
            response["Content-Encoding"] = "gzip"
        response["Content-Language"] = request.LANGUAGE_CODE
        response["Content-Length"] = str(len(body))
        response["Last-Modified"] = self.last_modified or http_date(self.computed_at)
        if self.with_token:
            readertoken.cookie(request, response)  # renewed as for any page with a form
        return response


@functools.cache
def kept_paths() -> frozenset[str]:
    return frozenset(reverse(name) for name in PAGES)


@functools.cache
def kept_paths_html() -> str:
    return reverse(PAGES[0])


# The state this process saw last, and when (time.monotonic()) it asked.
_seen: tuple[State, float] | None = None


def recheck_seconds() -> float:
    """How long the state last seen stands for the current one: never beyond the bound."""
    window = float(getattr(settings, "MEDINFRA_FIGURES_RECHECK_SECONDS", 0))
    return max(0.0, min(window, stale_seconds()))


def current_state() -> State:
    """The data version and the demo label, as asked at most recheck_seconds() ago."""
    global _seen
    seen, window = _seen, recheck_seconds()
    now = time.monotonic()
    if seen is not None and window > 0 and now - seen[1] < window:
        return seen[0]
    state = ask_state()
    _seen = (state, now)
    return state


def forget_state() -> None:
    """Ask the database at the next request (tests: the database was rolled back)."""
    global _seen
    _seen = None
    with _near_lock:
        _near.clear()


def ask_state() -> State:
    """The data version and the demo label, in one query of two primary-key lookups."""
    head = AuditChainHead._meta.db_table
    info = DatasetInfo._meta.db_table
    sql = (
        f"SELECT (SELECT length FROM {head} WHERE id = 1), "  # noqa: S608
        f"(SELECT hash FROM {head} WHERE id = 1), "
        f"(SELECT is_synthetic FROM {info} WHERE id = 1)"
    )
    row: tuple[Any, ...] | None = _ask_sqlite_file(sql)
    if row is None:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            row = cursor.fetchone()
    length, head_hash, synthetic = row if row is not None else (0, "", False)
    return State(DataVersion(int(length or 0), str(head_hash or "")), bool(synthetic))


# SQLite connections are opened per request (CONN_MAX_AGE 0, so that a restored file is read
# at once); opening one costs more than the rest of a kept answer. The version is asked
# instead on a connection of this thread kept open, while the file is the same file.
_files = threading.local()


def _ask_sqlite_file(sql: str, params: tuple[object, ...] = ()) -> tuple[Any, ...] | None:
    """The row (() if none), asked on this thread's own connection to the SQLite file.

    None where that does not apply: not SQLite, or Django's connection is open already.
    """
    database = settings.DATABASES["default"]
    if connection.vendor != "sqlite" or database.get("CONN_MAX_AGE"):
        return None
    if connection.connection is not None:  # open already (a request that computes, a test)
        return None
    path = str(database["NAME"])
    try:
        found = os.stat(path)
    except OSError:
        return None  # in memory, or not there: Django's connection says what is what
    identity = (path, found.st_dev, found.st_ino)
    kept = getattr(_files, "open", None)
    if kept is None or kept[0] != identity:
        if kept is not None:
            kept[1].close()
        opened = sqlite3.connect(path, timeout=20, isolation_level=None)
        kept = _files.open = (identity, opened)
    row: tuple[Any, ...] | None = kept[1].execute(sql, params).fetchone()
    return row if row is not None else ()


def is_ancestor(older: DataVersion, current: DataVersion) -> bool:
    """Whether the chain at `older` is the current chain's beginning (or the whole of it)."""
    if older == current:
        return True
    if older.length == 0 or older.length > current.length or not older.hash:
        return False
    # Each event's hash covers the one before it, so an event still in the table is in the
    # current chain; one undone by a rollback or lost in a restore is not (unique index).
    table = AuditEvent._meta.db_table
    sql = f"SELECT 1 FROM {table} WHERE hash = %s"  # noqa: S608
    asked = _ask_sqlite_file(sql.replace("%s", "?"), (older.hash,))
    if asked is not None:
        return bool(asked)
    with connection.cursor() as cursor:
        cursor.execute(sql, [older.hash])
        return cursor.fetchone() is not None


def key_of(request: HttpRequest) -> str | None:
    """The cache key of a request whose answer may be kept, or None.

    Sets the request's LANGUAGE_CODE as the locale middleware would; a request from a host
    not in ALLOWED_HOSTS is refused here (DisallowedHost, a 400) as the middleware would.
    """
    if request.method != "GET" or request.path not in kept_paths():
        return None
    if "HTTP_AUTHORIZATION" in request.META:
        return None
    allowed = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME, TEXT_COOKIE, SCHEME_COOKIE}
    if any(name not in allowed for name in request.COOKIES):
        return None
    request.get_host()
    request.LANGUAGE_CODE = reader_language(request)
    # The API's JSON is the same in every language; the pages are not.
    html = request.path == kept_paths_html()
    parts = "\n".join(
        (
            request.get_full_path(),
            request.LANGUAGE_CODE if html else "",
            display_of(request).css_classes,
            timezone.localdate().isoformat(),  # "today" is the default date of the figures
        )
    )
    return f"page{KEPT_FORMAT}:" + hashlib.sha256(parts.encode()).hexdigest()


def refresh_seconds() -> float | None:
    """How old an answer of the current version grows before it is computed again (None:
    never): the cache's timeout, MEDINFRA_CACHE_SECONDS, as long as answers were kept before."""
    timeout: Any = settings.CACHES["default"].get("TIMEOUT", 300)
    return None if timeout is None else float(timeout)


def _old(kept: Kept) -> bool:
    """Whether an answer of the current version is to be computed again, behind the requests.

    The figures depend on the data version only, but a page also on its templates and
    translations: it is computed again now and then, behind the requests. Before, the answer
    left the cache at that age, and the next reader waited for it to be computed (at a
    million incidents, 18 s for the home page).
    """
    refresh = refresh_seconds()
    return refresh is not None and time.time() - kept.computed_at >= refresh


def stale_seconds() -> float:
    return float(getattr(settings, "MEDINFRA_FIGURES_STALE_SECONDS", 0))


def may_serve_older(kept: Kept, state: State) -> bool:
    """Whether an answer of another version may be served while the current one is computed."""
    return time.time() - kept.computed_at < stale_seconds() and is_ancestor(
        kept.version, state.version
    )


def due(kept: Kept) -> bool:
    """Whether an older answer that may still be served is to be computed afresh now."""
    # Not at every write: computing at a million incidents takes seconds, and writes that come
    # faster would keep the server computing all the time. Half the bound leaves the other
    # half for the computation.
    return time.time() - kept.computed_at >= stale_seconds() / 2


def _keepable(response: HttpResponse) -> bool:
    """A full answer for anyone: its only cookie may be the CSRF cookie, set for each reader."""
    return (
        response.status_code == 200
        and not response.streaming
        and set(response.cookies) <= {settings.CSRF_COOKIE_NAME}
        and "private" not in response.get("Cache-Control", "")
    )


def _keep(key: str, state: State, started: float, response: HttpResponse) -> None:
    content = response.content
    pieces = tuple(CSRF_INPUT.split(content)[::3])  # the pieces between the inputs
    gzipped = None
    if len(content) >= SHORTEST and not response.has_header("Content-Encoding"):
        # What the compression middleware does to this answer's headers, compressed or not.
        patch_vary_headers(response, ("Accept-Encoding",))
        gzipped = Gzipped.of(pieces)
        if gzipped.length >= len(content):
            gzipped = None  # not shorter: sent as it is (as the middleware would)
    headers = tuple(
        (name, value) for name, value in response.items() if name.lower() not in PER_ANSWER_HEADERS
    )
    modified = http_date(started)
    kept = Kept(
        state.version, started, response["Content-Type"], headers, pieces, gzipped, modified
    )  # fmt: skip
    # The cache holds it until it is computed again (see _old), or a day if no one asks; with
    # a timeout of 0 (no cache), not at all.
    refresh = refresh_seconds()
    held = None if refresh is None else 0 if refresh <= 0 else max(refresh, KEEP_DAY)
    name = _name(key, state)
    cache.set(name, kept, held)
    _remember(name, kept)
    response["Last-Modified"] = modified


def _name(key: str, state: State) -> str:
    """The cache key of a kept answer: the request's key and the demo label."""
    return f"{key}:{int(state.synthetic)}"


def _found(key: str, state: State) -> Kept | None:
    name = _name(key, state)
    near = _near.get(name)
    # The copy read last, if the cache still has the answer (not expired, culled or cleared):
    # asking the cache whether it has it costs a third of reading it again.
    if near is not None and near.version == state.version and cache.has_key(name):
        return near
    kept = cache.get(name)
    if not isinstance(kept, Kept):
        return None
    _remember(name, kept)
    return kept


# The kept answers this process read or kept last, by cache key: reading one from the cache
# copies and unpickles the whole body each time.
_near: dict[str, Kept] = {}
_near_lock = threading.Lock()
NEAR_MOST = 32


def _remember(name: str, kept: Kept) -> None:
    with _near_lock:
        _near.pop(name, None)
        _near[name] = kept
        while len(_near) > NEAR_MOST:  # the one remembered longest ago goes
            del _near[next(iter(_near))]


def answer(
    request: HttpRequest, key: str, compute: Callable[[HttpRequest], HttpResponse]
) -> HttpResponse:
    """The kept answer when it may be served, else the view's, kept for the next request."""
    state = current_state()
    kept = _found(key, state)
    lock = _locks[int(key[-8:], 16) % len(_locks)]
    if kept is not None and kept.version == state.version:
        if _old(kept):  # of the current version, but old: computed again as a due one is
            return _again(request, key, state, compute, kept, lock)
        return kept.response(request)
    waited = False
    if kept is not None and may_serve_older(kept, state):
        if due(kept):
            return _again(request, key, state, compute, kept, lock)
        return kept.response(request)
    if not lock.acquire(blocking=False):
        # Another request computes it: an older answer of this history rather than a wait.
        if kept is not None and stale_seconds() > 0 and is_ancestor(kept.version, state.version):
            return kept.response(request)
        lock.acquire()
        waited = True
    try:
        if waited:  # the request before may have computed this version meanwhile
            state = current_state()
            kept = _found(key, state)
            if kept is not None and kept.version == state.version:
                return kept.response(request)
        return _compute(request, key, state, compute)
    finally:
        lock.release()


def _again(
    request: HttpRequest,
    key: str,
    state: State,
    compute: Callable[[HttpRequest], HttpResponse],
    kept: Kept,
    lock: threading.Lock,
) -> HttpResponse:
    """The kept answer, due to be computed again: by this request, or behind the requests.

    One computation at a time in a process, and of this answer nowhere else in the process:
    while another goes on, the kept answer is served. Behind the requests (compute_behind()),
    every reader gets the kept answer meanwhile, this one too.
    """
    if not _computing.acquire(blocking=False):
        return kept.response(request)
    if not lock.acquire(blocking=False):
        _computing.release()
        return kept.response(request)
    if compute_behind():
        _start_behind(request, key, state, compute, lock)  # it releases both locks
        return kept.response(request)
    try:
        return _compute(request, key, state, compute)
    finally:
        lock.release()
        _computing.release()


def compute_behind() -> bool:
    """Whether due answers are computed in a thread of their own (else by the request)."""
    return bool(getattr(settings, "MEDINFRA_FIGURES_COMPUTE_BEHIND", True))


def _start_behind(
    request: HttpRequest,
    key: str,
    state: State,
    compute: Callable[[HttpRequest], HttpResponse],
    lock: threading.Lock,
) -> None:
    """Compute the answer in a thread of its own, for a copy of the request, and keep it.

    Takes over the answer's lock and the one-computation-at-a-time lock, and releases both.
    """
    global _behind
    environ = getattr(request, "environ", None)
    if environ is None:  # not a WSGI request: computed by this request after all
        try:
            _compute(request, key, state, compute)
        finally:
            lock.release()
            _computing.release()
        return
    # A new request of the same method, path, query, headers and cookies: the request itself
    # goes on being answered by its own thread.
    copy = WSGIRequest({**environ, "wsgi.input": io.BytesIO(b"")})

    def run() -> None:
        try:
            _compute(copy, key, state, compute)
        except Exception:  # a failed computation leaves the older answer; the next due one tries
            logger.exception("Computing kept figures behind the requests failed (%s)", key)
        finally:
            connections.close_all()  # this thread's own connections
            lock.release()
            _computing.release()

    _behind = threading.Thread(target=run, name="medinfra-figures", daemon=True)
    _behind.start()


def wait_behind() -> None:
    """Wait until the computation behind the requests, if any, is done (tests)."""
    if _behind is not None:
        _behind.join()


def _compute(
    request: HttpRequest, key: str, state: State, compute: Callable[[HttpRequest], HttpResponse]
) -> HttpResponse:
    started = time.time()
    response = compute(request)
    if _keepable(response):
        _keep(key, state, started, response)
    return response
