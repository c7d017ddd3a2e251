from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class EvidenceConfig(AppConfig):
    name = "medinfra.evidence"
    label = "evidence"
    verbose_name = "Evidence"

    def ready(self) -> None:
        from medinfra.evidence import checks  # noqa: F401 - registers the storage check

    @property
    def staff_links(self) -> list[tuple[str, Any, tuple[Any, ...]]]:
        """The staff pages, for the staff menu (roles are read once the apps are loaded)."""
        from medinfra.core.roles import Role

        return [
            (
                "evidence:index",
                gettext_lazy("Evidence files"),
                (Role.REPORTER, Role.VERIFIER, Role.ADMINISTRATOR),
            ),
        ]
