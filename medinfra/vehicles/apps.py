from django.apps import AppConfig


class VehiclesConfig(AppConfig):
    name = "medinfra.vehicles"
    label = "vehicles"
    verbose_name = "Vehicles"
