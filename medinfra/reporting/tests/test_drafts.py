"""Drafts on the server: saved as typed, loaded back, autosaved, never overwritten when stale."""

from __future__ import annotations

import re
from typing import Any

import pytest

from medinfra.reporting.models import Draft, DraftState

TYPED = {
    "attack_types": ["heavy_weapons", "setting_fire"],
    "occurred_on": "not a date yet",
    "settlement": "Ізюм",
    "patients_injured": "many",
    "description": "Обстріл хірургічного корпусу.\nДругий рядок.",
}


def test_save_draft_keeps_whatever_was_typed_even_if_invalid(reporter: Any) -> None:
    response = reporter.client.post("/reports/new/incident/", {**TYPED, "action": "save"})

    draft = Draft.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reports/drafts/{draft.pk}/?saved=1"
    assert draft.owner == reporter
    assert draft.state == DraftState.OPEN
    assert draft.version == 1
    assert draft.payload["occurred_on"] == "not a date yet"
    assert draft.payload["patients_injured"] == "many"
    assert draft.payload["attack_types"] == ["heavy_weapons", "setting_fire"]
    assert draft.payload["resources"] == []


def test_a_saved_draft_loads_back_into_its_form(reporter: Any) -> None:
    reporter.client.post("/reports/new/incident/", {**TYPED, "action": "save"})
    draft = Draft.objects.get()

    page = reporter.client.get(f"/reports/drafts/{draft.pk}/?saved=1").content.decode()

    assert "Draft saved." in page
    assert 'value="Ізюм"' in page
    assert "Обстріл хірургічного корпусу.\nДругий рядок.</textarea>" in page
    assert re.search(r'value="setting_fire"[^>]*checked', page)
    assert not re.search(r'value="psychological"[^>]*checked', page)
    assert 'name="draft_version" value="1"' in page
    # Loading is not submitting: no error is shown for what is not finished yet.
    assert "There is a problem" not in page


def test_the_form_says_when_the_draft_was_last_saved(reporter: Any) -> None:
    reporter.client.post("/reports/new/incident/", {**TYPED, "action": "save"})
    draft = Draft.objects.get()

    page = reporter.client.get(f"/reports/drafts/{draft.pk}/").content.decode()

    assert re.search(r"Draft saved at \d\d:\d\d", page)


def test_autosave_starts_a_draft_then_saves_each_new_version(reporter: Any) -> None:
    first = reporter.client.post("/reports/new/incident/autosave/", {"settlement": "Ізюм"})

    assert first.status_code == 200
    answer = first.json()
    draft = Draft.objects.get()
    assert answer["id"] == draft.pk
    assert answer["version"] == 1
    assert answer["url"] == f"/reports/drafts/{draft.pk}/"
    assert answer["autosave_url"] == f"/reports/drafts/{draft.pk}/autosave/"
    assert re.fullmatch(r"\d\d:\d\d", answer["saved_at"])

    second = reporter.client.post(
        answer["autosave_url"], {"settlement": "Ізюм, вул. Весняна", "draft_version": "1"}
    )

    assert second.status_code == 200
    assert second.json()["version"] == 2
    draft.refresh_from_db()
    assert draft.payload["settlement"] == "Ізюм, вул. Весняна"


def test_an_autosave_from_a_stale_tab_is_refused_and_overwrites_nothing(reporter: Any) -> None:
    reporter.client.post("/reports/new/incident/autosave/", {"settlement": "first tab"})
    draft = Draft.objects.get()
    url = f"/reports/drafts/{draft.pk}/autosave/"
    reporter.client.post(url, {"settlement": "first tab, later", "draft_version": "1"})

    stale = reporter.client.post(url, {"settlement": "second tab", "draft_version": "1"})

    assert stale.status_code == 409
    assert "saved from another tab or device" in stale.json()["error"]
    assert "Nothing was overwritten" in stale.json()["error"]
    draft.refresh_from_db()
    assert draft.payload["settlement"] == "first tab, later"
    assert draft.version == 2


def test_an_autosave_without_a_version_is_refused(reporter: Any) -> None:
    reporter.client.post("/reports/new/incident/autosave/", {"settlement": "kept"})
    draft = Draft.objects.get()

    answer = reporter.client.post(f"/reports/drafts/{draft.pk}/autosave/", {"settlement": "x"})

    assert answer.status_code == 409
    draft.refresh_from_db()
    assert draft.payload["settlement"] == "kept"


