"""URLs of the recovery pages, under /recovery/."""

from django.urls import path

from medinfra.recovery import views

app_name = "recovery"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("projects/", views.projects, name="projects"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/stage/", views.project_stage, name="project_stage"),
    path("projects/<int:pk>/funding/", views.project_funding_new, name="project_funding"),
    path("partners/", views.partners, name="partners"),
    path("partners/new/", views.partner_new, name="partner_new"),
    path("partners/<int:pk>/", views.partner, name="partner"),
    path("who-does-what-where/", views.matrix, name="matrix"),
    path("needs/", views.needs, name="needs"),
    path("priorities/", views.priorities, name="priorities"),
    path("priorities/<int:facility_id>/", views.priority, name="priority"),
    path("rates/", views.rates, name="rates"),
]
