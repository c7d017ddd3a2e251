from django.urls import path

from medinfra.dashboard.views import bulletin, downloads, lists, pages

app_name = "dashboard"
urlpatterns = [
    path("", pages.home, name="home"),
    path("regions/", pages.regions, name="regions"),
    path("regions/<str:code>/", pages.region, name="region"),
    path("facilities/", lists.facilities, name="facilities"),
    path("facilities/<int:pk>/", pages.facility, name="facility"),
    path("attacks/", lists.attacks, name="attacks"),
    path("vehicles/", lists.vehicles, name="vehicles"),
    path("about/", pages.about, name="about"),
    path("display/", pages.display, name="display"),
    path("charts/attacks-by-month.csv", downloads.attacks_csv, name="attacks_csv"),
    path("charts/damage-by-month.csv", downloads.damage_csv, name="damage_csv"),
    path("charts/regions.csv", downloads.regions_csv, name="regions_csv"),
    path("charts/reported-figures-by-month.csv", downloads.reported_csv, name="reported_csv"),
    path("bulletin.txt", bulletin, name="bulletin"),
]
