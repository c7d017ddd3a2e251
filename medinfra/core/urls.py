from django.urls import path

from medinfra.core import views

app_name = "core"
urlpatterns = [
    path("healthz", views.health, name="health"),
    path("readyz", views.ready, name="ready"),
]
