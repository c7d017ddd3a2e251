from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_role_groups(sender: AppConfig, **kwargs: Any) -> None:
    from medinfra.core.roles import ensure_role_groups

    ensure_role_groups()


class CoreConfig(AppConfig):
    name = "medinfra.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from medinfra.core import auth, checks  # noqa: F401 - register checks and signals
        from medinfra.core.crypto import require_key_in_production

        # Names and contacts of persons are encrypted at rest: no key, no production start.
        require_key_in_production()
        # Every app's post-migrate: the groups get each app's permissions once they exist.
        post_migrate.connect(_create_role_groups, dispatch_uid="medinfra-role-groups")
