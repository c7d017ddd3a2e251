"""Whole answers kept per data version: what is served, to whom, and never across histories."""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from medinfra.core.models import AuditEvent
from medinfra.core.roles import ensure_role_groups
from medinfra.core.services import mark_dataset
from medinfra.dashboard import pagecache
from medinfra.dashboard.queries import DataVersion
from medinfra.incidents.services import set_verification

HEADLINE = "/api/v1/figures/headline"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


def verified_attacks(client: Client) -> int:
    return int(json.loads(client.get(HEADLINE).content)["attacks_verified"])


@contextmanager
def computing_elsewhere() -> Iterator[None]:
    """As while another request computes every answer: the locks are taken."""
    for lock in pagecache._locks:
        lock.acquire()
    try:
        yield
    finally:
        for lock in pagecache._locks:
            lock.release()


def add_verified_attack(make_incident: Any, other_actor: Any) -> None:
    set_verification(make_incident(), actor=other_actor, state="verified")


def kept_then_written(client: Client, make_incident: Any, other_actor: Any) -> tuple[Any, int]:
    """The headline kept, then a verified attack added: the kept answer and its count."""
    first = client.get(HEADLINE)
    before = int(json.loads(first.content)["attacks_verified"])
    add_verified_attack(make_incident, other_actor)
    return first, before


# -- served from the kept answer -----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?as_of=2024-06-30&metric=attacks",
        HEADLINE,
        "/api/v1/figures/by-region?region=UA-63",
        "/api/v1/figures/by-month?as_of=2024-06-30",
    ],
)
def test_a_repeated_request_asks_the_database_one_question(
    client, registry, django_assert_num_queries, url
):
    first = client.get(url)
    with django_assert_num_queries(1):
        again = client.get(url)
    assert again.status_code == 200
    assert TOKEN.sub("", again.content.decode()) == TOKEN.sub("", first.content.decode())


def test_kept_answers_carry_the_same_headers(client, registry):
    for url in ("/", HEADLINE):
        first, again = client.get(url), client.get(url)
        for name in (
            "Content-Type",
            "Content-Security-Policy",
            "X-Frame-Options",
            "X-Content-Type-Options",
            "Referrer-Policy",
            "Content-Language",
        ):
            assert again.get(name) == first.get(name), (url, name)
        assert again["Content-Security-Policy"]
        assert again["Last-Modified"] == first["Last-Modified"]
        assert set(again["Vary"].split(", ")) == set(first["Vary"].split(", "))
        assert int(again["Content-Length"]) == len(again.content)


def test_a_kept_answer_is_refused_to_a_host_not_allowed(client, registry):
    for url in ("/", HEADLINE):
        assert client.get(url).status_code == 200
        assert client.get(url, HTTP_HOST="attacker.example").status_code == 400


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_ACCEPT_LANGUAGE": "en"},
        {"HTTP_ACCEPT_LANGUAGE": "uk-UA,uk;q=0.9,en;q=0.8"},
        {"HTTP_ACCEPT_LANGUAGE": "pl-PL,pl;q=0.9,de;q=0.8"},
        {"HTTP_ACCEPT_LANGUAGE": "de, *;q=0.1"},
        {"HTTP_ACCEPT_LANGUAGE": "en-GB;q=0.2, uk;q=0.8"},
        {"HTTP_ACCEPT_LANGUAGE": "ru"},
        {"HTTP_ACCEPT_LANGUAGE": ";;;,,,q=x"},
        {"HTTP_COOKIE": "django_language=en"},
        {"HTTP_COOKIE": "django_language=uk", "HTTP_ACCEPT_LANGUAGE": "en"},
        {"HTTP_COOKIE": "django_language=xx", "HTTP_ACCEPT_LANGUAGE": "pl"},
        {"HTTP_COOKIE": "django_language=en", "HTTP_ACCEPT_LANGUAGE": "pl"},
    ],
)
def test_the_early_answer_chooses_the_language_the_middleware_chooses(registry, headers):
    """A kept answer is chosen before the locale middleware runs: both must agree."""
    computed = Client().get("/", **headers)  # through every middleware
    kept = Client().get("/", **headers)  # the kept answer
    chosen = computed.wsgi_request.LANGUAGE_CODE
    assert f'<html lang="{chosen}"' in computed.content.decode()
    assert kept["Content-Language"] == chosen == computed["Content-Language"]
    assert TOKEN.sub("", kept.content.decode()) == TOKEN.sub("", computed.content.decode())


