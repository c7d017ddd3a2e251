"""Who may open a staff page: one decorator that every role-bound view uses.

Anonymous visitors are sent to the sign-in page; signed-in people without one of the
roles get 403 with a sentence saying which role the page needs. Superusers hold every
role (see ``has_role``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.response import TemplateResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from medinfra.core.roles import Role, has_role

View = Callable[..., HttpResponseBase]
StrOrPromise = str | Promise


def holds_any(user: Any, roles: tuple[Role, ...]) -> bool:
    """Whether a signed-in, active user holds at least one of the roles."""
    return any(has_role(user, role) for role in roles)


def role_required(*roles: Role) -> Callable[[View], View]:
    """Let a view through only for signed-in users holding one of ``roles``."""
    if not roles:
        raise ValueError("role_required needs at least one role")

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not holds_any(user, roles):
                return refusal(request, roles)
            return view(request, *args, **kwargs)

        guarded.required_roles = roles  # type: ignore[attr-defined]
        return guarded

    return decorate


def refusal(request: HttpRequest, roles: tuple[Role, ...]) -> HttpResponse:
    """The 403 page: which role(s) the page needs, in the reader's language."""
    names = ", ".join(str(ROLE_NAMES[role]) for role in roles)
    response = TemplateResponse(
        request,
        "403.html",
        {"message": _("This page is for people with the role: %(roles)s.") % {"roles": names}},
        status=403,
    )
    return response


def _role_names() -> dict[Role, StrOrPromise]:
    from django.utils.translation import gettext_lazy

    return {
        Role.REPORTER: gettext_lazy("reporter"),
        Role.VERIFIER: gettext_lazy("verifier"),
        Role.COORDINATOR: gettext_lazy("coordinator"),
        Role.ADMINISTRATOR: gettext_lazy("administrator"),
    }


ROLE_NAMES = _role_names()


# -- the staff menu ------------------------------------------------------------------------------
#
# An app lists its staff pages on its AppConfig as ``staff_links``: tuples of
# (URL name, label, roles). The menu shows a signed-in person the links their roles open.


def staff_links_for(user: Any) -> list[tuple[str, str]]:
    """(href, label) of every staff page the user may open, in app order."""
    from django.apps import apps
    from django.urls import NoReverseMatch, reverse

    if user is None or not user.is_authenticated:
        return []
    links: list[tuple[str, str]] = []
    for config in apps.get_app_configs():
        for url_name, label, roles in getattr(config, "staff_links", ()):
            if not holds_any(user, tuple(roles)):
                continue
            try:
                links.append((reverse(url_name), str(label)))
            except NoReverseMatch:
                continue
    return links
