"""The role gate every staff page uses, and the staff menu built from the apps' links."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import translation

from medinfra.core.access import holds_any, role_required, staff_links_for
from medinfra.core.roles import Role, ensure_role_groups


@role_required(Role.VERIFIER, Role.ADMINISTRATOR)
def _verifiers_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("queue")


def _request(user: Any) -> HttpRequest:
    request = RequestFactory().get("/reports/review/?region=UA-63", HTTP_ACCEPT_LANGUAGE="en")
    request.user = user
    return request


def _grant(user: Any, role: Role) -> None:
    ensure_role_groups()
    user.groups.add(Group.objects.get(name=role.value))


def test_anonymous_visitors_are_sent_to_sign_in_and_come_back(db: None) -> None:
    response = _verifiers_page(_request(AnonymousUser()))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "next=/reports/review/%3Fregion%3DUA-63" in response["Location"]


def test_a_signed_in_person_without_the_role_is_refused_with_the_role_named(actor: Any) -> None:
    _grant(actor, Role.REPORTER)
    with translation.override("en"):
        response = _verifiers_page(_request(actor))
        response.render()  # type: ignore[attr-defined]
    assert response.status_code == 403
    assert "the role: verifier, administrator." in response.content.decode()
    with translation.override("uk"):
        response = _verifiers_page(_request(actor))
        response.render()  # type: ignore[attr-defined]
    assert "роллю: верифікатор, адміністратор." in response.content.decode()


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.ADMINISTRATOR])
def test_any_of_the_roles_opens_the_page(actor: Any, role: Role) -> None:
    _grant(actor, role)
    assert _verifiers_page(_request(actor)).content == b"queue"


def test_superusers_hold_every_role_and_inactive_accounts_none(actor: Any) -> None:
    actor.is_superuser = True
    actor.save()
    assert holds_any(actor, (Role.COORDINATOR,))
    actor.is_active = False
    actor.save()
    assert not holds_any(actor, (Role.COORDINATOR,))


def test_the_gate_needs_a_role() -> None:
    with pytest.raises(ValueError, match="at least one role"):
        role_required()


def test_the_staff_menu_shows_only_the_links_a_role_opens(actor: Any, settings: Any) -> None:
    from django.apps import apps

    config = apps.get_app_config("core")
    config.staff_links = [  # type: ignore[attr-defined]
        ("dashboard:home", "Overview for verifiers", (Role.VERIFIER,)),
        ("no-such-url", "Gone", (Role.VERIFIER,)),
    ]
    try:
        assert staff_links_for(AnonymousUser()) == []
        assert staff_links_for(actor) == []
        _grant(actor, Role.VERIFIER)
        links = staff_links_for(actor)
        assert ("/", "Overview for verifiers") in links
        assert all(label != "Gone" for _href, label in links)
    finally:
        del config.staff_links  # type: ignore[attr-defined]
