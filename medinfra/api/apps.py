from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "medinfra.api"
    label = "api"
    verbose_name = "API"
