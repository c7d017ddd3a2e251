from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "medinfra.incidents"
    label = "incidents"
    verbose_name = "Incidents"
