"""The admin as a whole: every page answers, nothing is deleted, the audit trail is read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteMixin, ForeignKeyRawIdWidget
from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory
from django.urls import reverse

from medinfra.core.admin import RecordAdmin
from medinfra.core.models import AuditEvent

pytestmark = pytest.mark.django_db


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


def _url(model: Any, view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _request_as(user: Any) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _medinfra_admins() -> list[tuple[Any, Any]]:
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model.__module__.startswith("medinfra.")
    ]


def test_admin_site_is_titled_medinfra_administration(root_client: Client) -> None:
    response = root_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert admin.site.site_header == "medinfra administration"
    assert "medinfra administration" in response.content.decode()


def test_every_domain_model_has_an_admin_built_on_the_record_admin() -> None:
    registered = {model._meta.label for model, _ in _medinfra_admins()}
    assert registered >= {
        "geography.Country",
        "geography.Region",
        "sources.Source",
        "facilities.Facility",
        "facilities.Assessment",
        "facilities.Restoration",
        "incidents.Incident",
        "vehicles.Vehicle",
        "vehicles.VehicleEvent",
        "recovery.Partner",
        "recovery.RecoveryProject",
        "recovery.Funding",
        "partnerships.PartnershipAgreement",
        "figures.ReportedFigure",
        "core.AuditEvent",
    }
    for model, model_admin in _medinfra_admins():
        if model is not AuditEvent:
            assert isinstance(model_admin, RecordAdmin), model


def test_every_admin_changelist_answers_200_for_a_superuser(root_client: Client) -> None:
    for model in admin.site._registry:
        url = _url(model, "changelist")
        assert root_client.get(url).status_code == 200, url
        # A search runs every admin's search fields against the database.
        assert root_client.get(url, {"q": "abc"}).status_code == 200, url


def test_every_record_changelist_filters_retracted_records(root_client: Client) -> None:
    for model, model_admin in _medinfra_admins():
        if isinstance(model_admin, RecordAdmin) and hasattr(model, "all_objects"):
            for value in ("yes", "no"):
                response = root_client.get(_url(model, "changelist"), {"retracted": value})
                assert response.status_code == 200, (model, value)


def test_every_admin_add_page_answers_200_where_adding_is_allowed(
    root_client: Client, superuser: Any
) -> None:
    request = _request_as(superuser)
    for model, model_admin in admin.site._registry.items():
        expected = 200 if model_admin.has_add_permission(request) else 403
        assert root_client.get(_url(model, "add")).status_code == expected, model
    assert not admin.site._registry[AuditEvent].has_add_permission(request)


def test_no_domain_admin_can_delete_or_offers_the_delete_action(superuser: Any) -> None:
    request = _request_as(superuser)
    for model, model_admin in _medinfra_admins():
        assert not model_admin.has_delete_permission(request), model
        assert "delete_selected" not in model_admin.get_actions(request), model


def test_record_admins_offer_retraction_and_plain_tables_do_not(superuser: Any) -> None:
    request = _request_as(superuser)
    for model, model_admin in _medinfra_admins():
        actions = model_admin.get_actions(request)
        # An admin may declare its records history that is never retracted (e.g. stage changes).
        retractable = hasattr(model, "all_objects") and getattr(model_admin, "retractable", True)
        assert ("retract_selected" in actions) == retractable, model


def test_admin_cannot_delete_a_region(root_client: Client, ua: Any) -> None:
    region = ua.regions.get(code="UA-63")
    assert root_client.get(_url(type(region), "delete", region.pk)).status_code == 403
    assert (
        root_client.post(_url(type(region), "delete", region.pk), {"post": "yes"}).status_code
        == 403
    )
    assert type(region).objects.filter(pk=region.pk).exists()


def test_audit_events_can_be_viewed_but_not_changed_or_deleted(root_client: Client) -> None:
    event = AuditEvent.objects.order_by("id").first()
    assert event is not None
    before = (event.action, event.reason, event.hash)
    page = root_client.get(_url(AuditEvent, "change", event.pk))
    assert page.status_code == 200
    assert event.hash in page.content.decode()
    assert (
        root_client.post(_url(AuditEvent, "change", event.pk), {"reason": "x"}).status_code == 403
    )
    assert root_client.get(_url(AuditEvent, "delete", event.pk)).status_code == 403
    assert (
        root_client.post(_url(AuditEvent, "delete", event.pk), {"post": "yes"}).status_code == 403
    )
    event.refresh_from_db()
    assert (event.action, event.reason, event.hash) == before


def test_audit_events_are_shown_to_superusers_only(
    client: Client, django_user_model: Any, ua: Any
) -> None:
    staff = django_user_model.objects.create_user(
        username="staff", password="x-unused-x-staff", is_staff=True
    )
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="core"))
    client.force_login(staff)
    assert client.get(_url(AuditEvent, "changelist")).status_code == 403
    assert "auditevent" not in client.get(reverse("admin:index")).content.decode()


def test_no_admin_form_offers_a_whole_registry_table_as_a_select(superuser: Any) -> None:
    # With 100,000 facilities a plain <select> would make every form unusable.
    request = _request_as(superuser)
    for model, model_admin in _medinfra_admins():
        if not model_admin.has_add_permission(request):
            continue
        for name, field in model_admin.get_form(request, None).base_fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                continue
            if hasattr(queryset.model, "all_objects") or queryset.model._meta.label in {
                "geography.Region"
            }:
                widget = getattr(field.widget, "widget", field.widget)
                assert isinstance(widget, AutocompleteMixin | ForeignKeyRawIdWidget), (model, name)


def test_audit_trail_lists_events_by_kind_of_record_newest_first(root_client: Client) -> None:
    response = root_client.get(_url(AuditEvent, "changelist"), {"model": "geography.region"})
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown
    assert {event.model for event in shown} == {"geography.region"}
    assert [event.pk for event in shown] == sorted((event.pk for event in shown), reverse=True)