def test_each_reader_gets_their_own_working_csrf_token(registry):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get("/")
    page = second.get("/").content.decode()  # the kept page
    tokens = TOKEN.findall(page)
    assert len(tokens) == 2 and all(tokens)
    assert "csrftoken" in second.cookies
    response = second.post(
        "/display/", {"csrfmiddlewaretoken": tokens[0], "text": "large", "next": "/"}
    )
    assert response.status_code == 302
    # Without the reader's own cookie, the token of the kept page is refused.
    stranger = Client(enforce_csrf_checks=True)
    refused = stranger.post(
        "/display/", {"csrfmiddlewaretoken": tokens[0], "text": "large", "next": "/"}
    )
    assert refused.status_code == 403


def test_readers_who_ask_for_gzip_get_the_kept_page_compressed_with_their_own_token(registry):
    reader = Client(enforce_csrf_checks=True, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    computed = reader.get("/")  # compressed by the middleware
    kept = reader.get("/")  # compressed once, when it was kept
    assert computed["Content-Encoding"] == kept["Content-Encoding"] == "gzip"
    assert kept.has_header("Last-Modified")
    assert int(kept["Content-Length"]) == len(kept.content)
    page, fresh = gzip.decompress(kept.content).decode(), gzip.decompress(computed.content).decode()
    assert TOKEN.sub("", page) == TOKEN.sub("", fresh)
    assert len(kept.content) < len(page) / 3
    token = TOKEN.findall(page)[0]
    sent = {"csrfmiddlewaretoken": token, "text": "large", "next": "/"}
    assert reader.post("/display/", sent).status_code == 302
    for answer in (computed, kept):
        assert "Accept-Encoding" in answer["Vary"] and "Cookie" in answer["Vary"]


def test_readers_who_do_not_ask_for_gzip_get_the_page_as_it_is(registry):
    Client().get("/")
    for accepts in ("", "identity", "deflate, br"):
        kept = Client(HTTP_ACCEPT_ENCODING=accepts).get("/")
        assert not kept.has_header("Content-Encoding")
        assert kept.content.lstrip().lower().startswith(b"<!doctype html>")
        assert "Accept-Encoding" in kept["Vary"]


def test_the_apis_kept_answers_are_compressed_too(registry):
    plain = Client().get(HEADLINE)
    compressed = Client(HTTP_ACCEPT_ENCODING="gzip").get(HEADLINE)  # kept
    assert compressed["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(compressed.content)) == json.loads(plain.content)


def test_the_process_keeps_no_answer_the_cache_has_let_go(registry):
    """Answers read last are remembered unpickled, but only served while the cache has them."""
    client = Client()
    key = key_for(client.get(HEADLINE))
    state = pagecache.current_state()
    assert pagecache._found(key, state) is not None
    assert f"{key}:{int(state.synthetic)}" in pagecache._near
    cache.clear()  # as when the answer expires or is culled
    assert pagecache._found(key, state) is None
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HEADLINE).status_code == 200
    assert len(queries) > 1  # computed again, not served from memory
    assert pagecache._found(key, state) is not None


def test_the_answers_remembered_are_few():
    kept = pagecache.Kept(DataVersion(1, "x"), time.time(), "text/plain", (), (b"",))
    for n in range(pagecache.NEAR_MOST + 5):
        pagecache._remember(f"key{n}", kept)
    assert len(pagecache._near) == pagecache.NEAR_MOST
    assert "key0" not in pagecache._near and f"key{pagecache.NEAR_MOST + 4}" in pagecache._near
    pagecache.forget_state()
    assert not pagecache._near


def test_display_mode_and_language_are_kept_apart(client, registry):
    client.cookies["display_text"] = "large"
    assert 'class="text-large scheme-standard"' in client.get("/").content.decode()
    plain = Client()
    assert 'class="text-normal scheme-standard"' in plain.get("/").content.decode()
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    ukrainian = Client(HTTP_ACCEPT_LANGUAGE="uk")
    assert '<html lang="en"' in english.get("/").content.decode()
    assert '<html lang="uk"' in ukrainian.get("/").content.decode()
    assert '<html lang="en"' in english.get("/").content.decode()


def test_the_api_answer_is_one_in_every_language(registry, django_assert_num_queries):
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(HEADLINE)
    with django_assert_num_queries(1):
        ukrainian = Client(HTTP_ACCEPT_LANGUAGE="uk").get(HEADLINE)
    assert ukrainian.content == english.content
    assert ukrainian["Content-Language"] == "uk"


def test_the_demo_label_follows_the_dataset(registry):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert "Synthetic demo data." not in client.get("/").content.decode()
    mark_dataset(synthetic=True, description="demo")  # no audit event: the label is asked too
    assert "Synthetic demo data." in client.get("/").content.decode()
    assert json.loads(client.get(HEADLINE).content)["is_synthetic"] is True


def test_a_bad_request_is_not_kept(client, registry):
    for url in ("/?as_of=not-a-date", HEADLINE + "?region=XX-99"):
        response = client.get(url)
        assert response.status_code in (400, 422)
        assert pagecache._found(key_for(response), pagecache.current_state()) is None
        assert client.get(url).status_code == response.status_code


# -- nothing user-specific -----------------------------------------------------------------------


def test_signed_in_staff_get_their_own_page_and_never_leave_it_behind(
    client, registry, actor, django_assert_max_num_queries
):
    ensure_role_groups()
    actor.groups.add(Group.objects.get(name="reporter"))
    client.get("/")  # an anonymous reader's page is kept
    staff = Client()
    staff.force_login(actor)
    assert 'aria-label="Staff"' in staff.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert 'aria-label="Staff"' not in anonymous.get("/").content.decode()
    assert 'aria-label="Staff"' not in anonymous.get("/").content.decode()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_AUTHORIZATION": "Bearer not-a-token"},
        {"HTTP_COOKIE": "sessionid=abc"},
        {"HTTP_COOKIE": "messages=abc"},
    ],
)
def test_requests_with_credentials_or_unknown_cookies_go_to_the_view(client, registry, headers):
    request = Client().get("/", **headers).wsgi_request
    assert pagecache.key_of(request) is None
    assert pagecache.key_of(client.get("/").wsgi_request) is not None


