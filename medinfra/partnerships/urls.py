"""URLs of the partnership pages, under /partnerships/."""

from django.urls import path

from medinfra.partnerships import views

app_name = "partnerships"
urlpatterns = [
    path("", views.agreements, name="agreements"),
    path("new/", views.agreement_new, name="agreement_new"),
    path("<int:pk>/", views.agreement, name="agreement"),
    path("<int:pk>/status/", views.agreement_status, name="agreement_status"),
]
