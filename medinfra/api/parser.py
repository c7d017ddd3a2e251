"""Reading request bodies and query strings, refusing text no database can store."""

from __future__ import annotations

import json
from typing import Any, cast

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser
from ninja.types import DictStrAny

from medinfra.core.errors import InvalidInput


def text_problem(value: str) -> str | None:
    """Why a text cannot be stored (NUL bytes, lone surrogates), or None when it can."""
    if "\x00" in value:
        return "Text may not contain NUL characters."
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "Text must be valid Unicode (it holds a lone surrogate)."
    return None


def _check(value: Any, field: str) -> None:
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise InvalidInput({field or "body": problem})
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key, field or "body")
            _check(item, f"{field}.{key}" if field else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{field}.{index}" if field else str(index))


class SafeParser(Parser):
    """JSON bodies and query strings, with every text checked before any handler sees it."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data = json.loads(request.body)
        _check(data, "")
        return cast(DictStrAny, data)

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> DictStrAny:
        for key, values in data.lists():
            _check(key, key)
            for value in values:
                _check(value, key)
        return super().parse_querydict(data, list_fields, request)
