"""The source admin: documents registered through the sources service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medinfra.core.models import AuditEvent
from medinfra.sources.models import Source

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


def test_admin_registers_a_source_with_one_create_event(root_client: Client) -> None:
    data = {
        "publisher": "Ministry of Health",
        "title": "  Damage report  ",
        "url": "https://moz.gov.ua/example",
        "published_on": "2024-01-15",
        "language": "uk",
        "full_text": "",
    }
    response = root_client.post(reverse("admin:sources_source_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    source = Source.objects.get()
    assert source.title == "Damage report"
    assert (
        AuditEvent.objects.filter(
            model="sources.source", action="create", object_id=str(source.pk)
        ).count()
        == 1
    )
    _pages_answer_200(root_client, source)


def test_admin_source_changes_are_audited(
    root_client: Client, make_source: Callable[..., Any]
) -> None:
    source = make_source(title="First title")
    url = reverse("admin:sources_source_change", args=[source.pk])
    data = {
        "publisher": source.publisher,
        "title": "Corrected title",
        "url": "",
        "published_on": "",
        "language": "",
        "full_text": "",
        "expected_version": source.version,
    }
    response = root_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(model="sources.source", action="update")
    assert event.changes == {
        "before": {"title": "First title"},
        "after": {"title": "Corrected title"},
    }