def test_only_the_figures_are_kept(client, registry):
    for url in ("/regions/", "/about/", "/api/v1/regions", "/charts/regions.csv"):
        assert pagecache.key_of(client.get(url).wsgi_request) is None


# -- versions: the current one, or briefly an ancestor of it -------------------------------------


def test_a_write_is_seen_by_the_next_read(client, registry, make_incident, other_actor):
    before = verified_attacks(client)
    add_verified_attack(make_incident, other_actor)
    assert verified_attacks(client) == before + 1


def test_older_figures_of_the_same_chain_are_served_for_a_bounded_time(
    client, registry, make_incident, other_actor, settings
):
    settings.MEDINFRA_FIGURES_STALE_SECONDS = 30
    first, before = kept_then_written(client, make_incident, other_actor)
    # Computed less than half the bound ago: served, and not computed again yet.
    assert verified_attacks(client) == before
    make_older(first, seconds=20)
    # Due: one request computes; the others meanwhile get the older figures ...
    with computing_elsewhere():
        assert verified_attacks(client) == before
    # ... and the next request computes them.
    assert verified_attacks(client) == before + 1
    make_older(first, seconds=31)  # of the current version: still served
    assert verified_attacks(client) == before + 1


@pytest.mark.django_db(transaction=True)  # the computing thread has a connection of its own
def test_due_figures_are_computed_behind_the_requests(
    client, registry, make_incident, other_actor, settings, django_assert_num_queries
):
    settings.MEDINFRA_FIGURES_STALE_SECONDS = 30
    settings.MEDINFRA_FIGURES_COMPUTE_BEHIND = True
    first = client.get(HEADLINE)
    before = json.loads(first.content)["attacks_verified"]
    add_verified_attack(make_incident, other_actor)
    make_older(first, seconds=20)
    # Due: the request that finds it so gets the older figures at once, as the others do ...
    assert verified_attacks(client) == before
    pagecache.wait_behind()
    # ... and the current ones, computed meanwhile, are kept for the next request.
    with django_assert_num_queries(1):
        assert verified_attacks(client) == before + 1


