"""The recovery pages: public reads in two languages, bad input answered, coordinators' entries."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medinfra.core.models import AuditEvent
from medinfra.recovery.models import (
    CurrencyRate,
    Funding,
    Partner,
    PopulationServed,
    PriorityWeights,
    RecoveryProject,
)
from medinfra.recovery.services import change_stage

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def plan(
    make_project: Callable,
    make_partner: Callable,
    make_rate: Callable,
    fund: Callable,
    move: Callable,
    make_facility: Callable,
    assess: Callable,
    actor: Any,
) -> dict[str, Any]:
    """A small recovery plan: two projects, funding in two currencies, a damaged hospital."""
    make_rate("EUR", D(2023, 1, 1), "0.9")
    make_rate("UAH", D(2023, 1, 1), "40")
    hospital = make_facility(region="UA-63", kind="hospital", name_en="Marker hospital")
    assess(hospital, D(2022, 5, 1), "destroyed", "none")
    partner = make_partner(name_en="Marker Fund", country="NO")
    project = make_project(
        title_en="Rebuild the marker hospital",
        facility=hospital,
        cost_estimate=Decimal("900000"),
        currency="EUR",
        estimated_on=D(2023, 2, 1),
        scope="rebuild",
    )
    change_stage(project, actor=actor, stage="assessed", on=D(2023, 3, 1), note="MARKER-note")
    fund(project, partner, "450000", "EUR", D(2023, 4, 1))
    fund(project, partner, "100000", "EUR", D(2023, 5, 1), kind="disbursement")
    other = make_project(title_en="Monitoring in Donetsk", region="UA-14", block=1)
    return {"hospital": hospital, "partner": partner, "project": project, "other": other}


def _signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


PUBLIC_PAGES = [
    ("recovery:overview", {}),
    ("recovery:projects", {}),
    ("recovery:partners", {}),
    ("recovery:matrix", {}),
    ("recovery:needs", {}),
    ("recovery:priorities", {}),
    ("recovery:rates", {}),
]


@pytest.mark.parametrize("language", ["uk", "en"])
@pytest.mark.parametrize(("name", "kwargs"), PUBLIC_PAGES)
def test_public_pages_answer_in_both_languages(
    client: Client, plan: dict[str, Any], name: str, kwargs: dict[str, Any], language: str
) -> None:
    client.cookies["django_language"] = language

    response = client.get(reverse(name, kwargs=kwargs))

    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()


def test_overview_shows_the_figures_in_dollars(client: Client, plan: dict[str, Any]) -> None:
    client.cookies["django_language"] = "en"

    text = client.get(reverse("recovery:overview")).content.decode()

    # 900,000 EUR at 0.9 = 1,000,000 USD; 450,000 EUR committed = 500,000 USD; gap 500,000.
    assert "USD&nbsp;1,000,000" in text
    assert "USD&nbsp;500,000" in text
    assert "Projects by stage" in text


def test_overview_in_ukrainian_is_translated(client: Client, plan: dict[str, Any]) -> None:
    client.cookies["django_language"] = "uk"

    text = client.get(reverse("recovery:overview")).content.decode()

    assert "Проєкти за етапами" in text


def test_project_page_shows_dated_stages_and_funding_but_never_the_staff_note(
    client: Client, plan: dict[str, Any]
) -> None:
    client.cookies["django_language"] = "en"
    project = plan["project"]

    text = client.get(reverse("recovery:project", args=[project.pk])).content.decode()

    assert "Rebuild the marker hospital" in text
    assert "Marker Fund" in text
    assert "March 1, 2023" in text  # the dated stage change
    assert "MARKER-note" not in text


def test_partner_page_lists_its_projects(client: Client, plan: dict[str, Any]) -> None:
    client.cookies["django_language"] = "en"

    text = client.get(reverse("recovery:partner", args=[plan["partner"].pk])).content.decode()

    assert "Rebuild the marker hospital" in text


def test_matrix_shows_the_partner_in_its_region_and_block(
    client: Client, plan: dict[str, Any]
) -> None:
    client.cookies["django_language"] = "en"

    text = client.get(reverse("recovery:matrix")).content.decode()

    assert "Marker Fund" in text and "Kharkiv" in text
    assert "B2: 1 project" in text


def test_unknown_or_retracted_records_are_not_found(
    client: Client, plan: dict[str, Any], actor: Any
) -> None:
    from medinfra.core.services import retract_record

    retract_record(plan["other"], actor=actor, reason="duplicate")

    assert client.get(reverse("recovery:project", args=[plan["other"].pk])).status_code == 404
    assert client.get(reverse("recovery:project", args=[999999])).status_code == 404
    assert client.get(reverse("recovery:partner", args=[999999])).status_code == 404
    assert client.get(reverse("recovery:priority", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    ("name", "query", "field"),
    [
        ("recovery:overview", "as_of=yesterday", "as_of"),
        ("recovery:overview", "as_of=2999-01-01", "as_of"),
        ("recovery:projects", "block=9", "block"),
        ("recovery:projects", "region=XX-99", "region"),
        ("recovery:projects", "stage=finished", "stage"),
        ("recovery:projects", "page=0", "page"),
        ("recovery:projects", "page=abc", "page"),
        ("recovery:matrix", "block=x", "block"),
        ("recovery:needs", "as_of=2023-02-30", "as_of"),
        ("recovery:priorities", "kind=castle", "kind"),
        ("recovery:priorities", "region=UA-999", "region"),
        ("recovery:partners", "as_of=%00", "as_of"),
    ],
)
def test_bad_query_strings_are_answered_with_the_field_named(
    client: Client, plan: dict[str, Any], name: str, query: str, field: str
) -> None:
    response = client.get(f"{reverse(name)}?{query}")

    assert response.status_code == 400
    assert f"<code>{field}</code>" in response.content.decode()


def test_a_page_beyond_the_last_is_not_found(client: Client, plan: dict[str, Any]) -> None:
    assert client.get(reverse("recovery:projects") + "?page=5").status_code == 404


def test_filters_narrow_the_projects(client: Client, plan: dict[str, Any]) -> None:
    client.cookies["django_language"] = "en"

    text = client.get(reverse("recovery:projects") + "?region=UA-14&block=1").content.decode()

    assert "Monitoring in Donetsk" in text and "Rebuild the marker hospital" not in text


def test_amounts_without_a_rate_are_named_on_the_page_not_a_server_error(
    client: Client, plan: dict[str, Any], fund: Callable
) -> None:
    client.cookies["django_language"] = "en"
    fund(plan["project"], plan["partner"], "1000", "GBP", D(2023, 6, 1))

    for name in ("recovery:overview", "recovery:projects", "recovery:matrix", "recovery:partners"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert "no exchange rate for GBP on or before 2023-06-01" in response.content.decode()


# -- the converter --------------------------------------------------------------------------


def test_the_converter_uses_the_rate_of_the_day(client: Client, plan: dict[str, Any]) -> None:
    client.cookies["django_language"] = "en"

    text = client.get(
        reverse("recovery:rates") + "?amount=90&currency=eur&on=2024-01-01"
    ).content.decode()

    assert "USD&nbsp;100.00" in text and "UAH&nbsp;4,000.00" in text


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("amount=90&currency=GBP&on=2024-01-01", "currency", "GBP on or before 2024-01-01"),
        ("amount=90&currency=EUR&on=2022-12-31", "currency", "EUR on or before 2022-12-31"),
        ("amount=ninety&currency=EUR&on=2024-01-01", "amount", ""),
        ("amount=90&currency=EURO&on=2024-01-01", "currency", ""),
        ("amount=90&currency=EUR&on=someday", "on", ""),
    ],
)
def test_the_converter_names_what_is_wrong(
    client: Client, plan: dict[str, Any], query: str, field: str, words: str
) -> None:
    client.cookies["django_language"] = "en"

    response = client.get(reverse("recovery:rates") + "?" + query)

    text = response.content.decode()
    assert response.status_code == 400
    assert f"<code>{field}</code>" in text and words in text


# -- who may write --------------------------------------------------------------------------

ENTRY_PAGES = ["recovery:project_new", "recovery:partner_new"]


@pytest.mark.parametrize("name", ENTRY_PAGES)
def test_entry_pages_send_visitors_to_sign_in_and_refuse_users_without_the_role(
    client: Client, ua: Any, reporter: Any, name: str
) -> None:
    anonymous = client.get(reverse(name))
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]

    refused = _signed_in(client, reporter).get(reverse(name))

    assert refused.status_code == 403


def test_the_staff_flag_alone_does_not_make_a_coordinator(
    client: Client, ua: Any, django_user_model: Any
) -> None:
    staff = django_user_model.objects.create_user(username="staff", password="x-1", is_staff=True)

    assert _signed_in(client, staff).get(reverse("recovery:project_new")).status_code == 403


def test_stage_and_funding_pages_need_the_role_too(
    client: Client, plan: dict[str, Any], reporter: Any
) -> None:
    project = plan["project"]
    for name in ("recovery:project_stage", "recovery:project_funding"):
        assert client.get(reverse(name, args=[project.pk])).status_code == 302
        assert client.post(reverse(name, args=[project.pk]), {}).status_code == 302
    _signed_in(client, reporter)
    for name in ("recovery:project_stage", "recovery:project_funding"):
        assert client.post(reverse(name, args=[project.pk]), {}).status_code == 403


def test_a_coordinator_adds_a_project_at_its_first_stage(
    client: Client, plan: dict[str, Any], coordinator: Any
) -> None:
    response = _signed_in(client, coordinator).post(
        reverse("recovery:project_new"),
        {
            "title_en": "Equip the new wing",
            "facility": plan["hospital"].pk,
            "region": "",
            "block": "3",
            "scope": "equipment",
            "stage": "idea",
            "stage_since": "",
            "cost_estimate": "120000",
            "currency": "usd",
            "estimated_on": "2024-01-01",
            "priority": "2",
        },
    )

    created = RecoveryProject.objects.get(title_en="Equip the new wing")
    assert response.status_code == 302
    assert response["Location"] == reverse("recovery:project", args=[created.pk])
    assert (created.region.code, created.currency, created.stage_since) == (
        "UA-63",
        "USD",
        timezone.localdate(),
    )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"facility": "999999"}, "facility"),
        ({"region": "UA-00"}, "region"),
        ({"block": "4"}, "block"),
        ({"cost_estimate": "-1"}, "cost_estimate"),
        ({"cost_estimate": "100", "currency": "", "estimated_on": "2024-01-01"}, "currency"),
        ({"cost_estimate": "100", "currency": "USD", "estimated_on": "2999-01-01"}, "estimated_on"),
        ({"stage": "completed"}, "stage_since"),
        ({"stage_since": "2999-01-01"}, "stage_since"),
        ({"title_en": ""}, "title_en"),
        ({"priority": "9"}, "priority"),
    ],
)
def test_a_bad_project_is_refused_with_the_field_named_and_nothing_saved(
    client: Client, ua: Any, coordinator: Any, values: dict[str, str], field: str
) -> None:
    data = {"title_en": "X", "region": "UA-63", "block": "2", "stage": "idea", "priority": "3"}
    data.update(values)

    response = _signed_in(client, coordinator).post(reverse("recovery:project_new"), data)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not RecoveryProject.all_objects.exists()


def test_a_coordinator_moves_a_project_on_and_completion_needs_a_date(
    client: Client, plan: dict[str, Any], coordinator: Any, actor: Any
) -> None:
    project = plan["project"]
    for stage in ("designed", "funded", "in_progress"):
        change_stage(project, actor=actor, stage=stage, on=D(2023, 6, 1))
    _signed_in(client, coordinator)
    url = reverse("recovery:project_stage", args=[project.pk])

    undated = client.post(url, {"stage": "completed", "on": ""})
    skipped = client.post(url, {"stage": "assessed", "on": "2024-01-01"})
    done = client.post(url, {"stage": "completed", "on": "2024-01-01"})

    assert undated.status_code == 400 and "on" in undated.context["form"].errors
    assert skipped.status_code == 400 and "stage" in skipped.context["form"].errors
    assert done.status_code == 302
    project.refresh_from_db()
    assert (project.stage, project.stage_since) == ("completed", D(2024, 1, 1))


def test_a_stale_stage_form_is_refused(
    client: Client, plan: dict[str, Any], coordinator: Any
) -> None:
    project = plan["project"]
    client.cookies["django_language"] = "en"
    response = _signed_in(client, coordinator).post(
        reverse("recovery:project_stage", args=[project.pk]),
        {"stage": "designed", "on": "2024-01-01", "expected_version": "1"},
    )

    assert response.status_code == 400
    assert "changed by someone else" in str(response.context["form"].non_field_errors())


def test_a_coordinator_records_funding_and_bad_funding_names_the_field(
    client: Client, plan: dict[str, Any], coordinator: Any
) -> None:
    project, partner = plan["project"], plan["partner"]
    url = reverse("recovery:project_funding", args=[project.pk])
    _signed_in(client, coordinator)
    good = {
        "partner": partner.pk,
        "kind": "disbursement",
        "amount": "5000",
        "currency": "EUR",
        "on": "2024-01-01",
    }
    before = Funding.objects.count()

    bad_currency = client.post(url, {**good, "currency": "EURO"})
    bad_amount = client.post(url, {**good, "amount": "0"})
    future = client.post(url, {**good, "on": "2999-01-01"})
    done = client.post(url, good)

    assert bad_currency.status_code == 400 and "currency" in bad_currency.context["form"].errors
    assert bad_amount.status_code == 400 and "amount" in bad_amount.context["form"].errors
    assert future.status_code == 400 and "on" in future.context["form"].errors
    assert done.status_code == 302
    assert Funding.objects.count() == before + 1


def test_a_coordinator_adds_a_partner(client: Client, ua: Any, coordinator: Any) -> None:
    _signed_in(client, coordinator)

    bad = client.post(
        reverse("recovery:partner_new"), {"name_en": "X", "kind": "donor", "country": "1"}
    )
    done = client.post(
        reverse("recovery:partner_new"), {"name_en": "New Fund", "kind": "donor", "country": "se"}
    )

    assert bad.status_code == 400 and "country" in bad.context["form"].errors
    assert done.status_code == 302
    assert Partner.objects.get(name_en="New Fund").country == "SE"


def test_a_coordinator_adds_a_rate_and_a_duplicate_names_the_day(
    client: Client, plan: dict[str, Any], coordinator: Any, reporter: Any
) -> None:
    refused = _signed_in(client, reporter).post(
        reverse("recovery:rates"), {"currency": "PLN", "valid_from": "2024-01-01", "per_usd": "4"}
    )
    assert refused.status_code == 403
    _signed_in(client, coordinator)

    done = client.post(
        reverse("recovery:rates"), {"currency": "pln", "valid_from": "2024-01-01", "per_usd": "4"}
    )
    twice = client.post(
        reverse("recovery:rates"), {"currency": "PLN", "valid_from": "2024-01-01", "per_usd": "4.1"}
    )

    assert done.status_code == 302
    assert twice.status_code == 400 and "valid_from" in twice.context["form"].errors
    assert CurrencyRate.objects.filter(currency="PLN").count() == 1


# -- priorities -----------------------------------------------------------------------------


def _ranked_names(text: str) -> list[str]:
    return re.findall(r'<a href="/recovery/priorities/\d+/">([^<]+)</a>', text)


def test_the_ranking_shows_every_part_of_each_score(client: Client, plan: dict[str, Any]) -> None:
    client.cookies["django_language"] = "en"

    text = client.get(reverse("recovery:priorities")).content.decode()

    assert _ranked_names(text) == ["Marker hospital"]
    for part in ("damage", "facility type and services", "population served", "back in operation"):
        assert part in text
    assert "100.0" in text


def test_a_coordinator_changes_the_weights_and_the_ranking_follows(
    client: Client,
    ua: Any,
    coordinator: Any,
    make_facility: Callable,
    assess: Callable,
) -> None:
    clinic = make_facility(kind="outpatient_clinic", name_en="Clinic destroyed")
    hospital = make_facility(kind="hospital", name_en="Hospital damaged")
    assess(clinic, D(2022, 5, 1), "destroyed", "none")
    assess(hospital, D(2022, 5, 1), "partial", "none")
    _signed_in(client, coordinator)
    client.cookies["django_language"] = "en"
    url = reverse("recovery:priorities")
    weights = {
        "damage": "30",
        "services": "25",
        "population": "20",
        "operation": "15",
        "access": "10",
    }

    before = _ranked_names(client.get(url).content.decode())
    saved = client.post(
        url, {**weights, "damage": "0", "reason": "services first", "expected_version": "1"}
    )
    after = _ranked_names(client.get(url).content.decode())

    assert before == ["Clinic destroyed", "Hospital damaged"]
    assert saved.status_code == 302
    assert after == ["Hospital damaged", "Clinic destroyed"]
    assert AuditEvent.objects.get(model="recovery.priorityweights", action="update").reason == (
        "services first"
    )


@pytest.mark.parametrize(
    ("values", "field"),
    [({"damage": "-1"}, "damage"), ({"access": "1000"}, "access"), ({"services": "x"}, "services")],
)
def test_bad_weights_are_refused_on_the_page(
    client: Client, ua: Any, coordinator: Any, values: dict[str, str], field: str
) -> None:
    weights = {
        "damage": "30",
        "services": "25",
        "population": "20",
        "operation": "15",
        "access": "10",
    }

    response = _signed_in(client, coordinator).post(
        reverse("recovery:priorities"), {**weights, **values}
    )

    assert response.status_code == 400
    assert field in response.context["weights_form"].errors
    assert PriorityWeights.current().version == 1


def test_all_weights_zero_is_refused_on_the_page(client: Client, ua: Any, coordinator: Any) -> None:
    zero = dict.fromkeys(("damage", "services", "population", "operation", "access"), "0")

    response = _signed_in(client, coordinator).post(reverse("recovery:priorities"), zero)

    assert response.status_code == 400
    assert "damage" in response.context["weights_form"].errors


def test_weights_cannot_be_changed_by_visitors_or_other_roles(
    client: Client, ua: Any, reporter: Any
) -> None:
    weights = {
        "damage": "0",
        "services": "25",
        "population": "20",
        "operation": "15",
        "access": "10",
    }

    anonymous = client.post(reverse("recovery:priorities"), weights)
    refused = _signed_in(client, reporter).post(reverse("recovery:priorities"), weights)

    assert anonymous.status_code == 302 and refused.status_code == 403
    assert PriorityWeights.current().damage == 30
    assert "Save the weights" not in client.get(reverse("recovery:priorities")).content.decode()


def test_facility_score_page_explains_the_parts_and_takes_the_population(
    client: Client, plan: dict[str, Any], coordinator: Any
) -> None:
    hospital = plan["hospital"]
    url = reverse("recovery:priority", args=[hospital.pk])
    client.cookies["django_language"] = "en"

    public = client.get(url).content.decode()
    _signed_in(client, coordinator)
    bad = client.post(url, {"population": "0", "as_of": "2024-01-01"})
    done = client.post(url, {"population": "50000", "as_of": "2024-01-01"})
    after = client.get(url).content.decode()

    assert "not known" in public and "left out" in public
    assert bad.status_code == 400 and "population" in bad.context["form"].errors
    assert done.status_code == 302
    assert PopulationServed.objects.get(facility=hospital).population == 50000
    assert "50,000 people" in after


def test_a_facility_without_damage_has_no_score_page_figures(
    client: Client, ua: Any, make_facility: Callable
) -> None:
    client.cookies["django_language"] = "en"
    facility = make_facility()

    response = client.get(reverse("recovery:priority", args=[facility.pk]))

    assert response.status_code == 200
    assert "no priority score" in response.content.decode()


def test_numbers_too_large_for_the_database_find_nothing_instead_of_failing(
    client: Client, plan: dict[str, Any], coordinator: Any
) -> None:
    huge = 10**30

    assert client.get(f"/recovery/projects/{huge}/").status_code == 404
    assert client.get(f"/recovery/priorities/{huge}/").status_code == 404
    assert client.get(f"/recovery/partners/{huge}/").status_code == 404
    response = _signed_in(client, coordinator).post(
        reverse("recovery:project_new"),
        {"title_en": "X", "facility": str(huge), "block": "2", "stage": "idea", "priority": "3"},
    )
    assert response.status_code == 400 and "facility" in response.context["form"].errors


def test_service_messages_on_forms_are_in_the_page_language(
    client: Client, plan: dict[str, Any], coordinator: Any, actor: Any
) -> None:
    project = plan["project"]
    for stage in ("designed", "funded", "in_progress"):
        change_stage(project, actor=actor, stage=stage, on=D(2023, 6, 1))
    client.cookies["django_language"] = "uk"

    response = _signed_in(client, coordinator).post(
        reverse("recovery:project_stage", args=[project.pk]),
        {"stage": "completed", "on": "2023-05-01"},
    )

    assert response.status_code == 400
    assert "2023-06-01" in response.content.decode()
    assert "Проєкт досяг поточного етапу" in response.content.decode()
