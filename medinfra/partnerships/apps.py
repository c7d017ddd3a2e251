from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "medinfra.partnerships"
    label = "partnerships"
    verbose_name = "Partnerships"