def test_older_figures_past_the_bound_are_computed_afresh(
    client, registry, make_incident, other_actor, settings
):
    settings.MEDINFRA_FIGURES_STALE_SECONDS = 30
    first, before = kept_then_written(client, make_incident, other_actor)
    make_older(first, seconds=31)
    assert verified_attacks(client) == before + 1


def test_while_another_request_computes_older_figures_of_any_age_are_served(
    client, registry, make_incident, other_actor, settings
):
    settings.MEDINFRA_FIGURES_STALE_SECONDS = 30
    first, before = kept_then_written(client, make_incident, other_actor)
    make_older(first, seconds=3600)
    with computing_elsewhere():  # readers are not kept waiting for it
        assert verified_attacks(client) == before
    assert verified_attacks(client) == before + 1  # the next request computes


@pytest.mark.django_db(transaction=True)  # the reader's thread has a connection of its own
def test_with_the_bound_at_zero_readers_wait_for_the_computation(
    client, registry, make_incident, other_actor
):
    before = verified_attacks(client)
    add_verified_attack(make_incident, other_actor)
    answers: list[int] = []
    with computing_elsewhere():
        reader = threading.Thread(target=lambda: answers.append(verified_attacks(client)))
        reader.start()
        reader.join(timeout=0.5)
        assert reader.is_alive() and not answers  # waiting for the computation ...
    reader.join()
    assert answers == [before + 1]  # ... and then given the current figures


def make_older(response: Any, *, seconds: float) -> None:
    """Make the kept answer of the response's request seem computed that much earlier."""
    key = f"{key_for(response)}:{int(pagecache.current_state().synthetic)}"
    kept = cache.get(key)
    cache.set(key, dataclasses.replace(kept, computed_at=kept.computed_at - seconds))
    pagecache._near.pop(key, None)  # the copy the process remembers


def kept_of(response: Any) -> pagecache.Kept:
    kept = pagecache._found(key_for(response), pagecache.current_state())
    assert kept is not None
    return kept


@pytest.mark.django_db(transaction=True)  # the computing thread has a connection of its own
def test_an_old_answer_of_the_current_version_is_computed_again_behind_the_requests(
    client, registry, settings, django_assert_num_queries
):
    settings.MEDINFRA_FIGURES_COMPUTE_BEHIND = True
    first = client.get(HEADLINE)
    make_older(first, seconds=settings.CACHES["default"]["TIMEOUT"] + 1)
    old = kept_of(first).computed_at
    with django_assert_num_queries(1):  # the kept answer, at once
        assert client.get(HEADLINE).content == first.content
    pagecache.wait_behind()
    assert kept_of(first).computed_at > old + 1  # computed again meanwhile
    with django_assert_num_queries(1):
        assert client.get(HEADLINE).content == first.content


def test_without_computing_behind_the_reader_who_finds_it_old_computes_it(
    client, registry, settings
):
    first = client.get(HEADLINE)
    make_older(first, seconds=settings.CACHES["default"]["TIMEOUT"] + 1)
    old = kept_of(first).computed_at
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HEADLINE).content == first.content
    assert len(queries) > 1 and kept_of(first).computed_at > old + 1


def test_a_young_answer_of_the_current_version_is_not_computed_again(client, registry, settings):
    settings.MEDINFRA_FIGURES_COMPUTE_BEHIND = True
    first = client.get(HEADLINE)
    make_older(first, seconds=settings.CACHES["default"]["TIMEOUT"] - 5)
    client.get(HEADLINE)
    pagecache.wait_behind()
    assert kept_of(first).computed_at < time.time() - 5


def test_with_no_cache_timeout_nothing_is_kept(client, registry, settings):
    settings.CACHES = {"default": {**settings.CACHES["default"], "TIMEOUT": 0}}
    response = client.get(HEADLINE)
    assert pagecache._found(key_for(response), pagecache.current_state()) is None


