"""The recovery admin: partners, projects, stages, funding, rates and weights through services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medinfra.core.models import AuditEvent
from medinfra.geography.models import Region
from medinfra.recovery.models import (
    CurrencyRate,
    Funding,
    Partner,
    PopulationServed,
    PriorityWeights,
    RecoveryProject,
    StageChange,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def root_client(client: Client, django_user_model: Any, ua: Any) -> Client:
    client.force_login(
        django_user_model.objects.create_superuser(
            username="root", email="root@example.org", password="x-unused-x-root"
        )
    )
    client.cookies["django_language"] = "en"
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


def _no_inline_changes(*prefixes: str) -> dict[str, str]:
    """The management data of read-only inlines, as the admin's change form posts it."""
    data = {}
    for prefix in prefixes:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data


def _form_errors(response: Any) -> dict[str, Any]:
    return dict(response.context["adminform"].form.errors)


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
        "scope": "rebuild",
        "stage": "assessed",
        "stage_since": "2024-02-01",
        "cost_estimate": "2500000",
        "currency": "USD",
        "estimated_on": "2024-01-15",
        "priority": "1",
    }
    response = root_client.post(reverse("admin:recovery_recoveryproject_add"), project)
    assert response.status_code == 302, _form_errors(response)
    created = RecoveryProject.objects.get()
    assert (created.region.code, created.block, created.priority) == ("UA-14", 2, 1)
    assert created.stage_changes.get().to_stage == "assessed"
    funding = {
        "project": created.pk,
        "partner": partner.pk,
        "kind": "commitment",
        "amount": "1000000",
        "currency": "USD",
        "on": "2024-04-01",
    }
    response = root_client.post(reverse("admin:recovery_funding_add"), funding)
    assert response.status_code == 302, _form_errors(response)
    assert Funding.objects.get().partner == partner
    assert sorted(
        AuditEvent.objects.filter(action="create", model__startswith="recovery.").values_list(
            "model", flat=True
        )
    ) == [
        "recovery.funding",
        "recovery.partner",
        "recovery.recoveryproject",
        "recovery.stagechange",
    ]
    page = root_client.get(reverse("admin:recovery_recoveryproject_change", args=[created.pk]))
    assert [len(inline.formset.forms) for inline in page.context["inline_admin_formsets"]] == [1, 1]
    for obj in (partner, created, Funding.objects.get()):
        _pages_answer_200(root_client, obj)


def test_admin_project_cost_without_currency_or_date_shows_the_errors_on_those_fields(
    root_client: Client,
) -> None:
    project = {
        "title_en": "New clinic",
        "region": Region.objects.get(code="UA-63").pk,
        "facility": "",
        "block": "3",
        "scope": "",
        "stage": "idea",
        "cost_estimate": "100",
        "currency": "",
        "priority": "3",
    }
    response = root_client.post(reverse("admin:recovery_recoveryproject_add"), project)
    assert response.status_code == 200
    assert {"currency", "estimated_on"} <= set(_form_errors(response))
    assert not RecoveryProject.all_objects.exists()


def test_admin_project_entered_as_completed_without_its_date_is_refused_on_that_field(
    root_client: Client,
) -> None:
    project = {
        "title_en": "New clinic",
        "region": Region.objects.get(code="UA-63").pk,
        "block": "3",
        "stage": "completed",
        "priority": "3",
    }
    response = root_client.post(reverse("admin:recovery_recoveryproject_add"), project)
    assert response.status_code == 200
    assert "stage_since" in _form_errors(response)
    assert not RecoveryProject.all_objects.exists()


def test_admin_project_page_shows_the_stage_read_only_and_edits_the_rest(
    root_client: Client, make_project: Callable[..., Any]
) -> None:
    project = make_project(title_en="Old title")
    url = reverse("admin:recovery_recoveryproject_change", args=[project.pk])
    page = root_client.get(url)
    form = page.context["adminform"].form
    assert "stage" not in form.fields and "stage_since" not in form.fields
    data = {
        "title_en": "New title",
        "title_uk": "",
        "region": project.region_id,
        "facility": "",
        "block": "2",
        "scope": "repair",
        "priority": "2",
        "expected_version": form.fields["expected_version"].initial,
        **_no_inline_changes("stage_changes", "funding"),
    }
    response = root_client.post(url, data)
    assert response.status_code == 302, _form_errors(response)
    project.refresh_from_db()
    assert (project.title_en, project.scope, project.stage) == ("New title", "repair", "idea")


