"""The recovery admin: partners, projects and funding written through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medinfra.core.models import AuditEvent
from medinfra.geography.models import Region
from medinfra.recovery.models import Funding, Partner, RecoveryProject

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


def _partner(client: Client, **fields: Any) -> Partner:
    data = {
        "name_en": "Hospital of Example",
        "name_uk": "",
        "kind": "foreign_hospital",
        "country": "DE",
        **fields,
    }
    response = client.post(reverse("admin:recovery_partner_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Partner.objects.get(name_en=data["name_en"])


def test_admin_adds_a_partner_a_project_and_its_funding_through_the_services(
    root_client: Client, make_facility: Callable[..., Any]
) -> None:
    partner = _partner(root_client, kind="donor", name_en="Example Fund")
    facility = make_facility(region="UA-14")
    project = {
        "title_en": "Rebuild the surgical wing",
        "title_uk": "",
        "facility": facility.pk,
        "region": "",
        "block": "2",
        "stage": "assessed",
        "cost_estimate": "2500000",
        "currency": "USD",
        "priority": "1",
    }
    response = root_client.post(reverse("admin:recovery_recoveryproject_add"), project)
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = RecoveryProject.objects.get()
    assert (created.region.code, created.block, created.priority) == ("UA-14", 2, 1)
    funding = {
        "project": created.pk,
        "partner": partner.pk,
        "kind": "commitment",
        "amount": "1000000",
        "currency": "USD",
        "on": "2024-04-01",
    }
    response = root_client.post(reverse("admin:recovery_funding_add"), funding)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Funding.objects.get().partner == partner
    assert sorted(
        AuditEvent.objects.filter(action="create", model__startswith="recovery.").values_list(
            "model", flat=True
        )
    ) == ["recovery.funding", "recovery.partner", "recovery.recoveryproject"]
    page = root_client.get(reverse("admin:recovery_recoveryproject_change", args=[created.pk]))
    assert [len(inline.formset.forms) for inline in page.context["inline_admin_formsets"]] == [1]
    for obj in (partner, created, Funding.objects.get()):
        _pages_answer_200(root_client, obj)


def test_admin_project_cost_without_currency_shows_the_error_on_the_currency(
    root_client: Client,
) -> None:
    project = {
        "title_en": "New clinic",
        "region": Region.objects.get(code="UA-63").pk,
        "facility": "",
        "block": "3",
        "stage": "idea",
        "cost_estimate": "100",
        "currency": "",
        "priority": "3",
    }
    response = root_client.post(reverse("admin:recovery_recoveryproject_add"), project)
    assert response.status_code == 200
    assert "currency" in response.context["adminform"].form.errors
    assert not RecoveryProject.all_objects.exists()
