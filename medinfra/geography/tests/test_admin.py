"""The country and region admin: access status through its service, corrections audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medinfra.core.models import AuditEvent
from medinfra.geography.models import Country, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def root_client(client: Client, django_user_model: Any, ua: Any) -> Client:
    client.force_login(
        django_user_model.objects.create_superuser(
            username="root", email="root@example.org", password="x-unused-x-root"
        )
    )
    return client


def _url(model: Any, view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_region_access_status_change_goes_through_the_service_with_a_reason(
    root_client: Client, ua: Any
) -> None:
    region = Region.objects.get(code="UA-09")
    page = root_client.get(_url(Region, "change", region.pk))
    assert page.status_code == 200
    data = {
        "access_status": "inaccessible",
        "reason": "No access for assessors",
        "expected_version": region.version,
    }
    response = root_client.post(_url(Region, "change", region.pk), data)
    assert response.status_code == 302
    region.refresh_from_db()
    assert region.access_status == "inaccessible"
    assert region.version == 2
    event = AuditEvent.objects.filter(
        model="geography.region", object_id=str(region.pk), action="update"
    ).get()
    assert event.changes == {
        "before": {"access_status": "controlled"},
        "after": {"access_status": "inaccessible"},
    }
    assert event.reason == "No access for assessors"
    assert event.actor_label == "root"


def test_country_correction_is_audited_and_its_code_cannot_change(
    root_client: Client, ua: Any
) -> None:
    page = root_client.get(_url(Country, "change", ua.pk))
    assert page.status_code == 200
    data = {
        "code": "XX",
        "name_en": "Ukraine (corrected)",
        "name_uk": ua.name_uk,
        "min_latitude": ua.min_latitude,
        "max_latitude": ua.max_latitude,
        "min_longitude": ua.min_longitude,
        "max_longitude": ua.max_longitude,
    }
    assert root_client.post(_url(Country, "change", ua.pk), data).status_code == 302
    ua.refresh_from_db()
    assert (ua.code, ua.name_en) == ("UA", "Ukraine (corrected)")
    event = AuditEvent.objects.get(model="geography.country", action="update")
    assert event.changes["after"] == {"name_en": "Ukraine (corrected)"}


def test_country_with_a_bounding_box_inside_out_is_refused_on_the_form(
    root_client: Client, ua: Any
) -> None:
    data = {
        "name_en": ua.name_en,
        "name_uk": ua.name_uk,
        "min_latitude": ua.max_latitude,
        "max_latitude": ua.min_latitude,
        "min_longitude": ua.min_longitude,
        "max_longitude": ua.max_longitude,
    }
    response = root_client.post(_url(Country, "change", ua.pk), data)
    assert response.status_code == 200
    assert "max_latitude" in response.context["adminform"].form.errors
    ua.refresh_from_db()
    assert ua.min_latitude < ua.max_latitude
    assert not AuditEvent.objects.filter(model="geography.country", action="update").exists()


def test_region_names_and_code_cannot_be_changed_in_the_admin(root_client: Client, ua: Any) -> None:
    region = Region.objects.get(code="UA-63")
    data = {
        "access_status": "frontline",
        "code": "UA-99",
        "name_en": "Renamed",
        "expected_version": region.version,
    }
    assert root_client.post(_url(Region, "change", region.pk), data).status_code == 302
    region.refresh_from_db()
    assert (region.code, region.name_en, region.access_status) == (
        "UA-63",
        "Kharkiv Oblast",
        "frontline",
    )


def test_region_and_country_pages_answer_200(root_client: Client, ua: Any) -> None:
    region = Region.objects.get(code="UA-63")
    for model, obj in ((Country, ua), (Region, region)):
        for view in ("change", "history"):
            assert root_client.get(_url(model, view, obj.pk)).status_code == 200
    history = root_client.get(_url(Region, "history", region.pk))
    assert [e.action for e in history.context["entries"]] == ["create"]
