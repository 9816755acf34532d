"""WSGI entry point (gunicorn lanekassen_ai.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lanekassen_ai.settings.local")

application = get_wsgi_application()

# Import the URLconf (and with it every view module, scikit-learn and SciPy) now, not in
# the first request a worker serves: with `gunicorn --preload` once in the master, shared
# by the workers; without it, at each worker's start rather than in a customer's reply.
get_resolver().url_patterns  # noqa: B018