def test_admin_adds_a_stage_change_through_the_service_and_refuses_a_skipped_stage(
    root_client: Client, make_project: Callable[..., Any]
) -> None:
    project = make_project()
    add = reverse("admin:recovery_stagechange_add")

    skipped = root_client.post(
        add, {"project": project.pk, "to_stage": "funded", "on": "2024-01-01", "note": ""}
    )
    undated = root_client.post(add, {"project": project.pk, "to_stage": "assessed", "on": ""})
    done = root_client.post(
        add, {"project": project.pk, "to_stage": "assessed", "on": "2024-01-01", "note": "ok"}
    )

    assert skipped.status_code == 200
    assert "can move only to" in " ".join(_form_errors(skipped)["to_stage"])
    assert undated.status_code == 200 and "on" in _form_errors(undated)
    assert done.status_code == 302, _form_errors(done)
    project.refresh_from_db()
    assert project.stage == "assessed"
    change = StageChange.objects.get(project=project, to_stage="assessed")
    assert change.from_stage == "idea"
    page = root_client.get(reverse("admin:recovery_stagechange_change", args=[change.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    listing = root_client.get(reverse("admin:recovery_stagechange_changelist"))
    assert "retract_selected" not in str(listing.context.get("action_form") or "")


def test_admin_rate_table_is_written_through_the_service(root_client: Client) -> None:
    add = reverse("admin:recovery_currencyrate_add")
    done = root_client.post(add, {"currency": "eur", "valid_from": "2024-01-01", "per_usd": "0.91"})
    twice = root_client.post(add, {"currency": "EUR", "valid_from": "2024-01-01", "per_usd": "0.9"})
    usd = root_client.post(add, {"currency": "USD", "valid_from": "2024-01-01", "per_usd": "1"})

    assert done.status_code == 302
    rate = CurrencyRate.objects.get()
    assert rate.currency == "EUR"
    assert "valid_from" in _form_errors(twice)
    assert "currency" in _form_errors(usd)
    _pages_answer_200(root_client, rate)


def test_admin_changes_the_weights_through_the_service_with_the_reason(
    root_client: Client,
) -> None:
    add = reverse("admin:recovery_priorityweights_add")
    values = {"damage": "30", "services": "25", "population": "20", "operation": "15"}
    created = root_client.post(add, {**values, "access": "10", "reason": ""})
    assert created.status_code == 302, _form_errors(created)
    weights = PriorityWeights.objects.get()
    url = reverse("admin:recovery_priorityweights_change", args=[weights.pk])
    form = root_client.get(url).context["adminform"].form

    changed = root_client.post(
        url,
        {
            **values,
            "access": "40",
            "reason": "frontline first",
            "expected_version": form.fields["expected_version"].initial,
        },
    )
    stale = root_client.post(url, {**values, "access": "5", "reason": "", "expected_version": "1"})

    assert changed.status_code == 302, _form_errors(changed)
    assert PriorityWeights.current().access == 40
    event = AuditEvent.objects.filter(model="recovery.priorityweights", action="update").get()
    assert event.reason == "frontline first"
    assert stale.status_code == 200
    assert PriorityWeights.current().access == 40
    assert not root_client.get(reverse("admin:recovery_priorityweights_changelist")).context[
        "has_add_permission"
    ]


def test_admin_records_the_population_a_facility_serves(
    root_client: Client, make_facility: Callable[..., Any]
) -> None:
    facility = make_facility()
    response = root_client.post(
        reverse("admin:recovery_populationserved_add"),
        {"facility": facility.pk, "population": "25000", "as_of": "2024-01-01", "source": ""},
    )
    assert response.status_code == 302, _form_errors(response)
    assert PopulationServed.objects.get().population == 25000
