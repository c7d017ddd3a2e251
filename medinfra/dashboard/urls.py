from django.urls import path

from medinfra.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("bulletin.txt", views.bulletin, name="bulletin"),
]
