"""The partnership admin: agreements with their areas of cooperation as one line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medinfra.core.models import AuditEvent
from medinfra.partnerships.models import PartnershipAgreement
from medinfra.recovery.services import register_partner

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


def test_admin_records_an_agreement_with_areas_typed_as_a_line(
    root_client: Client, actor: Any, make_facility: Callable[..., Any]
) -> None:
    partner = register_partner(
        actor=actor, name_en="Example Hospital", kind="foreign_hospital", country="PL"
    )
    data = {
        "facility": make_facility().pk,
        "partner": partner.pk,
        "kind": "twinning",
        "programme": "International Medical Partnership",
        "signed_on": "2023-10-05",
        "areas": "rehabilitation,  surgery, ",
        "status": "active",
    }
    response = root_client.post(reverse("admin:partnerships_partnershipagreement_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    agreement = PartnershipAgreement.objects.get()
    assert agreement.areas == ["rehabilitation", "surgery"]
    url = reverse("admin:partnerships_partnershipagreement_change", args=[agreement.pk])
    page = root_client.get(url)
    assert 'value="rehabilitation, surgery"' in page.content.decode()
    form = page.context["adminform"].form
    data = {
        **data,
        "areas": "rehabilitation, surgery, mental health",
        "expected_version": form.fields["expected_version"].initial,
    }
    response = root_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(model="partnerships.partnershipagreement", action="update")
    assert event.changes == {
        "before": {"areas": ["rehabilitation", "surgery"]},
        "after": {"areas": ["rehabilitation", "surgery", "mental health"]},
    }
    for view in ("change", "history"):
        url = reverse(f"admin:partnerships_partnershipagreement_{view}", args=[agreement.pk])
        assert root_client.get(url).status_code == 200


def test_admin_agreement_with_a_domestic_donor_shows_the_error_on_the_partner(
    root_client: Client, actor: Any, make_facility: Callable[..., Any]
) -> None:
    donor = register_partner(actor=actor, name_en="Example Fund", kind="donor")
    data = {
        "facility": make_facility().pk,
        "partner": donor.pk,
        "kind": "memorandum",
        "signed_on": "2023-10-05",
        "areas": "",
        "status": "active",
    }
    response = root_client.post(reverse("admin:partnerships_partnershipagreement_add"), data)
    assert response.status_code == 200
    assert "partner" in response.context["adminform"].form.errors
    assert not PartnershipAgreement.all_objects.exists()
