from __future__ import annotations

import secrets
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from medinfra.demo.services import build_demo_dataset, has_registry_data, is_demo_loaded

ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "Create the database, load the regions and a synthetic demo data set, then serve "
        "medinfra on http://127.0.0.1:8000 with a one-time admin login."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Only load; do not serve.")
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if has_registry_data():
            raise CommandError(
                "This database holds registry data that is not synthetic: the "
                "demo loads only into an empty database (set DATABASE_URL or "
                "MEDINFRA_VAR_DIR to another one)."
            )
        if is_demo_loaded():
            self.stdout.write("Synthetic demo data already loaded.")
        else:
            self.stdout.write("Loading the synthetic demo data set (about a minute, once)...")
            self.stdout.flush()
            started = time.monotonic()
            summary = build_demo_dataset(seed=options["seed"])
            self.stdout.write(
                f"Loaded in {time.monotonic() - started:.0f} s: {summary.facilities} facilities, "
                f"{summary.assessments} assessments, {summary.restorations} restorations, "
                f"{summary.incidents} incidents, {summary.vehicles} vehicles, "
                f"{summary.projects} projects, {summary.agreements} agreements (all synthetic)."
            )
        if options["no_serve"]:
            self.stdout.write("Done. Start the server with: medinfra serve")
            return
        password = secrets.token_urlsafe(12)
        user_model = get_user_model()
        admin, _ = user_model.objects.get_or_create(
            username=ADMIN_USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        admin.is_staff = admin.is_superuser = admin.is_active = True
        admin.set_password(password)
        admin.save()
        self.stdout.write(
            f"One-time admin login: user {ADMIN_USERNAME!r}, password {password!r}"
            f" at http://{options['host']}:{options['port']}/admin/ "
            "(a new password is set at every start)"
        )
        call_command("serve", host=options["host"], port=options["port"])
