from django.urls import path

from medinfra.figures import views

app_name = "figures"
urlpatterns = [
    path("", views.index, name="index"),
    path("review/", views.review, name="review"),
    path("review/sources/<int:source_id>/", views.reviewed, name="reviewed"),
    path("<str:metric>/", views.metric, name="metric"),
]
