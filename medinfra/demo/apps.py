from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "medinfra.demo"
    label = "demo"
    verbose_name = "Demo data"
