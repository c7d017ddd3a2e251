"""The `medinfra` console command: Django's management commands plus the project's own."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command, e.g. `medinfra demo` or `medinfra bulletin --lang en`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medinfra.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["medinfra", *argv])
    args[0] = "medinfra"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
