"""Who may open each page: anonymous people sign in, other roles get 403, the role gets in."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from medinfra.reporting.services import create_draft

REPORTER_PAGES = [
    "/reports/",
    "/reports/new/incident/",
    "/reports/new/assessment/",
    "/reports/new/restoration/",
    "/reports/new/vehicle_event/",
    "/reports/drafts/{draft}/",
]
VERIFIER_PAGES = ["/reports/review/", "/reports/review/{incident}/"]


@pytest.fixture
def places(reporter: Any, make_incident: Any) -> dict[str, int]:
    draft = create_draft(owner=reporter, kind="incident", payload={"settlement": "Ізюм"})
    return {"draft": draft.pk, "incident": make_incident().pk}


def test_the_facility_finder_serves_reporters_and_verifiers(
    reporter: Any, verifier: Any, person: Any
) -> None:
    assert Client().get("/reports/facilities/").status_code == 302
    assert (
        person("coordinator", "coordinator").client.get("/reports/facilities/").status_code == 403
    )
    assert reporter.client.get("/reports/facilities/").status_code == 200
    assert verifier.client.get("/reports/facilities/").status_code == 200


@pytest.mark.parametrize("path", REPORTER_PAGES + VERIFIER_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(ua: Any, places: dict[str, int], path: str) -> None:
    url = path.format(**places)
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


@pytest.mark.parametrize("path", REPORTER_PAGES)
def test_reporters_pages_refuse_a_verifier_and_open_for_the_reporter(
    places: dict[str, int], reporter: Any, verifier: Any, path: str
) -> None:
    url = path.format(**places)
    refused = verifier.client.get(url)
    assert refused.status_code == 403
    assert "the role: reporter" in refused.content.decode()
    assert reporter.client.get(url).status_code == 200


@pytest.mark.parametrize("path", VERIFIER_PAGES)
def test_the_queue_refuses_a_reporter_and_opens_for_a_verifier(
    places: dict[str, int], reporter: Any, verifier: Any, path: str
) -> None:
    url = path.format(**places)
    refused = reporter.client.get(url)
    assert refused.status_code == 403
    assert "the role: verifier" in refused.content.decode()
    assert verifier.client.get(url).status_code == 200


def test_a_person_without_a_role_is_refused_everywhere(places: dict[str, int], person: Any) -> None:
    nobody = person("nobody")
    for path in REPORTER_PAGES + VERIFIER_PAGES:
        assert nobody.client.get(path.format(**places)).status_code == 403, path


def test_someone_elses_draft_is_not_found(places: dict[str, int], person: Any) -> None:
    other = person("reporter-2", "reporter")
    assert other.client.get(f"/reports/drafts/{places['draft']}/").status_code == 404
    saved = other.client.post(
        f"/reports/drafts/{places['draft']}/autosave/", {"draft_version": "1"}
    )
    assert saved.status_code == 404


def test_unknown_kinds_and_numbers_are_not_found(reporter: Any, verifier: Any) -> None:
    assert reporter.client.get("/reports/new/bombing/").status_code == 404
    assert reporter.client.get("/reports/drafts/99999999999999999999999/").status_code == 404
    assert verifier.client.get("/reports/review/99999999999999999999999/").status_code == 404
    assert verifier.client.get("/reports/review/424242/").status_code == 404


def test_post_only_endpoints_answer_405_to_a_get(places: dict[str, int], reporter: Any) -> None:
    assert reporter.client.get(f"/reports/drafts/{places['draft']}/autosave/").status_code == 405
    assert reporter.client.get(f"/reports/drafts/{places['draft']}/discard/").status_code == 405


def test_the_staff_menu_offers_each_role_its_pages(reporter: Any, verifier: Any) -> None:
    reporter_page = reporter.client.get("/reports/facilities/").content.decode()
    verifier_page = verifier.client.get("/reports/review/").content.decode()

    assert 'href="/reports/">Report</a>' in reporter_page
    assert 'href="/reports/review/"' not in reporter_page
    assert 'href="/reports/review/" aria-current="page">Verification queue</a>' in verifier_page
    assert 'href="/reports/">Report</a>' not in verifier_page
