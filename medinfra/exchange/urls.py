from django.urls import path

from medinfra.exchange import views

app_name = "exchange"
urlpatterns = [
    path("data/", views.downloads, name="downloads"),
    path("data/licence/", views.licence, name="licence"),
    path("data/<slug:kind>.dictionary.csv", views.dictionary, name="dictionary"),
    path("data/<slug:kind>.<str:fmt>", views.download, name="download"),
    path("imports/", views.import_list, name="imports"),
    path("imports/<int:run_id>/", views.import_run, name="run"),
    path("imports/<int:run_id>/mapping/", views.import_mapping, name="mapping"),
    path("imports/<int:run_id>/apply/", views.import_apply, name="apply"),
    path("imports/<int:run_id>/progress.json", views.import_progress, name="progress"),
]
