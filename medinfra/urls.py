"""Site URLs: the public dashboard, the staff admin and language switching."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("medinfra.core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("medinfra.dashboard.urls")),
]
