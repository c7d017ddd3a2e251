from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "medinfra.exchange"
    label = "exchange"
    verbose_name = "Imports and exports"
