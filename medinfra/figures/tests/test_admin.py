"""The reported-figure admin: figures entered through the ledger service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medinfra.core.models import AuditEvent
from medinfra.figures.models import ReportedFigure

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


def test_admin_enters_a_reported_figure_with_its_source(
    root_client: Client, make_source: Callable[..., Any]
) -> None:
    source = make_source(full_text="Over 190 hospitals were destroyed.")
    data = {
        "metric": "facilities_destroyed",
        "value": "190",
        "qualifier": "at_least",
        "as_of": "2023-10-01",
        "as_of_precision": "month",
        "country": "UA",
        "region": "",
        "source": source.pk,
        "attributed_to": "Ministry of Health",
        "span": "Over 190 hospitals",
    }
    response = root_client.post(reverse("admin:figures_reportedfigure_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    figure = ReportedFigure.objects.get()
    assert (figure.value, figure.qualifier, figure.source) == (190, "at_least", source)
    assert (figure.as_of_precision, figure.attributed_to) == ("month", "Ministry of Health")
    assert AuditEvent.objects.filter(model="figures.reportedfigure", action="create").count() == 1
    _pages_answer_200(root_client, figure)


def test_admin_figure_whose_span_is_not_in_its_source_shows_the_error(
    root_client: Client, make_source: Callable[..., Any]
) -> None:
    source = make_source(full_text="Over 190 hospitals were destroyed.")
    data = {
        "metric": "facilities_destroyed",
        "value": "200",
        "qualifier": "exact",
        "as_of": "2023-10-01",
        "as_of_precision": "day",
        "country": "UA",
        "source": source.pk,
        "span": "200 hospitals",
    }
    response = root_client.post(reverse("admin:figures_reportedfigure_add"), data)
    assert response.status_code == 200
    assert "span" in response.context["adminform"].form.errors
    assert not ReportedFigure.all_objects.exists()
