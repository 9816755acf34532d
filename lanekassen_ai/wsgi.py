"""WSGI entry point (gunicorn lanekassen_ai.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lanekassen_ai.settings.local")

application = get_wsgi_application()
