"""The OpenAPI document, the interactive docs page (served without a CDN) and docs/api.md."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.test_authorization import WRITES

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_openapi_document_describes_every_operation_and_the_error_format(
    api: Api, db: None
) -> None:
    response = api.get("/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert schema["components"]["schemas"]["ErrorOut"]["required"] == ["errors"]
    for ops in schema["paths"].values():
        for method, op in ops.items():
            assert "422" in op["responses"] or not op.get("parameters"), op["operationId"]
            if method == "post":
                assert {"401", "403", "409", "422"} <= set(op["responses"])


def test_docs_page_loads_its_assets_from_this_server(api: Api, client: Any, db: None) -> None:
    page = api.get("/docs")

    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) == 5
    for url in assets:
        assert url.startswith("/api/v1/docs/assets/"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert b"".join(asset.streaming_content)
    assert '"url": "/api/v1/openapi.json"' in html
    assert "cdn" not in html.lower() and "https://" not in html


@pytest.mark.parametrize("name", ["../../settings.py", "redoc.standalone.js.map", "x.js"])
def test_docs_asset_route_serves_only_its_own_files(api: Api, db: None, name: str) -> None:
    assert api.get(f"/docs/assets/{name}").status_code in (404, 422)


def api_operations() -> dict[tuple[str, str], dict[str, Any]]:
    from medinfra.api.api import api

    schema = api.get_openapi_schema(path_prefix="")
    return {
        (method.upper(), "/" + path.lstrip("/")): op
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
    }


def documented() -> dict[tuple[str, str], list[str]]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0] in ("GET", "POST"):
            method, path, who, filters, orderings = cells
            rows[(method, path.strip("`"))] = [who, filters, orderings]
    return rows


def test_docs_list_every_operation_and_no_other() -> None:
    assert set(documented()) == set(api_operations())


@pytest.mark.parametrize("key", sorted(api_operations()), ids=lambda k: f"{k[0]} {k[1]}")
def test_docs_give_each_operation_its_role_filters_and_orderings(key: tuple[str, str]) -> None:
    op = api_operations()[key]
    who, filters, orderings = documented()[key]
    params = {p["name"]: p for p in op.get("parameters", []) if p["in"] == "query"}
    ordering = params.pop("ordering", None)
    params.pop("cursor", None)
    params.pop("limit", None)

    assert who == ("anyone" if key[0] == "GET" else WRITES[(key[0].lower(), key[1])])
    assert re.findall(r"`(\w+)`", filters) == list(params)
    if ordering is None:
        assert orderings == ""
    else:
        listed = re.findall(r"`(-?\w+)`", orderings)
        allowed = ordering["schema"]["enum"]
        assert listed[0] == ordering["schema"]["default"]
        assert sorted(n.lstrip("-") for n in listed) == sorted({n.lstrip("-") for n in allowed})
