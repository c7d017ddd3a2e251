"""Who may open what: every page URL of the site for anonymous visitors and every role.

The table below is the access policy. A URL that is added without an entry here fails the
test, so nobody can add a staff page without saying who may open it. (The API has its own
matrix in tests/api/test_authorization.py; the admin is checked at the end.)
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from medinfra.core.roles import Role, grant
from tests.api.conftest import World
from tests.api.conftest import world as world

PUBLIC = "public"
R, V, C, A = Role.REPORTER, Role.VERIFIER, Role.COORDINATOR, Role.ADMINISTRATOR

ACCESS: dict[str, str | tuple[Role, ...]] = {
    "core:health": PUBLIC,
    "core:ready": PUBLIC,
    "set_language": PUBLIC,
    # the public dashboard and its downloads
    "dashboard:home": PUBLIC,
    "dashboard:regions": PUBLIC,
    "dashboard:region": PUBLIC,
    "dashboard:facilities": PUBLIC,
    "dashboard:facility": PUBLIC,
    "dashboard:attacks": PUBLIC,
    "dashboard:vehicles": PUBLIC,
    "dashboard:about": PUBLIC,
    "dashboard:display": PUBLIC,
    "dashboard:attacks_csv": PUBLIC,
    "dashboard:damage_csv": PUBLIC,
    "dashboard:regions_csv": PUBLIC,
    "dashboard:reported_csv": PUBLIC,
    "dashboard:bulletin": PUBLIC,
    # recovery and partnerships: public reading; entry forms for coordinators
    "recovery:overview": PUBLIC,
    "recovery:projects": PUBLIC,
    "recovery:project": PUBLIC,
    "recovery:partners": PUBLIC,
    "recovery:partner": PUBLIC,
    "recovery:matrix": PUBLIC,
    "recovery:needs": PUBLIC,
    "recovery:priorities": PUBLIC,
    "recovery:priority": PUBLIC,
    "recovery:rates": PUBLIC,
    "recovery:project_new": (C,),
    "recovery:project_stage": (C,),
    "recovery:project_funding": (C,),
    "recovery:partner_new": (C,),
    "partnerships:agreements": PUBLIC,
    "partnerships:agreement": PUBLIC,
    "partnerships:agreement_new": (C,),
    "partnerships:agreement_status": (C,),
    # reported figures: public ledger; the reviewer's desk for verifiers
    "figures:index": PUBLIC,
    "figures:metric": PUBLIC,
    "figures:review": (V, A),
    "figures:reviewed": (V, A),
    # open data: public downloads; imports for reporters and administrators
    "exchange:downloads": PUBLIC,
    "exchange:licence": PUBLIC,
    "exchange:dictionary": PUBLIC,
    "exchange:download": PUBLIC,
    "exchange:imports": (R, A),
    "exchange:run": (R, A),
    "exchange:mapping": (R, A),
    "exchange:apply": (R, A),
    "exchange:progress": (R, A),
    # reporters' forms and drafts; the verification queue
    "reporting:mine": (R,),
    "reporting:new": (R,),
    "reporting:autosave_new": (R,),
    "reporting:draft": (R,),
    "reporting:autosave": (R,),
    "reporting:discard": (R,),
    "reporting:reopen": (R,),
    "reporting:amend": (R,),
    "reporting:facilities": (R, V),
    "reporting:queue": (V,),
    "reporting:review": (V,),
    # occupied territory: counts in public; records and the contact log for staff roles
    "occupied:overview": PUBLIC,
    "occupied:events": (R, V, A),
    "occupied:event_new": (R, V, A),
    "occupied:event": (R, V, A),
    "occupied:event_review": (V, A),
    "occupied:contacts": (R, V, A),
    "occupied:contact_new": (R, V, A),
    "occupied:contact": (R, V, A),
    # evidence: listed for those who record; copies leave only to verifiers and administrators
    "evidence:index": (R, V, A),
    "evidence:incident": (R, V, A),
    "evidence:occupied_event": (R, V, A),
    "evidence:copy": (V, A),
    "evidence:retract": (V, A),
}

# Pages that, past the role gate, also check the record: a reporter sees the evidence of their
# own reports only. For these, a 403 to an allowed role is the record's rule, not the role's.
RECORD_CHECKED = {"evidence:incident", "evidence:occupied_event"}

CALLERS = ("anonymous", "staff_without_role", *(role.value for role in Role))


def page_urls() -> list[tuple[str, str]]:
    """(name, route) of every page: the API's routes and the admin's are checked elsewhere."""
    found: list[tuple[str, str]] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                if inner.startswith(("admin:", "api-v1:")):
                    continue
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                found.append((namespace + (pattern.name or "?"), prefix + str(pattern.pattern)))

    walk(get_resolver().url_patterns, "/", "")
    return found


def test_every_page_has_an_access_rule() -> None:
    names = {name for name, _route in page_urls()}
    assert names - set(ACCESS) == set(), "say in ACCESS who may open these pages"
    assert set(ACCESS) - names == set(), "these pages are gone: remove them from ACCESS"


def test_every_role_gated_view_declares_the_roles_the_table_gives() -> None:
    """Where a view carries the role gate, it lets in exactly the roles of the table."""
    from django.urls import resolve

    for name, route in page_urls():
        path = _fill(route, _placeholder_values())
        declared = getattr(resolve(path).func, "required_roles", None)
        if declared is not None:
            assert set(declared) == set(ACCESS[name]), name


def _placeholder_values() -> dict[str, str]:
    return {
        "code": "UA-63",
        "kind": "incidents",
        "fmt": "csv",
        "metric": "facilities_destroyed",
        "name": "x",
    }


def _fill(route: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(2)
        return values.get(name, "1")

    return re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


@pytest.fixture
def callers(db: None, django_user_model: Any) -> dict[str, Client]:
    clients = {"anonymous": Client(HTTP_ACCEPT_LANGUAGE="en")}
    staff = django_user_model.objects.create_user(username="staff-only", is_staff=True)
    clients["staff_without_role"] = Client(HTTP_ACCEPT_LANGUAGE="en")
    clients["staff_without_role"].force_login(staff)
    for role in Role:
        user = django_user_model.objects.create_user(username=f"{role.value}-user")
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(grant(user, role))
        clients[role.value] = client
    return clients


def _real_values(found: World) -> dict[str, str]:
    values = _placeholder_values()
    values.update(
        pk=str(found.kharkiv.pk),
        facility_id=str(found.kharkiv.pk),
        source_id=str(found.sources[0].pk),
    )
    return values


def _allowed(rule: str | tuple[Role, ...], caller: str) -> bool:
    if rule == PUBLIC:
        return True
    return caller in {role.value for role in rule}


@pytest.mark.parametrize("caller", CALLERS)
def test_each_page_answers_each_caller_as_its_rule_says(
    callers: dict[str, Client], world: World, caller: str
) -> None:
    client = callers[caller]
    values = _real_values(world)
    wrong: list[str] = []
    for name, route in page_urls():
        path = _fill(route, values)
        response = client.get(path)
        if response.status_code == 405:
            # A POST-only view: the rule holds for the POST (an empty form changes nothing).
            response = client.post(path, {})
        status = response.status_code
        to_sign_in = status == 302 and "/admin/login/" in response.get("Location", "")
        if status >= 500:
            wrong.append(f"{name} {path}: server error {status}")
        elif _allowed(ACCESS[name], caller):
            # Let through: the page, a redirect of its own, a missing record, or POST only.
            refused = status in (401, 403) and name not in RECORD_CHECKED
            if to_sign_in or refused:
                wrong.append(f"{name} {path}: {caller} was refused ({status})")
        elif caller == "anonymous":
            if not to_sign_in:
                wrong.append(f"{name} {path}: anonymous got {status}, not the sign-in page")
        elif status != 403:
            wrong.append(f"{name} {path}: {caller} got {status}, not 403")
    assert wrong == []


def test_pages_without_parameters_open_for_those_allowed(
    callers: dict[str, Client], ua: Any
) -> None:
    """Not only "not refused": the pages really answer (200; 405 when POST only; or their own
    redirect, as the language switch does)."""
    for name, route in page_urls():
        if "<" in route:
            continue
        rule = ACCESS[name]
        caller = "anonymous" if rule == PUBLIC else rule[0].value  # type: ignore[index]
        response = callers[caller].get(route)
        own_redirect = response.status_code == 302 and "/admin/login/" not in response["Location"]
        assert response.status_code in (200, 405) or own_redirect, (
            name,
            caller,
            response.status_code,
        )


@pytest.mark.parametrize("caller", CALLERS)
def test_the_admin_is_for_staff_accounts_only(
    callers: dict[str, Client], caller: str, django_user_model: Any
) -> None:
    response = callers[caller].get("/admin/")
    if caller == "staff_without_role":
        assert response.status_code == 200
    else:
        # A role alone does not open the admin: an administrator's account is also staff.
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


ADMIN_PAGES: dict[str, tuple[Role, ...]] = {
    "/admin/incidents/incident/add/": (R, A),
    "/admin/incidents/incident/": (R, V, C, A),
    "/admin/facilities/assessment/add/": (R, A),
    "/admin/recovery/recoveryproject/add/": (C, A),
    "/admin/partnerships/partnershipagreement/add/": (C, A),
    "/admin/figures/reportedfigure/add/": (V, A),
    "/admin/auth/user/": (A,),
    "/admin/geography/region/add/": (A,),
}


@pytest.mark.parametrize("role", list(Role))
def test_in_the_admin_a_staff_account_may_do_what_its_role_may(
    django_user_model: Any, ua: Any, role: Role
) -> None:
    user = django_user_model.objects.create_user(username=f"staff-{role.value}", is_staff=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(grant(user, role))
    for path, roles in ADMIN_PAGES.items():
        status = client.get(path).status_code
        assert status == (200 if role in roles else 403), (path, role.value, status)
