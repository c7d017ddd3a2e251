from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


def run_gunicorn(*, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the WSGI application under gunicorn until interrupted."""
    from gunicorn.app.base import BaseApplication

    from medinfra.wsgi import application

    class MedinfraServer(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("accesslog", None)
            self.cfg.set("timeout", 60)
            self.cfg.set("graceful_timeout", 10)
            self.cfg.set(
                "forwarded_allow_ips", os.environ.get("MEDINFRA_FORWARDED_ALLOW_IPS", "127.0.0.1")
            )

        def load(self) -> Any:
            return application

    MedinfraServer().run()


class Command(BaseCommand):
    help = "Serve medinfra under gunicorn (a real WSGI server), with static files from WhiteNoise."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("MEDINFRA_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("MEDINFRA_PORT", "8000"))
        )
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("MEDINFRA_WORKERS", "2"))
        )
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(
            f"medinfra serving on http://{options['host']}:{options['port']}/ "
            f"({settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})"
        )
        self.stdout.flush()
        run_gunicorn(
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            threads=options["threads"],
        )
