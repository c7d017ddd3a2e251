"""URLs of the evidence pages, under /evidence/ (staff only; files are never served)."""

from django.urls import path

from medinfra.evidence import views

app_name = "evidence"
urlpatterns = [
    path("", views.index, name="index"),
    path("incidents/<int:pk>/", views.incident_evidence, name="incident"),
    path("occupied-events/<int:pk>/", views.occupied_event_evidence, name="occupied_event"),
    path("files/<int:pk>/copy/", views.evidence_copy, name="copy"),
    path("files/<int:pk>/retract/", views.evidence_retract, name="retract"),
]
