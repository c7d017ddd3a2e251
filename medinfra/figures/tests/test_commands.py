"""`medinfra figures extract FILE` prints the candidate figures of a text as JSON."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError

from medinfra.figures.extraction import JSON_KEYS

pytestmark = pytest.mark.django_db
TEXT_EN = (
    "As of 1 May 2024, over 2,300 medical facilities had been damaged or destroyed. "
    "In Kharkiv Oblast, 12 ambulances were seized. Call +380 44 123 45 67."
)
TEXT_UK = "Станом на 1 травня 2024 року на Херсонщині зруйновано майже півтори тисячі закладів."


def extract(*args: str) -> list[dict[str, Any]]:
    out = StringIO()
    call_command("figures", "extract", *args, stdout=out)
    result: list[dict[str, Any]] = json.loads(out.getvalue())
    return result


def write(tmp_path: Path, text: str | bytes) -> str:
    path = tmp_path / "text.txt"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def test_extract_prints_a_json_list_with_the_documented_keys(tmp_path: Path, ua: Any) -> None:
    printed = extract(write(tmp_path, TEXT_EN))
    assert [tuple(item) for item in printed] == [JSON_KEYS, JSON_KEYS]
    assert printed == [
        {
            "metric": "facilities_damaged_or_destroyed",
            "value": 2300,
            "qualifier": "at_least",
            "region": None,
            "country": "UA",
            "as_of": "2024-05-01",
            "span": "over 2,300 medical facilities had been damaged or destroyed",
        },
        {
            "metric": "ambulances_seized",
            "value": 12,
            "qualifier": "exact",
            "region": "UA-63",
            "country": "UA",
            "as_of": None,
            "span": "12 ambulances were seized",
        },
    ]


def test_the_date_option_dates_figures_the_text_does_not(tmp_path: Path, ua: Any) -> None:
    printed = extract(write(tmp_path, TEXT_EN), "--date", "2024-05-03")
    assert [item["as_of"] for item in printed] == ["2024-05-01", "2024-05-03"]


def test_a_ukrainian_text_is_read_with_the_lang_option(tmp_path: Path, ua: Any) -> None:
    [item] = extract(write(tmp_path, TEXT_UK), "--lang", "uk")
    assert (item["metric"], item["value"], item["qualifier"], item["region"]) == (
        "facilities_destroyed",
        1500,
        "almost",
        "UA-65",
    )


def test_the_packaged_regions_serve_when_the_database_cannot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from medinfra.geography.models import Region

    def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("no such table: geography_region")

    monkeypatch.setattr(Region.objects, "select_related", unavailable)
    [item] = extract(write(tmp_path, TEXT_UK))
    assert item["region"] == "UA-65"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.txt"], "FILE: no such file"),
        (["{file}", "--date", "2024-13-01"], "--date: '2024-13-01' is not a date"),
        (["{file}", "--country", "Ukraine"], "--country:"),
    ],
)
def test_bad_arguments_are_named(tmp_path: Path, ua: Any, args: list[str], message: str) -> None:
    path = write(tmp_path, TEXT_EN)
    with pytest.raises(CommandError, match=message):
        extract(*[a.replace("{file}", path) for a in args])


def test_a_file_that_is_not_utf8_text_is_refused(tmp_path: Path, ua: Any) -> None:
    with pytest.raises(CommandError, match=r"FILE: .* is not UTF-8 text"):
        extract(write(tmp_path, b"\xff\xfe\x00 broken"))
