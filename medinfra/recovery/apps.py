from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    name = "medinfra.recovery"
    label = "recovery"
    verbose_name = "Recovery"
