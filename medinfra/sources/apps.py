from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "medinfra.sources"
    label = "sources"
    verbose_name = "Sources"
