"""WSGI entry point for gunicorn and `medinfra serve`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medinfra.settings")
application = get_wsgi_application()
