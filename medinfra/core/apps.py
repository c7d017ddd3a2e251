from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "medinfra.core"
    label = "core"
    verbose_name = "Core"
