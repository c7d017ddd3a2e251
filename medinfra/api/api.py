"""The REST API, version 1: composes the apps' routers under one error format and one docs page."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from medinfra.api.docs import ASSET_URL_NAME, AssetName, LocalSwagger, asset_response
from medinfra.api.errors import install_error_handlers
from medinfra.api.parser import SafeParser
from medinfra.api.schemas import ErrorOut
from medinfra.dashboard.api import router as figures_router
from medinfra.facilities.api import router as facilities_router
from medinfra.figures.api import router as reported_figures_router
from medinfra.geography.api import router as geography_router
from medinfra.incidents.api import router as incidents_router
from medinfra.partnerships.api import router as partnerships_router
from medinfra.recovery.api import router as recovery_router
from medinfra.sources.api import router as sources_router
from medinfra.vehicles.api import router as vehicles_router

DESCRIPTION = """\
Open data on war damage to health infrastructure and its recovery.

Reads are public and show public records only, in the same allow-list of fields as the public
pages. Writes need an API token (`Authorization: Bearer <token>`) of an account with the role
the operation names. Every error answers `{"errors": {"<field>": ["<message>", ...]}}`.
Lists are paged with an opaque `cursor`: pass each page's `next_cursor` back with the same
filters and ordering.
"""

ERROR_STATUSES = {
    400: "The body is not valid JSON",
    401: "No valid API token",
    403: "The token's account lacks the role",
    404: "No such public record",
    409: "The write conflicts with the record's state",
    422: "A parameter or a field of the body is wrong",
}


class MedinfraApi(NinjaAPI):
    """Ninja's API, with the error answers every operation can give written into its schema."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        ref_template = "#/components/schemas/{model}"
        error_schema = ErrorOut.model_json_schema(ref_template=ref_template)
        schema.setdefault("components", {}).setdefault("schemas", {})["ErrorOut"] = error_schema
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                codes = (
                    {422} if operation.get("parameters") or "requestBody" in operation else set()
                )
                if "{" in path:
                    codes.add(404)
                if "requestBody" in operation:
                    codes.add(400)
                if operation.get("security"):
                    codes |= {401, 403}
                if method == "post":
                    codes.add(409)
                responses = operation.setdefault("responses", {})
                for code in sorted(codes):
                    responses.setdefault(
                        code,
                        {
                            "description": ERROR_STATUSES[code],
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": ref_template.format(model="ErrorOut")}
                                }
                            },
                        },
                    )
        return schema


api = MedinfraApi(
    title="medinfra API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=SafeParser(),
)
install_error_handlers(api)

api.add_router("", geography_router)
api.add_router("", sources_router)
api.add_router("", facilities_router)
api.add_router("", incidents_router)
api.add_router("", vehicles_router)
api.add_router("", recovery_router)
api.add_router("", partnerships_router)
api.add_router("", figures_router)
api.add_router("", reported_figures_router)


@api.get("/docs/assets/{name}", include_in_schema=False, url_name=ASSET_URL_NAME)
def docs_asset(request: HttpRequest, name: AssetName) -> FileResponse:
    """A file of the docs page (Swagger UI's script, style or icon)."""
    return asset_response(name)
