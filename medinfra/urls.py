"""Site URLs: the public dashboard, the staff admin and language switching."""

from django.contrib import admin
from django.urls import include, path

from medinfra.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("medinfra.core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("recovery/", include("medinfra.recovery.urls")),
    path("partnerships/", include("medinfra.partnerships.urls")),
    path("figures/", include("medinfra.figures.urls")),
    path("reports/", include("medinfra.reporting.urls")),
    path("occupied/", include("medinfra.occupied.urls")),
    path("evidence/", include("medinfra.evidence.urls")),
    path("", include("medinfra.exchange.urls")),
    path("", include("medinfra.dashboard.urls")),
]
