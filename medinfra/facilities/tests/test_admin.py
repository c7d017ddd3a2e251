"""The facility admin: writes through the services, errors on the form, retraction, history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medinfra.core.models import AuditEvent
from medinfra.core.services import retract_record
from medinfra.facilities.models import Assessment, Facility, Restoration

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:facilities_facility_add")
CHANGELIST_URL = reverse("admin:facilities_facility_changelist")


@pytest.fixture
def superuser(django_user_model: Any, ua: Any) -> Any:
    return django_user_model.objects.create_superuser(
        username="root", email="root@example.org", password="x-unused-x-root"
    )


@pytest.fixture
def root_client(client: Client, superuser: Any) -> Client:
    client.force_login(superuser)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the tests read the English messages
    return client


def _facility_form(ua: Any, **fields: Any) -> dict[str, Any]:
    data = {
        "name_uk": "Лікарня №1",
        "name_en": "Hospital No. 1",
        "kind": "hospital",
        "region": ua.regions.get(code="UA-63").pk,
        "settlement": "Kharkiv",
        "latitude": "49.99350",
        "longitude": "36.23038",
        "edrpou": "01234567",
        "ownership": "municipal",
        "beds": "120",
        "external_id": "",
    }
    data.update(fields)
    return data


def _change_form_data(response: Any) -> dict[str, Any]:
    """What a browser would post back from a change page: the form and the inlines' counts."""
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if hasattr(value, "pk"):
            value = value.pk
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
    return data


def test_admin_adds_a_facility_with_one_create_audit_event(root_client: Client, ua: Any) -> None:
    before = AuditEvent.objects.count()
    response = root_client.post(ADD_URL, _facility_form(ua))
    assert response.status_code == 302, response.context["adminform"].form.errors
    facility = Facility.objects.get()
    assert (facility.name_en, facility.edrpou, facility.beds) == ("Hospital No. 1", "01234567", 120)
    events = AuditEvent.objects.filter(id__gt=0).order_by("id")[before:]
    assert [(e.action, e.model, e.object_id) for e in events] == [
        ("create", "facilities.facility", str(facility.pk))
    ]
    assert events[0].actor_label == "root"


