"""Errors that services raise; the API and pages map them to answers in one place each."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class InvalidInput(ValidationError):
    """Bad input: every message is keyed by the field it is about."""

    def __init__(self, errors: dict[str, str | list[str]]) -> None:
        super().__init__(dict(errors.items()))

    @classmethod
    def from_validation_error(cls, error: ValidationError) -> InvalidInput:
        return cls(dict(field_errors(error)))


class NotFound(Exception):
    """A record asked for by key does not exist (or is retracted)."""


class Conflict(Exception):
    """The write would undo somebody else's change, or break a rule about the record's state."""


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    """The messages of a validation error as {field: [message, ...]}."""
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for e in errs for m in e] for field, errs in error.error_dict.items()
        }
    return {"__all__": [str(m) for m in error.messages]}
