from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "medinfra.figures"
    label = "figures"
    verbose_name = "Figures"
