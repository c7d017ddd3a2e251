from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "medinfra.reporting"
    label = "reporting"
    verbose_name = "Reporting"
