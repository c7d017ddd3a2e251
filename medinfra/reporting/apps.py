"""Reporters' web forms with server-side drafts, and the verifiers' queue."""

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "medinfra.reporting"
    label = "reporting"
    verbose_name = "Reporting"
    staff_links: list[tuple[str, Any, tuple[Any, ...]]] = []

    def ready(self) -> None:
        # The roles live beside Django's groups, which are importable only once apps are ready.
        from medinfra.core.roles import Role

        self.staff_links = [
            ("reporting:mine", _("Report"), (Role.REPORTER,)),
            ("reporting:queue", _("Verification queue"), (Role.VERIFIER,)),
        ]
