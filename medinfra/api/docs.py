"""The interactive API docs (Swagger UI), with its scripts and styles served by the API itself.

Ninja's own docs page loads them from a CDN unless ninja is an installed app; a registry that
must work offline and on poor connections serves the copies that ship inside django-ninja.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import ninja
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

ASSETS = Path(ninja.__file__).resolve().parent / "static" / "ninja"
AssetName = Literal[
    "swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png", "favicon.svg"
]
ASSET_URL_NAME = "docs_asset"


class LocalSwagger(DocsBase):
    """Swagger UI whose assets come from this server, never from a CDN."""

    settings: dict[str, Any] = {"layout": "BaseLayout", "deepLinking": True}

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        def asset(name: str) -> str:
            return reverse(
                f"{api.urls_namespace}:{ASSET_URL_NAME}", kwargs={**kwargs, "name": name}
            )

        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {
            "api": api,
            "swagger_settings": json.dumps(settings),
            "css": asset("swagger-ui.css"),
            "bundle": asset("swagger-ui-bundle.js"),
            "init": asset("swagger-ui-init.js"),
            "favicon_svg": asset("favicon.svg"),
            "favicon_png": asset("favicon.png"),
        }
        return render(request, "api/docs.html", context)


def asset_response(name: str) -> FileResponse:
    """One of Swagger UI's files, from the copy inside the installed django-ninja."""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((ASSETS / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response
