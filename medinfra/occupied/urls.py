"""URLs of the occupied-territory pages, under /occupied/."""

from django.urls import path

from medinfra.occupied import views

app_name = "occupied"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("events/", views.events, name="events"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<int:pk>/", views.event, name="event"),
    path("events/<int:pk>/review/", views.event_review, name="event_review"),
    path("contacts/", views.contacts, name="contacts"),
    path("contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/<int:pk>/", views.contact, name="contact"),
]