def test_save_draft_from_a_stale_page_shows_the_conflict_and_keeps_both_texts(
    reporter: Any,
) -> None:
    reporter.client.post("/reports/new/incident/", {"settlement": "saved", "action": "save"})
    draft = Draft.objects.get()
    reporter.client.post(
        f"/reports/drafts/{draft.pk}/", {"settlement": "newer", "draft_version": "1"}
    )

    response = reporter.client.post(
        f"/reports/drafts/{draft.pk}/",
        {"settlement": "from the stale page", "draft_version": "1", "action": "save"},
    )

    page = response.content.decode()
    assert response.status_code == 409
    assert "This draft was changed elsewhere" in page
    assert 'value="from the stale page"' in page
    # The page keeps the version it had, so its next save conflicts again instead of winning.
    assert 'name="draft_version" value="1"' in page
    draft.refresh_from_db()
    assert draft.payload["settlement"] == "newer"

    replaced = reporter.client.post(
        f"/reports/drafts/{draft.pk}/",
        {
            "settlement": "from the stale page",
            "draft_version": "1",
            "current_version": "2",
            "action": "overwrite",
        },
    )

    assert replaced.status_code == 302
    draft.refresh_from_db()
    assert draft.payload["settlement"] == "from the stale page"
    assert draft.version == 3


def test_only_the_fields_of_the_form_are_kept(reporter: Any) -> None:
    reporter.client.post(
        "/reports/new/assessment/",
        {"facility": "12", "settlement": "not a field here", "owner": "7", "action": "save"},
    )

    payload = Draft.objects.get().payload
    assert payload["facility"] == "12"
    assert "settlement" not in payload
    assert "owner" not in payload


def test_an_overlong_text_is_cut_to_the_fields_limit(reporter: Any) -> None:
    reporter.client.post("/reports/new/incident/", {"settlement": "я" * 5000, "action": "save"})

    assert len(Draft.objects.get().payload["settlement"]) == 200


def test_a_discarded_draft_is_kept_marked_and_can_be_taken_up_again(reporter: Any) -> None:
    reporter.client.post("/reports/new/restoration/", {"note": "kept", "action": "save"})
    draft = Draft.objects.get()

    response = reporter.client.post(f"/reports/drafts/{draft.pk}/discard/", {"draft_version": "1"})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == DraftState.DISCARDED
    assert draft.discarded_at is not None
    assert draft.payload["note"] == "kept"
    mine = reporter.client.get("/reports/").content.decode()
    assert "Discarded drafts (kept)" in mine
    assert "No open drafts." in mine
    closed = reporter.client.get(f"/reports/drafts/{draft.pk}/").content.decode()
    assert "Discarded on" in closed
    assert "kept" in closed

    autosave = reporter.client.post(
        f"/reports/drafts/{draft.pk}/autosave/", {"note": "x", "draft_version": "2"}
    )
    assert autosave.status_code == 409

    reporter.client.post(f"/reports/drafts/{draft.pk}/reopen/")
    draft.refresh_from_db()
    assert draft.state == DraftState.OPEN
    assert Draft.objects.count() == 1


def test_discarding_from_a_stale_page_is_refused(reporter: Any) -> None:
    reporter.client.post("/reports/new/restoration/", {"note": "a", "action": "save"})
    draft = Draft.objects.get()
    reporter.client.post(
        f"/reports/drafts/{draft.pk}/", {"note": "b", "draft_version": "1", "action": "save"}
    )

    response = reporter.client.post(f"/reports/drafts/{draft.pk}/discard/", {"draft_version": "1"})

    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.state == DraftState.OPEN


@pytest.mark.parametrize("kind", ["incident", "assessment", "restoration", "vehicle_event"])
def test_every_kind_of_report_has_a_draft_form(reporter: Any, kind: str) -> None:
    page = reporter.client.get(f"/reports/new/{kind}/").content.decode()

    assert f'data-autosave-url="/reports/new/{kind}/autosave/"' in page
    assert 'name="action" value="save"' in page
    assert 'name="action" value="submit"' in page
    assert "reporting/autosave.js" in page


def test_the_list_shows_open_drafts_with_links(reporter: Any) -> None:
    reporter.client.post("/reports/new/vehicle_event/", {"note": "x", "action": "save"})
    draft = Draft.objects.get()

    page = reporter.client.get("/reports/").content.decode()

    assert f'href="/reports/drafts/{draft.pk}/"' in page
    assert "vehicle loss" in page
    for kind in ("incident", "assessment", "restoration", "vehicle_event"):
        assert f'href="/reports/new/{kind}/"' in page