def test_the_version_is_asked_again_after_the_recheck_time(
    client, registry, make_incident, other_actor, settings, django_assert_num_queries
):
    settings.MEDINFRA_FIGURES_STALE_SECONDS = 30
    settings.MEDINFRA_FIGURES_RECHECK_SECONDS = 0.25
    before = verified_attacks(client)
    with django_assert_num_queries(0):  # the version seen a moment ago stands
        assert verified_attacks(client) == before
    add_verified_attack(make_incident, other_actor)
    assert verified_attacks(client) == before  # the version seen is still the last one
    seem_asked_earlier(seconds=0.3)
    make_older(client.get(HEADLINE), seconds=31)  # the answer kept of that version: too old
    assert verified_attacks(client) == before + 1


def test_the_recheck_time_never_goes_beyond_the_bound(
    client, registry, make_incident, other_actor, settings
):
    settings.MEDINFRA_FIGURES_RECHECK_SECONDS = 60
    settings.MEDINFRA_FIGURES_STALE_SECONDS = 0
    assert pagecache.recheck_seconds() == 0
    before = verified_attacks(client)
    add_verified_attack(make_incident, other_actor)
    assert verified_attacks(client) == before + 1
    settings.MEDINFRA_FIGURES_STALE_SECONDS = 10
    assert pagecache.recheck_seconds() == 10


def seem_asked_earlier(*, seconds: float) -> None:
    """Make the version this process saw seem asked that much earlier."""
    seen = pagecache._seen
    assert seen is not None
    pagecache._seen = (seen[0], seen[1] - seconds)


def test_no_older_figures_when_the_bound_is_zero(
    client, registry, make_incident, other_actor, settings
):
    before = verified_attacks(client)
    add_verified_attack(make_incident, other_actor)
    state = pagecache.current_state()
    kept = pagecache.Kept(DataVersion(1, "x"), time.time(), "text/plain", (), (b"",))
    assert not pagecache.may_serve_older(kept, state)
    assert verified_attacks(client) == before + 1


def test_older_figures_past_the_bound_are_never_served(client, registry, settings):
    settings.MEDINFRA_FIGURES_STALE_SECONDS = 30
    state = pagecache.current_state()
    older = DataVersion(
        state.version.length - 1, AuditEvent.objects.order_by("-pk").values_list("hash")[1][0]
    )
    assert pagecache.is_ancestor(older, state.version)
    fresh = pagecache.Kept(older, time.time() - 5, "text/plain", (), (b"",))
    old = pagecache.Kept(older, time.time() - 31, "text/plain", (), (b"",))
    assert pagecache.may_serve_older(fresh, state)
    assert not pagecache.may_serve_older(old, state)


def test_figures_of_a_rolled_back_history_are_never_served(
    client, registry, make_incident, other_actor, settings
):
    before = verified_attacks(client)

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        add_verified_attack(make_incident, other_actor)
        add_verified_attack(make_incident, other_actor)
        response = client.get(HEADLINE)  # kept at a version about to vanish
        assert json.loads(response.content)["attacks_verified"] == before + 2
        key = key_for(response)
        rolled_back = pagecache.current_state().version
        raise Undo
    # Another history, at least as long as the undone one: one verified attack, two reports.
    add_verified_attack(make_incident, other_actor)
    make_incident()
    make_incident()
    settings.MEDINFRA_FIGURES_STALE_SECONDS = 30
    now = pagecache.current_state()
    assert now.version.length >= rolled_back.length
    assert not pagecache.is_ancestor(rolled_back, now.version)
    kept = pagecache._found(key, now)
    assert kept is not None and kept.version == rolled_back  # still in the cache ...
    assert not pagecache.may_serve_older(kept, now)  # ... and never served
    assert verified_attacks(client) == before + 1


def key_for(response: Any) -> str:
    """The key the middleware used for the request of the response."""
    request = response.wsgi_request
    with translation.override(request.LANGUAGE_CODE):
        key = pagecache.key_of(request)
    assert key is not None
    return key


def test_a_restored_shorter_chain_is_no_descendant():
    now = DataVersion(10, "b" * 64)
    assert not pagecache.is_ancestor(DataVersion(12, "a" * 64), now)
    assert not pagecache.is_ancestor(DataVersion(0), now)
    assert pagecache.is_ancestor(now, now)
