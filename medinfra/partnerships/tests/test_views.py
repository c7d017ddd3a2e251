"""The agreements pages: counts and filters in public, entries for coordinators only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medinfra.partnerships.models import PartnershipAgreement
from medinfra.partnerships.queries import INTERNATIONAL_MEDICAL_PARTNERSHIP

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(make_agreement: Callable, make_institution: Callable, make_facility: Callable) -> Any:
    first = make_agreement(
        facility=make_facility(name_en="Marker clinic", name_uk="Маркерна клініка"),
        partner=make_institution("PL", name_en="Marker Hospital Warsaw"),
        programme=INTERNATIONAL_MEDICAL_PARTNERSHIP,
        areas=["surgery"],
    )
    second = make_agreement(partner=make_institution("DE"), programme="", areas=["training"])
    return first, second


@pytest.mark.parametrize("language", ["uk", "en"])
def test_agreements_page_shows_counts_and_agreements_in_both_languages(
    client: Client, two: Any, language: str
) -> None:
    client.cookies["django_language"] = language

    response = client.get(reverse("partnerships:agreements"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Marker Hospital Warsaw" in text
    assert ("Marker clinic" if language == "en" else "Маркерна клініка") in text
    assert f'lang="{language}"' in text


def test_agreements_page_filters_by_partner_country_and_area(client: Client, two: Any) -> None:
    client.cookies["django_language"] = "en"

    by_country = client.get(reverse("partnerships:agreements") + "?partner_country=pl")
    by_area = client.get(reverse("partnerships:agreements") + "?area=training")

    assert "1 agreement shown" in by_country.content.decode()
    assert "Marker Hospital Warsaw" not in by_area.content.decode().split("The agreements")[1]


@pytest.mark.parametrize(
    ("query", "field"),
    [("partner_country=POL", "partner_country"), ("status=x", "status"), ("as_of=x", "as_of")],
)
def test_bad_filters_are_answered_with_the_field_named(
    client: Client, two: Any, query: str, field: str
) -> None:
    response = client.get(reverse("partnerships:agreements") + "?" + query)

    assert response.status_code == 400
    assert f"<code>{field}</code>" in response.content.decode()


def test_agreement_page_and_unknown_agreement(client: Client, two: Any) -> None:
    first, _second = two

    assert client.get(reverse("partnerships:agreement", args=[first.pk])).status_code == 200
    assert client.get(reverse("partnerships:agreement", args=[999999])).status_code == 404
    assert client.get(f"/partnerships/{10**30}/").status_code == 404


def test_only_coordinators_record_agreements(
    client: Client, two: Any, coordinator: Any, django_user_model: Any
) -> None:
    first, _second = two
    url = reverse("partnerships:agreement_new")
    assert client.get(url).status_code == 302
    plain = django_user_model.objects.create_user(username="plain", password="x-unused-x-9")
    client.force_login(plain)
    assert client.get(url).status_code == 403
    client.force_login(coordinator)
    data = {
        "facility": first.facility_id,
        "partner": first.partner_id,
        "kind": "twinning",
        "programme": INTERNATIONAL_MEDICAL_PARTNERSHIP,
        "signed_on": "2024-05-01",
        "areas": "burns, prosthetics",
        "status": "active",
    }

    bad = client.post(url, {**data, "facility": "999999", "signed_on": "2999-01-01"})
    done = client.post(url, data)

    assert bad.status_code == 400
    assert {"facility", "signed_on"} <= set(bad.context["form"].errors)
    assert done.status_code == 302
    assert PartnershipAgreement.objects.get(kind="twinning").areas == ["burns", "prosthetics"]


def test_a_coordinator_changes_the_status_with_a_reason(
    client: Client, two: Any, coordinator: Any
) -> None:
    first, _second = two
    client.force_login(coordinator)
    url = reverse("partnerships:agreement_status", args=[first.pk])

    stale = client.post(url, {"status": "terminated", "expected_version": "0"})
    done = client.post(url, {"status": "terminated", "reason": "closed", "expected_version": "1"})

    assert stale.status_code == 400
    assert done.status_code == 302
    first.refresh_from_db()
    assert first.status == "terminated"
