from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "medinfra.facilities"
    label = "facilities"
    verbose_name = "Facilities"
