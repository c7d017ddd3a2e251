"""The one error format, {"errors": {field: [message, ...]}}, for every error the API answers.

Services raise the core errors; ninja raises its own for bad parameters and missing tokens.
Each is mapped to its HTTP status here and nowhere else.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from medinfra.core.errors import Conflict, InvalidInput, NotFound, field_errors

# Ninja types a handler by the one class it is registered for; each of ours is typed so too.
Handler = Callable[[HttpRequest, Any], HttpResponse]

NON_FIELD = "__all__"
BODY_PARAM = "payload"  # every operation names its JSON body parameter so


def error_body(errors: Mapping[str, Iterable[str]]) -> dict[str, dict[str, list[str]]]:
    """The answer's body: {"errors": {field: [message, ...]}}."""
    return {"errors": {field: [str(m) for m in messages] for field, messages in errors.items()}}


def _answer(
    api: NinjaAPI, request: HttpRequest, status: int, errors: Mapping[str, Iterable[str]]
) -> HttpResponse:
    return api.create_response(request, error_body(errors), status=status)


def _field_of(loc: Iterable[Any]) -> str:
    """The field an error is about: ('body', 'payload', 'attack_types', 0) -> 'attack_types.0'."""
    parts = [str(p) for p in loc]
    source, rest = (parts[0], parts[1:]) if parts else ("body", [])
    if source == "body" and rest[:1] == [BODY_PARAM]:
        rest = rest[1:]
    return ".".join(rest) or source


def validation_errors(errors: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Ninja's parameter errors keyed by the field they are about."""
    found: dict[str, list[str]] = {}
    for error in errors:
        found.setdefault(_field_of(error.get("loc", ())), []).append(str(error.get("msg", "")))
    return found


def _body_problem(exc: HttpError) -> dict[str, list[str]]:
    cause = exc.__cause__
    if isinstance(cause, ValidationError):
        return field_errors(cause)
    if isinstance(cause, json.JSONDecodeError):
        return {
            "body": [
                f"The body is not valid JSON: {cause.msg} at line {cause.lineno}, "
                f"column {cause.colno}."
            ]
        }
    return {"body": ["The body is not valid JSON: send one JSON object in UTF-8."]}


def install_error_handlers(api: NinjaAPI) -> None:
    """Answer every known error in the one format; anything else stays a server error."""

    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return _answer(api, request, 422, field_errors(exc))

    def bad_parameters(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return _answer(api, request, 422, validation_errors(exc.errors))

    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        message = str(exc) if isinstance(exc, NotFound) and str(exc) else "Not found."
        return _answer(api, request, 404, {NON_FIELD: [message]})

    def conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
        return _answer(api, request, 409, {NON_FIELD: [str(exc)]})

    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _answer(api, request, 403, {NON_FIELD: [str(exc) or "You may not do this."]})

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = _answer(
            api,
            request,
            401,
            {
                "authorization": [
                    "Send a valid API token of an active account: Authorization: Bearer <token>."
                ]
            },
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # Ninja raises 400 only when it cannot read the body; the cause says why.
        if exc.status_code == 400:
            problem = _body_problem(exc)
            status = 422 if isinstance(exc.__cause__, ValidationError) else 400
            return _answer(api, request, status, problem)
        return _answer(api, request, exc.status_code, {NON_FIELD: [str(exc)]})

    handlers: list[tuple[type[Exception], Handler]] = [
        (InvalidInput, invalid),
        (ValidationError, invalid),
        (NinjaValidationError, bad_parameters),
        (NotFound, not_found),
        (Http404, not_found),
        (Conflict, conflict),
        (PermissionDenied, forbidden),
        (AuthenticationError, unauthenticated),
        (HttpError, http_error),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
