from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class OccupiedConfig(AppConfig):
    name = "medinfra.occupied"
    label = "occupied"
    verbose_name = "Occupied territory"

    @property
    def staff_links(self) -> list[tuple[str, Any, tuple[Any, ...]]]:
        """The staff pages, for the staff menu (roles are read once the apps are loaded)."""
        from medinfra.core.roles import Role

        staff = (Role.REPORTER, Role.VERIFIER, Role.ADMINISTRATOR)
        return [
            ("occupied:events", gettext_lazy("Occupied territory: events"), staff),
            ("occupied:contacts", gettext_lazy("Occupied territory: contact log"), staff),
        ]
