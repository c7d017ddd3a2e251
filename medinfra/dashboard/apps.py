from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "medinfra.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"
