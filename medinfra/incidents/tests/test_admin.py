"""The incident admin: recording with attack types and resources, list changes, review."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medinfra.core.models import AuditEvent
from medinfra.core.services import retract_record
from medinfra.incidents.models import CASUALTY_FIELDS, Incident, IncidentAttackType

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:incidents_incident_add")


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


def _incident_form(ua: Any, source: Any, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "occurred_on": "2024-03-01",
        "date_precision": "day",
        "region": ua.regions.get(code="UA-63").pk,
        "facility": "",
        "settlement": "Kharkiv",
        "latitude": "",
        "longitude": "",
        "attack_types": ["heavy_weapons", "setting_fire"],
        "resources": ["facility"],
        "description": "Shelling hit the hospital and started a fire.",
        "public_summary": "",
        "sources": [source.pk],
        "certainty": "probable",
        "external_id": "",
        **dict.fromkeys(CASUALTY_FIELDS, "0"),
    }
    data.update(fields)
    return data


def _change_form_data(response: Any) -> dict[str, Any]:
    """What a browser would post back from a change page."""
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, list):
            value = [getattr(item, "pk", item) for item in value]
        elif hasattr(value, "pk"):
            value = value.pk
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = value
    return data


def test_admin_records_an_incident_with_two_attack_types(
    root_client: Client, ua: Any, make_source: Callable[..., Any]
) -> None:
    source = make_source()
    response = root_client.post(ADD_URL, _incident_form(ua, source))
    assert response.status_code == 302, response.context["adminform"].form.errors
    incident = Incident.objects.get()
    assert sorted(
        IncidentAttackType.objects.filter(incident=incident).values_list("attack_type", flat=True)
    ) == ["heavy_weapons", "setting_fire"]
    assert list(incident.resources.values_list("resource", flat=True)) == ["facility"]
    assert list(incident.sources.all()) == [source]
    assert (incident.verification, incident.certainty) == ("reported", "probable")
    assert incident.reported_by.username == "root"
    event = AuditEvent.objects.get(model="incidents.incident", action="create")
    assert event.changes["after"]["attack_types"] == ["heavy_weapons", "setting_fire"]


def test_admin_incident_without_attack_types_or_sources_shows_both_errors(
    root_client: Client, ua: Any, make_source: Callable[..., Any]
) -> None:
    data = _incident_form(ua, make_source(), attack_types=[], sources=[])
    response = root_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert {"attack_types", "sources"} <= set(response.context["adminform"].form.errors)
    assert not Incident.all_objects.exists()


def test_admin_incident_takes_its_region_from_the_facility_when_none_is_given(
    root_client: Client,
    ua: Any,
    make_source: Callable[..., Any],
    make_facility: Callable[..., Any],
) -> None:
    facility = make_facility(region="UA-14")
    data = _incident_form(ua, make_source(), region="", facility=facility.pk)
    response = root_client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Incident.objects.get().region.code == "UA-14"


def test_admin_incident_in_another_region_than_its_facility_shows_the_error(
    root_client: Client,
    ua: Any,
    make_source: Callable[..., Any],
    make_facility: Callable[..., Any],
) -> None:
    facility = make_facility(region="UA-14")
    response = root_client.post(ADD_URL, _incident_form(ua, make_source(), facility=facility.pk))
    assert response.status_code == 200
    assert "facility" in response.context["adminform"].form.errors
    assert not Incident.all_objects.exists()


def test_admin_changes_attack_types_resources_and_sources_with_an_audited_update(
    root_client: Client, make_incident: Callable[..., Any], make_source: Callable[..., Any]
) -> None:
    incident = make_incident(attack_types=["heavy_weapons"], resources=["facility"])
    extra = make_source()
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    data = _change_form_data(root_client.get(url))
    data.update(
        attack_types=["heavy_weapons", "military_use"],
        resources=["facility", "patient"],
        sources=[*data["sources"], extra.pk],
        reason="Second report",
    )
    response = root_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    incident.refresh_from_db()
    assert sorted(incident.attack_types.values_list("attack_type", flat=True)) == [
        "heavy_weapons",
        "military_use",
    ]
    assert sorted(incident.resources.values_list("resource", flat=True)) == ["facility", "patient"]
    assert extra in incident.sources.all()
    event = AuditEvent.objects.get(model="incidents.incident", action="update")
    assert event.changes["before"]["attack_types"] == ["heavy_weapons"]
    assert event.changes["after"]["attack_types"] == ["heavy_weapons", "military_use"]
    assert event.changes["after"]["resources"] == ["facility", "patient"]
    assert event.reason == "Second report"
    assert incident.version == 2


def test_admin_refuses_verification_by_the_reporter_next_to_the_field(
    root_client: Client, superuser: Any, make_incident: Callable[..., Any]
) -> None:
    incident = make_incident(actor=superuser)
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    data = _change_form_data(root_client.get(url))
    data["verification"] = "verified"
    response = root_client.post(url, data)
    assert response.status_code == 200
    assert "verification" in response.context["adminform"].form.errors
    incident.refresh_from_db()
    assert incident.verification == "reported"


def test_admin_verifies_another_users_report_through_review(
    root_client: Client, make_incident: Callable[..., Any]
) -> None:
    incident = make_incident()
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    data = _change_form_data(root_client.get(url))
    data.update(verification="verified", certainty="confirmed")
    response = root_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    incident.refresh_from_db()
    assert (incident.verification, incident.certainty) == ("verified", "confirmed")
    assert incident.verified_by.username == "root"


def test_admin_rejection_without_a_reason_shows_the_error_on_the_reason(
    root_client: Client, make_incident: Callable[..., Any]
) -> None:
    incident = make_incident()
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    data = _change_form_data(root_client.get(url))
    data["verification"] = "rejected"
    response = root_client.post(url, data)
    assert response.status_code == 200
    assert "reason" in response.context["adminform"].form.errors
    incident.refresh_from_db()
    assert incident.verification == "reported"


def test_incident_pages_answer_200_also_when_retracted(
    root_client: Client, actor: Any, make_incident: Callable[..., Any]
) -> None:
    incident = make_incident(attack_types=["abduction"], resources=["personnel"])
    for view in ("change", "history"):
        url = reverse(f"admin:incidents_incident_{view}", args=[incident.pk])
        assert root_client.get(url).status_code == 200, url
    retract_record(incident, actor=actor, reason="Reported twice")
    page = root_client.get(
        reverse("admin:incidents_incident_change", args=[incident.pk]),
        headers={"accept-language": "en"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "abduction / kidnapping" in html
    assert "Reported twice" in html


def test_incident_list_takes_as_many_queries_for_many_rows_as_for_few(
    root_client: Client, make_incident: Callable[..., Any], make_facility: Callable[..., Any]
) -> None:
    url = reverse("admin:incidents_incident_changelist")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert root_client.get(url).status_code == 200
        return len(captured)

    make_incident(facility=make_facility())
    few = queries()
    for _ in range(6):
        make_incident(facility=make_facility())
    assert queries() == few
