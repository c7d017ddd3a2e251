from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "medinfra.geography"
    label = "geography"
    verbose_name = "Geography"
