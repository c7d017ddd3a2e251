from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "medinfra.evidence"
    label = "evidence"
    verbose_name = "Evidence"
