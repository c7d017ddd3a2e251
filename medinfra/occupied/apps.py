from django.apps import AppConfig


class OccupiedConfig(AppConfig):
    name = "medinfra.occupied"
    label = "occupied"
    verbose_name = "Occupied territory"
