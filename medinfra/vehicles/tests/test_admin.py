"""The vehicle admin: registration through the services, events listed on the vehicle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medinfra.core.models import AuditEvent
from medinfra.vehicles.models import Vehicle, VehicleEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def root_client(client: Client, django_user_model: Any, ua: Any) -> Client:
    client.force_login(
        django_user_model.objects.create_superuser(
            username="root", email="root@example.org", password="x-unused-x-root"
        )
    )
    return client


def _pages_answer_200(client: Client, obj: Any) -> None:
    opts = obj._meta
    for view in ("change", "history"):
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])
        assert client.get(url).status_code == 200, url


def test_admin_registers_a_vehicle_in_its_owner_facilitys_region(
    root_client: Client, make_facility: Callable[..., Any]
) -> None:
    facility = make_facility(region="UA-14")
    data = {
        "kind": "ambulance",
        "region": "",
        "owner_facility": facility.pk,
        "description": "Ambulance 12",
        "external_id": "",
    }
    response = root_client.post(reverse("admin:vehicles_vehicle_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    vehicle = Vehicle.objects.get()
    assert (vehicle.region.code, vehicle.owner_facility) == ("UA-14", facility)
    assert AuditEvent.objects.filter(model="vehicles.vehicle", action="create").count() == 1


def test_admin_vehicle_without_region_or_owner_shows_the_error(root_client: Client) -> None:
    data = {"kind": "ambulance", "region": "", "owner_facility": "", "description": ""}
    response = root_client.post(reverse("admin:vehicles_vehicle_add"), data)
    assert response.status_code == 200
    assert "region" in response.context["adminform"].form.errors
    assert not Vehicle.all_objects.exists()


def test_admin_records_a_vehicle_event_and_lists_it_on_the_vehicle(
    root_client: Client, make_vehicle: Callable[..., Any]
) -> None:
    vehicle = make_vehicle()
    data = {"vehicle": vehicle.pk, "occurred_on": "2024-02-10", "status": "seized", "note": ""}
    response = root_client.post(reverse("admin:vehicles_vehicleevent_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = VehicleEvent.objects.get()
    assert (event.vehicle, event.status) == (vehicle, "seized")
    page = root_client.get(reverse("admin:vehicles_vehicle_change", args=[vehicle.pk]))
    assert [len(inline.formset.forms) for inline in page.context["inline_admin_formsets"]] == [1]
    _pages_answer_200(root_client, vehicle)
    _pages_answer_200(root_client, event)


def test_admin_vehicle_event_in_the_future_shows_the_error(
    root_client: Client, make_vehicle: Callable[..., Any]
) -> None:
    data = {"vehicle": make_vehicle().pk, "occurred_on": "2999-01-01", "status": "damaged"}
    response = root_client.post(reverse("admin:vehicles_vehicleevent_add"), data)
    assert response.status_code == 200
    assert "occurred_on" in response.context["adminform"].form.errors
    assert not VehicleEvent.all_objects.exists()