def test_admin_add_with_coordinates_outside_the_country_shows_the_error_and_creates_nothing(
    root_client: Client, ua: Any
) -> None:
    before = AuditEvent.objects.count()
    response = root_client.post(ADD_URL, _facility_form(ua, latitude="10.0", longitude="10.0"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "latitude" in errors
    assert "lies outside" in errors["latitude"][0]
    assert "lies outside" in response.content.decode()
    assert not Facility.all_objects.exists()
    assert AuditEvent.objects.count() == before


def test_admin_add_with_a_malformed_edrpou_shows_the_error_and_creates_nothing(
    root_client: Client, ua: Any
) -> None:
    before = AuditEvent.objects.count()
    response = root_client.post(ADD_URL, _facility_form(ua, edrpou="12ab"))
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["edrpou"]
    assert not Facility.all_objects.exists()
    assert AuditEvent.objects.count() == before


def test_admin_add_clashing_with_a_retracted_record_shows_the_field_error(
    root_client: Client, ua: Any, actor: Any, make_facility: Callable[..., Any]
) -> None:
    # A retracted facility still holds its EDRPOU code in the database's unique index.
    old = make_facility(edrpou="01234567")
    retract_record(old, actor=actor, reason="Entered twice")
    before = AuditEvent.objects.count()
    response = root_client.post(ADD_URL, _facility_form(ua, edrpou="01234567"))
    assert response.status_code == 200
    assert "retracted" in str(response.context["adminform"].form.errors["edrpou"])
    assert Facility.all_objects.count() == 1
    assert AuditEvent.objects.count() == before


def test_admin_edits_an_assessment_with_an_update_event_holding_before_and_after(
    root_client: Client, make_facility: Callable[..., Any], assess: Callable[..., Any]
) -> None:
    assessment = assess(make_facility(), dt.date(2024, 3, 1), "partial", "partial")
    url = reverse("admin:facilities_assessment_change", args=[assessment.pk])
    data = _change_form_data(root_client.get(url))
    data.update(condition="destroyed", functionality="none")
    response = root_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assessment.refresh_from_db()
    assert (assessment.condition, assessment.functionality, assessment.version) == (
        "destroyed",
        "none",
        2,
    )
    event = AuditEvent.objects.filter(model="facilities.assessment", action="update").get()
    assert event.changes == {
        "before": {"condition": "partial", "functionality": "partial"},
        "after": {"condition": "destroyed", "functionality": "none"},
    }
    assert event.actor_label == "root"


def test_admin_refuses_to_overwrite_a_change_saved_after_the_form_was_opened(
    root_client: Client,
    actor: Any,
    make_facility: Callable[..., Any],
    assess: Callable[..., Any],
) -> None:
    from medinfra.core.services import update_record

    assessment = assess(make_facility(), dt.date(2024, 3, 1), "partial", "partial")
    url = reverse("admin:facilities_assessment_change", args=[assessment.pk])
    data = _change_form_data(root_client.get(url))
    update_record(assessment, actor=actor, changes={"assessed_by": "Regional department"})
    data.update(condition="destroyed")
    response = root_client.post(url, data)
    assert response.status_code == 200
    assert "reload the page" in str(response.context["adminform"].form.non_field_errors())
    assessment.refresh_from_db()
    assert (assessment.condition, assessment.assessed_by) == ("partial", "Regional department")


def test_admin_shows_the_model_rule_that_restoration_needs_recorded_damage(
    root_client: Client, make_facility: Callable[..., Any]
) -> None:
    facility = make_facility()
    data = {"facility": facility.pk, "restored_on": "2024-05-01", "milestone": "fully_restored"}
    response = root_client.post(reverse("admin:facilities_restoration_add"), data)
    assert response.status_code == 200
    assert "facility" in response.context["adminform"].form.errors
    assert not Restoration.all_objects.exists()


def test_admin_cannot_delete_a_facility(
    root_client: Client, superuser: Any, make_facility: Callable[..., Any]
) -> None:
    facility = make_facility()
    request = RequestFactory().get("/")
    request.user = superuser
    model_admin = admin.site._registry[Facility]
    assert not model_admin.has_delete_permission(request, facility)
    assert "delete_selected" not in model_admin.get_actions(request)
    url = reverse("admin:facilities_facility_delete", args=[facility.pk])
    assert root_client.get(url).status_code == 403
    assert root_client.post(url, {"post": "yes"}).status_code == 403
    action = {"action": "delete_selected", "_selected_action": [facility.pk], "post": "yes"}
    root_client.post(CHANGELIST_URL, action)
    assert Facility.objects.filter(pk=facility.pk).exists()


def test_retract_action_asks_for_a_reason_first(
    root_client: Client, make_facility: Callable[..., Any]
) -> None:
    facility = make_facility()
    response = root_client.post(
        CHANGELIST_URL, {"action": "retract_selected", "_selected_action": [facility.pk]}
    )
    assert response.status_code == 200
    assert "reason" in response.content.decode()
    facility.refresh_from_db()
    assert not facility.is_retracted


def test_retract_action_with_a_reason_retracts_and_audits(
    root_client: Client, make_facility: Callable[..., Any]
) -> None:
    first, second, kept = make_facility(), make_facility(), make_facility()
    response = root_client.post(
        CHANGELIST_URL,
        {
            "action": "retract_selected",
            "_selected_action": [first.pk, second.pk],
            "post": "yes",
            "reason": "Duplicates of another entry",
        },
    )
    assert response.status_code == 302
    assert set(Facility.all_objects.retracted().values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    kept.refresh_from_db()
    assert not kept.is_retracted
    first.refresh_from_db()
    assert first.retraction_reason == "Duplicates of another entry"
    assert first.retracted_by.username == "root"
    events = AuditEvent.objects.filter(model="facilities.facility", action="retract")
    assert sorted(int(e.object_id) for e in events) == sorted([first.pk, second.pk])
    assert {e.reason for e in events} == {"Duplicates of another entry"}


def test_retract_action_without_a_reason_refuses_and_retracts_nothing(
    root_client: Client, make_facility: Callable[..., Any]
) -> None:
    facility = make_facility()
    before = AuditEvent.objects.count()
    response = root_client.post(
        CHANGELIST_URL,
        {
            "action": "retract_selected",
            "_selected_action": [facility.pk],
            "post": "yes",
            "reason": "   ",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    facility.refresh_from_db()
    assert not facility.is_retracted
    assert AuditEvent.objects.count() == before


def test_retracted_facility_is_listed_filtered_and_read_only(
    root_client: Client, actor: Any, make_facility: Callable[..., Any]
) -> None:
    gone = make_facility(name_en="Retracted hospital")
    make_facility(name_en="Current hospital")
    retract_record(gone, actor=actor, reason="Not a health facility")
    listing = root_client.get(CHANGELIST_URL).content.decode()
    assert "Retracted hospital" in listing
    assert "Current hospital" in listing
    only_retracted = root_client.get(CHANGELIST_URL, {"retracted": "yes"}).content.decode()
    assert "Retracted hospital" in only_retracted
    assert "Current hospital" not in only_retracted
    url = reverse("admin:facilities_facility_change", args=[gone.pk])
    page = root_client.get(url)
    assert page.status_code == 200
    assert "Not a health facility" in page.content.decode()
    assert root_client.post(url, {"name_uk": "x"}).status_code == 403


def test_history_page_shows_who_when_what_before_after_and_why(
    root_client: Client,
    actor: Any,
    make_facility: Callable[..., Any],
    assess: Callable[..., Any],
) -> None:
    assessment = assess(make_facility(), dt.date(2024, 3, 1), "partial", "partial")
    url = reverse("admin:facilities_assessment_change", args=[assessment.pk])
    data = _change_form_data(root_client.get(url))
    data.update(condition="destroyed")
    assert root_client.post(url, data).status_code == 302
    retract_record(
        Assessment.objects.get(pk=assessment.pk), actor=actor, reason="Assessed the wrong building"
    )
    page = root_client.get(reverse("admin:facilities_assessment_history", args=[assessment.pk]))
    assert page.status_code == 200
    entries = page.context["entries"]
    assert [(e.actor_label, e.action) for e in entries] == [
        ("clerk", "create"),
        ("root", "update"),
        ("clerk", "retract"),
    ]
    change = entries[1].rows
    assert [(r.field, r.before, r.after) for r in change] == [("condition", "partial", "destroyed")]
    html = page.content.decode()
    assert "Assessed the wrong building" in html
    assert "destroyed" in html


def test_facility_page_lists_its_assessments_and_restorations_and_still_saves(
    root_client: Client,
    make_facility: Callable[..., Any],
    assess: Callable[..., Any],
    restore: Callable[..., Any],
) -> None:
    facility = make_facility()
    assess(facility, dt.date(2024, 3, 1), "partial", "none")
    restore(facility, dt.date(2024, 6, 1), "partially_restored")
    url = reverse("admin:facilities_facility_change", args=[facility.pk])
    page = root_client.get(url)
    assert page.status_code == 200
    inlines = page.context["inline_admin_formsets"]
    assert [len(inline.formset.forms) for inline in inlines] == [1, 1]
    assert all(
        not inline.has_add_permission and not inline.has_change_permission for inline in inlines
    )
    data = _change_form_data(page)
    data["beds"] = "75"
    response = root_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    facility.refresh_from_db()
    assert facility.beds == 75
    assert Assessment.objects.filter(facility=facility).count() == 1
    event = AuditEvent.objects.filter(model="facilities.facility", action="update").get()
    assert event.changes["after"] == {"beds": 75}


def test_facility_autocomplete_offers_only_current_facilities(
    root_client: Client, actor: Any, make_facility: Callable[..., Any]
) -> None:
    current = make_facility(name_en="Autocomplete current")
    gone = make_facility(name_en="Autocomplete retracted")
    retract_record(gone, actor=actor, reason="Duplicate")
    response = root_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Autocomplete",
            "app_label": "facilities",
            "model_name": "assessment",
            "field_name": "facility",
        },
    )
    assert response.status_code == 200
    assert [int(r["id"]) for r in response.json()["results"]] == [current.pk]


def test_assessment_and_restoration_pages_answer_200(
    root_client: Client,
    make_facility: Callable[..., Any],
    assess: Callable[..., Any],
    restore: Callable[..., Any],
) -> None:
    facility = make_facility()
    assessment = assess(facility, dt.date(2024, 3, 1), "destroyed", "none")
    restoration = restore(facility, dt.date(2024, 6, 1), "fully_restored")
    for name, obj in (
        ("facility", facility),
        ("assessment", assessment),
        ("restoration", restoration),
    ):
        for view in ("change", "history"):
            url = reverse(f"admin:facilities_{name}_{view}", args=[obj.pk])
            assert root_client.get(url).status_code == 200, url


def test_facility_and_assessment_lists_take_as_many_queries_for_many_rows_as_for_few(
    root_client: Client, make_facility: Callable[..., Any], assess: Callable[..., Any]
) -> None:
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert root_client.get(url).status_code == 200
        return len(captured)

    urls = [CHANGELIST_URL, reverse("admin:facilities_assessment_changelist")]
    for region in ("UA-63", "UA-14"):
        assess(make_facility(region=region), dt.date(2024, 3, 1), "partial")
    few = [queries(url) for url in urls]
    for n in range(8):
        assess(
            make_facility(region=("UA-63", "UA-14", "UA-32")[n % 3]),
            dt.date(2024, 3, 1),
            "destroyed",
        )
    assert [queries(url) for url in urls] == few
